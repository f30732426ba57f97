package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ConsumerGroupHeartbeat on a raw connection: Kafka's errors for bad first heartbeats, wrong epochs and
 * unknown members, and KIP-848's reconciliation step by step — a partition reaches its new owner only after
 * the previous owner's heartbeat shows it revoked.
 */
class ConsumerProtocolWireTest {
    static EmbeddedBroker broker;
    static Uuid topicId;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "2"));
        Clients.createTopic(broker.bootstrapServers(), "wired", 4, Map.of());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            topicId = admin.describeTopics(List.of("wired")).allTopicNames().get().get("wired").topicId();
        }
        // As a client's FindCoordinator would: the offsets topic exists and its partitions are loaded before the
        // requests below, which go to the coordinator directly.
        broker.broker().groups().ensureOffsetsTopic().get(10, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().groups().isLoaded());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void badFirstHeartbeatsGetInvalidRequestOrUnsupportedAssignor() {
        try (WireClient c = new WireClient("127.0.0.1", broker.port())) {
            assertThat(heartbeat(c, join("bad", "m").setRebalanceTimeoutMs(-1)).errorCode())
                .as("no rebalance timeout").isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, join("bad", "m").setTopicPartitions(null)).errorCode())
                .as("no owned partitions").isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, join("bad", "m").setSubscribedTopicNames(null)).errorCode())
                .as("no subscription").isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, join("bad", "")).errorCode())
                .as("v1 without a member id").isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, join("", "m")).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
            assertThat(heartbeat(c, join("bad", "m").setServerAssignor("sticky")).errorCode())
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
            assertThat(heartbeat(c, join("bad", "m").setSubscribedTopicNames(null).setSubscribedTopicRegex("wir[")).errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
        }
    }

    @Test
    void partitionsMoveOnlyAfterTheirOwnerRevokedThemAndWrongEpochsAreFenced() {
        String group = "wire-kip848";
        try (WireClient c = new WireClient("127.0.0.1", broker.port())) {
            ConsumerGroupHeartbeatResponseData a = heartbeat(c, join(group, "member-a"));
            assertThat(a.errorCode()).isEqualTo(Errors.NONE.code());
            int epochA = a.memberEpoch();
            assertThat(epochA).isPositive();
            assertThat(partitions(a)).containsExactly(0, 1, 2, 3);
            assertThat(a.heartbeatIntervalMs()).isPositive();

            assertThat(heartbeat(c, beat(group, "member-a", epochA + 5, null)).errorCode())
                .as("an epoch from the future").isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
            assertThat(heartbeat(c, beat(group, "ghost", 1, null)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            assertThat(heartbeat(c, beat("no-such-group", "ghost", 1, null)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

            ConsumerGroupHeartbeatResponseData b = heartbeat(c, join(group, "member-b"));
            int epochB = b.memberEpoch();
            assertThat(epochB).isGreaterThan(epochA);
            assertThat(partitions(b)).as("everything is still owned by member-a").isEmpty();

            ConsumerGroupHeartbeatResponseData revoking = heartbeat(c, beat(group, "member-a", epochA, List.of(0, 1, 2, 3)));
            assertThat(revoking.memberEpoch()).as("the epoch waits for the revocation").isEqualTo(epochA);
            Set<Integer> kept = partitions(revoking);
            assertThat(kept).hasSize(2);
            assertThat(heartbeat(c, beat(group, "member-a", epochA, List.of(0, 1, 2, 3))).memberEpoch()).isEqualTo(epochA);

            assertThat(partitions(heartbeat(c, beat(group, "member-b", epochB, null))))
                .as("not before member-a revoked them").isEmpty();
            assertThat(commit(c, group, "member-a", epochB)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
            assertThat(commit(c, group, "member-a", epochA)).isEqualTo(Errors.NONE);
            assertThat(commit(c, group, "ghost", epochA)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

            ConsumerGroupHeartbeatResponseData revoked = heartbeat(c, beat(group, "member-a", epochA, List.copyOf(kept)));
            assertThat(revoked.memberEpoch()).isEqualTo(epochB);
            assertThat(partitions(revoked)).isEqualTo(kept);

            ConsumerGroupHeartbeatResponseData released = heartbeat(c, beat(group, "member-b", epochB, null));
            Set<Integer> others = new HashSet<>(Set.of(0, 1, 2, 3));
            others.removeAll(kept);
            assertThat(partitions(released)).isEqualTo(others);

            ConsumerGroupDescribeResponseData.DescribedGroup described = c.<ConsumerGroupDescribeResponse>send(
                new ConsumerGroupDescribeRequest.Builder(new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group))),
                (short) 1).data().groups().get(0);
            assertThat(described.errorCode()).isZero();
            assertThat(described.groupState()).isEqualTo("Stable");
            assertThat(described.groupEpoch()).isEqualTo(epochB);
            assertThat(described.assignmentEpoch()).isEqualTo(epochB);
            assertThat(described.assignorName()).isEqualTo("uniform");
            assertThat(described.members()).hasSize(2).allSatisfy(m -> {
                assertThat(m.memberEpoch()).isEqualTo(epochB);
                assertThat(m.subscribedTopicNames()).containsExactly("wired");
                assertThat(m.assignment().topicPartitions()).singleElement()
                    .satisfies(t -> assertThat(t.topicName()).isEqualTo("wired"));
            });

            JoinGroupResponse classic = c.send(new JoinGroupRequest.Builder(classicJoin(group)));
            assertThat(classic.error()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

            ConsumerGroupHeartbeatResponseData left = heartbeat(c, beat(group, "member-a", -1, null));
            assertThat(left.errorCode()).isZero();
            assertThat(left.memberEpoch()).isEqualTo(-1);
            assertThat(heartbeat(c, beat(group, "member-a", epochB, null)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            ConsumerGroupHeartbeatResponseData alone = heartbeat(c, beat(group, "member-b", epochB, List.copyOf(others)));
            assertThat(alone.memberEpoch()).isGreaterThan(epochB);
            assertThat(partitions(alone)).containsExactly(0, 1, 2, 3);
            assertThat(heartbeat(c, beat(group, "member-b", alone.memberEpoch(), null).setMemberEpoch(-1)).memberEpoch())
                .isEqualTo(-1);
        }
    }

    @Test
    void aClassicGroupWithMembersCannotBeJoinedWithTheConsumerProtocol() {
        String group = "classic-only";
        try (WireClient c = new WireClient("127.0.0.1", broker.port())) {
            JoinGroupResponse first = c.send(new JoinGroupRequest.Builder(classicJoin(group)));
            JoinGroupResponse joined = c.send(new JoinGroupRequest.Builder(classicJoin(group).setMemberId(first.data().memberId())));
            assertThat(joined.error()).isEqualTo(Errors.NONE);
            assertThat(heartbeat(c, join(group, "newcomer")).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        }
    }

    @Test
    void aStaticMemberKeepsItsInstanceUntilItLeavesTemporarilyAndItsSuccessorTakesOverItsAssignment() {
        String group = "static-kip848";
        try (WireClient c = new WireClient("127.0.0.1", broker.port())) {
            ConsumerGroupHeartbeatResponseData first = heartbeat(c, join(group, "s-1").setInstanceId("instance-1"));
            assertThat(partitions(first)).containsExactly(0, 1, 2, 3);
            assertThat(heartbeat(c, join(group, "s-2").setInstanceId("instance-1")).errorCode())
                .isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());
            ConsumerGroupHeartbeatResponseData away = heartbeat(c, beat(group, "s-1", -2, null).setInstanceId("instance-1"));
            assertThat(away.memberEpoch()).isEqualTo(-2);
            ConsumerGroupHeartbeatResponseData back = heartbeat(c, join(group, "s-2").setInstanceId("instance-1"));
            assertThat(back.errorCode()).isZero();
            assertThat(back.memberEpoch()).isEqualTo(first.memberEpoch());
            assertThat(partitions(back)).containsExactly(0, 1, 2, 3);
            assertThat(heartbeat(c, beat(group, "s-1", first.memberEpoch(), null)).errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            heartbeat(c, beat(group, "s-2", back.memberEpoch(), null).setMemberEpoch(-1));
        }
    }

    private static ConsumerGroupHeartbeatRequestData join(String group, String member) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(0)
            .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("wired")).setTopicPartitions(List.of());
    }

    private static ConsumerGroupHeartbeatRequestData beat(String group, String member, int epoch, List<Integer> owned) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(epoch)
            .setTopicPartitions(owned == null ? null : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                .setTopicId(topicId).setPartitions(new ArrayList<>(owned))));
    }

    private static ConsumerGroupHeartbeatResponseData heartbeat(WireClient c, ConsumerGroupHeartbeatRequestData data) {
        return c.<ConsumerGroupHeartbeatResponse>send(new ConsumerGroupHeartbeatRequest.Builder(data), (short) 1).data();
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData response) {
        Set<Integer> result = new java.util.TreeSet<>();
        if (response.assignment() != null) {
            for (ConsumerGroupHeartbeatResponseData.TopicPartitions t : response.assignment().topicPartitions()) {
                assertThat(t.topicId()).isEqualTo(topicId);
                result.addAll(t.partitions());
            }
        }
        return result;
    }

    private static Errors commit(WireClient c, String group, String member, int epoch) {
        OffsetCommitResponse response = c.send(OffsetCommitRequest.Builder.forTopicNames(new OffsetCommitRequestData()
            .setGroupId(group).setMemberId(member).setGenerationIdOrMemberEpoch(epoch)
            .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("wired")
                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                    .setPartitionIndex(0).setCommittedOffset(0)))))), (short) 9);
        return response.errorCounts().keySet().iterator().next();
    }

    private static JoinGroupRequestData classicJoin(String group) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1}));
        return new JoinGroupRequestData().setGroupId(group).setMemberId("").setSessionTimeoutMs(10_000)
            .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }
}
