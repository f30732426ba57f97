package io.samsa.group;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The consumer group protocol of KIP-848 on one group: ConsumerGroupHeartbeat joins, keeps alive, updates
 * and leaves a member; each heartbeat brings the group epoch up to date with membership, subscriptions and
 * topics, recomputes the target assignment with a server-side assignor when the epoch moved, and moves
 * the member one reconciliation step towards its target ({@link ConsumerGroup#reconcile}). Members that
 * stop heartbeating for the session timeout are removed, as are members that do not revoke partitions
 * within their rebalance timeout.
 *
 * <p>Regular-expression subscriptions are matched against the topic names by {@link TopicRegexResolver}
 * before a heartbeat takes the group's lock, never while holding it. Callers hold the group's lock for the
 * other operations; the timers take it themselves.
 */
final class ConsumerGroupProtocol {
    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupProtocol.class);
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    private final GroupConfig config;
    private final GroupTimers timers;
    private final GroupRegistry groups;
    private final GroupLog groupLog;
    private final TopicRegexResolver regexResolver = new TopicRegexResolver();

    ConsumerGroupProtocol(GroupConfig config, GroupTimers timers, GroupRegistry groups, GroupLog groupLog) {
        this.config = config;
        this.timers = timers;
        this.groups = groups;
        this.groupLog = groupLog;
    }

    /**
     * A ConsumerGroupHeartbeat. A group with classic members cannot be joined this way (GROUP_ID_NOT_FOUND, as
     * Kafka answers when online migration is off); an empty classic group — offsets only — becomes a
     * consumer group. A group epoch that moved is stored, so the group and its type survive a restart.
     */
    CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(ConsumerGroupHeartbeatRequestData request,
                                                                    short version, String clientId, String clientHost,
                                                                    TopicCatalog catalog) {
        ConsumerGroupHeartbeatResponseData invalid = validate(request, version, config.consumerAssignors());
        if (invalid != null) {
            return CompletableFuture.completedFuture(invalid);
        }
        // Regexes are matched against the topic names here, before the group's lock is taken; under the lock
        // only finished results are read. Should the group hold a regex not resolved yet (another member
        // subscribed with it meanwhile), the lock is let go, that regex resolved, and the group locked again.
        TopicRegexResolver.View regexTopics = regexResolver.view(catalog);
        Set<String> toResolve = request.subscribedTopicRegex() == null || request.subscribedTopicRegex().isEmpty()
            ? Set.of() : Set.of(request.subscribedTopicRegex());
        while (true) {
            regexTopics.resolve(toResolve);
            ClassicGroup group = groups.lock(request.groupId(), request.memberEpoch() == 0);
            if (group == null) {
                // No such group (after a restart, say): the member must join again.
                return CompletableFuture.completedFuture(error(Errors.UNKNOWN_MEMBER_ID, "Member "
                    + request.memberId() + " is not a member of group " + request.groupId() + "."));
            }
            try {
                toResolve = group.consumerGroup() == null ? Set.of()
                    : regexTopics.unresolved(group.consumerGroup().subscribedRegexes());
                if (toResolve.isEmpty()) {
                    return heartbeatLocked(group, request, clientId, clientHost, catalog, regexTopics);
                }
            } finally {
                group.lock.unlock();
            }
        }
    }

    /** A validated heartbeat, the group locked and every regex it needs resolved. */
    private CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeatLocked(
        ClassicGroup group, ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost,
        TopicCatalog catalog, TopicRegexResolver.View regexTopics) {
        if (group.consumerGroup() == null) {
            if (!group.is(GroupState.EMPTY) || group.hasPendingJoinMembers()) {
                return CompletableFuture.completedFuture(
                    error(Errors.GROUP_ID_NOT_FOUND, "Group " + request.groupId() + " is not a consumer group."));
            }
            if (request.memberEpoch() != 0) {
                return CompletableFuture.completedFuture(error(Errors.UNKNOWN_MEMBER_ID, "Member "
                    + request.memberId() + " is not a member of group " + request.groupId() + "."));
            }
            group.setConsumerGroup(new ConsumerGroup());
        }
        int epochBefore = group.consumerGroup().groupEpoch;
        ConsumerGroupHeartbeatResponseData response = heartbeat(group, request, clientId, clientHost, catalog,
            regexTopics);
        if (group.consumerGroup().groupEpoch != epochBefore) {
            // Answered once the offsets topic has the new epoch (every in-sync replica), as Kafka answers after
            // its records are committed; a failed write fails the heartbeat and the member retries.
            return groupLog.append(group.groupId(), List.of(
                GroupRecords.consumerGroupMetadata(group.groupId(), group.consumerGroup().groupEpoch))).thenApply(error -> {
                    if (error != Errors.NONE) {
                        log.warn("Cannot store the epoch of consumer group {}: {}", group.groupId(), error);
                        return error(error, null);
                    }
                    return response;
                });
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Fills in a ConsumerGroupDescribe result for one group. */
    void describe(String groupId, ConsumerGroupDescribeResponseData.DescribedGroup described, TopicCatalog catalog) {
        if (groupId == null || groupId.isEmpty()) {
            described.setErrorCode(Errors.INVALID_GROUP_ID.code());
            return;
        }
        ClassicGroup group = groups.lock(groupId, false);
        if (group == null) {
            described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
            return;
        }
        try {
            if (group.consumerGroup() == null) {
                described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a consumer group.");
            } else {
                ConsumerGroupDescribes.describe(group.consumerGroup(), described, catalog);
            }
        } finally {
            group.lock.unlock();
        }
    }

    /** OffsetFetch v9+ with a member id and epoch: the member must exist and its epoch be current. */
    Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        if (memberId == null || memberEpoch < 0 || groupId == null) {
            return Errors.NONE;
        }
        ClassicGroup group = groups.lock(groupId, false);
        if (group == null) {
            return Errors.NONE;
        }
        try {
            return group.consumerGroup() == null ? Errors.NONE
                : group.consumerGroup().validateMember(memberId, memberEpoch, false);
        } finally {
            group.lock.unlock();
        }
    }

    /** An error heartbeat response. */
    static ConsumerGroupHeartbeatResponseData error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code())
            .setErrorMessage(message == null ? error.message() : message);
    }

    /**
     * The error for a malformed heartbeat (Kafka's checks), or null. Checked before the group is looked at.
     */
    static ConsumerGroupHeartbeatResponseData validate(ConsumerGroupHeartbeatRequestData request, short version,
                                                      List<String> assignors) {
        String problem = null;
        if (request.groupId() == null || request.groupId().isEmpty()) {
            problem = "GroupId can't be empty.";
        } else if (request.instanceId() != null && request.instanceId().isEmpty()) {
            problem = "InstanceId can't be empty.";
        } else if (request.rackId() != null && request.rackId().isEmpty()) {
            problem = "RackId can't be empty.";
        } else if (version >= 1 && (request.memberId() == null || request.memberId().isEmpty())) {
            problem = "MemberId can't be empty.";
        } else if (request.memberEpoch() == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                problem = "RebalanceTimeoutMs must be provided in first request.";
            } else if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                problem = "TopicPartitions must be empty when (re-)joining.";
            } else if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                problem = "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.";
            }
        } else if (request.memberEpoch() == STATIC_LEAVE_EPOCH && request.instanceId() == null) {
            problem = "InstanceId can't be null when leaving as a static member (MemberEpoch -2).";
        } else if (request.memberEpoch() < STATIC_LEAVE_EPOCH) {
            problem = "MemberEpoch " + request.memberEpoch() + " is invalid.";
        } else if (request.memberId() == null || request.memberId().isEmpty()) {
            problem = "MemberId can't be empty.";
        }
        if (problem != null) {
            return error(Errors.INVALID_REQUEST, problem);
        }
        if (request.serverAssignor() != null && !assignors.contains(request.serverAssignor())) {
            return error(Errors.UNSUPPORTED_ASSIGNOR, "Assignor " + request.serverAssignor() + " is not supported. "
                + "Supported assignors: " + String.join(", ", assignors) + ".");
        }
        if (request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty()) {
            String syntaxError = TopicRegexResolver.syntaxError(request.subscribedTopicRegex());
            if (syntaxError != null) {
                return error(Errors.INVALID_REGULAR_EXPRESSION, "SubscribedTopicRegex `" + request.subscribedTopicRegex()
                    + "` is not a valid regular expression: " + syntaxError + ".");
            }
        }
        return null;
    }

    /** Handles a validated heartbeat on a group that uses (or now starts using) the consumer protocol. */
    private ConsumerGroupHeartbeatResponseData heartbeat(ClassicGroup holder, ConsumerGroupHeartbeatRequestData request,
                                                 String clientId, String clientHost, TopicCatalog catalog,
                                                 TopicRegexResolver.View regexTopics) {
        ConsumerGroup group = holder.consumerGroup();
        int epoch = request.memberEpoch();
        String memberId = request.memberId() == null || request.memberId().isEmpty()
            ? Uuid.randomUuid().toString() : request.memberId();
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            return leave(holder, group, memberId, request.instanceId(), epoch);
        }
        ConsumerMember member = group.members.get(memberId);
        boolean bump = false;
        if (epoch == 0) {
            if (member == null) {
                String staticId = request.instanceId() == null ? null : group.staticMembers.get(request.instanceId());
                if (staticId != null) {
                    ConsumerMember previous = group.members.get(staticId);
                    if (previous != null && previous.memberEpoch != STATIC_LEAVE_EPOCH) {
                        return error(Errors.UNRELEASED_INSTANCE_ID, "Static member " + staticId + " with instance id "
                            + request.instanceId() + " is not released yet.");
                    }
                    member = replaceStaticMember(holder, group, previous, memberId);
                } else {
                    if (group.members.size() >= config.consumerMaxSize()) {
                        return error(Errors.GROUP_MAX_SIZE_REACHED, "The consumer group has reached its maximum "
                            + "capacity of " + config.consumerMaxSize() + " members.");
                    }
                    member = new ConsumerMember(memberId);
                    group.members.put(memberId, member);
                    bump = true;
                }
            }
        } else {
            if (member == null) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group "
                    + holder.groupId() + ".");
            }
            if (member.memberEpoch == STATIC_LEAVE_EPOCH) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " left the group.");
            }
            Map<Uuid, Set<Integer>> owned = owned(request);
            if (epoch > member.memberEpoch || (epoch < member.memberEpoch && (epoch != member.previousMemberEpoch
                || owned == null || !ConsumerGroup.isSubset(owned, member.assigned)))) {
                return error(Errors.FENCED_MEMBER_EPOCH, "The consumer group member has an invalid epoch " + epoch
                    + "; the current epoch is " + member.memberEpoch + ".");
            }
        }
        bump |= update(group, member, request, clientId, clientHost);
        if (bump) {
            group.groupEpoch++;
        }
        group.refreshSubscribedTopics(catalog, regexTopics);
        group.maybeComputeTargetAssignment(catalog, selectAssignor(group), regexTopics);
        group.reconcile(member, owned(request));
        scheduleSession(holder, member.memberId);
        if (member.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (!holder.timeouts.containsKey(revokeKey(member.memberId))) {
                String id = member.memberId;
                timers.schedule(holder, revokeKey(id), member.rebalanceTimeoutMs, () -> {
                    log.info("Member {} of group {} did not revoke its partitions within {} ms; removing it",
                        id, holder.groupId(), holder.consumerGroup().members.get(id) == null ? 0
                            : holder.consumerGroup().members.get(id).rebalanceTimeoutMs);
                    remove(holder, id);
                });
            }
        } else {
            timers.cancel(holder, revokeKey(member.memberId));
        }
        return new ConsumerGroupHeartbeatResponseData().setMemberId(member.memberId).setMemberEpoch(member.memberEpoch)
            .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs())
            .setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment()
                .setTopicPartitions(toResponse(member.assigned)));
    }

    private ConsumerGroupHeartbeatResponseData leave(ClassicGroup holder, ConsumerGroup group, String memberId,
                                                     String instanceId, int epoch) {
        ConsumerMember member = group.members.get(memberId);
        if (member == null) {
            return error(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group "
                + holder.groupId() + ".");
        }
        if (epoch == STATIC_LEAVE_EPOCH && Objects.equals(member.instanceId, instanceId)) {
            // A static member that will come back: it keeps its assignment until it rejoins or its session expires.
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = STATIC_LEAVE_EPOCH;
            timers.cancel(holder, revokeKey(memberId));
            scheduleSession(holder, memberId);
        } else {
            remove(holder, memberId);
        }
        return new ConsumerGroupHeartbeatResponseData().setMemberId(memberId).setMemberEpoch(epoch);
    }

    /** The rejoined static member takes over its predecessor's assignment and epoch under its new member id. */
    private ConsumerMember replaceStaticMember(ClassicGroup holder, ConsumerGroup group, ConsumerMember previous,
                                               String memberId) {
        ConsumerMember member = new ConsumerMember(memberId);
        if (previous != null) {
            group.members.remove(previous.memberId);
            timers.cancel(holder, sessionKey(previous.memberId));
            timers.cancel(holder, revokeKey(previous.memberId));
            member.instanceId = previous.instanceId;
            member.rackId = previous.rackId;
            member.subscribedTopicNames = previous.subscribedTopicNames;
            member.subscribedTopicRegex = previous.subscribedTopicRegex;
            member.serverAssignor = previous.serverAssignor;
            member.rebalanceTimeoutMs = previous.rebalanceTimeoutMs;
            member.assigned = previous.assigned;
            member.pendingRevocation = previous.pendingRevocation;
            member.state = previous.state;
            member.memberEpoch = previous.previousMemberEpoch;
            member.previousMemberEpoch = previous.previousMemberEpoch;
            Map<Uuid, Set<Integer>> target = group.targetAssignment.remove(previous.memberId);
            if (target != null) {
                group.targetAssignment.put(memberId, target);
            }
        }
        group.members.put(memberId, member);
        return member;
    }

    /** Applies what the heartbeat changed; true when the group epoch must move (a subscription changed). */
    private static boolean update(ConsumerGroup group, ConsumerMember member, ConsumerGroupHeartbeatRequestData request,
                                  String clientId, String clientHost) {
        boolean changed = false;
        member.clientId = clientId;
        member.clientHost = clientHost;
        if (request.instanceId() != null) {
            member.instanceId = request.instanceId();
            group.staticMembers.put(request.instanceId(), member.memberId);
        }
        if (request.rackId() != null && !request.rackId().equals(member.rackId)) {
            member.rackId = request.rackId();
        }
        if (request.rebalanceTimeoutMs() != -1) {
            member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        }
        if (request.subscribedTopicNames() != null
            && !new TreeSet<>(request.subscribedTopicNames()).equals(new TreeSet<>(member.subscribedTopicNames))) {
            member.subscribedTopicNames = List.copyOf(new TreeSet<>(request.subscribedTopicNames()));
            changed = true;
        }
        if (request.subscribedTopicRegex() != null
            && !request.subscribedTopicRegex().equals(Objects.toString(member.subscribedTopicRegex, ""))) {
            member.subscribedTopicRegex = request.subscribedTopicRegex().isEmpty() ? null : request.subscribedTopicRegex();
            changed = true;
        }
        if (request.serverAssignor() != null && !request.serverAssignor().equals(member.serverAssignor)) {
            member.serverAssignor = request.serverAssignor();
            changed = true;
        }
        return changed;
    }

    /** The assignor most members ask for; the first configured one when none asks. */
    private ServerAssignor selectAssignor(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerMember m : group.members.values()) {
            if (m.serverAssignor != null) {
                votes.merge(m.serverAssignor, 1, Integer::sum);
            }
        }
        String chosen = config.consumerAssignors().get(0);
        int best = 0;
        for (String name : config.consumerAssignors()) {
            int count = votes.getOrDefault(name, 0);
            if (count > best) {
                best = count;
                chosen = name;
            }
        }
        return ServerAssignor.named(chosen);
    }

    /** Removes a member (left, session expired, or did not revoke in time); the group moves to a new epoch. */
    void remove(ClassicGroup holder, String memberId) {
        ConsumerGroup group = holder.consumerGroup();
        if (group == null) {
            return;
        }
        ConsumerMember member = group.members.remove(memberId);
        timers.cancel(holder, sessionKey(memberId));
        timers.cancel(holder, revokeKey(memberId));
        if (member == null) {
            return;
        }
        if (member.instanceId != null) {
            group.staticMembers.remove(member.instanceId, memberId);
        }
        group.targetAssignment.remove(memberId);
        group.groupEpoch++;
        log.info("Member {} left consumer group {}; group epoch is now {}", memberId, holder.groupId(), group.groupEpoch);
    }

    private void scheduleSession(ClassicGroup holder, String memberId) {
        timers.schedule(holder, sessionKey(memberId), config.consumerSessionTimeoutMs(), () -> {
            log.info("Member {} of consumer group {} has not heartbeated for {} ms; removing it", memberId,
                holder.groupId(), config.consumerSessionTimeoutMs());
            remove(holder, memberId);
        });
    }

    private static String sessionKey(String memberId) {
        return "consumer-session-" + memberId;
    }

    private static String revokeKey(String memberId) {
        return "consumer-revoke-" + memberId;
    }

    private static Map<Uuid, Set<Integer>> owned(ConsumerGroupHeartbeatRequestData request) {
        if (request.topicPartitions() == null) {
            return null;
        }
        Map<Uuid, Set<Integer>> owned = new HashMap<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions t : request.topicPartitions()) {
            owned.computeIfAbsent(t.topicId(), id -> new TreeSet<>()).addAll(t.partitions());
        }
        return owned;
    }

    static List<ConsumerGroupHeartbeatResponseData.TopicPartitions> toResponse(Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> result = new ArrayList<>();
        partitions.forEach((id, set) -> {
            if (!set.isEmpty()) {
                result.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(id)
                    .setPartitions(new ArrayList<>(set)));
            }
        });
        return result;
    }
}
