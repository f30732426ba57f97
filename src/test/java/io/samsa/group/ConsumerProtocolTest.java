package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    @Test
    void theAdminClientSeesAConsumerGroupWithItsEpochsAssignorAndMembers() throws Exception {
        String topic = "kip848-admin";
        String group = "kip848-admin-readers";
        Clients.createTopic(broker.bootstrapServers(), topic, 4, Map.of());
        Map<String, Object> props = Map.of("group.protocol", "consumer", "group.remote.assignor", "range");
        List<GroupConsumer> consumers = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            for (int i = 0; i < 2; i++) {
                consumers.add(new GroupConsumer(broker.bootstrapServers(), group, topic, props));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (GroupConsumer c : consumers) {
                    assertThat(c.failure()).isNull();
                    assertThat(c.assignment()).hasSize(2);
                }
                assertThat(admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState())
                    .isEqualTo(GroupState.STABLE);
            });
            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            assertThat(described.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(described.partitionAssignor()).isEqualTo("range");
            assertThat(described.members()).hasSize(2)
                .allSatisfy(m -> assertThat(m.assignment().topicPartitions()).hasSize(2));
            assertThat(described.groupEpoch()).isPresent();
            assertThat(described.targetAssignmentEpoch()).isEqualTo(described.groupEpoch());
            GroupListing listed = admin.listGroups().all().get().stream()
                .filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
            assertThat(listed.type()).contains(GroupType.CONSUMER);
            assertThat(listed.groupState()).contains(GroupState.STABLE);
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
}
