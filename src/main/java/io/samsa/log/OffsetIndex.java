package io.samsa.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of one segment: {@code <base>.index}, 8-byte entries of an int32
 * offset relative to the segment base and the int32 file position of the batch whose last
 * offset that is. Entries are strictly increasing in both fields. A lookup answers the largest
 * indexed offset at or below a target, from which the segment file is scanned forward.
 *
 * <p>Thread-safety as {@link MappedIndex}: appends under the log's lock, lookups lock-free.
 */
final class OffsetIndex extends MappedIndex {

    static final int ENTRY_SIZE = 8;

    private long lastOffset;

    OffsetIndex(Path file, long baseOffset, int preallocateBytes) throws IOException {
        super(file, baseOffset, preallocateBytes, ENTRY_SIZE);
        resetLast();
    }

    /** Offset and file position of an indexed batch. */
    record Entry(long offset, int position) {
    }

    @Override
    protected void resetLast() {
        int count = entries();
        lastOffset = count == 0 ? baseOffset : baseOffset + buffer().getInt((count - 1) * ENTRY_SIZE);
    }

    /**
     * Indexes the batch whose last offset is {@code offset}, starting at {@code position}.
     *
     * @throws IOException no space for the page the entry goes into; the index is unchanged
     */
    void append(long offset, int position) throws IOException {
        int count = entries();
        if (count > 0 && offset <= lastOffset) {
            throw new IllegalStateException("Offset index of segment " + baseOffset + " got offset " + offset
                + " after " + lastOffset);
        }
        reserve(1);
        MappedByteBuffer buf = buffer();
        buf.putInt(count * ENTRY_SIZE, (int) (offset - baseOffset));
        buf.putInt(count * ENTRY_SIZE + 4, position);
        lastOffset = offset;
        publishAppend();
    }

    /** The largest entry whose offset is at most {@code target}; (base, 0) when there is none. */
    Entry lookup(long target) {
        if (!acquire()) {
            return new Entry(baseOffset, 0);
        }
        try {
            int count = entries();
            MappedByteBuffer buf = buffer();
            int slot = largestSlotAtMost(buf, count, target);
            if (slot < 0) {
                return new Entry(baseOffset, 0);
            }
            return new Entry(baseOffset + buf.getInt(slot * ENTRY_SIZE), buf.getInt(slot * ENTRY_SIZE + 4));
        } finally {
            release();
        }
    }

    /**
     * The file position of the last indexed batch that starts at or below {@code maxPosition} and whose last offset
     * is below {@code maxOffsetExclusive}, or -1 when no entry qualifies. Every batch before that position then ends
     * by it and holds only offsets below the limit, so a read can take them whole without reading their headers.
     */
    int lastPositionWithin(long maxPosition, long maxOffsetExclusive) {
        if (!acquire()) {
            return -1;
        }
        try {
            return lastPositionWithin(entries(), maxPosition, maxOffsetExclusive);
        } finally {
            release();
        }
    }

    private int lastPositionWithin(int count, long maxPosition, long maxOffsetExclusive) {
        MappedByteBuffer buf = buffer();
        // Both fields grow with the slot, so "position and offset within the limits" holds for a prefix of the slots.
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long offset = baseOffset + buf.getInt(mid * ENTRY_SIZE);
            int position = buf.getInt(mid * ENTRY_SIZE + 4);
            if (position <= maxPosition && offset < maxOffsetExclusive) {
                found = position;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Drops the entries at or above {@code offset}. */
    void truncateTo(long offset) {
        truncateToEntries(largestSlotAtMost(buffer(), entries(), offset - 1) + 1);
    }

    @Override
    protected long keyAt(MappedByteBuffer buf, int slot) {
        return baseOffset + buf.getInt(slot * ENTRY_SIZE);
    }

    @Override
    protected boolean entriesAreOrdered(int count, int segmentSizeBytes) {
        MappedByteBuffer buf = buffer();
        int previousOffset = -1;
        int previousPosition = -1;
        for (int slot = 0; slot < count; slot++) {
            int relative = buf.getInt(slot * ENTRY_SIZE);
            int position = buf.getInt(slot * ENTRY_SIZE + 4);
            if (relative <= previousOffset || position <= previousPosition || position >= segmentSizeBytes) {
                return false;
            }
            previousOffset = relative;
            previousPosition = position;
        }
        return true;
    }
}
