package io.samsa.group;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The consumer-protocol (KIP-848) state of a group: its members, the group epoch (bumped whenever
 * membership, subscriptions or the subscribed topics change), the target assignment and the epoch it was
 * computed at, and each member's reconciliation towards it ({@link #reconcile}). Attached to the group's
 * {@link ClassicGroup} entry, which keeps the committed offsets, lock and timers; a group uses one
 * protocol at a time.
 *
 * <p>Not thread-safe: accessed under the group's lock.
 */
final class ConsumerGroup {
    int groupEpoch;
    int assignmentEpoch;
    String assignorName;
    final Map<String, ConsumerMember> members = new LinkedHashMap<>();
    /** Static members: instance id → member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member id → topic id → partitions. */
    Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    /** The subscribed topics as of the last assignment: name → topic. */
    Map<String, TopicCatalog.Topic> subscribedTopics = Map.of();

    /** Kafka's consumer group states, as ListGroups and ConsumerGroupDescribe report them. */
    String state() {
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerMember m : members.values()) {
            if (m.memberEpoch != assignmentEpoch || m.state != ConsumerMember.State.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    /** The regular expressions the members subscribe with. */
    Set<String> subscribedRegexes() {
        Set<String> regexes = new HashSet<>();
        for (ConsumerMember m : members.values()) {
            if (m.subscribedTopicRegex != null && !m.subscribedTopicRegex.isEmpty()) {
                regexes.add(m.subscribedTopicRegex);
            }
        }
        return regexes;
    }

    /**
     * The existing topics a member subscribes to, by name or by its regular expression (already resolved,
     * outside the group's lock, in {@code regexTopics}).
     */
    Set<String> subscribedTopicNames(ConsumerMember member, TopicCatalog catalog, TopicRegexResolver.View regexTopics) {
        Set<String> names = new TreeSet<>();
        for (String name : member.subscribedTopicNames) {
            if (catalog.byName(name) != null) {
                names.add(name);
            }
        }
        if (member.subscribedTopicRegex != null && !member.subscribedTopicRegex.isEmpty()) {
            for (String name : regexTopics.topics(member.subscribedTopicRegex)) {
                if (catalog.byName(name) != null) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The subscribed topics of all members now; bumps the group epoch when they changed. */
    void refreshSubscribedTopics(TopicCatalog catalog, TopicRegexResolver.View regexTopics) {
        Map<String, TopicCatalog.Topic> now = new TreeMap<>();
        for (ConsumerMember m : members.values()) {
            for (String name : subscribedTopicNames(m, catalog, regexTopics)) {
                now.put(name, catalog.byName(name));
            }
        }
        if (!now.equals(subscribedTopics)) {
            subscribedTopics = now;
            groupEpoch++;
        }
    }

    /** Recomputes the target assignment when the group epoch moved past it. */
    void maybeComputeTargetAssignment(TopicCatalog catalog, ServerAssignor assignor, TopicRegexResolver.View regexTopics) {
        if (groupEpoch <= assignmentEpoch && targetAssignment.keySet().equals(members.keySet())) {
            return;
        }
        Map<String, Set<String>> subscriptions = new HashMap<>();
        for (ConsumerMember m : members.values()) {
            Set<String> names = subscribedTopicNames(m, catalog, regexTopics);
            names.retainAll(subscribedTopics.keySet());
            subscriptions.put(m.memberId, names);
        }
        targetAssignment = assignor.assign(subscriptions, subscribedTopics, targetAssignment);
        assignorName = assignor.name();
        assignmentEpoch = groupEpoch;
    }

    /** Whether a member other than {@code self} still owns the partition. */
    private boolean ownedByOther(ConsumerMember self, Uuid topicId, int partition) {
        for (ConsumerMember m : members.values()) {
            if (m != self && m.owns(topicId, partition)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves a member one step towards its target assignment, as KIP-848's reconciliation does: partitions it
     * must give up are first revoked (its epoch stays until a heartbeat's owned partitions show them gone);
     * then it moves to the target epoch with every target partition that no other member still owns, and
     * gets the rest as their owners release them.
     *
     * @param ownedPartitions the partitions the heartbeat says the member owns, or null when not sent
     * @return whether the member's assignment or epoch changed
     */
    boolean reconcile(ConsumerMember member, Map<Uuid, Set<Integer>> ownedPartitions) {
        if (member.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (ownedPartitions == null || overlaps(ownedPartitions, member.pendingRevocation)) {
                return false;
            }
            member.pendingRevocation = Map.of();
            member.state = ConsumerMember.State.STABLE;
        }
        if (member.memberEpoch == assignmentEpoch && member.state == ConsumerMember.State.STABLE) {
            return false;
        }
        Map<Uuid, Set<Integer>> target = targetAssignment.getOrDefault(member.memberId, Map.of());
        Map<Uuid, Set<Integer>> kept = new HashMap<>();
        Map<Uuid, Set<Integer>> revoke = new HashMap<>();
        for (Map.Entry<Uuid, Set<Integer>> e : member.assigned.entrySet()) {
            for (int p : e.getValue()) {
                boolean stays = ConsumerMember.contains(target, e.getKey(), p);
                (stays ? kept : revoke).computeIfAbsent(e.getKey(), id -> new TreeSet<>()).add(p);
            }
        }
        Map<Uuid, Set<Integer>> before = member.assigned;
        int epochBefore = member.memberEpoch;
        if (!revoke.isEmpty()) {
            member.assigned = kept;
            member.pendingRevocation = revoke;
            member.state = ConsumerMember.State.UNREVOKED_PARTITIONS;
            return true;
        }
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> e : target.entrySet()) {
            for (int p : e.getValue()) {
                if (ConsumerMember.contains(kept, e.getKey(), p)) {
                    continue;
                }
                if (ownedByOther(member, e.getKey(), p)) {
                    unreleased = true;
                } else {
                    kept.computeIfAbsent(e.getKey(), id -> new TreeSet<>()).add(p);
                }
            }
        }
        member.assigned = kept;
        if (member.memberEpoch != assignmentEpoch) {
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = assignmentEpoch;
        }
        member.state = unreleased ? ConsumerMember.State.UNRELEASED_PARTITIONS : ConsumerMember.State.STABLE;
        return !kept.equals(before) || epochBefore != member.memberEpoch;
    }

    private static boolean overlaps(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        for (Map.Entry<Uuid, Set<Integer>> e : b.entrySet()) {
            Set<Integer> other = a.get(e.getKey());
            if (other != null) {
                Set<Integer> common = new HashSet<>(other);
                common.retainAll(e.getValue());
                if (!common.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether every partition of {@code sub} is in {@code of}. */
    static boolean isSubset(Map<Uuid, Set<Integer>> sub, Map<Uuid, Set<Integer>> of) {
        for (Map.Entry<Uuid, Set<Integer>> e : sub.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Set<Integer> other = of.get(e.getKey());
            if (other == null || !other.containsAll(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Kafka's check of a consumer-protocol member's offset commit or fetch: the member epoch stands for the
     * generation. Without an epoch (negative) a group without members accepts admin commits; OffsetCommit
     * before v9 cannot carry a member epoch.
     */
    Errors validateMember(String memberId, int memberEpoch, boolean oldVersion) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return Errors.NONE;
        }
        if (oldVersion) {
            return Errors.UNSUPPORTED_VERSION;
        }
        ConsumerMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == member.memberEpoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }
}
