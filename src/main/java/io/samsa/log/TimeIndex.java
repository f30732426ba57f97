package io.samsa.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse time index of one segment: {@code <base>.timeindex}, 12-byte entries of an int64
 * timestamp and the int32 offset (relative to the segment base) of the batch that raised the
 * segment's largest timestamp to it. Timestamps strictly increase, so a lookup for a target
 * time yields an offset from which every later record with a timestamp at or above the target
 * can be found by scanning forward.
 *
 * <p>One slot is always kept free so the final entry written when the segment stops being
 * active fits even after the index reported itself full (that is what triggered the roll).
 *
 * <p>Thread-safety as {@link MappedIndex}: appends under the log's lock, lookups lock-free.
 */
final class TimeIndex extends MappedIndex {

    static final int ENTRY_SIZE = 12;

    private long lastTimestamp;
    private long lastOffset;

    TimeIndex(Path file, long baseOffset, int preallocateBytes) throws IOException {
        super(file, baseOffset, preallocateBytes, ENTRY_SIZE);
        resetLast();
    }

    /** A timestamp and the offset of the batch it came from. */
    record Entry(long timestamp, long offset) {
    }

    @Override
    protected void resetLast() {
        int count = entries();
        if (count == 0) {
            lastTimestamp = -1;
            lastOffset = baseOffset;
        } else {
            MappedByteBuffer buf = buffer();
            lastTimestamp = buf.getLong((count - 1) * ENTRY_SIZE);
            lastOffset = baseOffset + buf.getInt((count - 1) * ENTRY_SIZE + 8);
        }
    }

    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /** The newest entry, or empty-handed (-1, base) when the index has none. */
    Entry lastEntry() {
        return new Entry(lastTimestamp, lastOffset);
    }

    /**
     * Adds an entry when {@code timestamp} is newer than the last one.
     *
     * @param useReservedSlot true for the final entry of a segment, which may use the spare slot
     * @throws IOException no space for the page the entry goes into; the index is unchanged
     */
    void maybeAppend(long timestamp, long offset, boolean useReservedSlot) throws IOException {
        int count = entries();
        if (count > 0 && timestamp <= lastTimestamp) {
            return;
        }
        if (count >= maxEntries() || (!useReservedSlot && isFull())) {
            throw new IllegalStateException("Time index of segment " + baseOffset + " is full");
        }
        reserve(1);
        MappedByteBuffer buf = buffer();
        buf.putLong(count * ENTRY_SIZE, timestamp);
        buf.putInt(count * ENTRY_SIZE + 8, (int) (offset - baseOffset));
        lastTimestamp = timestamp;
        lastOffset = offset;
        publishAppend();
    }

    /** The largest entry whose timestamp is at most {@code target}; (-1, base) when none is. */
    Entry lookup(long target) {
        if (!acquire()) {
            return new Entry(-1, baseOffset);
        }
        try {
            int count = entries();
            MappedByteBuffer buf = buffer();
            int slot = largestSlotAtMost(buf, count, target);
            if (slot < 0) {
                return new Entry(-1, baseOffset);
            }
            return new Entry(buf.getLong(slot * ENTRY_SIZE), baseOffset + buf.getInt(slot * ENTRY_SIZE + 8));
        } finally {
            release();
        }
    }

    /** Drops the entries whose offset is at or above {@code offset}. */
    void truncateTo(long offset) {
        MappedByteBuffer buf = buffer();
        int keep = entries();
        while (keep > 0 && baseOffset + buf.getInt((keep - 1) * ENTRY_SIZE + 8) >= offset) {
            keep--;
        }
        truncateToEntries(keep);
    }

    @Override
    protected long keyAt(MappedByteBuffer buf, int slot) {
        return buf.getLong(slot * ENTRY_SIZE);
    }

    @Override
    protected boolean entriesAreOrdered(int count, int segmentSizeBytes) {
        MappedByteBuffer buf = buffer();
        long previousTimestamp = Long.MIN_VALUE;
        int previousOffset = -1;
        for (int slot = 0; slot < count; slot++) {
            long timestamp = buf.getLong(slot * ENTRY_SIZE);
            int relative = buf.getInt(slot * ENTRY_SIZE + 8);
            if (timestamp <= previousTimestamp || relative < previousOffset || relative < 0) {
                return false;
            }
            previousTimestamp = timestamp;
            previousOffset = relative;
        }
        return true;
    }
}
