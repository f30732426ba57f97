package io.samsa.group;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The coordinator on an in-memory log: static members, timeouts, group size, loading, retention. */
class GroupCoordinatorTest {
    private static final int SESSION_MS = 500;
    private final MemoryGroupLog groupLog = new MemoryGroupLog();
    private final TestTime time = new TestTime();
    private final List<GroupCoordinator> coordinators = new ArrayList<>();

    private GroupCoordinator coordinator(int maxSize) {
        return coordinator(maxSize, 0);
    }

    private GroupCoordinator coordinator(int maxSize, int initialRebalanceDelayMs) {
        GroupConfig config = new GroupConfig(100, 60_000, maxSize, initialRebalanceDelayMs, 300_000, 60_000L, 4096, 1,
            (short) 1, 1 << 20, 1 << 20);
        GroupCoordinator c = new GroupCoordinator(config, groupLog, time);
        coordinators.add(c);
        return c;
    }

    @AfterEach
    void close() {
        coordinators.forEach(GroupCoordinator::close);
    }

    @Test
    void requestsBeforeLoadingFinishedGetCoordinatorLoadInProgressAndHeartbeatsPass() {
        GroupCoordinator c = coordinator(10);
        assertThat(c.joinGroup(join("g", "", null), "client", "/host", (short) 9).join().errorCode())
            .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(c.fetchOffsets("g", null, false).error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(c.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId("m").setGenerationId(1))).isEqualTo(Errors.NONE);
        c.load();
        assertThat(c.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId("m").setGenerationId(1)))
            .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staticMemberRejoiningWithoutIdReplacesItsOldIdWhichIsThenFenced() {
        GroupCoordinator c = coordinator(10);
        c.load();
        String first = joinAndSync(c, "static", "instance-1");
        JoinGroupResponseData again = c.joinGroup(join("static", "", "instance-1"), "client", "/host", (short) 9).join();
        assertThat(again.errorCode()).isZero();
        String second = again.memberId();
        assertThat(second).isNotEqualTo(first).startsWith("instance-1-");
        assertThat(again.generationId()).as("same protocol: no rebalance").isEqualTo(1);
        assertThat(again.skipAssignment()).as("the leader keeps the assignment it has").isTrue();

        assertThat(c.heartbeat(heartbeat("static", first, "instance-1", 1))).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(c.heartbeat(heartbeat("static", second, "instance-1", 1))).isEqualTo(Errors.NONE);
        assertThat(c.syncGroup(sync("static", first, "instance-1", 1)).join().errorCode()).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(c.commitOffsets("static", first, "instance-1", 1, (short) 9,
            Map.of(new TopicPartition("t", 0), new CommittedOffset(1, -1, "", -1))).join())
            .containsValue(Errors.FENCED_INSTANCE_ID);
        assertThat(c.leaveGroup("static", List.of(new MemberIdentity().setMemberId("").setGroupInstanceId("instance-1")))
            .members()).extracting(m -> Errors.forCode(m.errorCode())).containsExactly(Errors.NONE);
    }

    @Test
    void memberWithoutHeartbeatsIsRemovedAfterItsSessionTimeout() {
        GroupCoordinator c = coordinator(10);
        c.load();
        String member = joinAndSync(c, "silent", null);
        assertThat(c.describeGroups(List.of("silent"), (short) 5, false).get(0).members()).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(c.describeGroups(List.of("silent"), (short) 5, false).get(0).groupState()).isEqualTo("Empty"));
        assertThat(c.heartbeat(heartbeat("silent", member, null, 1))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void memberThatDoesNotRejoinWithinTheRebalanceTimeoutIsDroppedFromTheNextGeneration() {
        GroupCoordinator c = coordinator(10);
        c.load();
        String stale = joinAndSync(c, "slow", null);
        // A second member joins; the first keeps heartbeating but never rejoins.
        String second = c.joinGroup(join("slow", "", null), "client", "/host", (short) 9).join().memberId();
        CompletableFuture<JoinGroupResponseData> parked = c.joinGroup(join("slow", second, null), "client", "/host", (short) 9);
        assertThat(parked).isNotDone();
        JoinGroupResponseData joined = await().atMost(Duration.ofSeconds(10)).until(() -> {
            c.heartbeat(heartbeat("slow", stale, null, 1));
            return parked.getNow(null);
        }, r -> r != null);
        assertThat(joined.errorCode()).isZero();
        assertThat(joined.generationId()).isEqualTo(2);
        assertThat(joined.leader()).isEqualTo(second);
        assertThat(joined.members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId).containsExactly(second);
        assertThat(c.heartbeat(heartbeat("slow", stale, null, 1))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aRepeatedJoinGroupAnswersTheOneItReplaces() {
        GroupCoordinator c = coordinator(10);
        c.load();
        String a = joinAndSync(c, "repeat", null);
        String b = c.joinGroup(join("repeat", "", null), "b", "/h", (short) 9).join().memberId();
        CompletableFuture<JoinGroupResponseData> firstB = c.joinGroup(join("repeat", b, null), "b", "/h", (short) 9);
        CompletableFuture<JoinGroupResponseData> secondB = c.joinGroup(join("repeat", b, null), "b", "/h", (short) 9);
        assertThat(firstB.join().errorCode()).isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
        JoinGroupResponseData joinedA = c.joinGroup(join("repeat", a, null), "a", "/h", (short) 9).join();
        assertThat(joinedA.generationId()).isEqualTo(2);
        assertThat(secondB.join().generationId()).isEqualTo(2);
    }

    @Test
    void joinBeyondGroupMaxSizeIsRefused() {
        GroupCoordinator c = coordinator(1);
        c.load();
        joinAndSync(c, "small", null);
        String newcomer = c.joinGroup(join("small", "", null), "client", "/host", (short) 9).join().memberId();
        JoinGroupResponseData refused = c.joinGroup(join("small", newcomer, null), "client", "/host", (short) 9).join();
        assertThat(refused.errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void membersProtocolIsTheOneAllSupportThatMostPrefer() {
        GroupCoordinator c = coordinator(10);
        c.load();
        JoinGroupRequestData a = join("vote", "", null);
        a.protocols().clear();
        a.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("roundrobin").setMetadata(subscription()));
        a.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription()));
        String idA = c.joinGroup(a, "a", "/h", (short) 9).join().memberId();
        JoinGroupResponseData joinedA = c.joinGroup(a.duplicate().setMemberId(idA), "a", "/h", (short) 9).join();
        assertThat(joinedA.protocolName()).isEqualTo("roundrobin");
        JoinGroupRequestData b = join("vote", "", null);
        b.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("sticky").setMetadata(subscription()));
        String idB = c.joinGroup(b, "b", "/h", (short) 9).join().memberId();
        CompletableFuture<JoinGroupResponseData> joinB = c.joinGroup(b.duplicate().setMemberId(idB), "b", "/h", (short) 9);
        JoinGroupResponseData rejoinA = c.joinGroup(a.duplicate().setMemberId(idA), "a", "/h", (short) 9).join();
        assertThat(rejoinA.protocolName()).as("range is the only protocol both support").isEqualTo("range");
        assertThat(joinB.join().protocolName()).isEqualTo("range");
    }

    @Test
    void storedGroupAndOffsetsAreRestoredByANewCoordinator() {
        GroupCoordinator before = coordinator(10);
        before.load();
        String member = joinAndSync(before, "kept", null);
        TopicPartition tp = new TopicPartition("t", 3);
        assertThat(before.commitOffsets("kept", member, null, 1, (short) 9, Map.of(tp, new CommittedOffset(77, 5, "meta", -1))).join())
            .containsEntry(tp, Errors.NONE);
        before.close();

        GroupCoordinator after = coordinator(10);
        after.load();
        var described = after.describeGroups(List.of("kept"), (short) 5, false).get(0);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.members()).extracting(m -> m.memberId()).containsExactly(member);
        assertThat(after.heartbeat(heartbeat("kept", member, null, 1))).isEqualTo(Errors.NONE);
        CommittedOffset offset = after.fetchOffsets("kept", List.of(tp), false).offsets().get(tp);
        assertThat(offset.offset()).isEqualTo(77);
        assertThat(offset.leaderEpoch()).isEqualTo(5);
        assertThat(offset.metadata()).isEqualTo("meta");
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoes() {
        GroupCoordinator c = coordinator(10);
        c.load();
        TopicPartition tp = new TopicPartition("t", 0);
        assertThat(c.commitOffsets("simple", "", null, -1, (short) 9, Map.of(tp, new CommittedOffset(5, -1, null, -1))).join())
            .containsEntry(tp, Errors.NONE);
        String member = joinAndSync(c, "left", null);
        c.commitOffsets("left", member, null, 1, (short) 9, Map.of(tp, new CommittedOffset(9, -1, "", -1))).join();
        c.leaveGroup("left", List.of(new MemberIdentity().setMemberId(member)));

        time.advance(59_000);
        c.expireOffsets();
        assertThat(c.fetchOffsets("simple", List.of(tp), false).offsets().get(tp)).isNotNull();
        time.advance(2_000);
        c.expireOffsets();
        assertThat(c.fetchOffsets("simple", List.of(tp), false).offsets().get(tp)).isNull();
        assertThat(c.fetchOffsets("left", List.of(tp), false).offsets().get(tp)).isNull();
        assertThat(c.listGroups(List.of(), List.of()).groups()).isEmpty();
        assertThat(groupLog.entries).as("two offset tombstones and two group tombstones")
            .filteredOn(e -> e.value() == null).hasSize(4);
    }

    @Test
    void offsetCommittedWithARetentionTimeExpiresWhenThatTimeIsUp() {
        GroupCoordinator c = coordinator(10);
        c.load();
        TopicPartition tp = new TopicPartition("t", 0);
        c.commitOffsets("short-lived", "", null, -1, (short) 2, 1_000, Map.of(tp, new CommittedOffset(5, -1, "", -1))).join();
        c.expireOffsets();
        assertThat(c.fetchOffsets("short-lived", List.of(tp), false).offsets().get(tp)).isNotNull();
        time.advance(1_500);
        c.expireOffsets();
        assertThat(c.fetchOffsets("short-lived", List.of(tp), false).offsets().get(tp)).isNull();
    }

    @Test
    void membersJoiningAnEmptyGroupWithinTheInitialDelayFormOneGeneration() {
        GroupCoordinator c = coordinator(10, 300);
        c.load();
        String a = c.joinGroup(join("together", "", null), "a", "/h", (short) 9).join().memberId();
        String b = c.joinGroup(join("together", "", null), "b", "/h", (short) 9).join().memberId();
        CompletableFuture<JoinGroupResponseData> joinA = c.joinGroup(join("together", a, null), "a", "/h", (short) 9);
        CompletableFuture<JoinGroupResponseData> joinB = c.joinGroup(join("together", b, null), "b", "/h", (short) 9);
        assertThat(joinA).as("held for the initial rebalance delay").isNotDone();
        assertThat(joinA.join().generationId()).isEqualTo(1);
        assertThat(joinB.join().generationId()).isEqualTo(1);
        assertThat(joinA.join().members().size() + joinB.join().members().size()).isEqualTo(2);
    }

    @Test
    void deletingOffsetsOfASubscribedTopicOrAGroupWithMembersIsRefused() {
        GroupCoordinator c = coordinator(10);
        c.load();
        String member = joinAndSync(c, "busy", null);
        TopicPartition subscribed = new TopicPartition("t", 0);
        TopicPartition other = new TopicPartition("other", 0);
        c.commitOffsets("busy", member, null, 1, (short) 9, Map.of(subscribed, new CommittedOffset(1, -1, "", -1),
            other, new CommittedOffset(2, -1, "", -1))).join();
        GroupCoordinator.DeleteOffsetsResult result = c.deleteOffsets("busy", List.of(subscribed, other)).join();
        assertThat(result.partitions()).containsEntry(subscribed, Errors.GROUP_SUBSCRIBED_TO_TOPIC).containsEntry(other, Errors.NONE);
        assertThat(c.fetchOffsets("busy", null, false).offsets()).containsOnlyKeys(subscribed);
        assertThat(c.deleteGroups(List.of("busy")).join()).containsEntry("busy", Errors.NON_EMPTY_GROUP);
        assertThat(c.deleteOffsets("nobody", List.of(other)).join().error()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void failedAssignmentWriteFailsTheSyncAndTheCommitWithTheMappedError() {
        GroupCoordinator c = coordinator(10);
        c.load();
        String id = c.joinGroup(join("broken", "", null), "client", "/host", (short) 9).join().memberId();
        c.joinGroup(join("broken", id, null), "client", "/host", (short) 9).join();
        groupLog.failAppendsWith(Errors.NOT_COORDINATOR);
        SyncGroupResponseData sync = c.syncGroup(sync("broken", id, null, 1)).join();
        assertThat(sync.errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        TopicPartition tp = new TopicPartition("t", 0);
        assertThat(c.commitOffsets("other", "", null, -1, (short) 9, Map.of(tp, new CommittedOffset(1, -1, "", -1))).join())
            .containsEntry(tp, Errors.NOT_COORDINATOR);
        assertThat(c.fetchOffsets("other", List.of(tp), false).offsets().get(tp)).isNull();
    }

    @Test
    void losingTheOffsetsPartitionAnswersParkedJoinsAndEveryRequestNotCoordinatorUntilItIsLedAndLoadedAgain() {
        GroupCoordinator c = coordinator(10);
        c.load();
        TopicPartition tp = new TopicPartition("t", 0);
        String leader = joinAndSync(c, "moving", null);
        assertThat(c.commitOffsets("moving", leader, null, 1, (short) 9, Map.of(tp, new CommittedOffset(42, -1, "", -1)))
            .join()).containsEntry(tp, Errors.NONE);
        // A second member's join waits for the first to rejoin: a parked request.
        CompletableFuture<JoinGroupResponseData> parked = c.joinGroup(join("moving", "", null), "client", "/host", (short) 3);
        assertThat(parked).isNotDone();

        groupLog.leads(false);
        c.partitionResigned(0);
        assertThat(parked).succeedsWithin(Duration.ofSeconds(5))
            .satisfies(r -> assertThat(r.errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code()));
        assertThat(c.heartbeat(heartbeat("moving", leader, null, 1))).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(c.fetchOffsets("moving", List.of(tp), false).error()).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(c.commitOffsets("moving", leader, null, 1, (short) 9, Map.of(tp, new CommittedOffset(43, -1, "", -1)))
            .join()).containsEntry(tp, Errors.NOT_COORDINATOR);
        assertThat(c.joinGroup(join("moving", "", null), "client", "/host", (short) 9).join().errorCode())
            .isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(c.describeGroups(List.of("moving"), (short) 5, false).get(0).errorCode())
            .isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(c.listGroups(List.of(), List.of()).groups()).isEmpty();

        groupLog.leads(true);
        c.partitionElected(0);
        await().atMost(Duration.ofSeconds(10)).until(c::isLoaded);
        GroupCoordinator.FetchResult fetched = c.fetchOffsets("moving", List.of(tp), false);
        assertThat(fetched.error()).isEqualTo(Errors.NONE);
        assertThat(fetched.offsets().get(tp).offset()).as("replayed from the log").isEqualTo(42);
        assertThat(c.heartbeat(heartbeat("moving", leader, null, 1))).as("the stored member is back").isEqualTo(Errors.NONE);
    }

    // ---- helpers

    /** Joins a member (two round trips), syncs it as leader with an empty assignment; returns its id. */
    private static String joinAndSync(GroupCoordinator c, String group, String instanceId) {
        JoinGroupResponseData first = c.joinGroup(join(group, "", instanceId), "client", "/host", (short) 9).join();
        String id = first.memberId();
        if (first.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
            JoinGroupResponseData joined = c.joinGroup(join(group, id, instanceId), "client", "/host", (short) 9).join();
            assertThat(joined.errorCode()).isZero();
        } else {
            assertThat(first.errorCode()).isZero();
        }
        assertThat(c.syncGroup(sync(group, id, instanceId, 1)).join().errorCode()).isZero();
        return id;
    }

    private static byte[] subscription() {
        return Utils.toArray(ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of("t"))));
    }

    private static JoinGroupRequestData join(String group, String member, String instanceId) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(subscription()));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(member).setGroupInstanceId(instanceId)
            .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(1000).setProtocolType("consumer").setProtocols(protocols);
    }

    private static SyncGroupRequestData sync(String group, String member, String instanceId, int generation) {
        return new SyncGroupRequestData().setGroupId(group).setMemberId(member).setGroupInstanceId(instanceId)
            .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range");
    }

    private static HeartbeatRequestData heartbeat(String group, String member, String instanceId, int generation) {
        return new HeartbeatRequestData().setGroupId(group).setMemberId(member).setGroupInstanceId(instanceId).setGenerationId(generation);
    }
}
