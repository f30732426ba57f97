package io.samsa.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The consumer group coordinator. Package {@code io.samsa.group} owns consumer groups — those using the classic
 * protocol (JoinGroup/SyncGroup/Heartbeat/LeaveGroup) and those using the consumer protocol of KIP-848
 * (ConsumerGroupHeartbeat, server-side assignment) — and the offsets that groups and "simple" consumers
 * without group management commit, together with their durable form: records in the internal compacted
 * topic {@code __consumer_offsets} ({@link OffsetsTopic}, in Kafka's record layout, {@link GroupRecords})
 * that are replayed into memory when this broker becomes the leader of their partition. A group uses one
 * protocol at a time.
 *
 * <p>This broker coordinates the groups of the offsets partitions it leads, as Kafka: requests for other groups
 * get NOT_COORDINATOR, those of a partition still being replayed COORDINATOR_LOAD_IN_PROGRESS
 * ({@link CoordinatedPartitions}). The classic rebalance protocol is in {@link RebalanceProtocol}, the consumer
 * protocol in {@link ConsumerGroupProtocol}, the groups by id in {@link GroupRegistry}; this class serialises work on each group with the group's lock and implements
 * offsets, listing, describing and deleting for both. (Past ~600 lines because it is the one entry point
 * the request handlers use for all of that; the protocols themselves live in their own classes.)
 *
 * <p>Thread-safe: groups live in a concurrent map; each operation on a group holds that group's lock, also
 * taken by the group's timers. Responses that must wait (JoinGroup, SyncGroup) are futures completed later
 * from whichever thread moves the group on; no thread ever blocks waiting for them.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    /** What DescribeGroups reports as authorized without an authorizer: READ, DELETE and DESCRIBE on a group. */
    private static final int GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final GroupConfig config;
    private final GroupLog groupLog;
    private final Time time;
    private final GroupTimers timers = new GroupTimers();
    private final RebalanceProtocol protocol;
    private final ConsumerGroupProtocol consumerProtocol;
    private final GroupRegistry groups;
    private final CoordinatedPartitions partitions;

    GroupCoordinator(GroupConfig config, GroupLog groupLog, Time time) {
        this.config = config;
        this.groupLog = groupLog;
        this.time = time;
        this.protocol = new RebalanceProtocol(config, groupLog, timers, time);
        this.groups = new GroupRegistry(timers, time);
        this.consumerProtocol = new ConsumerGroupProtocol(config, timers, groups, groupLog);
        this.partitions = new CoordinatedPartitions(groupLog, groups, protocol, time);
    }

    /** A coordinator storing its state in {@code __consumer_offsets}. */
    public static GroupCoordinator onOffsetsTopic(GroupConfig config, OffsetsTopic topic, Time time) {
        return new GroupCoordinator(config, topic, time);
    }

    public GroupConfig config() {
        return config;
    }

    /** Whether every offsets partition this broker leads is loaded (true while it leads none). */
    public boolean isLoaded() {
        return partitions.isLoaded();
    }

    /**
     * Loads every offsets partition this broker leads now, on the calling thread (tests, and a caller that has
     * nothing to serve before); returns once they are loaded or the coordinator was closed.
     */
    public void load() {
        partitions.load();
    }

    /**
     * Starts coordinating the groups of every offsets partition this broker leads now, loading them in the
     * background (the broker at start-up); later changes come through {@link #partitionElected} and
     * {@link #partitionResigned}.
     */
    public void startLoading() {
        partitions.startLoading();
    }

    /**
     * This broker became the leader of an offsets partition: its groups answer COORDINATOR_LOAD_IN_PROGRESS until
     * they are replayed in the background. Called on the partition-changes thread.
     */
    public void partitionElected(int partition) {
        partitions.partitionElected(partition);
    }

    /**
     * This broker no longer leads an offsets partition (or it was deleted): its groups answer NOT_COORDINATOR
     * from now on and leave memory. Called on the partition-changes thread.
     */
    public void partitionResigned(int partition) {
        partitions.partitionResigned(partition);
    }

    /** Creates the offsets topic if needed (FindCoordinator does, as Kafka); false when it cannot exist yet. */
    public CompletableFuture<Boolean> ensureOffsetsTopic() {
        return groupLog.ensureReady();
    }

    /**
     * The broker coordinating a group: the leader of its offsets partition; -1 while that partition has no
     * leader or the offsets topic does not exist.
     */
    public int coordinatorOf(String groupId) {
        return groupId == null ? -1 : groupLog.coordinatorOf(groupId);
    }

    // ---- membership

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, String clientId,
                                                              String clientHost, short version) {
        String memberId = request.memberId();
        Errors error = checkGroupId(request.groupId());
        if (error == Errors.NONE && (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
            || request.sessionTimeoutMs() > config.maxSessionTimeoutMs())) {
            error = Errors.INVALID_SESSION_TIMEOUT;
        }
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(RebalanceProtocol.joinError(memberId, error));
        }
        if (request.rebalanceTimeoutMs() < 0) {
            request.setRebalanceTimeoutMs(request.sessionTimeoutMs());
        }
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestData.JoinGroupRequestProtocol p : request.protocols()) {
            protocols.add(new GroupMember.Protocol(p.name(), p.metadata()));
        }
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        ClassicGroup group = groups.lock(request.groupId(), memberId.isEmpty());
        if (group == null) {
            // A member id for a group that does not exist: the member must start over.
            future.complete(RebalanceProtocol.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            return future;
        }
        try {
            if (group.hasConsumerMembers()) {
                future.complete(RebalanceProtocol.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
                return future;
            }
            if (group.consumerGroup() != null) {
                // An empty consumer group becomes a classic group: its consumer record goes.
                Errors dropped = GroupLog.appendedLocally(groupLog.append(group.groupId(),
                    List.of(GroupRecords.consumerGroupTombstone(group.groupId()))));
                if (dropped != Errors.NONE) {
                    future.complete(RebalanceProtocol.joinError(memberId, dropped));
                    return future;
                }
                group.setConsumerGroup(null);
            }
            protocol.join(group, request, protocols, clientId, clientHost, version, future);
        } finally {
            group.lock.unlock();
        }
        return future;
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        Errors error = checkGroupId(request.groupId());
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(RebalanceProtocol.syncError(error));
        }
        CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
        ClassicGroup group = groups.lock(request.groupId(), false);
        if (group == null) {
            future.complete(RebalanceProtocol.syncError(Errors.UNKNOWN_MEMBER_ID));
            return future;
        }
        try {
            protocol.sync(group, request, future);
        } finally {
            group.lock.unlock();
        }
        return future;
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        Errors coordinator = coordinatorError(request.groupId());
        if (coordinator == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            // As Kafka: while loading, a heartbeat is answered blindly rather than failing the member.
            return Errors.NONE;
        }
        if (coordinator != Errors.NONE) {
            return coordinator;
        }
        ClassicGroup group = groups.lock(request.groupId(), false);
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        try {
            return protocol.heartbeat(group, request.memberId(), request.groupInstanceId(), request.generationId());
        } finally {
            group.lock.unlock();
        }
    }

    /** The result of a LeaveGroup: a top-level error, or one result per leaving member. */
    public record LeaveResult(Errors error, List<MemberResponse> members) {
    }

    public LeaveResult leaveGroup(String groupId, List<MemberIdentity> leaving) {
        Errors error = checkGroupId(groupId);
        if (error != Errors.NONE) {
            return new LeaveResult(error, List.of());
        }
        ClassicGroup group = groups.lock(groupId, false);
        if (group == null) {
            List<MemberResponse> unknown = new ArrayList<>();
            for (MemberIdentity m : leaving) {
                unknown.add(new MemberResponse().setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId())
                    .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            }
            return new LeaveResult(Errors.NONE, unknown);
        }
        try {
            return new LeaveResult(Errors.NONE, protocol.leave(group, leaving));
        } finally {
            group.lock.unlock();
        }
    }

    // ---- the consumer group protocol (KIP-848)

    /**
     * ConsumerGroupHeartbeat: joins, keeps alive, updates or leaves a member of a consumer-protocol group
     * ({@link ConsumerGroupProtocol}).
     */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
        ConsumerGroupHeartbeatRequestData request, short version, String clientId, String clientHost, TopicCatalog catalog) {
        if (request.groupId() != null && !request.groupId().isEmpty()) {
            Errors coordinator = coordinatorError(request.groupId());
            if (coordinator != Errors.NONE) {
                return CompletableFuture.completedFuture(ConsumerGroupProtocol.error(coordinator, null));
            }
        }
        return consumerProtocol.heartbeat(request, version, clientId, clientHost, catalog);
    }

    /** ConsumerGroupDescribe: members, their assignments and target assignments, the epochs and the assignor. */
    public List<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(
        List<String> groupIds, boolean includeAuthorizedOperations, TopicCatalog catalog) {
        List<ConsumerGroupDescribeResponseData.DescribedGroup> result = new ArrayList<>();
        for (String groupId : groupIds) {
            ConsumerGroupDescribeResponseData.DescribedGroup described =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                    .setAuthorizedOperations(includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED);
            result.add(described);
            Errors coordinator = groupId == null || groupId.isEmpty() ? Errors.NONE : coordinatorError(groupId);
            if (coordinator != Errors.NONE) {
                described.setErrorCode(coordinator.code());
            } else {
                consumerProtocol.describe(groupId, described, catalog);
            }
        }
        return result;
    }

    // ---- offsets

    /**
     * Commits offsets for a group member (generation ≥ 0) or a simple consumer (generation -1, accepted while
     * the group has no members). Completes with each partition's result once the offsets topic has the commit
     * (on a replicated partition: every in-sync replica); only then do the offsets become visible.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, String memberId, String groupInstanceId,
                                                     int generationId, short version,
                                                     Map<TopicPartition, CommittedOffset> offsets) {
        return commitOffsets(groupId, memberId, groupInstanceId, generationId, version, -1, offsets);
    }

    /**
     * As {@link #commitOffsets(String, String, String, int, short, Map)}, with OffsetCommit v2–v4's retention
     * time: when not -1 the offsets expire that long after the commit, whatever the group's state.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, String memberId,
                                                                        String groupInstanceId, int generationId,
                                                                        short version, long retentionTimeMs,
                                                                        Map<TopicPartition, CommittedOffset> offsets) {
        Errors error = checkGroupId(groupId);
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(allWith(offsets.keySet(), error));
        }
        ClassicGroup group = groups.lock(groupId, false);
        if (group == null) {
            if (generationId >= 0) {
                return CompletableFuture.completedFuture(allWith(offsets.keySet(),
                    version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION));
            }
            group = groups.lock(groupId, true);
        }
        try {
            error = validateOffsetCommit(group, memberId == null ? "" : memberId, groupInstanceId, generationId, version);
            if (error != Errors.NONE) {
                return CompletableFuture.completedFuture(allWith(offsets.keySet(), error));
            }
            if (group.is(GroupState.STABLE) || group.is(GroupState.PREPARING_REBALANCE)) {
                protocol.touchSession(group, memberId);
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            List<GroupRecords.Entry> entries = new ArrayList<>();
            Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
            long now = time.milliseconds();
            for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
                CommittedOffset o = e.getValue();
                if (o.metadata().length() > config.offsetMetadataMaxBytes()) {
                    result.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                    continue;
                }
                CommittedOffset stamped = new CommittedOffset(o.offset(), o.leaderEpoch(), o.metadata(), now,
                    retentionTimeMs < 0 ? -1 : now + retentionTimeMs);
                accepted.put(e.getKey(), stamped);
                entries.add(GroupRecords.offsetCommit(groupId, e.getKey(), stamped));
            }
            ClassicGroup committing = group;
            return afterWrite(group, groupLog.append(groupId, entries), appendError -> {
                for (Map.Entry<TopicPartition, CommittedOffset> e : accepted.entrySet()) {
                    result.put(e.getKey(), appendError);
                    if (appendError == Errors.NONE) {
                        committing.offsets().put(e.getKey(), e.getValue());
                    }
                }
                dropIfUnused(committing);
                return result;
            });
        } finally {
            group.lock.unlock();
        }
    }

    /**
     * Applies a write's outcome under the group's lock once the offsets topic acknowledged it and the group's
     * earlier writes were applied. The caller holds the lock; when the write is acknowledged at once (a single
     * broker) the outcome is applied before this returns.
     */
    private <T> CompletableFuture<T> afterWrite(ClassicGroup group, CompletableFuture<Errors> write,
                                                Function<Errors, T> apply) {
        CompletableFuture<T> applied = group.lastWrite.thenCompose(previous -> write).thenApply(error -> {
            group.lock.lock();
            try {
                return apply.apply(error);
            } finally {
                group.lock.unlock();
            }
        });
        group.lastWrite = applied.handle((result, failure) -> null);
        return applied;
    }

    private static Errors validateOffsetCommit(ClassicGroup group, String memberId, String groupInstanceId, int generationId,
                                               short version) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (group.consumerGroup() != null) {
            return group.consumerGroup().validateMember(memberId, generationId, version < 9);
        }
        if (generationId < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE;
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors error = group.validateMember(memberId, groupInstanceId);
            if (error != Errors.NONE) {
                return error;
            }
            if (generationId != group.generationId()) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!group.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return group.is(GroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /**
     * OffsetFetch v9+ from a consumer-protocol member (member id and epoch set): NONE when the member and its
     * epoch are current, else UNKNOWN_MEMBER_ID or STALE_MEMBER_EPOCH as in Kafka.
     */
    public Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        if (groupId != null) {
            // While the groups are being replayed (unlocked) nothing may look at them.
            Errors coordinator = coordinatorError(groupId);
            if (coordinator != Errors.NONE) {
                return coordinator;
            }
        }
        return consumerProtocol.validateOffsetFetch(groupId, memberId, memberEpoch);
    }

    /** The result of an offset fetch for one group: a group-level error, or the offsets (null where none). */
    public record FetchResult(Errors error, Map<TopicPartition, CommittedOffset> offsets) {
    }

    /**
     * The committed offsets of the given partitions (null: all of the group's partitions). A group that does
     * not exist has no offsets. Commits are durable before they are visible, so every offset is stable and
     * {@code requireStable} needs no waiting.
     */
    public FetchResult fetchOffsets(String groupId, Collection<TopicPartition> partitions, boolean requireStable) {
        if (groupId == null) {
            return new FetchResult(Errors.INVALID_GROUP_ID, Map.of());
        }
        Errors coordinator = coordinatorError(groupId);
        if (coordinator != Errors.NONE) {
            return new FetchResult(coordinator, Map.of());
        }
        Map<TopicPartition, CommittedOffset> result = new LinkedHashMap<>();
        ClassicGroup group = groups.lock(groupId, false);
        try {
            Map<TopicPartition, CommittedOffset> stored = group == null ? Map.of() : group.offsets();
            if (partitions == null) {
                result.putAll(stored);
            } else {
                for (TopicPartition tp : partitions) {
                    result.put(tp, stored.get(tp));
                }
            }
        } finally {
            if (group != null) {
                group.lock.unlock();
            }
        }
        return new FetchResult(Errors.NONE, result);
    }

    /** The result of an OffsetDelete: a group-level error, or each partition's. */
    public record DeleteOffsetsResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    /**
     * OffsetDelete: the offsets leave memory at once and the answer waits until the tombstones are durable (on a
     * replicated offsets partition: every in-sync replica has them).
     */
    public CompletableFuture<DeleteOffsetsResult> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        Errors error = checkGroupId(groupId);
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(error, Map.of()));
        }
        ClassicGroup group = groups.lock(groupId, false);
        if (group == null) {
            return CompletableFuture.completedFuture(new DeleteOffsetsResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        try {
            boolean active = group.is(GroupState.STABLE) || group.is(GroupState.PREPARING_REBALANCE)
                || group.is(GroupState.COMPLETING_REBALANCE);
            if (group.hasConsumerMembers()) {
                Set<String> subscribed = new java.util.HashSet<>(group.consumerGroup().subscribedTopics.keySet());
                group.consumerGroup().members.values().forEach(m -> subscribed.addAll(m.subscribedTopicNames));
                Map<TopicPartition, Errors> result = new LinkedHashMap<>();
                List<GroupRecords.Entry> tombstones = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    result.put(tp, subscribed.contains(tp.topic()) ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE);
                    if (!subscribed.contains(tp.topic()) && group.offsets().containsKey(tp)) {
                        tombstones.add(GroupRecords.offsetTombstone(groupId, tp));
                    }
                }
                CompletableFuture<Errors> write = groupLog.append(groupId, tombstones);
                Errors appendError = GroupLog.appendedLocally(write);
                if (appendError != Errors.NONE) {
                    return CompletableFuture.completedFuture(new DeleteOffsetsResult(appendError, Map.of()));
                }
                result.forEach((tp, e) -> {
                    if (e == Errors.NONE) {
                        group.offsets().remove(tp);
                    }
                });
                return acknowledged(write, new DeleteOffsetsResult(Errors.NONE, result));
            }
            if (active && !group.usesConsumerProtocol()) {
                return CompletableFuture.completedFuture(new DeleteOffsetsResult(Errors.NON_EMPTY_GROUP, Map.of()));
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            List<GroupRecords.Entry> tombstones = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (group.isSubscribedTo(tp.topic())) {
                    result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    result.put(tp, Errors.NONE);
                    if (group.offsets().containsKey(tp)) {
                        tombstones.add(GroupRecords.offsetTombstone(groupId, tp));
                    }
                }
            }
            CompletableFuture<Errors> write = groupLog.append(groupId, tombstones);
            Errors appendError = GroupLog.appendedLocally(write);
            if (appendError != Errors.NONE) {
                return CompletableFuture.completedFuture(new DeleteOffsetsResult(appendError, Map.of()));
            }
            for (Map.Entry<TopicPartition, Errors> e : result.entrySet()) {
                if (e.getValue() == Errors.NONE) {
                    group.offsets().remove(e.getKey());
                }
            }
            return acknowledged(write, new DeleteOffsetsResult(Errors.NONE, result));
        } finally {
            group.lock.unlock();
        }
    }

    /** The result once the write is durable; its error instead when it failed to be. */
    private static CompletableFuture<DeleteOffsetsResult> acknowledged(CompletableFuture<Errors> write,
                                                                       DeleteOffsetsResult result) {
        return write.thenApply(error -> error == Errors.NONE ? result : new DeleteOffsetsResult(error, Map.of()));
    }

    /**
     * Expires committed offsets older than {@code offsets.retention.minutes}: for an empty group counted from
     * when it became empty, for a simple consumer's offsets from their commit, and for a stable consumer
     * group only the offsets of topics it no longer subscribes to. Empty groups left without offsets are
     * deleted. Tombstones make the expiry durable. Run periodically by the broker.
     */
    public void expireOffsets() {
        long now = time.milliseconds();
        int expired = 0;
        for (ClassicGroup group : groups.all()) {
            if (coordinatorError(group.groupId()) != Errors.NONE) {
                continue;
            }
            group.lock.lock();
            try {
                expired += expireOffsets(group, now);
            } finally {
                group.lock.unlock();
            }
        }
        if (expired > 0) {
            log.info("Expired {} committed offset(s)", expired);
        }
    }

    private int expireOffsets(ClassicGroup group, long now) {
        if (group.is(GroupState.DEAD) || group.hasConsumerMembers()) {
            return 0;
        }
        Function<CommittedOffset, Long> base;
        Set<String> keepTopics = Set.of();
        if (group.protocolType() == null) {
            base = CommittedOffset::commitTimestampMs;
        } else if (group.is(GroupState.EMPTY)) {
            base = o -> group.stateTimestampMs();
        } else if (group.is(GroupState.STABLE) && group.usesConsumerProtocol() && group.subscribedTopics().isPresent()) {
            base = CommittedOffset::commitTimestampMs;
            keepTopics = group.subscribedTopics().get();
        } else {
            return 0;
        }
        List<TopicPartition> expired = new ArrayList<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : group.offsets().entrySet()) {
            CommittedOffset o = e.getValue();
            boolean due = o.expireTimestampMs() >= 0 ? now >= o.expireTimestampMs()
                : now - base.apply(o) >= config.offsetsRetentionMs();
            if (!keepTopics.contains(e.getKey().topic()) && due) {
                expired.add(e.getKey());
            }
        }
        List<GroupRecords.Entry> tombstones = new ArrayList<>();
        for (TopicPartition tp : expired) {
            tombstones.add(GroupRecords.offsetTombstone(group.groupId(), tp));
        }
        boolean deleteGroup = group.is(GroupState.EMPTY) && expired.size() == group.offsets().size()
            && !group.hasPendingJoinMembers();
        if (deleteGroup) {
            tombstones.add(GroupRecords.groupTombstone(group.groupId()));
            if (group.consumerGroup() != null) {
                tombstones.add(GroupRecords.consumerGroupTombstone(group.groupId()));
            }
        }
        Errors error = GroupLog.appendedLocally(groupLog.append(group.groupId(), tombstones));
        if (error != Errors.NONE) {
            log.warn("Cannot expire offsets of group {}: {}", group.groupId(), error);
            return 0;
        }
        expired.forEach(group.offsets()::remove);
        if (deleteGroup) {
            groups.markDead(group);
        }
        return expired.size();
    }

    // ---- listing, describing, deleting

    public record ListResult(Errors error, List<ListedGroup> groups) {
    }

    public ListResult listGroups(Collection<String> statesFilter, Collection<String> typesFilter) {
        if (partitions.anyLoading()) {
            return new ListResult(Errors.COORDINATOR_LOAD_IN_PROGRESS, List.of());
        }
        Set<String> states = statesFilter.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> types = typesFilter.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<ListedGroup> result = new ArrayList<>();
        for (ClassicGroup group : groups.all()) {
            if (coordinatorError(group.groupId()) != Errors.NONE) {
                continue;
            }
            group.lock.lock();
            try {
                if (group.is(GroupState.DEAD)) {
                    continue;
                }
                boolean consumer = group.consumerGroup() != null;
                String type = consumer ? "consumer" : "classic";
                String state = consumer ? group.consumerGroup().state() : group.state().toString();
                if ((types.isEmpty() || types.contains(type))
                    && (states.isEmpty() || states.contains(state.toLowerCase(Locale.ROOT)))) {
                    result.add(new ListedGroup().setGroupId(group.groupId())
                        .setProtocolType(consumer ? "consumer" : group.protocolType() == null ? "" : group.protocolType())
                        .setGroupState(state).setGroupType(type));
                }
            } finally {
                group.lock.unlock();
            }
        }
        return new ListResult(Errors.NONE, result);
    }

    public List<DescribedGroup> describeGroups(List<String> groupIds, short version, boolean includeAuthorizedOperations) {
        List<DescribedGroup> result = new ArrayList<>();
        int operations = includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
        for (String groupId : groupIds) {
            DescribedGroup described = new DescribedGroup().setGroupId(groupId).setAuthorizedOperations(operations);
            Errors coordinator = groupId == null ? Errors.NONE : coordinatorError(groupId);
            if (coordinator != Errors.NONE) {
                result.add(described.setErrorCode(coordinator.code()).setGroupState(""));
                continue;
            }
            ClassicGroup group = groupId == null ? null : groups.lock(groupId, false);
            if (group == null) {
                described.setGroupState(GroupState.DEAD.toString());
                if (groupId == null) {
                    described.setErrorCode(Errors.INVALID_GROUP_ID.code());
                } else if (version >= 6) {
                    described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
                }
                result.add(described);
                continue;
            }
            try {
                if (group.consumerGroup() != null) {
                    // As Kafka: DescribeGroups describes classic groups only; the admin client then uses
                    // ConsumerGroupDescribe.
                    described.setGroupState(GroupState.DEAD.toString());
                    if (version >= 6) {
                        described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + groupId + " is not a classic group.");
                    }
                    result.add(described);
                    continue;
                }
                boolean stable = group.is(GroupState.STABLE);
                List<DescribedGroupMember> members = new ArrayList<>();
                for (GroupMember m : group.members()) {
                    members.add(m.describe(stable ? group.protocolName() : null));
                }
                result.add(described.setGroupState(group.state().toString())
                    .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                    .setProtocolData(stable ? group.protocolName() : "")
                    .setMembers(members));
            } finally {
                group.lock.unlock();
            }
        }
        return result;
    }

    /**
     * Deletes empty groups with their offsets; a group with members gets NON_EMPTY_GROUP. A deleted group leaves
     * memory at once; its result waits until the tombstones are durable (every in-sync replica has them).
     */
    public CompletableFuture<Map<String, Errors>> deleteGroups(Collection<String> groupIds) {
        Map<String, CompletableFuture<Errors>> result = new LinkedHashMap<>();
        for (String groupId : groupIds) {
            Errors coordinator = groupId == null ? Errors.NONE : coordinatorError(groupId);
            if (coordinator != Errors.NONE) {
                result.put(groupId, CompletableFuture.completedFuture(coordinator));
                continue;
            }
            ClassicGroup group = groupId == null ? null : groups.lock(groupId, false);
            if (group == null) {
                result.put(groupId, CompletableFuture.completedFuture(
                    groupId == null ? Errors.INVALID_GROUP_ID : Errors.GROUP_ID_NOT_FOUND));
                continue;
            }
            try {
                if (!group.is(GroupState.EMPTY) || group.hasConsumerMembers()) {
                    result.put(groupId, CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP));
                    continue;
                }
                List<GroupRecords.Entry> tombstones = new ArrayList<>();
                for (TopicPartition tp : group.offsets().keySet()) {
                    tombstones.add(GroupRecords.offsetTombstone(groupId, tp));
                }
                tombstones.add(GroupRecords.groupTombstone(groupId));
                if (group.consumerGroup() != null) {
                    tombstones.add(GroupRecords.consumerGroupTombstone(groupId));
                }
                CompletableFuture<Errors> write = groupLog.append(groupId, tombstones);
                Errors error = GroupLog.appendedLocally(write);
                if (error == Errors.NONE) {
                    group.offsets().clear();
                    groups.markDead(group);
                    log.info("Deleted group {}", groupId);
                }
                result.put(groupId, error == Errors.NONE ? write : CompletableFuture.completedFuture(error));
            } finally {
                group.lock.unlock();
            }
        }
        return CompletableFuture.allOf(result.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<String, Errors> errors = new LinkedHashMap<>();
            result.forEach((groupId, error) -> errors.put(groupId, error.join()));
            return errors;
        });
    }

    // ---- helpers

    private Errors checkGroupId(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            // As Kafka: a group id that cannot name a partition is refused before the coordinator is looked at,
            // except while the coordinator still loads (it answers that first, with nothing to check yet).
            return partitions.anyLoading() ? Errors.COORDINATOR_LOAD_IN_PROGRESS
                : Errors.INVALID_GROUP_ID;
        }
        return coordinatorError(groupId);
    }

    private Errors coordinatorError(String groupId) {
        return partitions.coordinatorError(groupId);
    }

    /** Removes a group that has no members, no offsets and no protocol (a failed first commit). */
    private void dropIfUnused(ClassicGroup group) {
        if (group.isEmptyWithoutOffsets() && group.protocolType() == null && group.generationId() == 0) {
            groups.markDead(group);
        }
    }

    private static Map<TopicPartition, Errors> allWith(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
            result.put(tp, error);
        }
        return result;
    }

    /** Stops loading (if it is still retrying) and the timers; parked JoinGroup and SyncGroup requests are answered NOT_COORDINATOR. */
    @Override
    public void close() {
        partitions.close();
        timers.close();
        for (ClassicGroup group : groups.all()) {
            group.lock.lock();
            try {
                CoordinatedPartitions.answerParked(group, Errors.NOT_COORDINATOR);
            } finally {
                group.lock.unlock();
            }
        }
        groupLog.close();
    }
}
