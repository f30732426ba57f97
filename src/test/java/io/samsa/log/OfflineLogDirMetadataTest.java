package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.samsa.partition.PartitionManager;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metadata shows a partition whose log directory went offline as Kafka does in a one-broker cluster once the
 * controller fenced the failed directory: no leader (-1), LEADER_NOT_AVAILABLE, this broker among the offline
 * replicas; a partition in the healthy directory is shown as before. Checked on the wire (Metadata) and through
 * the Admin client (DescribeTopicPartitions).
 */
class OfflineLogDirMetadataTest {

    private static final String TOPIC = "fenced";

    @TempDir
    Path first;
    @TempDir
    Path second;

    @AfterEach
    void removeHook() {
        Fsync.hook = Fsync.NONE;
    }

    @Test
    void partitionInAnOfflineLogDirHasNoLeaderAndListsThisBrokerAsOfflineReplica() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.dirs", first + "," + second))) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, TOPIC, 2, Map.of("flush.messages", "1"));
            PartitionManager partitions = broker.broker().partitions();
            int nodeId = broker.broker().config().nodeId();
            Path failingDir = partitions.partition(new TopicPartition(TOPIC, 0)).log().logDir();
            assertThat(partitions.partition(new TopicPartition(TOPIC, 1)).log().logDir()).isNotEqualTo(failingDir);

            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                     Map.of("linger.ms", 0, "retries", 0, "enable.idempotence", false));
                 WireClient wire = WireClient.connect(bootstrap);
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Fsync.hook = path -> {
                    if (path.toAbsolutePath().startsWith(failingDir)) {
                        throw new IOException("Input/output error (injected)");
                    }
                };
                catchThrowable(() -> producer.send(new ProducerRecord<>(TOPIC, 0, null, "x".getBytes()))
                    .get(10, TimeUnit.SECONDS));
                assertThat(partitions.offlineLogDirs()).containsExactly(failingDir);

                MetadataRequestData request = new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)));
                MetadataResponse response = (MetadataResponse) wire.sendData(ApiKeys.METADATA, (short) 12, request);
                List<MetadataResponsePartition> shown = response.data().topics().find(TOPIC).partitions();
                shown.sort((a, b) -> Integer.compare(a.partitionIndex(), b.partitionIndex()));
                MetadataResponsePartition offline = shown.get(0);
                assertThat(Errors.forCode(offline.errorCode())).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
                assertThat(offline.leaderId()).isEqualTo(-1);
                assertThat(offline.offlineReplicas()).containsExactly(nodeId);
                assertThat(offline.replicaNodes()).containsExactly(nodeId);
                MetadataResponsePartition online = shown.get(1);
                assertThat(Errors.forCode(online.errorCode())).isEqualTo(Errors.NONE);
                assertThat(online.leaderId()).isEqualTo(nodeId);
                assertThat(online.offlineReplicas()).isEmpty();

                TopicDescription described = admin.describeTopics(List.of(TOPIC)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(TOPIC);
                TopicPartitionInfo fenced = described.partitions().get(0);
                assertThat(fenced.leader()).as("no leader for the partition in the offline dir").isNull();
                assertThat(described.partitions().get(1).leader().id()).isEqualTo(nodeId);
            }
        }
    }
}
