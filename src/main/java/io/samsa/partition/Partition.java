package io.samsa.partition;

import io.samsa.log.Log;
import io.samsa.log.LogAppendInfo;
import io.samsa.log.LogReadInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One partition replica hosted here: its log, its leader epoch and its high watermark. With one replica
 * the high watermark is the log end offset; replication will move it only when followers have caught up.
 * Thread-safe: the log serialises appends; the epoch is published with a volatile write.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    private volatile int leaderEpoch;

    Partition(TopicPartition topicPartition, Uuid topicId, Log log, int leaderEpoch) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
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
        return leaderEpoch;
    }

    void updateLeaderEpoch(int epoch) {
        this.leaderEpoch = epoch;
    }

    public LogAppendInfo appendAsLeader(MemoryRecords records) {
        return log.appendAsLeader(records, leaderEpoch);
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
