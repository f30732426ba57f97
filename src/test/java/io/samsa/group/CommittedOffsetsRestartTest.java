package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Committed offsets live in __consumer_offsets: a restarted broker serves them and consumers resume there. */
class CommittedOffsetsRestartTest {

    @Test
    void committedOffsetsWithMetadataSurviveARestartAndAConsumerResumesAtThem(@TempDir Path dir) {
        String topic = "resume";
        String group = "resumers";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Map<String, Object> settings = Map.of("offsets.topic.num.partitions", "3");
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, settings)) {
            Clients.createTopic(broker.bootstrapServers(), topic, 2, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, group)) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
                    return seen.size() >= 100;
                });
                consumer.commitSync(Map.of(
                    p0, new OffsetAndMetadata(20, "checkpoint p0"),
                    p1, new OffsetAndMetadata(35, "checkpoint p1 ✓")));
                assertThat(consumer.committed(Set.of(p0, p1))).containsEntry(p0, new OffsetAndMetadata(20, "checkpoint p0"));
            }
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, settings)) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, group)) {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(p0, p1), Duration.ofSeconds(30));
                assertThat(committed.get(p0).offset()).isEqualTo(20);
                assertThat(committed.get(p0).metadata()).isEqualTo("checkpoint p0");
                assertThat(committed.get(p1).offset()).isEqualTo(35);
                assertThat(committed.get(p1).metadata()).isEqualTo("checkpoint p1 ✓");

                consumer.subscribe(List.of(topic));
                Map<Integer, Long> firstOffset = new HashMap<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        firstOffset.putIfAbsent(r.partition(), r.offset());
                    }
                    return firstOffset.size() == 2;
                });
                assertThat(firstOffset).containsEntry(0, 20L).containsEntry(1, 35L);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedBroker broker, String group) {
        return Clients.consumer(broker.bootstrapServers(), Map.of("group.id", group, "group.protocol", "classic",
            "auto.offset.reset", "earliest", "enable.auto.commit", false));
    }
}
