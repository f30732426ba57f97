package io.samsa.group;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member of a consumer-protocol group (KIP-848): what it subscribes to, its member epoch and the
 * partitions it owns — those assigned to it and those it still has to revoke. Not thread-safe: accessed
 * under its group's lock.
 */
final class ConsumerMember {
    /** Where a member is in its reconciliation towards the group's target assignment. */
    enum State {
        /** The member has its target assignment at the target epoch (or all of it that is free). */
        STABLE,
        /** The member must first revoke partitions; its epoch stays until it acknowledges. */
        UNREVOKED_PARTITIONS,
        /** The member is at the target epoch but waits for partitions that others still have to revoke. */
        UNRELEASED_PARTITIONS
    }

    String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    List<String> subscribedTopicNames = List.of();
    String subscribedTopicRegex;
    String serverAssignor;
    int rebalanceTimeoutMs;
    int memberEpoch;
    int previousMemberEpoch;
    State state = State.STABLE;
    Map<Uuid, Set<Integer>> assigned = Map.of();
    Map<Uuid, Set<Integer>> pendingRevocation = Map.of();

    ConsumerMember(String memberId) {
        this.memberId = memberId;
    }

    /** Whether this member owns the partition: assigned, or not yet revoked. */
    boolean owns(Uuid topicId, int partition) {
        return contains(assigned, topicId, partition) || contains(pendingRevocation, topicId, partition);
    }

    static boolean contains(Map<Uuid, Set<Integer>> partitions, Uuid topicId, int partition) {
        Set<Integer> set = partitions.get(topicId);
        return set != null && set.contains(partition);
    }
}
