package io.samsa.group;

import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The classic rebalance protocol on one group, as Kafka's coordinator runs it: JoinGroup (with KIP-394's
 * MEMBER_ID_REQUIRED round trip and KIP-345 static members), SyncGroup, Heartbeat and LeaveGroup, and the
 * deadlines that drive it: the initial rebalance delay, the rebalance timeout (members that do not rejoin
 * are removed), the sync timeout and each member's session timeout.
 *
 * <p>A JoinGroup waits in the member until the join phase completes; a follower's SyncGroup waits until
 * the leader's assignment is stored. Every method runs with the group's lock held by the caller, and the
 * timers take the same lock, so a group changes state on one thread at a time.
 */
final class RebalanceProtocol {
    private static final Logger log = LoggerFactory.getLogger(RebalanceProtocol.class);
    private static final String JOIN_TIMER = "join";
    private static final String SYNC_TIMER = "sync";

    private final GroupConfig config;
    private final GroupLog groupLog;
    private final GroupTimers timers;
    private final Time time;

    RebalanceProtocol(GroupConfig config, GroupLog groupLog, GroupTimers timers, Time time) {
        this.config = config;
        this.groupLog = groupLog;
        this.timers = timers;
        this.time = time;
    }

    // ---- JoinGroup

    void join(ClassicGroup group, JoinGroupRequestData request, List<GroupMember.Protocol> protocols, String clientId,
              String clientHost, short version, CompletableFuture<JoinGroupResponseData> future) {
        String memberId = request.memberId();
        if (!acceptJoiningMember(group, memberId)) {
            if (group.hasMember(memberId)) {
                timers.cancel(group, heartbeatKey(memberId));
                group.remove(memberId);
            }
            future.complete(joinError("", Errors.GROUP_MAX_SIZE_REACHED));
        } else if (memberId.isEmpty()) {
            joinNewMember(group, request, protocols, clientId, clientHost, version, future);
        } else {
            joinExistingMember(group, request, protocols, clientId, clientHost, version, future);
        }
    }

    private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                || group.awaitingJoinCount() < config.maxSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < config.maxSize();
        };
    }

    private void joinNewMember(ClassicGroup group, JoinGroupRequestData request, List<GroupMember.Protocol> protocols,
                               String clientId, String clientHost, short version,
                               CompletableFuture<JoinGroupResponseData> future) {
        if (!group.supportsProtocols(request.protocolType(), names(protocols))) {
            future.complete(joinError("", Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        String instanceId = request.groupInstanceId();
        String newMemberId = group.generateMemberId(clientId, instanceId);
        if (instanceId != null) {
            String existing = group.staticMemberId(instanceId);
            if (existing != null) {
                log.info("Static member {} of group {} rejoins without a member id; {} replaces {}",
                    instanceId, group.groupId(), newMemberId, existing);
                replaceStaticMember(group, request, protocols, existing, newMemberId, version, future);
            } else {
                addMember(group, request, protocols, newMemberId, clientId, clientHost, future);
            }
        } else if (version >= 4) {
            // KIP-394: hand out the id first, so a client that times out and retries does not leave ghosts behind.
            group.addPendingMember(newMemberId);
            scheduleHeartbeat(group, newMemberId, request.sessionTimeoutMs());
            future.complete(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMember(group, request, protocols, newMemberId, clientId, clientHost, future);
        }
    }

    private void joinExistingMember(ClassicGroup group, JoinGroupRequestData request, List<GroupMember.Protocol> protocols,
                                    String clientId, String clientHost, short version,
                                    CompletableFuture<JoinGroupResponseData> future) {
        String memberId = request.memberId();
        if (!group.supportsProtocols(request.protocolType(), names(protocols))) {
            future.complete(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.isPendingMember(memberId)) {
            if (request.groupInstanceId() != null) {
                future.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            addMember(group, request, protocols, memberId, clientId, clientHost, future);
            return;
        }
        Errors error = group.validateMember(memberId, request.groupInstanceId());
        if (error != Errors.NONE) {
            future.complete(joinError(memberId, error));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, request, protocols, future);
            case COMPLETING_REBALANCE -> {
                if (member.matches(protocols)) {
                    // The member lost our JoinGroup response: give it the current generation again.
                    future.complete(currentGeneration(group, memberId, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(group, member, request, protocols, future);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(protocols)) {
                    // A leader's JoinGroup asks for a rebalance (e.g. a topic's partitions changed).
                    updateMemberAndRebalance(group, member, request, protocols, future);
                } else {
                    future.complete(currentGeneration(group, memberId, false));
                }
            }
            default -> future.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers) {
        return new JoinGroupResponseData()
            .setMembers(withMembers ? group.joinResponseMembers() : new ArrayList<>())
            .setMemberId(memberId)
            .setGenerationId(group.generationId())
            .setProtocolName(group.protocolName())
            .setProtocolType(group.protocolType())
            .setLeader(group.leaderId())
            .setSkipAssignment(false);
    }

    private void addMember(ClassicGroup group, JoinGroupRequestData request, List<GroupMember.Protocol> protocols,
                           String memberId, String clientId, String clientHost,
                           CompletableFuture<JoinGroupResponseData> future) {
        GroupMember member = new GroupMember(memberId, request.groupInstanceId(), clientId, clientHost,
            request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), request.protocolType(), protocols);
        member.setNew(true);
        if (group.is(GroupState.PREPARING_REBALANCE) && group.previousState() == GroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, future);
        // A new member cannot heartbeat while its JoinGroup is parked; bound how long it may stay parked.
        scheduleHeartbeat(group, memberId, config.newMemberJoinTimeoutMs());
        maybePrepareRebalanceOrCompleteJoin(group, "adding member " + memberId);
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinGroupRequestData request,
                                          List<GroupMember.Protocol> protocols,
                                          CompletableFuture<JoinGroupResponseData> future) {
        group.updateMember(member, protocols, request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), future);
        maybePrepareRebalanceOrCompleteJoin(group, "member " + member.memberId() + " rejoined");
    }

    /** KIP-345: a static member that comes back with a new member id takes over its old identity. */
    private void replaceStaticMember(ClassicGroup group, JoinGroupRequestData request, List<GroupMember.Protocol> protocols,
                                     String oldMemberId, String newMemberId, short version,
                                     CompletableFuture<JoinGroupResponseData> future) {
        String currentLeader = group.leaderId();
        GroupMember member = group.replaceStaticMember(request.groupInstanceId(), oldMemberId, newMemberId);
        timers.cancel(group, heartbeatKey(oldMemberId));
        scheduleHeartbeat(group, newMemberId, member.sessionTimeoutMs());
        List<GroupMember.Protocol> oldProtocols = member.protocols();
        int oldRebalanceTimeout = member.rebalanceTimeoutMs();
        int oldSessionTimeout = member.sessionTimeoutMs();
        group.updateMember(member, protocols, request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), future);

        switch (group.state()) {
            case STABLE -> {
                if (!group.selectProtocol().equals(group.protocolName())) {
                    maybePrepareRebalanceOrCompleteJoin(group, "static member " + newMemberId + " changed its protocols");
                    return;
                }
                // Same protocol: no rebalance, the member keeps its assignment under its new id.
                Map<String, byte[]> assignment = currentAssignment(group);
                Errors error = GroupLog.appendedLocally(
                    groupLog.append(group.groupId(), List.of(GroupRecords.groupMetadata(group, assignment))));
                if (error != Errors.NONE) {
                    group.updateMember(member, oldProtocols, oldRebalanceTimeout, oldSessionTimeout, null);
                    GroupMember restored = group.replaceStaticMember(request.groupInstanceId(), newMemberId, oldMemberId);
                    timers.cancel(group, heartbeatKey(newMemberId));
                    scheduleHeartbeat(group, oldMemberId, restored.sessionTimeoutMs());
                    future.complete(joinError("", error).setGenerationId(group.generationId())
                        .setProtocolName(group.protocolName()).setProtocolType(group.protocolType()).setLeader(currentLeader));
                } else if (version >= 9) {
                    boolean isLeader = group.isLeader(newMemberId);
                    group.completeJoin(member, currentGeneration(group, newMemberId, isLeader).setSkipAssignment(isLeader));
                } else {
                    group.completeJoin(member, currentGeneration(group, newMemberId, false).setLeader(currentLeader));
                }
            }
            case COMPLETING_REBALANCE ->
                // The leader may be assigning to the old member id: start over so the new id gets partitions.
                prepareRebalance(group, "static member " + newMemberId + " replaced " + oldMemberId);
            default -> maybeCompleteJoinPhase(group);
        }
    }

    private static Map<String, byte[]> currentAssignment(ClassicGroup group) {
        Map<String, byte[]> assignment = new HashMap<>();
        for (GroupMember m : group.members()) {
            assignment.put(m.memberId(), m.assignment());
        }
        return assignment;
    }

    // ---- rebalance phases

    private void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group, String reason) {
        if (GroupState.PREPARING_REBALANCE.validPreviousStates().contains(group.state())) {
            prepareRebalance(group, reason);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    private void maybeCompleteJoinPhase(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && group.previousState() != GroupState.EMPTY
            && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.clearPendingSyncMembers();
        timers.cancel(group, SYNC_TIMER);
        boolean initial = group.is(GroupState.EMPTY);
        if (initial) {
            // An empty group's first rebalance waits a little so that members starting together join one generation.
            int delay = config.initialRebalanceDelayMs();
            int remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
            timers.schedule(group, JOIN_TIMER, delay, () -> completeInitialRebalanceOrExtend(group, delay, remaining));
        }
        group.transitionTo(GroupState.PREPARING_REBALANCE, time.milliseconds());
        log.info("Preparing to rebalance group {} with old generation {} ({})", group.groupId(), group.generationId(), reason);
        if (!initial) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                timers.schedule(group, JOIN_TIMER, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            }
        }
    }

    private void completeInitialRebalanceOrExtend(ClassicGroup group, int delayMs, int remainingMs) {
        if (group.is(GroupState.DEAD)) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int nextDelay = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            int nextRemaining = Math.max(remainingMs - delayMs, 0);
            timers.schedule(group, JOIN_TIMER, nextDelay,
                () -> completeInitialRebalanceOrExtend(group, nextDelay, nextRemaining));
        } else {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase: dynamic members that did not rejoin are removed, the next generation starts and
     * every parked JoinGroup is answered (the leader's with all members' metadata).
     */
    private void completeJoin(ClassicGroup group) {
        timers.cancel(group, JOIN_TIMER);
        if (group.is(GroupState.DEAD)) {
            return;
        }
        for (GroupMember m : group.notYetRejoinedMembers()) {
            if (!m.isStatic()) {
                group.remove(m.memberId());
                timers.cancel(group, heartbeatKey(m.memberId()));
                log.info("Group {} removed member {}: it did not rejoin within the rebalance timeout",
                    group.groupId(), m.memberId());
            }
        }
        if (!group.maybeElectNewJoinedLeader() && group.size() > 0) {
            // Only static members that have not rejoined are left: wait for them, or for their sessions to expire.
            timers.schedule(group, JOIN_TIMER, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        group.initNextGeneration(time.milliseconds());
        if (group.is(GroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", group.groupId(), group.generationId());
            Errors error = GroupLog.appendedLocally(
                groupLog.append(group.groupId(), List.of(GroupRecords.groupMetadata(group, Map.of()))));
            if (error != Errors.NONE) {
                log.warn("Cannot store the empty generation of group {}: {}", group.groupId(), error);
            }
            return;
        }
        log.info("Stabilized group {} generation {} with {} member(s), protocol {}", group.groupId(),
            group.generationId(), group.size(), group.protocolName());
        for (GroupMember m : group.members()) {
            group.completeJoin(m, currentGeneration(group, m.memberId(), group.isLeader(m.memberId())));
            scheduleHeartbeat(group, m.memberId(), m.sessionTimeoutMs());
            m.setNew(false);
            group.addPendingSyncMember(m.memberId());
        }
        int generation = group.generationId();
        timers.schedule(group, SYNC_TIMER, group.rebalanceTimeoutMs(), () -> expirePendingSync(group, generation));
    }

    private void expirePendingSync(ClassicGroup group, int generation) {
        if (generation != group.generationId() || group.hasReceivedSyncFromAllMembers()
            || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))) {
            return;
        }
        Set<String> missing = Set.copyOf(group.pendingSyncMembers());
        for (String memberId : missing) {
            group.remove(memberId);
            timers.cancel(group, heartbeatKey(memberId));
        }
        prepareRebalance(group, "members " + missing + " sent no SyncGroup in time");
    }

    private void resetAndPropagateAssignmentWithError(ClassicGroup group, Errors error) {
        for (GroupMember m : group.members()) {
            m.setAssignment(GroupMember.EMPTY_ASSIGNMENT);
        }
        propagateAssignment(group, error);
    }

    private void propagateAssignment(ClassicGroup group, Errors error) {
        boolean ok = error == Errors.NONE;
        for (GroupMember m : group.members()) {
            SyncGroupResponseData response = new SyncGroupResponseData()
                .setProtocolName(ok ? group.protocolName() : null)
                .setProtocolType(ok ? group.protocolType() : null)
                .setAssignment(m.assignment())
                .setErrorCode(error.code());
            if (m.completeSync(response)) {
                scheduleHeartbeat(group, m.memberId(), m.sessionTimeoutMs());
            }
        }
    }

    // ---- SyncGroup

    void sync(ClassicGroup group, SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> future) {
        if (group.is(GroupState.EMPTY)) {
            future.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        if (group.is(GroupState.DEAD)) {
            future.complete(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        String memberId = request.memberId();
        Errors error = group.validateMember(memberId, request.groupInstanceId());
        if (error == Errors.NONE && request.generationId() != group.generationId()) {
            error = Errors.ILLEGAL_GENERATION;
        }
        if (error == Errors.NONE && (inconsistent(request.protocolType(), group.protocolType())
            || inconsistent(request.protocolName(), group.protocolName()))) {
            error = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (error != Errors.NONE) {
            future.complete(syncError(error));
            return;
        }
        switch (group.state()) {
            case PREPARING_REBALANCE -> future.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                group.member(memberId).setSyncFuture(future);
                removePendingSyncMember(group, memberId);
                if (group.isLeader(memberId)) {
                    storeAndPropagateAssignment(group, request);
                }
            }
            case STABLE -> {
                removePendingSyncMember(group, memberId);
                future.complete(new SyncGroupResponseData()
                    .setProtocolType(group.protocolType())
                    .setProtocolName(group.protocolName())
                    .setAssignment(group.member(memberId).assignment()));
            }
            default -> future.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void storeAndPropagateAssignment(ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignment = new HashMap<>();
        for (SyncGroupRequestData.SyncGroupRequestAssignment a : request.assignments()) {
            assignment.put(a.memberId(), a.assignment());
        }
        for (GroupMember m : group.members()) {
            assignment.putIfAbsent(m.memberId(), GroupMember.EMPTY_ASSIGNMENT);
        }
        // The members get their assignment once the offsets topic has it (every in-sync replica), as in Kafka; the
        // group stays in CompletingRebalance meanwhile. On a single broker that is before append returns.
        int generation = group.generationId();
        groupLog.append(group.groupId(), List.of(GroupRecords.groupMetadata(group, assignment))).thenAccept(error -> {
            group.lock.lock();
            try {
                if (group.generationId() == generation && group.is(GroupState.COMPLETING_REBALANCE)) {
                    assignmentStored(group, assignment, error);
                }
            } finally {
                group.lock.unlock();
            }
        });
    }

    /** The outcome of storing a generation's assignment: members get it, or the error and a new rebalance. */
    private void assignmentStored(ClassicGroup group, Map<String, byte[]> assignment, Errors error) {
        if (error != Errors.NONE) {
            resetAndPropagateAssignmentWithError(group, error);
            maybePrepareRebalanceOrCompleteJoin(group, "storing the assignment failed with " + error);
            return;
        }
        for (GroupMember m : group.members()) {
            m.setAssignment(assignment.get(m.memberId()));
        }
        propagateAssignment(group, Errors.NONE);
        group.transitionTo(GroupState.STABLE, time.milliseconds());
        log.info("Group {} generation {} is stable", group.groupId(), group.generationId());
    }

    private void removePendingSyncMember(ClassicGroup group, String memberId) {
        group.removePendingSyncMember(memberId);
        if (group.hasReceivedSyncFromAllMembers()) {
            timers.cancel(group, SYNC_TIMER);
        }
    }

    private static boolean inconsistent(String requested, String current) {
        return requested != null && current != null && !requested.equals(current);
    }

    // ---- Heartbeat

    Errors heartbeat(ClassicGroup group, String memberId, String groupInstanceId, int generationId) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors error = group.validateMember(memberId, groupInstanceId);
        if (error != Errors.NONE) {
            return error;
        }
        if (generationId != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        return switch (group.state()) {
            case PREPARING_REBALANCE -> {
                touchSession(group, memberId);
                yield Errors.REBALANCE_IN_PROGRESS;
            }
            case COMPLETING_REBALANCE, STABLE -> {
                touchSession(group, memberId);
                yield Errors.NONE;
            }
            default -> Errors.UNKNOWN_MEMBER_ID;
        };
    }

    /** Restarts a member's session timer (a heartbeat, or an offset commit from it). */
    void touchSession(ClassicGroup group, String memberId) {
        GroupMember member = group.member(memberId);
        if (member != null) {
            scheduleHeartbeat(group, memberId, member.sessionTimeoutMs());
        }
    }

    void scheduleHeartbeat(ClassicGroup group, String memberId, long timeoutMs) {
        timers.schedule(group, heartbeatKey(memberId), timeoutMs, () -> expireSession(group, memberId));
    }

    private void expireSession(ClassicGroup group, String memberId) {
        if (group.is(GroupState.DEAD)) {
            return;
        }
        if (group.isPendingMember(memberId)) {
            log.info("Pending member {} of group {} did not rejoin within its session timeout", memberId, group.groupId());
            group.remove(memberId);
            if (group.is(GroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
                completeJoin(group);
            }
            return;
        }
        GroupMember member = group.member(memberId);
        if (member != null && !member.hasSatisfiedHeartbeat()) {
            log.info("Member {} of group {} failed: its session timed out", memberId, group.groupId());
            removeMember(group, member);
        }
    }

    private void removeMember(ClassicGroup group, GroupMember member) {
        // A new member may still wait in JoinGroup: tell it to rejoin if it is alive after all.
        group.completeJoin(member, joinError("", Errors.UNKNOWN_MEMBER_ID));
        group.remove(member.memberId());
        if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(group, "member " + member.memberId() + " left or failed");
        } else if (group.is(GroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    // ---- LeaveGroup

    List<MemberResponse> leave(ClassicGroup group, List<MemberIdentity> leaving) {
        List<MemberResponse> responses = new ArrayList<>();
        boolean anyLeft = false;
        for (MemberIdentity m : leaving) {
            MemberResponse response = new MemberResponse().setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId());
            String memberId = m.memberId();
            Errors error = Errors.NONE;
            if (memberId.isEmpty()) {
                // An administrator removes a static member by its instance id alone.
                if (m.groupInstanceId() != null && group.hasStaticMember(m.groupInstanceId())) {
                    removeLeavingMember(group, group.staticMemberId(m.groupInstanceId()));
                } else {
                    error = Errors.UNKNOWN_MEMBER_ID;
                }
            } else if (group.isPendingMember(memberId)) {
                group.remove(memberId);
                timers.cancel(group, heartbeatKey(memberId));
            } else {
                error = group.validateMember(memberId, m.groupInstanceId());
                if (error == Errors.NONE) {
                    removeLeavingMember(group, memberId);
                }
            }
            anyLeft |= error == Errors.NONE;
            responses.add(response.setErrorCode(error.code()));
        }
        if (anyLeft) {
            switch (group.state()) {
                case STABLE, COMPLETING_REBALANCE -> maybePrepareRebalanceOrCompleteJoin(group, "members left");
                case PREPARING_REBALANCE -> maybeCompleteJoinPhase(group);
                default -> { }
            }
        }
        return responses;
    }

    private void removeLeavingMember(ClassicGroup group, String memberId) {
        GroupMember member = group.member(memberId);
        timers.cancel(group, heartbeatKey(memberId));
        log.info("Member {} left group {}", memberId, group.groupId());
        group.completeJoin(member, joinError("", Errors.UNKNOWN_MEMBER_ID));
        group.remove(memberId);
    }

    // ---- helpers

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setMemberId(memberId).setErrorCode(error.code())
            .setGenerationId(-1).setProtocolName(null).setLeader("");
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    private static Set<String> names(List<GroupMember.Protocol> protocols) {
        Set<String> names = new java.util.HashSet<>();
        for (GroupMember.Protocol p : protocols) {
            names.add(p.name());
        }
        return names;
    }

    static String heartbeatKey(String memberId) {
        return "heartbeat-" + memberId;
    }
}
