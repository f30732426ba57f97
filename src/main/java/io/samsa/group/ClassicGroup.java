package io.samsa.group;

import io.netty.util.Timeout;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One classic group: its state and generation, its members and leader, the protocol chosen for the
 * generation, the members still expected in JoinGroup or SyncGroup, its committed offsets and its pending
 * timers. Offsets of a group that never used group management ("simple" consumers committing with
 * generation -1) live here too, in a group with no protocol type.
 *
 * <p>Not thread-safe by itself: every access holds {@link #lock}, one lock per group.
 */
final class ClassicGroup {
    final ReentrantLock lock = new ReentrantLock();

    private final String groupId;
    private GroupState state;
    private GroupState previousState = GroupState.DEAD;
    private long stateTimestampMs;
    private String protocolType;
    private String protocolName;
    private int generationId;
    private String leaderId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private final Map<String, Integer> protocolSupport = new HashMap<>();
    private int awaitingJoin;
    private boolean newMemberAdded;
    private final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /** The consumer-protocol (KIP-848) state when the group uses that protocol, else null. */
    private ConsumerGroup consumerGroup;
    /** Pending timers by key ("heartbeat-<member>", "join", "sync"); see {@link GroupCoordinator}. */
    final Map<String, Timeout> timeouts = new HashMap<>();
    /**
     * The last of this group's writes whose outcome is applied once the offsets topic replicated it: the next
     * one is applied after it, so that outcomes reach memory in the order of the log even when the in-sync
     * replicas acknowledge several writes at once.
     */
    CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.state = GroupState.EMPTY;
        this.stateTimestampMs = nowMs;
    }

    ConsumerGroup consumerGroup() {
        return consumerGroup;
    }

    void setConsumerGroup(ConsumerGroup consumerGroup) {
        this.consumerGroup = consumerGroup;
    }

    /** Whether the group uses the consumer protocol (KIP-848) and has members. */
    boolean hasConsumerMembers() {
        return consumerGroup != null && !consumerGroup.members.isEmpty();
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    GroupState previousState() {
        return previousState;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    void transitionTo(GroupState next, long nowMs) {
        if (!next.validPreviousStates().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state + " to " + next);
        }
        previousState = state;
        state = next;
        stateTimestampMs = nowMs;
    }

    int generationId() {
        return generationId;
    }

    String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId != null && memberId.equals(leaderId);
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean value) {
        newMemberAdded = value;
    }

    /** Restores the state a group metadata record describes (loading); members come after. */
    void restore(String protocolType, int generationId, String protocolName, String leaderId, long stateTimestampMs,
                 boolean hasMembers) {
        this.protocolType = protocolType == null || protocolType.isEmpty() ? null : protocolType;
        this.generationId = generationId;
        this.protocolName = protocolName;
        this.leaderId = leaderId;
        this.state = hasMembers ? GroupState.STABLE : GroupState.EMPTY;
        this.previousState = GroupState.DEAD;
        if (stateTimestampMs >= 0) {
            this.stateTimestampMs = stateTimestampMs;
        }
    }

    /** Forgets every member and the protocol (a group tombstone whose offsets live on). */
    void resetMembership(long nowMs) {
        members.clear();
        staticMembers.clear();
        pendingJoinMembers.clear();
        pendingSyncMembers.clear();
        protocolSupport.clear();
        awaitingJoin = 0;
        protocolType = null;
        protocolName = null;
        leaderId = null;
        generationId = 0;
        state = GroupState.EMPTY;
        previousState = GroupState.DEAD;
        stateTimestampMs = nowMs;
    }

    // ---- members

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<GroupMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    boolean hasStaticMember(String instanceId) {
        return staticMembers.containsKey(instanceId);
    }

    String staticMemberId(String instanceId) {
        return staticMembers.get(instanceId);
    }

    String generateMemberId(String clientId, String groupInstanceId) {
        return (groupInstanceId != null ? groupInstanceId : clientId) + "-" + UUID.randomUUID();
    }

    void add(GroupMember member, java.util.concurrent.CompletableFuture<JoinGroupResponseData> joinFuture) {
        if (member.isStatic()) {
            if (staticMembers.containsKey(member.groupInstanceId())) {
                throw new IllegalStateException("Static member " + member.groupInstanceId() + " is already in " + groupId);
            }
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        members.put(member.memberId(), member);
        countProtocols(member, 1);
        member.setJoinFuture(joinFuture);
        if (joinFuture != null) {
            awaitingJoin++;
        }
        pendingJoinMembers.remove(member.memberId());
    }

    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed != null) {
            countProtocols(removed, -1);
            if (removed.isAwaitingJoin()) {
                awaitingJoin--;
            }
            if (removed.isStatic()) {
                staticMembers.remove(removed.groupInstanceId());
            }
        }
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    /** Replaces a static member's old id with a new one; the old id's parked requests get FENCED_INSTANCE_ID. */
    GroupMember replaceStaticMember(String instanceId, String oldMemberId, String newMemberId) {
        GroupMember old = members.remove(oldMemberId);
        if (old == null) {
            throw new IllegalArgumentException("No member " + oldMemberId + " in " + groupId);
        }
        completeJoin(old, new JoinGroupResponseData().setMemberId(oldMemberId).setLeader("")
            .setProtocolName(null).setProtocolType(null).setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        old.completeSync(new org.apache.kafka.common.message.SyncGroupResponseData()
            .setAssignment(new byte[0]).setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        GroupMember replacement = old.withMemberId(newMemberId);
        members.put(newMemberId, replacement);
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        staticMembers.put(instanceId, newMemberId);
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        return replacement;
    }

    void updateMember(GroupMember member, List<GroupMember.Protocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs,
                      java.util.concurrent.CompletableFuture<JoinGroupResponseData> joinFuture) {
        countProtocols(member, -1);
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        countProtocols(member, 1);
        if (joinFuture != null && member.isAwaitingJoin() && member.joinFuture() != joinFuture) {
            // A second JoinGroup from the same member replaces the first, which must still get an answer:
            // responses on a connection go out in order, so an unanswered one would hold back the rest.
            member.joinFuture().complete(new JoinGroupResponseData().setMemberId(member.memberId()).setLeader("")
                .setGenerationId(-1).setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
        }
        if (joinFuture != null && !member.isAwaitingJoin()) {
            awaitingJoin++;
        } else if (joinFuture == null && member.isAwaitingJoin()) {
            awaitingJoin--;
        }
        member.setJoinFuture(joinFuture);
    }

    /** Completes a member's parked JoinGroup, if any; returns whether there was one. */
    boolean completeJoin(GroupMember member, JoinGroupResponseData response) {
        if (!member.isAwaitingJoin()) {
            return false;
        }
        java.util.concurrent.CompletableFuture<JoinGroupResponseData> f = member.joinFuture();
        member.setJoinFuture(null);
        awaitingJoin--;
        f.complete(response);
        return true;
    }

    /**
     * Whether the member in the request is this group's member: a static member's instance id must map to
     * exactly this member id (else FENCED_INSTANCE_ID), and the member must exist (else UNKNOWN_MEMBER_ID).
     */
    Errors validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String existing = staticMembers.get(groupInstanceId);
            if (existing == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    boolean isPendingMember(String memberId) {
        return pendingJoinMembers.contains(memberId);
    }

    boolean hasPendingJoinMembers() {
        return !pendingJoinMembers.isEmpty();
    }

    void addPendingMember(String memberId) {
        pendingJoinMembers.add(memberId);
    }

    int awaitingJoinCount() {
        return awaitingJoin;
    }

    boolean hasAllMembersJoined() {
        return members.size() == awaitingJoin && pendingJoinMembers.isEmpty();
    }

    List<GroupMember> notYetRejoinedMembers() {
        List<GroupMember> result = new ArrayList<>();
        for (GroupMember m : members.values()) {
            if (!m.isAwaitingJoin()) {
                result.add(m);
            }
        }
        return result;
    }

    /** Moves the leadership to a member that rejoined when the leader did not; false when none did. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        GroupMember leader = members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (GroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return false;
    }

    void addPendingSyncMember(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    boolean hasReceivedSyncFromAllMembers() {
        return pendingSyncMembers.isEmpty();
    }

    Set<String> pendingSyncMembers() {
        return pendingSyncMembers;
    }

    void clearPendingSyncMembers() {
        pendingSyncMembers.clear();
    }

    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    // ---- protocols

    /**
     * Whether a joining member's protocols fit: an empty group takes any non-empty offer; otherwise the
     * protocol type must match and at least one protocol must be supported by every current member.
     */
    boolean supportsProtocols(String memberProtocolType, Set<String> memberProtocols) {
        if (is(GroupState.EMPTY)) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        return memberProtocolType != null && memberProtocolType.equals(protocolType)
            && memberProtocols.stream().anyMatch(name -> protocolSupport.getOrDefault(name, 0) == members.size());
    }

    /** The protocol every member supports that most members prefer (Kafka's vote). */
    String selectProtocol() {
        if (members.isEmpty()) {
            throw new IllegalStateException("Cannot select a protocol for empty group " + groupId);
        }
        Set<String> candidates = new HashSet<>();
        for (Map.Entry<String, Integer> e : protocolSupport.entrySet()) {
            if (e.getValue() == members.size()) {
                candidates.add(e.getKey());
            }
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElseThrow();
    }

    private void countProtocols(GroupMember member, int delta) {
        for (GroupMember.Protocol p : member.protocols()) {
            protocolSupport.merge(p.name(), delta, Integer::sum);
        }
    }

    /** Starts the next generation: CompletingRebalance with a chosen protocol, or Empty without members. */
    void initNextGeneration(long nowMs) {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        } else {
            protocolName = null;
            transitionTo(GroupState.EMPTY, nowMs);
        }
        pendingSyncMembers.clear();
    }

    List<JoinGroupResponseMember> joinResponseMembers() {
        List<JoinGroupResponseMember> result = new ArrayList<>();
        for (GroupMember m : members.values()) {
            result.add(new JoinGroupResponseMember().setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
                .setMetadata(m.metadata(protocolName)));
        }
        return result;
    }

    boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    /**
     * The topics the members subscribe to, read from their consumer-protocol metadata; empty when the
     * group does not use the consumer protocol or the metadata cannot be parsed.
     */
    Optional<Set<String>> subscribedTopics() {
        if (!usesConsumerProtocol()) {
            return Optional.empty();
        }
        if (members.isEmpty()) {
            return Optional.of(Set.of());
        }
        if (protocolName == null) {
            return Optional.empty();
        }
        Set<String> topics = new HashSet<>();
        try {
            for (GroupMember m : members.values()) {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(m.metadata(protocolName))).topics());
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(topics);
    }

    boolean isSubscribedTo(String topic) {
        return subscribedTopics().map(t -> t.contains(topic)).orElse(usesConsumerProtocol());
    }

    // ---- offsets

    Map<TopicPartition, CommittedOffset> offsets() {
        return offsets;
    }

    /** Whether nothing at all is left: no members, no offsets, no protocol. */
    boolean isEmptyWithoutOffsets() {
        return is(GroupState.EMPTY) && offsets.isEmpty() && pendingJoinMembers.isEmpty() && !hasConsumerMembers();
    }
}
