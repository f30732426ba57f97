package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real consumers of either group protocol sharing a topic in one group: balanced, exclusive, and rebalanced on leave. */
class ConsumerGroupTest {
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "5",
            "group.consumer.heartbeat.interval.ms", "300", "group.consumer.min.heartbeat.interval.ms", "100"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** Both group protocols: the classic one with client-side assignors, the consumer one with the broker's. */
    static Stream<Arguments> protocolsAndAssignors() {
        return Stream.of(
            Arguments.of("classic", Map.of("partition.assignment.strategy", RangeAssignor.class.getName())),
            Arguments.of("classic", Map.of("partition.assignment.strategy", CooperativeStickyAssignor.class.getName())),
            Arguments.of("consumer", Map.of("group.protocol", "consumer", "group.remote.assignor", "uniform")),
            Arguments.of("consumer", Map.of("group.protocol", "consumer", "group.remote.assignor", "range")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("protocolsAndAssignors")
    void threeConsumersShareSixPartitionsAndReadEveryRecordOnceThenTwoTakeOverWhenOneLeaves(String protocol,
                                                                                          Map<String, Object> props) {
        String assignor = String.valueOf(props.getOrDefault("group.remote.assignor",
            props.get("partition.assignment.strategy"))).replaceAll(".*\\.", "");
        String topic = "shared-" + protocol + "-" + assignor;
        String group = "readers-" + protocol + "-" + assignor;
        Clients.createTopic(broker.bootstrapServers(), topic, 6, Map.of());
        List<GroupConsumer> consumers = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                consumers.add(new GroupConsumer(broker.bootstrapServers(), group, topic, props));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (GroupConsumer c : consumers) {
                    assertThat(c.failure()).isNull();
                    assertThat(c.assignment()).hasSize(2);
                }
                assertThat(union(consumers)).hasSize(6);
            });

            send(producer, topic, 0, 600);
            await().atMost(Duration.ofSeconds(30)).until(() -> received(consumers).size() >= 600);
            assertThat(values(received(consumers))).as("every record exactly once").hasSize(600)
                .isEqualTo(expected(0, 600));
            for (GroupConsumer c : consumers) {
                Set<Integer> partitions = c.received().stream().map(ConsumerRecord::partition).collect(Collectors.toSet());
                assertThat(partitions).as("a consumer reads only its own partitions")
                    .isEqualTo(c.assignment().stream().map(TopicPartition::partition).collect(Collectors.toSet()));
            }

            GroupConsumer leaving = consumers.remove(0);
            leaving.close();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (GroupConsumer c : consumers) {
                    assertThat(c.assignment()).hasSize(3);
                }
                assertThat(union(consumers)).hasSize(6);
            });
            int before = received(consumers).size();
            send(producer, topic, 600, 900);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(values(received(consumers))).containsAll(expected(600, 900)));
            assertThat(received(consumers).size() - before).as("nothing read twice after the handover").isEqualTo(300);
        } finally {
            consumers.forEach(GroupConsumer::close);
        }
    }

    @Test
    void eightConsumersStartingAtOnceAllJoinOneGenerationWithoutErrors() {
        String topic = "crowded";
        Clients.createTopic(broker.bootstrapServers(), topic, 8, Map.of());
        List<GroupConsumer> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                consumers.add(new GroupConsumer(broker.bootstrapServers(), "crowd", topic, Map.of()));
            }
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                for (GroupConsumer c : consumers) {
                    assertThat(c.failure()).isNull();
                    assertThat(c.assignment()).hasSize(1);
                }
                assertThat(union(consumers)).hasSize(8);
            });
        } finally {
            consumers.forEach(GroupConsumer::close);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, i % 6, null, String.valueOf(i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    private static Set<TopicPartition> union(List<GroupConsumer> consumers) {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (GroupConsumer c : consumers) {
            all.addAll(c.assignment());
            total += c.assignment().size();
        }
        assertThat(total).as("no partition assigned twice").isEqualTo(all.size());
        return all;
    }

    private static List<ConsumerRecord<byte[], byte[]>> received(List<GroupConsumer> consumers) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        consumers.forEach(c -> all.addAll(c.received()));
        return all;
    }

    private static List<Integer> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8))).sorted().toList();
    }

    private static List<Integer> expected(int from, int to) {
        List<Integer> result = new ArrayList<>();
        for (int i = from; i < to; i++) {
            result.add(i);
        }
        return result;
    }
}
