package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real kafka-clients consumers with {@code group.protocol=consumer} (KIP-848): the broker assigns with its
 * server-side assignors, partitions move only after their owner revoked them, and the admin client sees
 * the group as a consumer group.
 */
class ConsumerProtocolTest {
    static final Map<String, Object> BROKER_SETTINGS = Map.of("offsets.topic.num.partitions", "3",
        "group.consumer.heartbeat.interval.ms", "300", "group.consumer.min.heartbeat.interval.ms", "100",
        "group.consumer.session.timeout.ms", "10000", "group.consumer.min.session.timeout.ms", "1000");
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(BROKER_SETTINGS);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "range"})
    void threeConsumersShareSixPartitionsReadEveryRecordOnceAndTwoTakeOverWhenOneCloses(String assignor) throws Exception {
        String topic = "kip848-" + assignor;
        String group = "kip848-readers-" + assignor;
        Clients.createTopic(broker.bootstrapServers(), topic, 6, Map.of());
        Map<String, Object> props = Map.of("group.protocol", "consumer", "group.remote.assignor", assignor);
        List<GroupConsumer> consumers = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of());
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
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

            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            assertThat(described.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(described.partitionAssignor()).isEqualTo(assignor);
            assertThat(described.members()).hasSize(3);
            assertThat(described.groupEpoch()).isPresent();
            assertThat(described.targetAssignmentEpoch()).isEqualTo(described.groupEpoch());
            GroupListing listed = admin.listGroups().all().get().stream()
                .filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
            assertThat(listed.type()).contains(GroupType.CONSUMER);
            assertThat(listed.groupState()).isPresent();

            send(producer, topic, 0, 600);
            await().atMost(Duration.ofSeconds(30)).until(() -> received(consumers).size() >= 600);
            assertThat(values(received(consumers))).as("every record exactly once").isEqualTo(expected(0, 600));
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
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeConsumerGroups(List.of(group)).all().get()
                .get(group).groupState() == GroupState.STABLE);
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
    void aRegexSubscriptionIsResolvedByTheBrokerAndFollowsNewTopics() {
        Clients.createTopic(broker.bootstrapServers(), "regex-a", 2, Map.of());
        Clients.createTopic(broker.bootstrapServers(), "regex-b", 1, Map.of());
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrapServers(), Map.of(
            "group.id", "regex-readers", "group.protocol", "consumer", "auto.offset.reset", "earliest"))) {
            consumer.subscribe(new SubscriptionPattern("regex-.*"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(100));
                assertThat(consumer.assignment()).containsExactlyInAnyOrder(new TopicPartition("regex-a", 0),
                    new TopicPartition("regex-a", 1), new TopicPartition("regex-b", 0));
            });
            Clients.createTopic(broker.bootstrapServers(), "regex-c", 1, Map.of());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(100));
                assertThat(consumer.assignment()).hasSize(4).contains(new TopicPartition("regex-c", 0));
            });
        }
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
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
