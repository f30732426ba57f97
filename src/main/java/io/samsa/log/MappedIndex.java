package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;

/**
 * A memory-mapped file of fixed-size entries sorted by a key, the common part of
 * {@link OffsetIndex} and {@link TimeIndex}.
 *
 * <p>An index that belongs to the active segment is preallocated to {@code segment.index.bytes}
 * (rounded down to whole entries) so appends never grow the file; {@link #trimToValidSize()}
 * shrinks it to the entries in use when the segment stops being active or closes. The number of
 * entries of a file opened from disk is its length divided by the entry size; a preallocated
 * file left behind by a crash therefore reads as full of zero entries, which
 * {@link #isConsistent} rejects so the caller rebuilds it.
 *
 * <p>Thread-safety: one writer (the owning log's append lock) and any number of lock-free
 * readers. Readers read {@link #entries} (volatile) before the mapping (volatile) and then only
 * slots below that count, which the writer filled before publishing the count. Mappings are
 * never unmapped explicitly: a reader still holding an old mapping after a trim or delete keeps
 * valid memory until the garbage collector releases it.
 */
abstract class MappedIndex implements Closeable {

    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens or creates the index file.
     *
     * @param preallocateBytes when positive, the file is grown (never shrunk) to this many bytes,
     *     rounded down to whole entries, so the index can take appends
     */
    protected MappedIndex(Path file, long baseOffset, int preallocateBytes, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        long existing = Files.exists(file) ? Files.size(file) : 0;
        this.entries = (int) (existing / entrySize);
        int target = preallocateBytes > 0
            ? Math.max(roundDown(preallocateBytes), (int) existing) : (int) existing;
        map(target);
        if (existing % entrySize != 0) {
            // A torn last entry: let isConsistent() reject the file so it is rebuilt.
            this.entries = -1;
        }
    }

    private int roundDown(int bytes) {
        return bytes / entrySize * entrySize;
    }

    private void map(int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            this.maxEntries = length / entrySize;
            this.mmap = mapped;
        }
    }

    protected final int entrySize() {
        return entrySize;
    }

    /** The mapping readers must use together with an {@link #entries()} read before it. */
    protected final MappedByteBuffer buffer() {
        return mmap;
    }

    /** Publishes one more entry after the subclass wrote slot {@code entries()}. */
    protected final void publishAppend() {
        entries = entries + 1;
    }

    public int entries() {
        return Math.max(entries, 0);
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isFull() {
        return entries() >= maxEntries;
    }

    public Path file() {
        return file;
    }

    public long sizeInBytes() {
        return (long) entries() * entrySize;
    }

    /** True when the file has whole entries and they are sorted as the subclass requires. */
    final boolean isConsistent(int segmentSizeBytes) {
        if (entries < 0) {
            return false;
        }
        return entriesAreOrdered(entries, segmentSizeBytes);
    }

    protected abstract boolean entriesAreOrdered(int count, int segmentSizeBytes);

    /** Drops every entry and makes room for {@code preallocateBytes} again, for a rebuild. */
    void reset(int preallocateBytes) throws IOException {
        entries = 0;
        map(roundDown(Math.max(preallocateBytes, entrySize)));
        resetLast();
    }

    /** Keeps the first {@code count} entries; the file keeps its size. */
    protected final void truncateToEntries(int count) {
        if (count < entries()) {
            entries = count;
            resetLast();
        }
    }

    /** Subclasses forget their cached last entry. */
    protected abstract void resetLast();

    /** Grows the file so an active segment can append again after a restart. */
    void resize(int preallocateBytes) throws IOException {
        int target = Math.max(roundDown(preallocateBytes), entries() * entrySize);
        if (target != mmap.capacity()) {
            map(target);
        }
    }

    /** Shrinks the file to the entries in use. */
    void trimToValidSize() throws IOException {
        int used = entries() * entrySize;
        if (mmap.capacity() != used) {
            map(used);
        }
    }

    void flush() {
        mmap.force();
    }

    /**
     * Renames the file, replacing one of the target name: a segment base offset that compaction
     * keeps can be renamed to {@code .deleted} again before the previous one was removed.
     */
    void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Utils.atomicMoveWithFallback(file, target, false);
        }
        file = target;
    }

    void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        trimToValidSize();
    }

    /** Index of the last slot whose key is at most {@code target}, or -1 when none is. */
    protected final int largestSlotAtMost(MappedByteBuffer buf, int count, long target) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(buf, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The search key of slot {@code slot}: an absolute offset or a timestamp. */
    protected abstract long keyAt(MappedByteBuffer buf, int slot);
}
