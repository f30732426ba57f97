package io.samsa.log;

import java.util.concurrent.CompletableFuture;

/**
 * The outcome of one {@link Log#appendAsLeader} call, what a produce response reports.
 *
 * <p>For a {@linkplain #duplicate() duplicate} batch the offsets and timestamps are those the
 * original append assigned; nothing was written. Immutable.
 *
 * @param firstOffset offset assigned to the first record
 * @param lastOffset offset assigned to the last record
 * @param logAppendTime the broker time stamped into the batch, or -1 when the topic uses CreateTime
 * @param logStartOffset the log start offset after the append
 * @param maxTimestamp the largest timestamp of the appended batch
 * @param validBytes bytes written (or, for a duplicate, the size of the duplicate batch)
 * @param recordCount records in the batch
 * @param duplicate true when the batch repeated one already in the log
 * @param flushed completes when the fsync this append triggered ({@code flush.messages}) is done,
 *     exceptionally with a {@link org.apache.kafka.common.errors.KafkaStorageException} when it
 *     failed; already complete when the append triggered none. Kafka acknowledges the produce
 *     only after it.
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                            long maxTimestamp, int validBytes, int recordCount, boolean duplicate,
                            CompletableFuture<Void> flushed) {

    private static final CompletableFuture<Void> NO_FLUSH = CompletableFuture.completedFuture(null);

    /** An append that waits for no fsync. */
    public LogAppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                         long maxTimestamp, int validBytes, int recordCount, boolean duplicate) {
        this(firstOffset, lastOffset, logAppendTime, logStartOffset, maxTimestamp, validBytes, recordCount, duplicate,
            NO_FLUSH);
    }
}
