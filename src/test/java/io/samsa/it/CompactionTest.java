package io.samsa.it;

import io.samsa.log.Log;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The broker's log cleaner compacts a cleanup.policy=compact topic that real clients write and read. */
class CompactionTest {

    private static final Map<String, String> COMPACTED = Map.of(
        "cleanup.policy", "compact",
        "internal.segment.bytes", "32768",
        "min.cleanable.dirty.ratio", "0.01",
        // Rolls the active segment (which is never compacted) soon after the last write.
        "segment.ms", "500");

    private static EmbeddedBroker startBroker() {
        return EmbeddedBroker.start(Map.of("log.cleaner.backoff.ms", "50", "log.retention.check.interval.ms", "100"));
    }

    private record Latest(long offset, String value) {
    }

    @Test
    void aConsumerFromTheBeginningSeesExactlyTheLatestValuePerKeyAtItsOriginalOffset() throws Exception {
        try (EmbeddedBroker broker = startBroker()) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, "profiles", 1, COMPACTED);
            Map<String, Latest> expected = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of("linger.ms", 5, "batch.size", 4096))) {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    sends.add(producer.send(new ProducerRecord<>("profiles", 0, bytes("user-" + i % 200),
                        bytes("v" + i))));
                }
                for (int i = 0; i < sends.size(); i++) {
                    expected.put("user-" + i % 200, new Latest(sends.get(i).get().offset(), "v" + i));
                }
            }
            Log log = broker.broker().partitions().partition(new TopicPartition("profiles", 0)).log();
            await().atMost(Duration.ofSeconds(30)).until(() -> log.cleanerCheckpoint() == log.logEndOffset());

            assertThat(log.logEndOffset()).isEqualTo(20_000);
            Map<String, Latest> seen = new HashMap<>();
            List<ConsumerRecord<byte[], byte[]>> records =
                Clients.readToEnd(bootstrap, "profiles", 1, Duration.ofSeconds(20));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                seen.put(string(record.key()), new Latest(record.offset(), string(record.value())));
            }
            assertThat(records).hasSize(200);
            assertThat(seen).isEqualTo(expected);
        }
    }

    @Test
    void aRecordWithoutKeyIsRejectedWithInvalidRecord() throws Exception {
        try (EmbeddedBroker broker = startBroker()) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, "keyed-only", 1, COMPACTED);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("keyed-only", 0, null, bytes("v"))).get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidRecordException.class);
                assertThat(producer.send(new ProducerRecord<>("keyed-only", 0, bytes("k"), bytes("v"))).get().offset())
                    .isZero();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
