package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AdminClient listOffsets, deleteRecords and describeLogDirs against a broker with real data. */
class OffsetsAdminTest {
    static EmbeddedBroker broker;
    static Admin admin;
    static final TopicPartition TP = new TopicPartition("offsets", 0);

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
        Clients.createTopic(broker.bootstrapServers(), "offsets", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 100; i++) {
                // Timestamps 1000, 2000, ... with the largest in the middle.
                long ts = i == 50 ? 500_000L : 1000L * (i + 1);
                producer.send(new ProducerRecord<>("offsets", 0, ts, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static long offset(OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(TP, spec)).partitionResult(TP).get().offset();
    }

    @Test
    void listOffsetsAnswersEarliestLatestByTimestampAndMaxTimestamp() throws Exception {
        assertThat(offset(OffsetSpec.latest())).isEqualTo(100);
        assertThat(offset(OffsetSpec.earliest())).isZero();
        assertThat(offset(OffsetSpec.forTimestamp(10_500L))).isEqualTo(10);
        assertThat(offset(OffsetSpec.forTimestamp(1000L))).isZero();
        assertThat(offset(OffsetSpec.forTimestamp(10_000_000L))).isEqualTo(-1);
        var max = admin.listOffsets(Map.of(TP, OffsetSpec.maxTimestamp())).partitionResult(TP).get();
        assertThat(max.offset()).isEqualTo(50);
        assertThat(max.timestamp()).isEqualTo(500_000L);
    }

    @Test
    void deleteRecordsMovesTheLogStartAndHidesEarlierRecords() throws Exception {
        Clients.createTopic(broker.bootstrapServers(), "trim", 1, Map.of());
        TopicPartition tp = new TopicPartition("trim", 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>("trim", 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(20))).lowWatermarks().get(tp).get().lowWatermark();
        assertThat(low).isEqualTo(20);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset()).isEqualTo(20);
        var records = Clients.readAll(broker.bootstrapServers(), "trim", 1, 10, Duration.ofSeconds(10));
        assertThat(records).hasSize(10);
        assertThat(records.get(0).offset()).isEqualTo(20);
        assertThatThrownBy(() -> admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(1000))).all().get())
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void describeLogDirsListsTheDataDirectoryAndPartitionSizes() throws Exception {
        int node = admin.describeCluster().controller().get().id();
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node)).allDescriptions().get().get(node);
        assertThat(dirs).hasSize(1);
        LogDirDescription dir = dirs.values().iterator().next();
        assertThat(dir.error()).isNull();
        assertThat(dir.totalBytes()).isPresent();
        ReplicaInfo replica = dir.replicaInfos().get(TP);
        assertThat(replica).isNotNull();
        assertThat(replica.size()).isPositive();
    }
}
