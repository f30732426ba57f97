package io.samsa.group;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer group protocol in the coordinator alone: group size limit, session and rebalance timeouts, assignors. */
class ConsumerGroupCoordinatorTest {
    private static final TopicCatalog.Topic TOPIC = new TopicCatalog.Topic("t", Uuid.randomUuid(), 4);
    private static final TopicCatalog CATALOG = new TopicCatalog() {
        @Override
        public Topic byName(String name) {
            return name.equals(TOPIC.name()) ? TOPIC : null;
        }

        @Override
        public Topic byId(Uuid id) {
            return id.equals(TOPIC.id()) ? TOPIC : null;
        }

        @Override
        public Collection<String> names() {
            return List.of(TOPIC.name());
        }
    };

    private final MemoryGroupLog groupLog = new MemoryGroupLog();
    private GroupCoordinator coordinator;

    private GroupCoordinator coordinator(int sessionTimeoutMs, int maxSize) {
        GroupConfig config = new GroupConfig(100, 60_000, 100, 0, 300_000, 60_000L, 4096, 1, (short) 1, 1 << 20, 1 << 20)
            .withConsumerTimings(100, sessionTimeoutMs, maxSize);
        coordinator = new GroupCoordinator(config, groupLog, new TestTime());
        coordinator.load();
        return coordinator;
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void aGroupAdmitsAtMostGroupConsumerMaxSizeMembers() {
        GroupCoordinator c = coordinator(30_000, 2);
        assertThat(beat(c, join("m1")).errorCode()).isZero();
        assertThat(beat(c, join("m2")).errorCode()).isZero();
        assertThat(beat(c, join("m3")).errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeoutAndItsPartitionsMove() {
        GroupCoordinator c = coordinator(300, 10);
        ConsumerGroupHeartbeatResponseData quiet = beat(c, join("quiet"));
        assertThat(quiet.assignment().topicPartitions()).isNotEmpty();
        int[] epoch = {beat(c, join("busy")).memberEpoch()};
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ConsumerGroupHeartbeatResponseData r = beat(c, new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("busy").setMemberEpoch(epoch[0]));
            epoch[0] = r.memberEpoch();
            assertThat(partitions(r)).containsExactly(0, 1, 2, 3);
        });
        assertThat(beat(c, new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("quiet")
            .setMemberEpoch(quiet.memberEpoch())).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsRemoved() {
        GroupCoordinator c = coordinator(30_000, 10);
        ConsumerGroupHeartbeatResponseData slow = beat(c, join("slow").setRebalanceTimeoutMs(200));
        ConsumerGroupHeartbeatResponseData next = beat(c, join("next"));
        assertThat(partitions(next)).isEmpty();
        ConsumerGroupHeartbeatResponseData revoking = beat(c, new ConsumerGroupHeartbeatRequestData().setGroupId("g")
            .setMemberId("slow").setMemberEpoch(slow.memberEpoch()).setTopicPartitions(owned(Set.of(0, 1, 2, 3))));
        assertThat(partitions(revoking)).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(beat(c,
            new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("slow").setMemberEpoch(slow.memberEpoch()))
            .errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code()));
        ConsumerGroupHeartbeatResponseData all = beat(c, new ConsumerGroupHeartbeatRequestData().setGroupId("g")
            .setMemberId("next").setMemberEpoch(next.memberEpoch()));
        assertThat(partitions(all)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void theRangeAssignorGivesContiguousRangesAndUniformIsTheDefault() {
        GroupCoordinator c = coordinator(30_000, 10);
        beat(c, join("a").setServerAssignor("range"));
        beat(c, join("b").setServerAssignor("range"));
        assertThat(c.consumerGroupDescribe(List.of("g"), false, CATALOG).get(0).assignorName()).isEqualTo("range");
        assertThat(c.consumerGroupDescribe(List.of("g"), false, CATALOG).get(0).members())
            .extracting(m -> m.targetAssignment().topicPartitions().get(0).partitions())
            .containsExactlyInAnyOrder(List.of(0, 1), List.of(2, 3));

        beat(c, join("u").setGroupId("h"));
        assertThat(c.consumerGroupDescribe(List.of("h"), false, CATALOG).get(0).assignorName()).isEqualTo("uniform");
    }

    private static ConsumerGroupHeartbeatRequestData join(String member) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId(member).setMemberEpoch(0)
            .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of());
    }

    private static List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned(Set<Integer> partitions) {
        return List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(TOPIC.id())
            .setPartitions(List.copyOf(partitions)));
    }

    private static ConsumerGroupHeartbeatResponseData beat(GroupCoordinator c, ConsumerGroupHeartbeatRequestData request) {
        return c.consumerGroupHeartbeat(request, (short) 1, "client", "/127.0.0.1", CATALOG).join();
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData response) {
        Set<Integer> result = new java.util.TreeSet<>();
        if (response.assignment() != null) {
            response.assignment().topicPartitions().forEach(t -> result.addAll(t.partitions()));
        }
        return result;
    }
}
