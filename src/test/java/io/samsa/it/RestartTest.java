package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A clean restart on the same data directory keeps every topic and record. */
class RestartTest {

    @Test
    void restartOnSameDataDirKeepsEveryTopicAndRecord(@TempDir Path dir) throws Exception {
        int perTopic = 20_000;
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of())) {
            Clients.createTopic(broker.bootstrapServers(), "keep-a", 3, Map.of("internal.segment.bytes", "65536"));
            Clients.createTopic(broker.bootstrapServers(), "keep-b", 1, Map.of("retention.ms", "86400000", "internal.segment.bytes", "65536"));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                for (int i = 0; i < perTopic; i++) {
                    producer.send(new ProducerRecord<>("keep-a", i % 3, null, ("a" + i).getBytes(StandardCharsets.UTF_8)));
                    producer.send(new ProducerRecord<>("keep-b", 0, null, ("b" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of())) {
            List<ConsumerRecord<byte[], byte[]>> a = Clients.readAll(broker.bootstrapServers(), "keep-a", 3, perTopic, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> b = Clients.readAll(broker.bootstrapServers(), "keep-b", 1, perTopic, Duration.ofSeconds(30));
            assertThat(a).hasSize(perTopic);
            assertThat(b).hasSize(perTopic);
            for (int i = 0; i < perTopic; i++) {
                assertThat(new String(b.get(i).value(), StandardCharsets.UTF_8)).isEqualTo("b" + i);
            }
            // Appends continue after the recovered end.
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                assertThat(producer.send(new ProducerRecord<>("keep-b", 0, null, "after".getBytes(StandardCharsets.UTF_8))).get().offset())
                    .isEqualTo(perTopic);
            }
        }
    }
}
