package io.samsa.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.Scheduler;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code min.insync.replicas} for acks=all, as Kafka 4.x applies it: the effective minimum is the setting
 * capped at the replica count, the in-sync replicas are this broker alone until followers replicate, and a
 * refused append writes nothing.
 */
class MinInSyncReplicasTest {
    private static final TopicPartition TP = new TopicPartition("isr", 0);
    private static final int LOCAL = 1;
    private static final int OTHER = 2;
    private static final short ACKS_ALL = -1;

    @TempDir
    Path dir;

    private static MemoryRecords oneRecord(String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(System.currentTimeMillis(),
            "k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }

    private Log openLog(int minInSyncReplicas) throws Exception {
        return Log.open(dir.resolve("isr-0"), TP, LogConfig.fromMap(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
            minInSyncReplicas)), Time.SYSTEM, Scheduler.immediate());
    }

    @Test
    void acksAllIsRefusedWithNothingWrittenWhenFewerReplicasAreInSyncThanTheMinimum() throws Exception {
        try (Log log = openLog(2)) {
            Partition partition = new Partition(TP, Uuid.randomUuid(), log, LOCAL, List.of(LOCAL, OTHER), 0);

            assertThatThrownBy(() -> partition.appendAsLeader(oneRecord("refused"), ACKS_ALL))
                .isInstanceOf(NotEnoughReplicasException.class);
            assertThat(log.logEndOffset()).as("nothing was written").isZero();

            assertThat(partition.appendAsLeader(oneRecord("acks-1"), (short) 1).firstOffset()).isZero();
            assertThat(partition.appendAsLeader(oneRecord("acks-0"), (short) 0).firstOffset()).isEqualTo(1);
            assertThat(log.logEndOffset()).isEqualTo(2);
        }
    }

    @Test
    void minimumAboveTheReplicationFactorIsCappedAtTheReplicaCountAsKafkaDoes() throws Exception {
        try (Log log = openLog(2)) {
            Partition partition = new Partition(TP, Uuid.randomUuid(), log, LOCAL, List.of(LOCAL), 0);

            assertThat(partition.effectiveMinInSyncReplicas()).isEqualTo(1);
            assertThat(partition.appendAsLeader(oneRecord("accepted"), ACKS_ALL).firstOffset()).isZero();
        }
    }

    @Test
    void theRefusalFollowsTheLogsCurrentConfig() throws Exception {
        try (Log log = openLog(1)) {
            Partition partition = new Partition(TP, Uuid.randomUuid(), log, LOCAL, List.of(LOCAL, OTHER), 0);
            assertThat(partition.appendAsLeader(oneRecord("one-is-enough"), ACKS_ALL).firstOffset()).isZero();

            log.updateConfig(LogConfig.fromMap(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, 2)));
            assertThatThrownBy(() -> partition.appendAsLeader(oneRecord("two-needed"), ACKS_ALL))
                .isInstanceOf(NotEnoughReplicasException.class);

            log.updateConfig(LogConfig.fromMap(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, 1)));
            assertThat(partition.appendAsLeader(oneRecord("one-again"), ACKS_ALL).firstOffset()).isEqualTo(1);
            assertThat(log.logEndOffset()).isEqualTo(2);
        }
    }

    @Test
    void javaProducerWithAcksAllSucceedsOnASingleReplicaTopicWithMinInSyncReplicasTwo() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            Clients.createTopic(broker.bootstrapServers(), TP.topic(), 1,
                Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("acks", "all"))) {
                assertThat(producer.send(new ProducerRecord<>(TP.topic(), 0, null, "v".getBytes()))
                    .get(30, TimeUnit.SECONDS).offset()).isZero();
            }
        }
    }

    /**
     * A second replica stands in for the one a cluster's metadata would assign: with replication not yet
     * there it cannot be in sync, so whether acks=all passes depends only on the topic's min.insync.replicas,
     * changed here through Admin and read by the next produce.
     */
    @Test
    void minInSyncReplicasChangedThroughAdminIsReadByTheNextProduce() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, TP.topic(), 1, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
            Partition partition = broker.broker().partitions().partition(TP);
            int local = partition.replicas().get(0);
            Map<String, Object> noRetries = Map.of("acks", "all", "retries", 0, "enable.idempotence", false,
                "linger.ms", 0);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                 KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, noRetries)) {
                partition.updateReplicas(List.of(local, local + 1000));
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TP.topic(), 0, null, "x".getBytes()))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotEnoughReplicasException.class);
                assertThat(partition.log().logEndOffset()).as("nothing was written").isZero();

                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TP.topic());
                admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> partition.log().config().minInSyncReplicas() == 1);
                // Applying the change re-read the metadata's replica set; the stand-in goes back.
                partition.updateReplicas(List.of(local, local + 1000));

                assertThat(producer.send(new ProducerRecord<>(TP.topic(), 0, null, "y".getBytes()))
                    .get(30, TimeUnit.SECONDS).offset()).isZero();
            }
        }
    }
}
