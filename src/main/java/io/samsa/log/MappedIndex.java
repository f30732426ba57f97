package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.utils.internals.ByteBufferUnmapper;

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
 * <p>The file is sparse beyond the entries written, and touching a page of a mapping that the
 * file system cannot back (a full disk) kills the JVM with SIGBUS. So before an entry goes into
 * a page not written yet, that page is {@linkplain #reserve reserved} with a plain write of
 * zeros, which on a full disk fails with an {@link IOException} instead.
 *
 * <p>Thread-safety: one writer (the owning log's append lock) and any number of lock-free
 * readers. Readers read {@link #entries} (volatile) before the mapping (volatile) and then only
 * slots below that count, which the writer filled before publishing the count. A reader (and a
 * background fsync) holds the index with {@link #acquire()}/{@link #release()} while it touches
 * the mapping; {@link #close()} and {@link #deleteIfExists()} unmap the file once the last holder
 * let go, and an index closed that way answers lookups as if empty. A mapping replaced by a trim
 * or resize is unmapped at once when no reader holds the index, else left to the garbage collector.
 */
abstract class MappedIndex implements Closeable {

    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;
    /** Bytes from the start of the file known to be backed by disk blocks; written under the log's lock. */
    private int reservedBytes;
    /** Readers holding the mapping; {@link Integer#MIN_VALUE} is added once closed. */
    private final AtomicInteger holders = new AtomicInteger();

    private static final int PAGE_BYTES = 4096;

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
        this.entries = (int) usedEntries(file, existing / entrySize, entrySize);
        int target = preallocateBytes > 0
            ? Math.max(roundDown(preallocateBytes), (int) existing) : (int) existing;
        map(target);
        // Whole pages holding existing entries were written, so the file system backs them.
        this.reservedBytes = (int) Math.min(roundUpToPage(entries * (long) entrySize), target);
        if (existing % entrySize != 0) {
            // A torn last entry: let isConsistent() reject the file so it is rebuilt.
            this.entries = -1;
        }
    }

    /**
     * The entries before the zero-filled tail that a file preallocated for appends keeps after a crash, found with
     * reads through the channel, never through a mapping: on tmpfs even reading a hole through a mapping needs a
     * free page, and on a full disk that faults (SIGBUS) instead of failing with ENOSPC. Entries after the first
     * are strictly increasing, so only the first can be all zeros; dropping such a lone first entry loses nothing
     * (a lookup then starts at the segment's base, as that entry said).
     */
    private static long usedEntries(Path file, long fileEntries, int entrySize) throws IOException {
        if (fileEntries == 0) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long low = 1;
            long high = fileEntries;
            // The first all-zero entry in [1, fileEntries), or fileEntries when there is none.
            while (low < high) {
                long mid = (low + high) >>> 1;
                if (isZeroEntry(channel, mid, entrySize)) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return low == 1 && isZeroEntry(channel, 0, entrySize) ? 0 : low;
        }
    }

    private static boolean isZeroEntry(FileChannel channel, long index, int entrySize) throws IOException {
        ByteBuffer entry = ByteBuffer.allocate(entrySize);
        long position = index * entrySize;
        while (entry.hasRemaining()) {
            int read = channel.read(entry, position + entry.position());
            if (read < 0) {
                break;
            }
        }
        for (int i = 0; i < entry.position(); i++) {
            if (entry.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private int roundDown(int bytes) {
        return bytes / entrySize * entrySize;
    }

    private static long roundUpToPage(long bytes) {
        return (bytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
    }

    private void map(int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            MappedByteBuffer mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            this.maxEntries = length / entrySize;
            this.reservedBytes = Math.min(reservedBytes, length);
            MappedByteBuffer previous = mmap;
            this.mmap = mapped;
            // A reader pins before it reads the mapping field: with no holder now, none can reach the old one.
            if (previous != null && holders.get() == 0) {
                unmap(previous);
            }
        }
    }

    /**
     * Makes sure the next {@code count} entries land in pages the file system has already backed,
     * writing zeros through the file channel into the pages not reserved yet.
     *
     * @throws IOException the disk is full (ENOSPC), or another write error; nothing was mapped
     */
    protected final void reserve(int count) throws IOException {
        long needed = Math.min((long) (entries() + count) * entrySize, mmap.capacity());
        if (needed <= reservedBytes) {
            return;
        }
        int upTo = (int) Math.min(roundUpToPage(needed), mmap.capacity());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(upTo - reservedBytes);
            long position = reservedBytes;
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
        reservedBytes = upTo;
    }

    /** Pins the mapping for a reader; false once the index was closed (then it must not be touched). */
    protected final boolean acquire() {
        while (true) {
            int current = holders.get();
            if (current < 0) {
                return false;
            }
            if (holders.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    protected final void release() {
        if (holders.decrementAndGet() == Integer.MIN_VALUE) {
            unmap();
        }
    }

    /** Closes the index for readers and unmaps it now or when the last holder releases it. */
    private void closeMapping() {
        int before = holders.getAndUpdate(current -> current < 0 ? current : current + Integer.MIN_VALUE);
        if (before == 0) {
            unmap();
        }
    }

    private boolean isClosed() {
        return holders.get() < 0;
    }

    private void unmap() {
        unmap(mmap);
    }

    private void unmap(MappedByteBuffer mapped) {
        try {
            ByteBufferUnmapper.unmap(file.toString(), mapped);
        } catch (IOException e) {
            // The mapping then lives until the garbage collector frees it, as without unmapping.
            org.slf4j.LoggerFactory.getLogger(MappedIndex.class).warn("Could not unmap {}", file, e);
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
        reservedBytes = 0;
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
        if (isClosed()) {
            return;
        }
        int used = entries() * entrySize;
        if (mmap.capacity() != used) {
            map(used);
        }
    }

    /** Forces the mapping to disk; safe from a background thread, a no-op once closed. */
    void flush() {
        if (!acquire()) {
            return;
        }
        try {
            mmap.force();
        } finally {
            release();
        }
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

    /** Unmaps the file (once no reader holds it) and deletes it. */
    void deleteIfExists() throws IOException {
        closeMapping();
        Files.deleteIfExists(file);
    }

    /** Shrinks the file to its entries and unmaps it. */
    @Override
    public void close() throws IOException {
        trimToValidSize();
        closeMapping();
    }

    /** Unmaps the file as it is, untrimmed: the state a crash leaves. */
    void closeWithoutTrim() {
        closeMapping();
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
