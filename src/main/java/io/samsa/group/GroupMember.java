package io.samsa.group;

import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a classic group: who it is, the protocols it offered in its last JoinGroup (in its order
 * of preference), its assignment, and the JoinGroup or SyncGroup response it is waiting for.
 * Not thread-safe: guarded by its group's lock.
 */
final class GroupMember {
    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    /** A protocol the member supports and its metadata for it (the consumer's subscription). */
    record Protocol(String name, byte[] metadata) {
        boolean sameAs(Protocol other) {
            return name.equals(other.name) && Arrays.equals(metadata, other.metadata);
        }
    }

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private CompletableFuture<JoinGroupResponseData> joinFuture;
    private CompletableFuture<SyncGroupResponseData> syncFuture;
    private boolean isNew;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                int sessionTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    /** The same member under a new id (a static member rejoining), keeping everything else. */
    GroupMember withMemberId(String newMemberId) {
        GroupMember copy = new GroupMember(newMemberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs,
            sessionTimeoutMs, protocolType, protocols);
        copy.assignment = assignment;
        return copy;
    }

    String memberId() {
        return memberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    Set<String> protocolNames() {
        return protocols.stream().map(Protocol::name).collect(java.util.stream.Collectors.toSet());
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment == null ? EMPTY_ASSIGNMENT : assignment;
    }

    void update(List<Protocol> protocols, int rebalanceTimeoutMs, int sessionTimeoutMs) {
        this.protocols = List.copyOf(protocols);
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** The metadata offered for a protocol, or an empty array when the member does not support it. */
    byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return new byte[0];
    }

    /** Whether a JoinGroup offers exactly the protocols (names, order and metadata) this member has. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).sameAs(protocols.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The member's first preference among the candidates. */
    String vote(Set<String> candidates) {
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        throw new IllegalArgumentException("Member " + memberId + " supports none of " + candidates);
    }

    CompletableFuture<JoinGroupResponseData> joinFuture() {
        return joinFuture;
    }

    void setJoinFuture(CompletableFuture<JoinGroupResponseData> future) {
        this.joinFuture = future;
    }

    boolean isAwaitingJoin() {
        return joinFuture != null;
    }

    /** Parks a SyncGroup; one already parked (a duplicate request) is answered REBALANCE_IN_PROGRESS. */
    void setSyncFuture(CompletableFuture<SyncGroupResponseData> future) {
        if (syncFuture != null && syncFuture != future) {
            syncFuture.complete(new SyncGroupResponseData().setAssignment(new byte[0])
                .setErrorCode(org.apache.kafka.common.protocol.Errors.REBALANCE_IN_PROGRESS.code()));
        }
        this.syncFuture = future;
    }

    boolean isAwaitingSync() {
        return syncFuture != null;
    }

    /** Completes the parked SyncGroup, if any; returns whether there was one. */
    boolean completeSync(SyncGroupResponseData response) {
        if (syncFuture == null) {
            return false;
        }
        CompletableFuture<SyncGroupResponseData> f = syncFuture;
        syncFuture = null;
        f.complete(response);
        return true;
    }

    boolean isNew() {
        return isNew;
    }

    void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    /**
     * Whether the member counts as alive without a heartbeat: a member waiting in JoinGroup or SyncGroup
     * cannot heartbeat, so it is kept, unless it is new (it has never completed a join).
     */
    boolean hasSatisfiedHeartbeat() {
        return !isNew && (isAwaitingJoin() || isAwaitingSync());
    }

    DescribedGroupMember describe(String protocolName) {
        return new DescribedGroupMember()
            .setMemberId(memberId)
            .setGroupInstanceId(groupInstanceId)
            .setClientId(clientId)
            .setClientHost(clientHost)
            .setMemberMetadata(protocolName == null ? new byte[0] : metadata(protocolName))
            .setMemberAssignment(protocolName == null ? new byte[0] : assignment);
    }
}
