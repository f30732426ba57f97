package io.samsa.log;

import org.apache.kafka.common.record.internal.Records;

/**
 * What {@link Log#read} found: whole batches and where they start on disk.
 *
 * <p>{@link #records()} is normally a {@code FileRecords} slice that shares the segment's file
 * channel (no copy); it starts at the first byte of a batch and ends after a whole batch. The
 * segment base offset and position let a delayed fetch measure how many bytes have arrived
 * since without reading them again. Immutable.
 *
 * @param records the batches, possibly empty
 * @param segmentBaseOffset base offset of the segment the records come from
 * @param segmentPosition file position of the first returned byte in that segment
 * @param logStartOffset the log start offset when the read happened
 * @param logEndOffset the log end offset when the read happened
 */
public record LogReadInfo(Records records, long segmentBaseOffset, int segmentPosition,
                          long logStartOffset, long logEndOffset) {
}
