package io.samsa.log;

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
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                            long maxTimestamp, int validBytes, int recordCount, boolean duplicate) {
}
