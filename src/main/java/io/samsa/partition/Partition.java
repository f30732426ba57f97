package io.samsa.partition;

import io.samsa.log.Log;
import io.samsa.log.LogAppendInfo;
import io.samsa.log.LogReadInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One partition replica hosted here: its log, its role (leader or follower of the leader the metadata names), its
 * replica set and in-sync replicas (ISR), and its high watermark.
 *
 * <p>As leader it tracks each follower's log end offset from the offsets they fetch at, and the high watermark
 * is the lowest log end offset in the ISR (with one replica, the log end offset itself). It proposes ISR changes
 * (a follower that caught up joins; one that lagged {@code replica.lag.time.max.ms} leaves) through
 * {@link IsrChanges}; the ISR in force is always the one the metadata committed. As follower it appends what the
 * leader sent and takes the leader's high watermark, capped at its own log end.
 *
 * <p>Thread-safe: the leader epoch lives in the log and changes under its lock; role, replicas and ISR are
 * published with volatile writes by the partition-changes thread; follower state is per follower and its
 * fields are written only by fetches of that follower, which a follower sends one at a time.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
    private static final short ACKS_ALL = -1;

    /** Where ISR changes a leader wants go: the controller, through the metadata quorum. */
    public interface IsrChanges {
        /**
         * Asks to change the ISR of a partition this broker leads in {@code leaderEpoch} from {@code currentIsr}
         * to {@code newIsr}; completes once committed (the metadata then carries it) or refused.
         */
        CompletableFuture<?> propose(Partition partition, int leaderEpoch, List<Integer> currentIsr, List<Integer> newIsr,
                                     Map<Integer, Long> joiningBrokerEpochs);
    }

    /** Tells the broker that the high watermark moved, so that waiting produces and fetches are looked at again. */
    public interface HighWatermarkListener {
        void onHighWatermarkAdvanced(TopicPartition tp);
    }

    private static final IsrChanges NO_ISR_CHANGES = (p, epoch, current, proposed, joining) -> CompletableFuture.completedFuture(null);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    private final int localBrokerId;
    private volatile List<Integer> replicas;
    /** The leader the metadata names: this broker, another one, or -1 while there is none. */
    private volatile int leaderId;
    /** The leader epoch the metadata names (a follower's log holds only the epochs it replicated). */
    private volatile int metadataLeaderEpoch;
    private volatile List<Integer> isr;
    private volatile long highWatermark;
    private final Map<Integer, FollowerState> followers = new ConcurrentHashMap<>();
    private volatile IsrChanges isrChanges = NO_ISR_CHANGES;
    private volatile HighWatermarkListener hwListener = tp -> { };
    private final AtomicBoolean isrChangeInFlight = new AtomicBoolean();

    /** What the leader knows of one follower. */
    private static final class FollowerState {
        volatile long logEndOffset = -1;
        volatile long lastCaughtUpMs;
        volatile long lastFetchMs;
        volatile long leaderEndOffsetAtLastFetch;
        /** The broker epoch the follower fetched with (KIP-903): only that registration may join the ISR. */
        volatile long brokerEpoch = -1;

        FollowerState(long nowMs) {
            this.lastCaughtUpMs = nowMs;
        }
    }

    /** A partition this broker leads in {@code leaderEpoch}, alone in its ISR. */
    Partition(TopicPartition topicPartition, Uuid topicId, Log log, int localBrokerId, List<Integer> replicas,
              int leaderEpoch) {
        this(topicPartition, topicId, log, localBrokerId, replicas, localBrokerId, leaderEpoch, List.of(localBrokerId), 0L);
    }

    /** A partition as the metadata describes it: led by {@code leader} (maybe this broker, maybe -1). */
    Partition(TopicPartition topicPartition, Uuid topicId, Log log, int localBrokerId, List<Integer> replicas,
              int leader, int leaderEpoch, List<Integer> isr, long nowMs) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.replicas = List.copyOf(replicas);
        this.leaderId = -1;
        this.isr = List.copyOf(isr);
        this.metadataLeaderEpoch = leaderEpoch;
        this.highWatermark = log.isOffline() ? 0 : log.logStartOffset();
        updateLeadership(leader, leaderEpoch, isr, nowMs);
    }

    void setListeners(IsrChanges isrChanges, HighWatermarkListener hwListener) {
        this.isrChanges = isrChanges;
        this.hwListener = hwListener;
    }

    /** The high watermark kept from before a restart (a checkpoint), never beyond the log end. */
    void restoreHighWatermark(long checkpointed) {
        if (!log.isOffline()) {
            highWatermark = Math.max(log.logStartOffset(), Math.min(checkpointed, log.logEndOffset()));
        }
    }

    /**
     * Follows the metadata's leadership of this partition. Becoming leader starts the new epoch in the log (the
     * epoch cache then knows where it begins) and gives every follower a full lag allowance from now; becoming
     * a follower only records the leader, whose batches bring their own epochs.
     */
    void updateLeadership(int leader, int leaderEpoch, List<Integer> newIsr, long nowMs) {
        boolean wasLeader = isLeader();
        this.metadataLeaderEpoch = leaderEpoch;
        this.isr = List.copyOf(newIsr);
        this.leaderId = leader;
        if (leader == localBrokerId) {
            updateLeaderEpoch(leaderEpoch);
            if (!wasLeader) {
                followers.clear();
            }
            for (int replica : replicas) {
                if (replica != localBrokerId) {
                    followers.computeIfAbsent(replica, r -> new FollowerState(nowMs));
                }
            }
            maybeAdvanceHighWatermark();
        }
    }

    /** For a single broker, which leads everything: the epoch the metadata gives. */
    void updateLeaderEpoch(int epoch) {
        this.metadataLeaderEpoch = Math.max(metadataLeaderEpoch, epoch);
        try {
            if (!log.updateLeaderEpoch(epoch)) {
                LOG.warn("{}: ignoring leader epoch {}, older than the epoch {} the log already has", topicPartition,
                    epoch, log.leaderEpoch());
            }
        } catch (KafkaStorageException e) {
            // A closed or failed log takes no epoch; the other partitions of this metadata change still must.
            LOG.error("{}: cannot move to leader epoch {}", topicPartition, epoch, e);
        }
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Log log() {
        return log;
    }

    /** The current leader epoch as the metadata gives it. */
    public int leaderEpoch() {
        return isLeader() ? log.leaderEpoch() : metadataLeaderEpoch;
    }

    /** Follows the metadata's leader (used where only the leader changes, the ISR staying). */
    void updateLeader(int leader) {
        this.leaderId = leader;
    }

    /** Whether the metadata names this broker the leader: only then does it take produce and serve consumers. */
    public boolean isLeader() {
        return leaderId == localBrokerId;
    }

    /** The leader the metadata names, -1 when none. */
    public int leaderId() {
        return leaderId;
    }

    /** Follows the metadata's replica assignment. */
    void updateReplicas(List<Integer> assigned) {
        this.replicas = List.copyOf(assigned);
    }

    /** The brokers assigned a replica of this partition, this one included. */
    public List<Integer> replicas() {
        return replicas;
    }

    /** The replicas known to hold everything acknowledged, as the metadata committed them. */
    public Set<Integer> inSyncReplicas() {
        return Set.copyOf(isr);
    }

    private boolean replicated() {
        return replicas.size() > 1;
    }

    /** An append that needs no replica but this one (acks=0 or 1). */
    public LogAppendInfo appendAsLeader(MemoryRecords records) {
        LogAppendInfo info = log.appendAsLeader(records);
        if (replicated()) {
            maybeAdvanceHighWatermark();
        }
        return info;
    }

    /**
     * Appends as leader after checking, for {@code acks=all}, that enough replicas are in sync to honour
     * {@code min.insync.replicas} (Kafka's check: nothing is written otherwise).
     *
     * @throws NotEnoughReplicasException for acks=all when the ISR is smaller than the effective minimum
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short requiredAcks) {
        if (requiredAcks == ACKS_ALL) {
            int minIsr = effectiveMinInSyncReplicas();
            List<Integer> inSync = isr;
            if (inSync.size() < minIsr) {
                throw new NotEnoughReplicasException("acks=all to " + topicPartition + " needs " + minIsr
                    + " in-sync replicas (min.insync.replicas) but only " + inSync + " are in sync");
            }
        }
        return appendAsLeader(records);
    }

    /**
     * Whether an acks=all append ending at {@code requiredOffset} (exclusive) is replicated to the whole ISR,
     * i.e. the high watermark passed it.
     */
    public boolean isReplicated(long requiredOffset) {
        return highWatermark() >= requiredOffset;
    }

    /** Whether the ISR is at least {@code min.insync.replicas} (capped): else an acks=all answer is NOT_ENOUGH_REPLICAS_AFTER_APPEND. */
    public boolean hasEnoughInSyncReplicas() {
        return isr.size() >= effectiveMinInSyncReplicas();
    }

    /**
     * {@code min.insync.replicas}, capped at the replica count as Kafka does since 3.7 (KAFKA-15583): a
     * setting larger than the replication factor cannot be met even with every replica in sync, so Kafka
     * reads it as "all replicas".
     */
    int effectiveMinInSyncReplicas() {
        return Math.min(log.config().minInSyncReplicas(), replicas.size());
    }

    /** Reads committed data only: nothing at or past the high watermark is visible to consumers. */
    public LogReadInfo read(long offset, int maxBytes, boolean minOneMessage) {
        return log.read(offset, maxBytes, highWatermark(), minOneMessage);
    }

    /** What a follower fetches: everything up to the log end, committed or not. */
    public LogReadInfo readForFollower(long offset, int maxBytes) {
        return log.read(offset, maxBytes, log.logEndOffset(), true);
    }

    public long highWatermark() {
        if (!replicated() && isLeader()) {
            return log.logEndOffset();
        }
        return highWatermark;
    }

    /** Without transactions every committed offset is stable. */
    public long lastStableOffset() {
        return highWatermark();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    // ---------------------------------------------------------------- leader side of replication

    /**
     * A follower fetched at {@code fetchOffset}: that is its log end offset. Kafka's rule for "caught up": it
     * fetched at or past the leader's log end as of its previous fetch. May let the ISR grow and the high
     * watermark advance.
     */
    public void onFollowerFetch(int replicaId, long brokerEpoch, long fetchOffset, long nowMs) {
        if (!isLeader() || !replicas.contains(replicaId) || replicaId == localBrokerId) {
            return;
        }
        FollowerState state = followers.computeIfAbsent(replicaId, r -> new FollowerState(nowMs));
        long leaderEnd = log.logEndOffset();
        if (fetchOffset >= leaderEnd) {
            state.lastCaughtUpMs = nowMs;
        } else if (fetchOffset >= state.leaderEndOffsetAtLastFetch) {
            state.lastCaughtUpMs = Math.max(state.lastCaughtUpMs, state.lastFetchMs);
        }
        state.leaderEndOffsetAtLastFetch = leaderEnd;
        state.lastFetchMs = nowMs;
        state.logEndOffset = fetchOffset;
        state.brokerEpoch = brokerEpoch;
        List<Integer> inSync = isr;
        if (!inSync.contains(replicaId) && fetchOffset >= highWatermark()) {
            List<Integer> grown = new ArrayList<>(inSync);
            grown.add(replicaId);
            proposeIsr(inSync, grown, Map.of(replicaId, brokerEpoch), "follower " + replicaId + " caught up at " + fetchOffset);
        }
        maybeAdvanceHighWatermark();
    }

    /** Followers in the ISR that have not caught up for {@code maxLagMs} leave it. */
    public void maybeShrinkIsr(long nowMs, long maxLagMs) {
        if (!isLeader()) {
            return;
        }
        List<Integer> inSync = isr;
        List<Integer> kept = new ArrayList<>(inSync.size());
        List<Integer> lagging = new ArrayList<>();
        for (int replica : inSync) {
            FollowerState state = followers.get(replica);
            if (replica != localBrokerId && state != null && nowMs - state.lastCaughtUpMs > maxLagMs) {
                lagging.add(replica);
            } else {
                kept.add(replica);
            }
        }
        if (!lagging.isEmpty()) {
            proposeIsr(inSync, kept, Map.of(), "followers " + lagging + " have not caught up for " + maxLagMs + " ms");
        }
    }

    private void proposeIsr(List<Integer> current, List<Integer> proposed, Map<Integer, Long> joining, String why) {
        if (!isrChangeInFlight.compareAndSet(false, true)) {
            return;
        }
        LOG.info("{}: proposing ISR {} (was {}): {}", topicPartition, proposed, current, why);
        isrChanges.propose(this, log.leaderEpoch(), List.copyOf(current), List.copyOf(proposed), joining)
            .whenComplete((done, failure) -> {
                isrChangeInFlight.set(false);
                if (failure != null) {
                    LOG.info("{}: ISR change to {} not made: {}", topicPartition, proposed, failure.toString());
                }
            });
    }

    /** The lowest log end offset of the ISR, if that moved the high watermark forward. */
    private void maybeAdvanceHighWatermark() {
        if (!isLeader() || log.isOffline()) {
            return;
        }
        long candidate = log.logEndOffset();
        for (int replica : isr) {
            if (replica == localBrokerId) {
                continue;
            }
            FollowerState state = followers.get(replica);
            long end = state == null ? -1 : state.logEndOffset;
            if (end < 0) {
                return; // a member not heard from since this broker became leader holds the mark where it is
            }
            candidate = Math.min(candidate, end);
        }
        boolean advanced = false;
        synchronized (this) {
            if (candidate > highWatermark) {
                highWatermark = candidate;
                advanced = true;
            }
        }
        if (advanced) {
            hwListener.onHighWatermarkAdvanced(topicPartition);
        }
    }

    // ---------------------------------------------------------------- follower side

    /** Appends what the leader sent and takes its high watermark, capped at this log's end. */
    public LogAppendInfo appendAsFollower(MemoryRecords records, long leaderHighWatermark) {
        LogAppendInfo info = records.sizeInBytes() > 0 ? log.appendAsFollower(records) : null;
        updateFollowerHighWatermark(leaderHighWatermark);
        return info;
    }

    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        long capped = Math.min(leaderHighWatermark, log.logEndOffset());
        boolean moved = false;
        synchronized (this) {
            if (capped != highWatermark) {
                highWatermark = capped;
                moved = true;
            }
        }
        if (moved) {
            hwListener.onHighWatermarkAdvanced(topicPartition);
        }
    }

    /** After truncation the high watermark may not stay beyond the log end. */
    public void afterFollowerTruncation() {
        synchronized (this) {
            highWatermark = Math.min(highWatermark, log.logEndOffset());
        }
    }
}
