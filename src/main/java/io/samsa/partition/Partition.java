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

import java.util.List;
import java.util.Set;

/**
 * One partition replica hosted here: its log, its leader epoch, its replica set and in-sync replicas,
 * and its high watermark. With one replica the high watermark is the log end offset; replication will
 * move it only when followers have caught up.
 *
 * <p>The in-sync replicas (ISR) are the replicas known to hold everything the leader acknowledged. Until
 * followers fetch from this broker that is this broker alone, whatever other replicas the metadata
 * assigns: none of them has replicated anything.
 *
 * <p>Thread-safe: the leader epoch lives in the log and changes under its lock, so an append never stamps
 * an epoch older than one already in the log; the replica set is published with a volatile write.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
    private static final short ACKS_ALL = -1;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    private final int localBrokerId;
    private volatile List<Integer> replicas;
    /** The leader the metadata names: this broker, another one, or -1 while there is none. */
    private volatile int leaderId;

    Partition(TopicPartition topicPartition, Uuid topicId, Log log, int localBrokerId, List<Integer> replicas,
              int leaderEpoch) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.replicas = List.copyOf(replicas);
        this.leaderId = localBrokerId;
        updateLeaderEpoch(leaderEpoch);
    }

    /** Follows the metadata's leader. */
    void updateLeader(int leader) {
        this.leaderId = leader;
    }

    /** Whether the metadata names this broker the leader: only then does it take produce and serve consumers. */
    public boolean isLeader() {
        return leaderId == localBrokerId;
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

    public int leaderEpoch() {
        return log.leaderEpoch();
    }

    /** Follows the metadata's leader epoch; an epoch older than the log's is refused and logged. */
    void updateLeaderEpoch(int epoch) {
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

    /** Follows the metadata's replica assignment. */
    void updateReplicas(List<Integer> assigned) {
        this.replicas = List.copyOf(assigned);
    }

    /** The brokers assigned a replica of this partition, this one included. */
    public List<Integer> replicas() {
        return replicas;
    }

    /** The replicas that hold everything acknowledged: this broker, until followers replicate from it. */
    public Set<Integer> inSyncReplicas() {
        return Set.of(localBrokerId);
    }

    /** An append that needs no replica but this one (acks=0 or 1). */
    public LogAppendInfo appendAsLeader(MemoryRecords records) {
        return log.appendAsLeader(records);
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
            Set<Integer> isr = inSyncReplicas();
            if (isr.size() < minIsr) {
                throw new NotEnoughReplicasException("acks=all to " + topicPartition + " needs " + minIsr
                    + " in-sync replicas (min.insync.replicas) but only " + isr + " are in sync");
            }
        }
        return log.appendAsLeader(records);
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

    public long highWatermark() {
        return log.logEndOffset();
    }

    /** Without transactions every committed offset is stable. */
    public long lastStableOffset() {
        return highWatermark();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }
}
