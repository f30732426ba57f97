package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A consumer-protocol group after a broker restart: still a consumer group, its offsets kept, consumers resume. */
class ConsumerProtocolRestartTest {

    @Test
    void committedOffsetsSurviveARestartAndARestartedConsumerResumesAtThem(@TempDir Path dir) throws Exception {
        String topic = "kip848-resume";
        String group = "kip848-resumers";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, ConsumerProtocolTest.BROKER_SETTINGS)) {
            Clients.createTopic(broker.bootstrapServers(), topic, 2, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, group)) {
                consumer.subscribe(List.of(topic));
                int[] seen = {0};
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    seen[0] += consumer.poll(Duration.ofMillis(100)).count();
                    return seen[0] >= 100;
                });
                consumer.commitSync(Map.of(p0, new OffsetAndMetadata(20, "p0"), p1, new OffsetAndMetadata(35, "p1")));
            }
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, ConsumerProtocolTest.BROKER_SETTINGS);
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                GroupListing listed = admin.listGroups().all().get().stream()
                    .filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
                assertThat(listed.type()).contains(GroupType.CONSUMER);
            });
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker, group)) {
                consumer.subscribe(List.of(topic));
                Map<Integer, Long> firstOffset = new HashMap<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        firstOffset.putIfAbsent(r.partition(), r.offset());
                    }
                    return firstOffset.size() == 2;
                });
                assertThat(firstOffset).containsEntry(0, 20L).containsEntry(1, 35L);
                assertThat(consumer.committed(java.util.Set.of(p0, p1)).get(p1).metadata()).isEqualTo("p1");
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedBroker broker, String group) {
        return Clients.consumer(broker.bootstrapServers(), Map.of("group.id", group, "group.protocol", "consumer",
            "auto.offset.reset", "earliest", "enable.auto.commit", false));
    }
}
