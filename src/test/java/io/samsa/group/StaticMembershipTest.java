package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** KIP-345 static members with the real consumer: they join together, and one that restarts gets its partitions back without a rebalance. */
class StaticMembershipTest {

    @Test
    void staticMemberRestartingWithinItsSessionGetsItsPartitionsBackWithoutRebalancingTheOthers() {
        String topic = "static-topic";
        String group = "static-group";
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "2"))) {
            Clients.createTopic(broker.bootstrapServers(), topic, 6, Map.of());
            List<GroupConsumer> consumers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    consumers.add(new GroupConsumer(broker.bootstrapServers(), group, topic, Map.of("group.instance.id", "instance-" + i,
                        "session.timeout.ms", 30_000)));
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Set<TopicPartition> all = new HashSet<>();
                    for (GroupConsumer c : consumers) {
                        assertThat(c.failure()).as("no member that joined is told it is unknown").isNull();
                        assertThat(c.assignment()).hasSize(2);
                        all.addAll(c.assignment());
                    }
                    assertThat(all).hasSize(6);
                });
                Set<TopicPartition> restartedPartitions = consumers.get(0).assignment();
                int changesOfOthers = consumers.get(1).assignmentChanges() + consumers.get(2).assignmentChanges();

                // A static member's close sends no LeaveGroup; its replacement takes over the instance id.
                consumers.remove(0).close();
                GroupConsumer restarted = new GroupConsumer(broker.bootstrapServers(), group, topic,
                    Map.of("group.instance.id", "instance-0", "session.timeout.ms", 30_000));
                consumers.add(restarted);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(restarted.assignment()).isEqualTo(restartedPartitions));
                assertThat(consumers.get(0).assignmentChanges() + consumers.get(1).assignmentChanges())
                    .as("the other members were not rebalanced").isEqualTo(changesOfOthers);
                assertThat(broker.broker().groups().describeGroups(List.of(group), (short) 5, false).get(0).members())
                    .extracting(m -> m.groupInstanceId()).containsExactlyInAnyOrder("instance-0", "instance-1", "instance-2");
            } finally {
                consumers.forEach(GroupConsumer::close);
            }
        }
    }
}
