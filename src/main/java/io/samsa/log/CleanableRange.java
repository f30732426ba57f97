package io.samsa.log;

import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What the cleaner may compact in one log right now, and how dirty it is, by Kafka's rules.
 *
 * <p>The log divides into a clean part, below the cleaner checkpoint (compacted before), and a
 * dirty part from the checkpoint on. Only the dirty part up to the first uncleanable offset may
 * be mapped and compacted: that offset is the active segment's base offset (the active segment
 * is never cleaned), or earlier the base offset of the first dirty segment holding a record
 * younger than {@code min.compaction.lag.ms}. Ages count whole segments, as in Kafka, so every
 * record compacted away is older than the lag.
 *
 * @param log the log
 * @param segments the snapshot of its segments the range was computed from, the last one active
 * @param firstDirtyOffset where the dirty part begins: the checkpoint, or the log start offset
 *     when the checkpoint is below it or beyond the log end
 * @param firstUncleanableOffset where the part that may be compacted ends
 * @param cleanBytes bytes of segments wholly below the first dirty offset
 * @param dirtyBytes bytes of segments holding offsets in [first dirty, first uncleanable)
 * @param maxLagExceeded whether a dirty segment's first batch is older than
 *     {@code max.compaction.lag.ms}, which makes the log due whatever its dirty ratio
 */
record CleanableRange(Log log, List<LogSegment> segments, long firstDirtyOffset, long firstUncleanableOffset,
                      long cleanBytes, long dirtyBytes, boolean maxLagExceeded) {

    /** Computes the range for {@code log} at time {@code nowMs}. */
    static CleanableRange of(Log log, long nowMs) throws IOException {
        List<LogSegment> segments = log.segmentsSnapshot();
        LogConfig config = log.config();
        LogSegment active = segments.get(segments.size() - 1);
        long logStart = log.logStartOffset();
        long checkpoint = log.cleanerCheckpoint();
        long firstDirty = checkpoint < logStart || checkpoint > log.logEndOffset() ? logStart : checkpoint;
        firstDirty = Math.min(firstDirty, active.baseOffset());

        long firstUncleanable = active.baseOffset();
        long minLag = config.minCompactionLagMs();
        long earliestDirtyBatch = Long.MAX_VALUE;
        for (int i = 0; i < segments.size() - 1; i++) {
            LogSegment segment = segments.get(i);
            if (segments.get(i + 1).baseOffset() <= firstDirty) {
                continue;
            }
            if (minLag > 0 && segment.largestTimestamp() > nowMs - minLag) {
                firstUncleanable = Math.max(firstDirty, segment.baseOffset());
                break;
            }
            if (config.maxCompactionLagMs() != Long.MAX_VALUE) {
                earliestDirtyBatch = Math.min(earliestDirtyBatch, firstBatchTimestamp(segment));
            }
        }

        long cleanBytes = 0;
        long dirtyBytes = 0;
        for (int i = 0; i < segments.size() - 1; i++) {
            LogSegment segment = segments.get(i);
            long end = segments.get(i + 1).baseOffset();
            if (end <= firstDirty) {
                cleanBytes += segment.size();
            } else if (segment.baseOffset() < firstUncleanable && firstDirty < firstUncleanable) {
                dirtyBytes += segment.size();
            }
        }
        long maxLag = config.maxCompactionLagMs();
        boolean maxLagExceeded = dirtyBytes > 0 && maxLag != Long.MAX_VALUE && earliestDirtyBatch != Long.MAX_VALUE
            && earliestDirtyBatch < nowMs - maxLag;
        return new CleanableRange(log, segments, firstDirty, firstUncleanable, cleanBytes, dirtyBytes,
            maxLagExceeded);
    }

    /** The first batch's largest timestamp, Kafka's measure of how long a segment has waited; MAX when unknown. */
    private static long firstBatchTimestamp(LogSegment segment) {
        for (FileChannelRecordBatch batch : segment.records().batches()) {
            long timestamp = batch.maxTimestamp();
            return timestamp == RecordBatch.NO_TIMESTAMP || timestamp <= 0 ? Long.MAX_VALUE : timestamp;
        }
        return Long.MAX_VALUE;
    }

    /** Dirty bytes over all cleanable bytes: Kafka's cleanable ratio. */
    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0 : (double) dirtyBytes / total;
    }

    /** Whether the dirty ratio reaches {@code min.cleanable.dirty.ratio} or the max lag passed. */
    boolean isDue() {
        return dirtyBytes > 0 && (maxLagExceeded || dirtyRatio() >= log.config().minCleanableDirtyRatio());
    }
}
