package io.samsa.log;

/**
 * What {@link Log#read} found: whole batches and where they start on disk.
 *
 * <p>{@link #records()} is a range of the segment file (no copy, sent with sendfile); it starts at the first byte of a batch and ends after a whole batch. The
 * segment base offset and position let a delayed fetch measure how many bytes have arrived
 * since without reading them again. Immutable.
 *
 * @param records the batches, possibly empty
 * @param segmentBaseOffset base offset of the segment the records come from
 * @param segmentPosition file position of the first returned byte in that segment
 * @param logStartOffset the log start offset when the read happened
 * @param logEndOffset the log end offset when the read happened
 */
public record LogReadInfo(SegmentSlice records, long segmentBaseOffset, int segmentPosition,
                          long logStartOffset, long logEndOffset) {
}
