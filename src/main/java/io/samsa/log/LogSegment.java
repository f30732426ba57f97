package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.FileRecords.LogOffsetPosition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition's log: the file {@code <base>.log} of magic-v2 batches back to back
 * as they travel on the wire, plus its sparse {@link OffsetIndex} and {@link TimeIndex}.
 *
 * <p>Every record in the segment has an offset at or above the segment's base offset and below
 * the base offset of the next segment. An index entry is added before a batch is appended once
 * more than {@code index.interval.bytes} were appended since the previous entry, so the first
 * batch of a segment is never indexed and a lookup falls back to position 0.
 *
 * <p>The segment tracks its largest timestamp and the last offset of the batch that carried it;
 * they feed the time index, retention by time and ListOffsets.
 *
 * <p>Age for {@code segment.ms} counts from the broker's clock at the first append (Kafka uses
 * the first batch's timestamp, which a producer's clock can push arbitrarily far back); after a
 * restart a non-empty active segment's age counts from the time it was opened.
 *
 * <p>Thread-safety: mutators ({@code append}, {@code recover}, {@code onBecomeInactive},
 * renames, {@code close}) are called under the owning {@link Log}'s lock; {@code read},
 * {@code findOffsetByTimestamp} and the getters are safe from any thread because
 * {@link FileRecords} publishes its size only after a write completes and the indexes publish
 * entries after writing them.
 */
final class LogSegment implements Closeable {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";

    /** Kafka's largest decompressed batch, the bound when a read must open a compressed batch. */
    private static final int MAX_DECOMPRESSED_BYTES = Integer.MAX_VALUE - 8;

    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    private final long baseOffset;
    private final FileRecords log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long rollJitterMs;
    private volatile long maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestampSoFar;
    private int bytesSinceLastIndexEntry;
    /** Set while a recovery on a full disk goes on without index entries; only the loading thread touches it. */
    private boolean indexingSuspended;
    private long rollBaseTimeMs;
    /** Set before the files close, so a background fsync racing the close knows to skip, not fail. */
    private volatile boolean closed;

    private LogSegment(long baseOffset, FileRecords log, OffsetIndex offsetIndex, TimeIndex timeIndex,
                       long rollJitterMs, long nowMs) {
        this.baseOffset = baseOffset;
        this.log = log;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.rollJitterMs = rollJitterMs;
        this.offsetOfMaxTimestampSoFar = baseOffset;
        this.rollBaseTimeMs = nowMs;
        TimeIndex.Entry last = timeIndex.lastEntry();
        if (last.timestamp() >= 0) {
            this.maxTimestampSoFar = last.timestamp();
            this.offsetOfMaxTimestampSoFar = last.offset();
        }
    }

    /**
     * Opens the segment files in {@code dir}, creating them when absent.
     *
     * @param active whether appends will go here; its indexes are then sized for appends
     */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, long nowMs, long rollJitterMs,
                           boolean active) throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        boolean exists = Files.exists(logFile);
        FileRecords records = FileRecords.open(logFile.toFile(), exists,
            active ? config.segmentBytes() : 0, active && !exists && config.preallocate());
        int indexBytes = active ? config.segmentIndexBytes() : 0;
        OffsetIndex offsetIndex = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)), baseOffset,
            indexBytes);
        TimeIndex timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), baseOffset,
            indexBytes);
        return new LogSegment(baseOffset, records, offsetIndex, timeIndex, rollJitterMs, nowMs);
    }

    /**
     * Creates an empty segment the cleaner writes into, with files {@code <base>.log.cleaned},
     * {@code <base>.index.cleaned} and {@code <base>.timeindex.cleaned}, replacing leftovers of
     * an earlier attempt. Its indexes are sized to {@code segment.index.bytes} until
     * {@link #onBecomeInactive()} trims them.
     */
    static LogSegment openCleaned(Path dir, long baseOffset, LogConfig config, long nowMs) throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + CLEANED_SUFFIX);
        Path indexFile = dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + CLEANED_SUFFIX);
        Path timeIndexFile = dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + CLEANED_SUFFIX);
        for (Path leftover : new Path[] {logFile, indexFile, timeIndexFile}) {
            Files.deleteIfExists(leftover);
        }
        FileRecords records = FileRecords.open(logFile.toFile(), true, false, 0, false);
        OffsetIndex offsetIndex = new OffsetIndex(indexFile, baseOffset, config.segmentIndexBytes());
        TimeIndex timeIndex = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes());
        return new LogSegment(baseOffset, records, offsetIndex, timeIndex, 0, nowMs);
    }

    /** Kafka's file naming: the base offset zero-padded to 20 digits, then the suffix. */
    static String fileName(long offset, String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    long baseOffset() {
        return baseOffset;
    }

    int size() {
        return log.sizeInBytes();
    }

    FileRecords records() {
        return log;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    long maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    long offsetOfMaxTimestampSoFar() {
        return offsetOfMaxTimestampSoFar;
    }

    /** The newest timestamp for retention: the largest record timestamp, else the file's mtime. */
    long largestTimestamp() throws IOException {
        long max = maxTimestampSoFar;
        return max >= 0 ? max : lastModifiedMs();
    }

    /** The log file's modification time, what retention goes by when the segment has no timestamps. */
    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(log.file().toPath()).toMillis();
    }

    /** Sets the log file's modification time: a cleaned segment keeps its sources' age for retention. */
    void setLastModifiedMs(long ms) throws IOException {
        Files.setLastModifiedTime(log.file().toPath(), FileTime.fromMillis(ms));
    }

    /** Whether an offset fits the 32-bit relative offsets the indexes store. */
    boolean canHoldOffset(long offset) {
        long relative = offset - baseOffset;
        return relative >= 0 && relative <= Integer.MAX_VALUE;
    }

    /** True when the next append of {@code batchBytes} ending at {@code lastOffset} needs a new segment. */
    boolean shouldRoll(LogConfig config, int batchBytes, long lastOffset, long nowMs) {
        int size = size();
        if (size == 0) {
            return false;
        }
        boolean full = size > config.segmentBytes() - batchBytes;
        boolean old = nowMs - rollBaseTimeMs > config.maxSegmentMs() - rollJitterMs;
        return full || old || offsetIndex.isFull() || timeIndex.isFull() || !canHoldOffset(lastOffset);
    }

    /** True when the segment has data and is older than {@link LogConfig#maxSegmentMs()} (less jitter). */
    boolean isDueForTimeRoll(LogConfig config, long nowMs) {
        return size() > 0 && nowMs - rollBaseTimeMs > config.maxSegmentMs() - rollJitterMs;
    }

    /**
     * Appends batches whose offsets were already assigned, in one write.
     *
     * @param records one batch from a producer, or several from a leader when replicating
     */
    void append(MemoryRecords records, int indexIntervalBytes, long nowMs) throws IOException {
        append(records, records.batches(), indexIntervalBytes, nowMs);
    }

    /**
     * As {@link #append(MemoryRecords, int, long)}, given the batches of {@code records} already parsed.
     *
     * <p>A write that fails (a full disk, typically) is cut back to the previous end of the file,
     * so no partial batch stays behind and the segment is as it was before the call.
     */
    void append(MemoryRecords records, Iterable<? extends RecordBatch> batches, int indexIntervalBytes, long nowMs)
            throws IOException {
        int position = log.sizeInBytes();
        // Index pages first: once the data is in, adding its entries must not fail.
        int batchCount = 0;
        for (RecordBatch ignored : batches) {
            batchCount++;
        }
        offsetIndex.reserve(batchCount);
        // One more for the time index: the final entry written when the segment stops being active.
        timeIndex.reserve(batchCount + 1);
        // Data first, then index entries: an entry must never point past the published file size.
        try {
            log.append(records);
        } catch (IOException e) {
            cutBackTo(position, e);
            throw e;
        }
        if (position == 0) {
            rollBaseTimeMs = nowMs;
        }
        for (RecordBatch batch : batches) {
            track(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes(), indexIntervalBytes);
            position += batch.sizeInBytes();
        }
    }

    /**
     * Removes the part of a failed write that reached the file. The file's size as published to
     * readers never included it, but the channel's position did: later appends would land after it.
     */
    private void cutBackTo(int position, IOException writeFailure) throws IOException {
        try {
            log.truncateTo(position);
        } catch (IOException e) {
            // The partial batch stays: not an out-of-space error, so the caller takes the log directory offline.
            IOException failure = new IOException("Cannot cut " + log.file() + " back to " + position
                + " after a failed write: " + e.getMessage(), e);
            failure.addSuppressed(writeFailure);
            throw failure;
        }
    }

    /** Adds index entries for a batch now in the file and folds it into the largest timestamp. */
    private void track(long lastOffset, long maxTimestamp, int position, int size, int indexIntervalBytes)
            throws IOException {
        // A full index only makes lookups scan further; the roll check before the next append
        // sees it full and starts a new segment.
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !indexingSuspended && !offsetIndex.isFull()
            && !timeIndex.isFull()) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(Math.max(maxTimestamp, maxTimestampSoFar),
                maxTimestamp > maxTimestampSoFar ? lastOffset : offsetOfMaxTimestampSoFar, false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
        if (maxTimestamp > maxTimestampSoFar) {
            // Offset first: a reader that sees the new timestamp must also see its offset.
            offsetOfMaxTimestampSoFar = lastOffset;
            maxTimestampSoFar = maxTimestamp;
        }
    }

    /**
     * Removes the batch holding {@code offset} (or the first batch after it) and everything
     * after it, with their index entries.
     *
     * @return the number of bytes removed
     */
    int truncateTo(long offset) throws IOException {
        LogOffsetPosition start = translateOffset(offset);
        if (start == null) {
            return 0;
        }
        int removed = log.sizeInBytes() - start.position;
        log.truncateTo(start.position);
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = baseOffset;
        loadMaxTimestampFromBatches();
        bytesSinceLastIndexEntry = 0;
        return removed;
    }

    /** The batch holding {@code offset}, or the first batch after it; null when the segment has neither. */
    LogOffsetPosition translateOffset(long offset) {
        OffsetIndex.Entry entry = offsetIndex.lookup(offset);
        return log.searchForOffsetFromPosition(offset, entry.position());
    }

    /**
     * Whole batches starting with the one that holds {@code startOffset} (or the first later
     * batch), each ending below {@code maxOffsetExclusive}, together at most {@code maxBytes}
     * unless {@code minOneMessage} lets the first exceed it.
     *
     * @return the slice, possibly empty, or null when no batch here reaches {@code startOffset}
     */
    SegmentSlice read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        LogOffsetPosition start = translateOffset(startOffset);
        if (start == null) {
            return null;
        }
        // The offset index vouches for the whole batches up to its last entry within both limits; only the few
        // batches after that entry are walked. A batch's last offset costs a header read, its base offset and
        // size do not. The next batch's base offset settles whether the previous one ends below the limit, so
        // only the final batch of a read needs its header.
        int end = Math.max(start.position,
            offsetIndex.lastPositionWithin((long) start.position + maxBytes, maxOffsetExclusive));
        FileChannelRecordBatch pending = null;
        for (FileChannelRecordBatch batch : log.batchesFrom(end)) {
            if (pending != null) {
                if (batch.baseOffset() > maxOffsetExclusive && pending.lastOffset() >= maxOffsetExclusive) {
                    return slice(start.position, end);
                }
                end += pending.sizeInBytes();
                pending = null;
            }
            if (batch.baseOffset() >= maxOffsetExclusive) {
                break;
            }
            int grown = end - start.position + batch.sizeInBytes();
            if (grown > maxBytes && !(minOneMessage && end == start.position)) {
                break;
            }
            pending = batch;
        }
        if (pending != null && pending.lastOffset() < maxOffsetExclusive) {
            end += pending.sizeInBytes();
        }
        return slice(start.position, end);
    }

    private SegmentSlice slice(int from, int to) {
        return new SegmentSlice(log, from, to - from);
    }

    /** The empty range at the end of the file, where the next append will go. */
    SegmentSlice emptySliceAtEnd() {
        return new SegmentSlice(log, log.sizeInBytes(), 0);
    }

    /**
     * The first record at or after {@code timestamp} with an offset at or above
     * {@code startingOffset}, using the time index to skip ahead.
     */
    Optional<TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) {
        TimeIndex.Entry timeEntry = timeIndex.lookup(timestamp);
        OffsetIndex.Entry offsetEntry = offsetIndex.lookup(Math.max(timeEntry.offset(), startingOffset));
        FileRecords.TimestampAndOffset found =
            log.searchForTimestamp(timestamp, offsetEntry.position(), startingOffset,
                MAX_DECOMPRESSED_BYTES);
        if (found == null) {
            return Optional.empty();
        }
        return Optional.of(new TimestampAndOffset(found.timestamp, found.offset, found.leaderEpoch.orElse(-1)));
    }

    /** The record carrying this segment's largest timestamp, located by decompressing its batch. */
    Optional<TimestampAndOffset> readMaxTimestampAndOffset() {
        long max = maxTimestampSoFar;
        if (max < 0) {
            return Optional.empty();
        }
        long batchLastOffset = offsetOfMaxTimestampSoFar;
        LogOffsetPosition position = translateOffset(batchLastOffset);
        if (position == null) {
            return Optional.empty();
        }
        for (FileChannelRecordBatch batch : log.batchesFrom(position.position)) {
            if (batch.maxTimestamp() == max) {
                long offset = batch.offsetOfMaxTimestamp(MAX_DECOMPRESSED_BYTES).orElse(batch.lastOffset());
                return Optional.of(new TimestampAndOffset(max, offset, batch.partitionLeaderEpoch()));
            }
            if (batch.baseOffset() > batchLastOffset) {
                break;
            }
        }
        return Optional.empty();
    }

    /** The offset after the last batch, or the base offset when the segment is empty. */
    long readNextOffset() {
        long next = baseOffset;
        // Start at the last indexed batch: only the tail after it needs reading.
        for (FileChannelRecordBatch batch : log.batchesFrom(offsetIndex.lookup(Long.MAX_VALUE).position())) {
            next = batch.nextOffset();
        }
        return next;
    }

    /** Sets the largest timestamp from the batch headers when the time index could not tell. */
    void loadMaxTimestampFromBatches() {
        for (FileChannelRecordBatch batch : log.batches()) {
            if (batch.maxTimestamp() > maxTimestampSoFar) {
                offsetOfMaxTimestampSoFar = batch.lastOffset();
                maxTimestampSoFar = batch.maxTimestamp();
            }
        }
    }

    /**
     * Validates every batch, cuts the file after the last valid one and rebuilds both indexes.
     *
     * @param indexBytes size to preallocate the rebuilt indexes to (0 for inactive segments)
     * @param onValidBatch sees each valid batch in order, to rebuild producer and epoch state
     * @return the number of bytes cut from the end of the file
     */
    int recover(int indexBytes, int indexIntervalBytes, Consumer<RecordBatch> onValidBatch) throws IOException {
        offsetIndex.reset(Math.max(indexBytes, (int) offsetIndex.sizeInBytes() + OffsetIndex.ENTRY_SIZE));
        timeIndex.reset(Math.max(indexBytes, (int) timeIndex.sizeInBytes() + 2 * TimeIndex.ENTRY_SIZE));
        maxTimestampSoFar = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = baseOffset;
        bytesSinceLastIndexEntry = 0;
        int validBytes = 0;
        long expectedNext = baseOffset;
        try {
            for (FileChannelRecordBatch batch : log.batches()) {
                if (!isWellFormed(batch, expectedNext)) {
                    break;
                }
                if (bytesSinceLastIndexEntry > indexIntervalBytes && (offsetIndex.isFull() || timeIndex.isFull())) {
                    growIndexes();
                }
                trackDuringRecovery(batch, validBytes, indexIntervalBytes);
                validBytes += batch.sizeInBytes();
                expectedNext = batch.nextOffset();
                onValidBatch.accept(batch);
            }
        } catch (CorruptRecordException e) {
            // The iterator met a header that cannot start a batch: everything from here is garbage.
        }
        indexingSuspended = false;
        int cut = log.sizeInBytes() - validBytes;
        if (cut > 0) {
            log.truncateTo(validBytes);
        }
        return cut;
    }

    /**
     * Tracks a recovered batch. On a full disk the rebuilt indexes stop where the space ran out: a sparser index
     * only makes lookups scan further, while failing would keep the broker from starting on a full disk.
     */
    private void trackDuringRecovery(FileChannelRecordBatch batch, int position, int indexIntervalBytes)
            throws IOException {
        try {
            track(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes(), indexIntervalBytes);
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            LOG.warn("No space to rebuild the indexes of {} past offset {}; they stay partial (lookups scan further)",
                log.file(), batch.baseOffset());
            indexingSuspended = true;
            track(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes(), indexIntervalBytes);
        }
    }

    /** A magic-v2 batch with a valid CRC starting at or after {@code expectedNext}. */
    static boolean isWellFormed(FileChannelRecordBatch batch, long expectedNext) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2 || batch.baseOffset() < expectedNext) {
            return false;
        }
        if (!batch.isValid()) {
            return false;
        }
        long delta = batch.lastOffset() - batch.baseOffset();
        return delta >= 0 && delta <= Integer.MAX_VALUE;
    }

    /** An inactive segment being rebuilt can hold more entries than its trimmed index files. */
    private void growIndexes() throws IOException {
        offsetIndex.resize((offsetIndex.entries() + 1) * 2 * OffsetIndex.ENTRY_SIZE);
        timeIndex.resize((timeIndex.entries() + 2) * 2 * TimeIndex.ENTRY_SIZE);
    }

    /** Prepares an active segment to take appends again after a restart. */
    void resizeIndexes(int indexBytes) throws IOException {
        offsetIndex.resize(indexBytes);
        timeIndex.resize(indexBytes);
    }

    /**
     * Called when a new segment takes over appends and before a clean close: records the final largest timestamp in the
     * time index and shrinks the index and log files to what they hold.
     */
    void onBecomeInactive() throws IOException {
        if (maxTimestampSoFar >= 0) {
            try {
                timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
            } catch (IOException e) {
                if (!LogDirFailures.isOutOfSpace(e)) {
                    throw e;
                }
                // Appends reserve this slot's page, so only a segment untouched since a restart gets here. Without
                // the entry, a restart takes the largest timestamp from the last entry (lower): still trim the files.
                LOG.warn("No space for the final time index entry of {}", log.file());
            }
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        log.trim();
    }

    /**
     * Fsyncs the log file and both indexes; safe from a background thread. A segment closed
     * meanwhile (deleted by retention, say) needs no fsync and is skipped.
     */
    void flush() throws IOException {
        if (closed) {
            return;
        }
        Fsync.beforeFile(log.file().toPath());
        try {
            log.flush();
        } catch (ClosedChannelException e) {
            if (closed) {
                return;
            }
            throw e;
        }
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Renames the files to {@code .deleted} so a restart removes them even if deletion never runs. */
    void renameToDeleted() throws IOException {
        changeFileSuffixes("", DELETED_SUFFIX);
    }

    /**
     * Renames all three files from ending in {@code oldSuffix} to ending in {@code newSuffix}
     * (either may be empty), replacing files of those names. The log file goes last: its name
     * is what recovery looks for ({@code .log.swap}), so it must not get ahead of the indexes.
     */
    void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        offsetIndex.renameTo(withSuffix(offsetIndex.file(), oldSuffix, newSuffix));
        timeIndex.renameTo(withSuffix(timeIndex.file(), oldSuffix, newSuffix));
        log.renameTo(withSuffix(log.file().toPath(), oldSuffix, newSuffix).toFile());
    }

    private static Path withSuffix(Path file, String oldSuffix, String newSuffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(oldSuffix)) {
            throw new IllegalStateException(file + " does not end in '" + oldSuffix + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - oldSuffix.length()) + newSuffix);
    }

    /**
     * Renames the files to {@code .deleted} now and removes them after {@code delayMs}; until
     * then the open file keeps serving reads that already hold a slice of it.
     */
    void deleteLater(Scheduler scheduler, long delayMs) throws IOException {
        renameToDeleted();
        scheduler.schedule("delete-" + log.file().getName(), () -> {
            try {
                closeAndDelete();
            } catch (IOException e) {
                LOG.warn("Could not delete the files of {}", log.file(), e);
            }
        }, delayMs);
    }

    /** Closes the file, unmaps the indexes and removes all three files from disk. */
    void closeAndDelete() throws IOException {
        closed = true;
        log.deleteIfExists();
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
    }

    /** Closes the file as is, without trimming, and unmaps the indexes. */
    void closeHandlers() {
        closed = true;
        offsetIndex.closeWithoutTrim();
        timeIndex.closeWithoutTrim();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("Could not close {}", log.file(), e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        offsetIndex.close();
        timeIndex.close();
        log.trim();
        log.close();
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size() + ")";
    }
}
