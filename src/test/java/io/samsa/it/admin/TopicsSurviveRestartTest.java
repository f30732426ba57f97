package io.samsa.it.admin;

import io.samsa.partition.PartitionManager;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Topics, partitions, ids and configs are in the metadata log, so a broker restarted on the same data has them all. */
class TopicsSurviveRestartTest {
    private Path dataDir;

    @BeforeEach
    void createDataDir() throws Exception {
        dataDir = Files.createTempDirectory("samsa-restart-");
    }

    @AfterEach
    void deleteDataDir() {
        PartitionManager.deleteDirectory(dataDir);
    }

    private static Admin admin(EmbeddedBroker broker) {
        return Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()));
    }

    @Test
    void topicsPartitionCountsIdsAndConfigsSurviveARestart() throws Exception {
        Map<String, Object> settings = Map.of("num.partitions", "2");
        Uuid keptId;
        Uuid grownId;
        String clusterId;
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, settings); Admin admin = admin(broker)) {
            keptId = admin.createTopics(List.of(new NewTopic("kept", 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "compact")))).topicId("kept").get();
            grownId = admin.createTopics(List.of(new NewTopic("grown", 1, (short) 1))).topicId("grown").get();
            admin.createTopics(List.of(new NewTopic("removed", 1, (short) 1))).all().get();
            admin.createPartitions(Map.of("grown", NewPartitions.increaseTo(4))).all().get();
            admin.incrementalAlterConfigs(Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, "grown"),
                List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "5000"), AlterConfigOp.OpType.SET)),
                new ConfigResource(ConfigResource.Type.BROKER, "1"),
                List.of(new AlterConfigOp(new ConfigEntry("log.retention.ms", "86400000"), AlterConfigOp.OpType.SET))
            )).all().get();
            admin.deleteTopics(List.of("removed")).all().get();
            clusterId = admin.describeCluster().clusterId().get();
        }

        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, settings); Admin admin = admin(broker)) {
            assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("kept", "grown");
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(clusterId);

            Map<String, TopicDescription> topics = admin.describeTopics(List.of("kept", "grown")).allTopicNames().get();
            assertThat(topics.get("kept").topicId()).isEqualTo(keptId);
            assertThat(topics.get("kept").partitions()).hasSize(3);
            assertThat(topics.get("grown").topicId()).isEqualTo(grownId);
            assertThat(topics.get("grown").partitions()).hasSize(4);

            ConfigResource kept = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
            ConfigResource grown = new ConfigResource(ConfigResource.Type.TOPIC, "grown");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(kept, grown)).all().get();
            assertThat(configs.get(kept).get("retention.ms").value()).isEqualTo("3600000");
            assertThat(configs.get(kept).get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(configs.get(kept).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(grown).get("max.message.bytes").value()).isEqualTo("5000");
            assertThat(configs.get(grown).get("retention.ms").value()).isEqualTo("86400000");
            assertThat(configs.get(grown).get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);

            PartitionManager partitions = broker.broker().partitions();
            assertThat(partitions.partition(new TopicPartition("kept", 0)).log().config().retentionMs()).isEqualTo(3_600_000L);
            assertThat(partitions.partition(new TopicPartition("grown", 3)).log().config().retentionMs()).isEqualTo(86_400_000L);
            assertThat(partitions.partition(new TopicPartition("removed", 0))).isNull();
            assertThat(dataDir.resolve("removed-0")).doesNotExist();
        }
    }

    @Test
    void aTopicCreatedAfterARestartGetsANewIdAndTheOldOnesStay() throws Exception {
        Uuid before;
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, Map.of()); Admin admin = admin(broker)) {
            before = admin.createTopics(List.of(new NewTopic("first", 1, (short) 1))).topicId("first").get();
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, Map.of()); Admin admin = admin(broker)) {
            Uuid after = admin.createTopics(List.of(new NewTopic("second", 1, (short) 1))).topicId("second").get();

            assertThat(after).isNotEqualTo(before);
            assertThat(admin.listTopics().namesToListings().get().get("first").topicId()).isEqualTo(before);
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, Map.of()); Admin admin = admin(broker)) {
            assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("first", "second");
        }
    }
}
