package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The background retention task deletes old segments by time and by size, per topic. */
class RetentionTest {

    private static long earliest(Admin admin, TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
    }

    private static void fill(String bootstrap, String topic, int records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of("linger.ms", 0))) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[1000])).get();
            }
        }
    }

    @Test
    void segmentsOlderThanRetentionMsAreDeletedByTheBackgroundTask() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.retention.check.interval.ms", "100"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Clients.createTopic(broker.bootstrapServers(), "short-lived", 1,
                Map.of("retention.ms", "1500", "internal.segment.bytes", "20000"));
            TopicPartition tp = new TopicPartition("short-lived", 0);
            fill(broker.bootstrapServers(), "short-lived", 100);
            assertThat(earliest(admin, tp)).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> earliest(admin, tp) > 0);
            assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(100);
        }
    }

    @Test
    void oldestSegmentsGoWhenThePartitionExceedsRetentionBytes() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.retention.check.interval.ms", "100"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Clients.createTopic(broker.bootstrapServers(), "bounded", 1,
                Map.of("retention.bytes", "40000", "internal.segment.bytes", "20000"));
            TopicPartition tp = new TopicPartition("bounded", 0);
            fill(broker.bootstrapServers(), "bounded", 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> earliest(admin, tp) > 100);
            long size = broker.broker().partitions().partition(tp).log().size();
            assertThat(size).isLessThanOrEqualTo(40000 + 20000);
        }
    }
}
