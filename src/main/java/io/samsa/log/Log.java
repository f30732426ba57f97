package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's log on disk: the ordered {@link LogSegment}s in
 * {@code <logDir>/<topic>-<partition>/}, the newest of which (the active segment) takes appends,
 * plus the partition's side files: {@code leader-epoch-checkpoint}, {@code log-start-offset},
 * {@code recovery-point}, producer-state snapshots and the {@code clean-shutdown} marker.
 *
 * <p>The log owns offsets: it assigns them on {@link #appendAsLeader} (or takes the leader's on
 * {@link #appendAsFollower}, and cuts back with {@link #truncateTo} when a follower diverged),
 * serves {@link #read reads} of whole batches, rolls segments by size, age or full index, deletes
 * old segments by retention or DeleteRecords, flushes by {@code flush.messages}/{@code flush.ms}
 * ({@link LogFlusher}), and after a crash recovers to the last valid batch ({@link LogLoader}).
 * For a compacted topic it keeps the cleaner checkpoint and lets the {@link LogCleaner} swap
 * compacted segments in ({@link #replaceSegments}).
 *
 * <p>Thread-safety: appends, rolls, deletions and config changes are serialised by one lock per
 * log; fsyncs run on the flusher threads outside it ({@link LogFlusher}). An I/O error takes the
 * log and its whole log directory offline ({@link LogDirFailures}), except running out of space,
 * which fails only the write that met it. Reads take no lock: segments live in a concurrent map, the log start and end
 * offsets are volatile and written after the data they cover, and a deleted segment's file stays
 * open for {@code file.delete.delay.ms} so in-flight fetches can still send from it.
 *
 * <p>Size: slightly past the project's 600-line guide because every public operation here takes
 * the same lock and moves the same offsets; what stands alone already lives in
 * {@link LogSegments}, {@link LogFlusher}, {@link LogLoader}, {@link RetentionRules} and
 * {@link AppendValidator}.
 */
public final class Log implements Closeable {

    static final String CLEAN_SHUTDOWN_FILE = "clean-shutdown";
    static final String LOG_START_OFFSET_FILE = "log-start-offset";
    static final String RECOVERY_POINT_FILE = "recovery-point";
    static final String CLEANER_CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(Log.class);

    private final Path dir;
    private final TopicPartition tp;
    private final Time time;
    private final Scheduler scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final LogSegments segments;
    private final LeaderEpochCache epochCache;
    private final ProducerStateManager producerState;
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private final LogDirFailures failures;
    private final Path logDir;
    private volatile boolean closed;
    /** Set when close() begins: appends stop so that its final flush covers everything. */
    private volatile boolean closing;
    private volatile boolean offline;
    private volatile long cleanerCheckpoint;
    /** Written under {@link #lock}; volatile for the request handlers that check a client's epoch. */
    private volatile int leaderEpoch;
    private final LogFlusher flusher;

    private Log(Path dir, TopicPartition tp, LogConfig config, Time time, Scheduler scheduler,
                LogDirFailures failures, LogLoader.Loaded loaded) {
        this.dir = dir;
        this.tp = tp;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.segments = new LogSegments(loaded.segments());
        this.epochCache = loaded.epochCache();
        this.producerState = loaded.producerState();
        this.logStartOffset = loaded.logStartOffset();
        this.logEndOffset = loaded.logEndOffset();
        this.failures = failures;
        Path parent = dir.toAbsolutePath().normalize().getParent();
        this.logDir = parent == null ? dir : parent;
        this.flusher = new LogFlusher(dir, dir.resolve(RECOVERY_POINT_FILE), segments, time, lock,
            loaded.logEndOffset(), scheduler.flushExecutor(), this::flushFailed, epochCache);
        this.leaderEpoch = epochCache.latestEpochOrUndefined();
    }

    /** Opens or creates the log with a shared background scheduler for deferred file deletion. */
    public static Log open(Path partitionDir, TopicPartition tp, LogConfig config, Time time) throws IOException {
        return open(partitionDir, tp, config, time, Scheduler.shared());
    }

    /** Opens or creates the log, recovering it when it was not closed cleanly. */
    public static Log open(Path partitionDir, TopicPartition tp, LogConfig config, Time time, Scheduler scheduler)
        throws IOException {
        return open(partitionDir, tp, config, time, scheduler, new LogDirFailures());
    }

    /**
     * Opens or creates the log, recovering it when it was not closed cleanly, as part of a set of
     * log directories: an I/O error in it takes its whole log directory offline in {@code failures}.
     * Opens on a full disk too: the checkpoints written here are then left as they were.
     */
    public static Log open(Path partitionDir, TopicPartition tp, LogConfig config, Time time, Scheduler scheduler,
                           LogDirFailures failures) throws IOException {
        boolean created = !Files.isDirectory(partitionDir);
        LogLoader.Loaded loaded = LogLoader.load(partitionDir, tp, config, time);
        if (created && partitionDir.getParent() != null) {
            // The new partition directory's own entry lives in the log directory.
            Fsync.directory(partitionDir.getParent());
        }
        Log log = new Log(partitionDir, tp, config, time, scheduler, failures, loaded);
        log.cleanerCheckpoint = CheckpointFile.readOffset(partitionDir.resolve(CLEANER_CHECKPOINT_FILE)).orElse(0L);
        try {
            CheckpointFile.writeOffset(partitionDir.resolve(LOG_START_OFFSET_FILE), log.logStartOffset);
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            // The loader derived the start offset from this file and the segments; it is still right.
            LOG.warn("{}: no space to rewrite {}; keeping the existing file", tp, LOG_START_OFFSET_FILE);
        }
        // From here on a crash must be detected, so the marker goes before any append.
        Files.deleteIfExists(partitionDir.resolve(CLEAN_SHUTDOWN_FILE));
        Fsync.directory(partitionDir);
        return log;
    }

    /**
     * A stand-in for a log that could not be opened because its directory failed (an I/O error other than a
     * full disk while loading it): it is offline from the start, so the partition answers KAFKA_STORAGE_ERROR
     * like every other partition of its offline log directory, and nothing in {@code partitionDir} is touched
     * again until a restart recovers it. Its one empty segment lives in a scratch directory deleted at once.
     */
    public static Log offline(Path partitionDir, TopicPartition tp, LogConfig config, Time time, Scheduler scheduler,
                              LogDirFailures failures) throws IOException {
        Path scratch = Files.createTempDirectory("samsa-offline-log-");
        try {
            ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
            segments.put(0L, LogSegment.open(scratch, 0, config, time.milliseconds(), 0, false));
            LogLoader.Loaded placeholder = new LogLoader.Loaded(segments, 0, 0, LeaderEpochCache.load(scratch),
                new ProducerStateManager(scratch));
            Log log = new Log(partitionDir, tp, config, time, scheduler, failures, placeholder);
            log.offline = true;
            return log;
        } finally {
            // The open segment keeps its file handles; the names are not needed.
            try (Stream<Path> files = Files.list(scratch)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }

    /** The directory name Kafka uses for a partition: {@code <topic>-<partition>}. */
    public static String directoryName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /**
     * Validates a client's batch, assigns offsets starting at the log end offset by rewriting
     * the header in place, stamps the {@linkplain #leaderEpoch() current leader epoch}, and writes
     * it to the active segment. The epoch is read under the same lock that serialises appends and
     * epoch changes, so the epochs of the batches in the log never go backwards. A retry of one of
     * the producer's last five batches is answered with the original offsets and not written again.
     *
     * @throws org.apache.kafka.common.errors.ApiException the subclass that maps to the Kafka
     *     error code: see {@link AppendValidator}, {@link ProducerStateManager#checkSequence},
     *     {@link RecordBatchTooLargeException} for a batch larger than a segment, and
     *     {@link NotLeaderOrFollowerException} when the log already holds a newer epoch than the
     *     current one (a follower's replicated batches)
     * @throws RecordValidationException some records of the batch break a rule (KIP-467)
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records) {
        lock.lock();
        try {
            ensureOpen();
            return appendLocked(records);
        } catch (IOException e) {
            throw storageFailure("append", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #appendAsLeader(MemoryRecords)} as the leader of {@code leaderEpoch}: the epoch first
     * becomes the current one, as in {@link #updateLeaderEpoch}, in the same critical section.
     *
     * @throws NotLeaderOrFollowerException {@code leaderEpoch} is older than the current epoch or
     *     one already in the log; nothing is written
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        lock.lock();
        try {
            ensureOpen();
            if (!raiseLeaderEpoch(leaderEpoch)) {
                throw new NotLeaderOrFollowerException("Leader epoch " + leaderEpoch + " of an append to " + tp
                    + " is older than the epochs it already has");
            }
            return appendLocked(records);
        } catch (IOException e) {
            throw storageFailure("append", e);
        } finally {
            lock.unlock();
        }
    }

    private LogAppendInfo appendLocked(MemoryRecords records) throws IOException {
        int epoch = leaderEpoch;
        int newestInLog = epochCache.latestEpochOrUndefined();
        if (epoch < newestInLog) {
            throw new NotLeaderOrFollowerException("The log of " + tp + " already holds leader epoch " + newestInLog
                + ", newer than its current epoch " + epoch);
        }
        LogConfig cfg = config;
        long now = time.milliseconds();
        MutableRecordBatch batch = AppendValidator.validate(tp, records, cfg, now);
        int count = batch.countOrNull();
        boolean logAppendTime = cfg.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
        ProducerStateEntry producer = batch.hasProducerId() ? producerState.get(batch.producerId()) : null;
        if (producer != null) {
            short producerEpoch = batch.producerEpoch();
            int firstSeq = batch.baseSequence();
            ProducerStateEntry.BatchMetadata original = producer.findDuplicate(producerEpoch, firstSeq,
                batch.lastSequence());
            if (original != null) {
                return new LogAppendInfo(original.firstOffset(), original.lastOffset(),
                    logAppendTime ? original.timestamp() : -1, logStartOffset, original.timestamp(),
                    batch.sizeInBytes(), count, true);
            }
            ProducerStateManager.checkSequence(producer, producerEpoch, firstSeq);
        }
        int size = batch.sizeInBytes();
        checkFitsSegment(cfg, size);
        long firstOffset = logEndOffset;
        long maxTimestamp = AppendValidator.assignOffsets(batch, firstOffset, epoch, cfg, now);
        long lastOffset = batch.lastOffset();
        MemoryRecords bytes = records.sizeInBytes() == size ? records : records.slice(0, size);
        CompletableFuture<Void> flushed = write(cfg, bytes, List.of(batch), size, firstOffset, lastOffset, count, now);
        return new LogAppendInfo(firstOffset, lastOffset, logAppendTime ? now : -1, logStartOffset,
            maxTimestamp, size, count, false, flushed);
    }

    /**
     * The epoch this log stamps on the batches it appends as leader: the latest one given to
     * {@link #updateLeaderEpoch}, or on opening the newest epoch in the log (-1 for none).
     */
    public int leaderEpoch() {
        return leaderEpoch;
    }

    /**
     * Makes {@code epoch} the current leader epoch, as a broker does when it becomes the leader
     * of that epoch: it begins at the log end offset (Kafka records it in the epoch cache at once,
     * so OffsetForLeaderEpoch and ListOffsets know it before anything is appended). Serialised
     * with appends by the log's lock.
     *
     * @return false, with nothing changed, when {@code epoch} is older than the current epoch or
     *     than an epoch already in the log: epochs never go backwards
     */
    public boolean updateLeaderEpoch(int epoch) {
        lock.lock();
        try {
            ensureOpen();
            return raiseLeaderEpoch(epoch);
        } catch (IOException e) {
            throw storageFailure("leader epoch change", e);
        } finally {
            lock.unlock();
        }
    }

    private boolean raiseLeaderEpoch(int epoch) throws IOException {
        if (epoch < leaderEpoch || epoch < epochCache.latestEpochOrUndefined()) {
            return false;
        }
        if (epoch > leaderEpoch) {
            leaderEpoch = epoch;
            if (epochCache.assign(epoch, logEndOffset)) {
                persistEpochs();
            }
        }
        return true;
    }

    /**
     * Appends batches a leader already assigned offsets to, as a follower replicating it.
     * Batches are checked for magic, CRC and ascending offsets but not re-validated against
     * producer rules: the leader did that. Producer state and leader epochs follow the batches.
     *
     * @throws CorruptRecordException a batch fails its CRC-32C check
     * @throws InvalidRecordException a batch is not magic v2 or its offsets go backwards
     */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        lock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            long now = time.milliseconds();
            AppendValidator.Replicated batches = AppendValidator.validateReplicated(tp, records, logEndOffset);
            if (batches.validBytes() == 0) {
                return new LogAppendInfo(-1, -1, -1, logStartOffset, RecordBatch.NO_TIMESTAMP, 0, 0, false);
            }
            checkFitsSegment(cfg, batches.validBytes());
            MemoryRecords bytes = records.sizeInBytes() == batches.validBytes() ? records : records.slice(0, batches.validBytes());
            CompletableFuture<Void> flushed = write(cfg, bytes, bytes.batches(), batches.validBytes(),
                batches.firstOffset(), batches.lastOffset(), batches.recordCount(), now);
            return new LogAppendInfo(batches.firstOffset(), batches.lastOffset(), -1, logStartOffset,
                batches.maxTimestamp(), batches.validBytes(), batches.recordCount(), false, flushed);
        } catch (IOException e) {
            throw storageFailure("replicated append", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every record at or after {@code targetOffset}, as a follower does when its log
     * diverged from the new leader's. Truncation happens at batch boundaries: a batch holding
     * {@code targetOffset} goes entirely, so the log end offset may end up below it.
     *
     * @return true when anything was removed
     */
    public boolean truncateTo(long targetOffset) {
        lock.lock();
        try {
            ensureOpen();
            if (targetOffset < 0) {
                throw new IllegalArgumentException("Cannot truncate " + tp + " to negative offset " + targetOffset);
            }
            if (targetOffset >= logEndOffset) {
                return false;
            }
            if (segments.firstBaseOffset() > targetOffset) {
                truncateFullyAndStartAt(targetOffset);
                return true;
            }
            LogSegment formerActive = segments.active();
            scheduleDeletion(segments.removeAbove(targetOffset));
            LogSegment last = segments.active();
            last.truncateTo(targetOffset);
            if (last != formerActive) {
                last.resizeIndexes(config.segmentIndexBytes());
            }
            logEndOffset = last.readNextOffset();
            afterTruncation(Math.min(logStartOffset, logEndOffset));
            return true;
        } catch (IOException e) {
            throw storageFailure("truncation", e);
        } finally {
            lock.unlock();
        }
    }

    /** Empties the log and restarts it at {@code newOffset}, as a follower far behind its leader does. */
    public void truncateFullyAndStartAt(long newOffset) {
        lock.lock();
        try {
            ensureOpen();
            LogSegment fresh = LogSegment.open(dir, newOffset, config, time.milliseconds(),
                LogLoader.rollJitterMs(config), true);
            flusher.filesCreated();
            scheduleDeletion(segments.replaceAll(fresh));
            logEndOffset = newOffset;
            producerState.deleteAllSnapshots();
            epochCache.clear();
            afterTruncation(newOffset);
        } catch (IOException e) {
            throw storageFailure("truncation", e);
        } finally {
            lock.unlock();
        }
    }

    /** Brings start offset, epochs, producer state and recovery point in line with a shorter log. */
    private void afterTruncation(long newLogStartOffset) throws IOException {
        if (newLogStartOffset != logStartOffset) {
            CheckpointFile.writeOffset(dir.resolve(LOG_START_OFFSET_FILE), newLogStartOffset);
            logStartOffset = newLogStartOffset;
        }
        epochCache.truncateFromEnd(logEndOffset);
        LogLoader.rebuildProducerState(producerState, segments.byBaseOffset(), logEndOffset);
        flusher.truncated(logEndOffset);
        if (cleanerCheckpoint > logEndOffset) {
            // What gets appended in place of the removed records has not been compacted.
            writeCleanerCheckpoint(logEndOffset);
        }
    }

    private void checkFitsSegment(LogConfig cfg, int bytes) {
        if (bytes > cfg.segmentBytes()) {
            throw new RecordBatchTooLargeException("Appending " + bytes + " bytes to " + tp
                + " would exceed the segment size " + cfg.segmentBytes());
        }
    }

    /**
     * Writes batches with assigned offsets to the active segment (rolling first when due), then
     * moves the log end offset, leader epochs and producer state past them and applies the
     * {@code flush.messages} policy. {@code batches} are the batches of {@code records}, already
     * in hand (a leader's append has its one batch parsed), so their headers are not parsed again.
     *
     * <p>On a full disk the segment cuts back whatever part of the write landed and nothing else
     * has changed yet, so the append can simply be tried again later.
     *
     * @return completes when the fsync the flush policy asked for is done
     */
    private CompletableFuture<Void> write(LogConfig cfg, MemoryRecords records, Iterable<? extends RecordBatch> batches,
                                          int bytes, long firstOffset, long lastOffset, int recordCount, long now)
        throws IOException {
        LogSegment segment = segments.active();
        if (segment.shouldRoll(cfg, bytes, lastOffset, now) || !segment.canHoldOffset(lastOffset)) {
            segment = roll(now, firstOffset);
        }
        segment.append(records, batches, cfg.indexIntervalBytes(), now);
        boolean epochsChanged = false;
        for (RecordBatch batch : batches) {
            epochsChanged |= epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            producerState.update(batch);
        }
        logEndOffset = lastOffset + 1;
        if (epochsChanged) {
            persistEpochs();
        }
        return flusher.recordAppend(recordCount, cfg, logEndOffset);
    }

    /**
     * Writes the leader-epoch checkpoint after an append or a leader change began a new epoch, without fsync:
     * this runs on the request's thread, and the flusher fsyncs the file before the recovery point passes the
     * new epoch's batches (see {@link LeaderEpochCache#persistWithoutFsync()}). The batches carry their epochs, so
     * on a full disk the old file is kept (recovery after a crash rebuilds epochs from the batches it scans)
     * rather than failing an append whose data is already in the log.
     */
    private void persistEpochs() throws IOException {
        try {
            epochCache.persistWithoutFsync();
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            LOG.warn("{}: no space to write the leader-epoch checkpoint; it is written with the next epoch change", tp);
        }
    }

    /**
     * Whole batches from the one holding {@code startOffset}, from a single segment, each ending
     * below {@code maxOffsetExclusive}, together at most {@code maxBytes} (the first batch may
     * exceed it when {@code minOneMessage}). The result starts at a batch boundary even when
     * {@code startOffset} lies inside the batch: consumers skip the records before it.
     *
     * @throws OffsetOutOfRangeException when {@code startOffset} is below the log start offset or
     *     beyond the log end offset
     */
    public LogReadInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        checkOnline();
        long end = logEndOffset;
        long start = logStartOffset;
        if (startOffset < start || startOffset > end) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " of " + tp + " is outside the log range ["
                + start + ", " + end + "]");
        }
        return segments.read(startOffset, maxBytes, Math.min(maxOffsetExclusive, end), minOneMessage, start, end);
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    /** Bytes in all segments. */
    public long size() {
        return segments.sizeInBytes();
    }

    public int numberOfSegments() {
        return segments.count();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return segments.baseOffsets();
    }

    /**
     * ListOffsets by time: the first record with a timestamp at or after {@code timestamp} at or
     * above the log start offset; empty when no record is that new.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        return segments.offsetForTimestamp(timestamp, logStartOffset);
    }

    /** ListOffsets -3 (KIP-734): the record with the largest timestamp, the earliest one on a tie. */
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        return segments.maxTimestampAndOffset();
    }

    /**
     * DeleteRecords: raises the log start offset to {@code offset}, persists it, and deletes the
     * segments wholly below it (the active segment stays).
     *
     * @return the new log start offset
     * @throws OffsetOutOfRangeException when {@code offset} is beyond the log end offset
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset > logEndOffset) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + tp + " before " + offset
                    + ", beyond the log end offset " + logEndOffset);
            }
            if (offset > logStartOffset) {
                advanceLogStartOffset(offset);
                deleteSegments(RetentionRules.belowLogStart(segments.all(), logEndOffset, logEndOffset, offset));
            }
            return logStartOffset;
        } catch (IOException e) {
            throw storageFailure("DeleteRecords", e);
        } finally {
            lock.unlock();
        }
    }

    /** Retention up to the log end offset; see {@link #deleteExpiredSegments(long)}. */
    public int deleteExpiredSegments() {
        return deleteExpiredSegments(Long.MAX_VALUE);
    }

    /**
     * Deletes segments wholly below the log start offset and, when {@code cleanup.policy}
     * includes delete, the oldest segments whose newest record is older than
     * {@code retention.ms} and the oldest segments while the log exceeds
     * {@code retention.bytes}. As in Kafka, an expired active segment is rolled first so it can
     * go too, but only segments whose records are all below {@code highWatermark} are deleted.
     *
     * @return the number of segments deleted
     */
    public int deleteExpiredSegments(long highWatermark) {
        lock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            long now = time.milliseconds();
            int deleted = deleteSegments(RetentionRules.belowLogStart(segments.all(), logEndOffset, highWatermark,
                logStartOffset));
            if (cfg.cleanupPolicyDelete()) {
                deleted += deleteSegments(RetentionRules.expiredByTime(segments.all(), logEndOffset, highWatermark,
                    now, cfg.retentionMs()));
                deleted += deleteSegments(RetentionRules.overSize(segments.all(), logEndOffset, highWatermark,
                    cfg.retentionBytes()));
            }
            return deleted;
        } catch (IOException e) {
            throw storageFailure("retention", e);
        } finally {
            lock.unlock();
        }
    }

    private int deleteSegments(List<LogSegment> doomed) throws IOException {
        if (doomed.isEmpty()) {
            return 0;
        }
        if (doomed.get(doomed.size() - 1) == segments.active()) {
            roll(time.milliseconds());
        }
        doomed.forEach(segments::remove);
        advanceLogStartOffset(segments.firstBaseOffset());
        scheduleDeletion(doomed);
        return doomed.size();
    }

    /** Removed segments stay readable for {@code file.delete.delay.ms}: fetches may be sending from them. */
    private void scheduleDeletion(List<LogSegment> doomed) throws IOException {
        for (LogSegment segment : doomed) {
            segment.deleteLater(scheduler, config.fileDeleteDelayMs());
        }
    }

    private void advanceLogStartOffset(long offset) throws IOException {
        if (offset <= logStartOffset) {
            return;
        }
        CheckpointFile.writeOffset(dir.resolve(LOG_START_OFFSET_FILE), offset);
        logStartOffset = offset;
        epochCache.truncateFromStart(offset);
    }

    /** The segments oldest first, the last one active: a snapshot for the cleaner to plan from. */
    List<LogSegment> segmentsSnapshot() {
        return new ArrayList<>(segments.all());
    }

    /** The offset below which the cleaner last compacted this log (its checkpoint); 0 before any compaction. */
    public long cleanerCheckpoint() {
        return cleanerCheckpoint;
    }

    /** Persists the cleaner's progress; ignored once the log is closed. */
    void updateCleanerCheckpoint(long offset) {
        lock.lock();
        try {
            if (!closed && !offline) {
                writeCleanerCheckpoint(offset);
            }
        } catch (IOException e) {
            throw storageFailure("cleaner checkpoint", e);
        } finally {
            lock.unlock();
        }
    }

    private void writeCleanerCheckpoint(long offset) throws IOException {
        CheckpointFile.writeOffset(dir.resolve(CLEANER_CHECKPOINT_FILE), offset);
        cleanerCheckpoint = offset;
    }

    /**
     * Swaps a segment the cleaner wrote ({@code .cleaned} files, complete and fsynced) in for the
     * consecutive inactive segments it was cleaned from, Kafka's way, so that a crash at any
     * point leaves either the old segments or the new one for {@link LogLoader} to recover:
     * <ol>
     *   <li>the cleaned files are renamed to {@code .swap} (the log file last) and the directory
     *       is fsynced: from here recovery completes the swap;</li>
     *   <li>the cleaned segment takes the old ones' place in the segment map, so new reads see
     *       it; reads already holding an old segment keep reading its open file;</li>
     *   <li>the old segments are renamed to {@code .deleted} and removed after
     *       {@code file.delete.delay.ms};</li>
     *   <li>the {@code .swap} suffix is dropped (the log file last) and the directory fsynced.</li>
     * </ol>
     *
     * @return false, with nothing changed, when the log was closed or retention, DeleteRecords or
     *     truncation removed one of {@code replaced} meanwhile; the caller discards the cleaned files
     */
    boolean replaceSegments(List<LogSegment> replaced, LogSegment cleaned) {
        lock.lock();
        try {
            if (closed || offline || !segments.holdsInactive(replaced)) {
                return false;
            }
            cleaned.changeFileSuffixes(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
            Fsync.directory(dir);
            segments.replace(replaced, cleaned);
            scheduleDeletion(replaced);
            cleaned.changeFileSuffixes(LogSegment.SWAP_SUFFIX, "");
            Fsync.directory(dir);
            return true;
        } catch (IOException e) {
            throw storageFailure("segment swap after cleaning", e);
        } finally {
            lock.unlock();
        }
    }

    /** Rolls the active segment when it is older than {@code segment.ms}; for a background task. */
    public void rollIfDue() {
        lock.lock();
        try {
            ensureOpen();
            long now = time.milliseconds();
            if (segments.active().isDueForTimeRoll(config, now)) {
                roll(now);
            }
        } catch (IOException e) {
            throw storageFailure("roll", e);
        } finally {
            lock.unlock();
        }
    }

    /** Starts a new active segment at the log end offset unless the active segment is empty. */
    private LogSegment roll(long now) throws IOException {
        return roll(now, logEndOffset);
    }

    /**
     * Starts a new active segment at {@code nextOffset} (at least the log end offset; higher when
     * replicated offsets skip ahead) unless the active segment is empty.
     */
    private LogSegment roll(long now, long nextOffset) throws IOException {
        LogSegment previous = segments.active();
        long newBase = Math.max(nextOffset, logEndOffset);
        if (previous.size() == 0 && previous.canHoldOffset(newBase)) {
            return previous;
        }
        if (previous.size() > 0) {
            // Before the new segment exists: on a full disk this fails with the log unchanged, and it repeats safely.
            previous.onBecomeInactive();
        }
        LogSegment next = LogSegment.open(dir, newBase, config, now, LogLoader.rollJitterMs(config), true);
        segments.addActive(next);
        if (previous.size() == 0) {
            // Replicated offsets jumped beyond what an empty segment's 32-bit relative offsets reach.
            segments.remove(previous);
            previous.closeAndDelete();
        }
        try {
            producerState.takeSnapshot();
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            // A snapshot only shortens the replay after a restart; an older one (or none) still gives the same state.
            LOG.warn("{}: no space for the producer-state snapshot at {}", tp, newBase);
        }
        flusher.rolled(newBase);
        return next;
    }

    /**
     * Fsyncs everything appended so far and waits for it, on the calling thread (never a network
     * thread), without holding the log's lock meanwhile.
     *
     * @throws KafkaStorageException when the fsync failed; the log directory is then offline
     */
    public void flush() {
        CompletableFuture<Void> flushed;
        lock.lock();
        try {
            ensureOpen();
            flushed = flusher.requestFlush(logEndOffset);
        } finally {
            lock.unlock();
        }
        awaitFlush(flushed);
    }

    private static void awaitFlush(CompletableFuture<Void> flushed) {
        try {
            flushed.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof KafkaStorageException storage) {
                throw storage;
            }
            throw e;
        }
    }

    /**
     * Starts a flush when {@code flush.ms} passed since the last flush and something is
     * unflushed; for a background task, which does not wait for it.
     */
    public void flushIfDue() {
        lock.lock();
        try {
            if (!closed && !closing && !offline && flusher.isDue(config)) {
                flusher.requestFlush(logEndOffset);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called on a flusher thread when an fsync failed: the log and its whole directory go offline. */
    private void flushFailed(IOException e) {
        offline = true;
        failures.markOffline(logDir(), "fsync of " + tp + " failed: " + e.getMessage(), e);
    }

    /** The {@code log.dirs} entry this partition's directory is in. */
    public Path logDir() {
        return logDir;
    }

    /** The offset up to which data is known to be fsynced. */
    public long recoveryPoint() {
        lock.lock();
        try {
            return flusher.recoveryPoint();
        } finally {
            lock.unlock();
        }
    }

    /** Applies new topic settings; index sizes apply to segments created afterwards. */
    public void updateConfig(LogConfig newConfig) {
        lock.lock();
        try {
            config = newConfig;
        } finally {
            lock.unlock();
        }
    }

    /** OffsetForLeaderEpoch; empty means Kafka's UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET. */
    public Optional<EpochEndOffset> endOffsetForEpoch(int leaderEpoch) {
        return epochCache.endOffsetFor(leaderEpoch, logEndOffset);
    }

    /**
     * ListOffsets: the leader epoch of the batch holding {@code offset} (for the log end offset,
     * the epoch the next batch gets), or -1 when the log knows no epoch that covers it.
     */
    public int epochForOffset(long offset) {
        return epochCache.epochForOffset(offset).orElse(RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    /** The latest leader epoch that wrote to this log. */
    public Optional<Integer> latestEpoch() {
        return epochCache.latestEpoch();
    }

    public ProducerStateManager producerState() {
        return producerState;
    }

    /**
     * Flushes everything, writes the producer-state snapshot and checkpoints, closes the files,
     * then leaves the clean-shutdown marker so the next open skips recovery.
     */
    @Override
    public void close() {
        CompletableFuture<Void> flushed;
        lock.lock();
        try {
            if (closed || closing) {
                return;
            }
            if (offline || failures.isOffline(logDir())) {
                // Nothing on this disk is trusted: leave it for recovery, as a crash would.
                closeHandlers();
                return;
            }
            closing = true;
            // Trim first so the final time index entry and the shorter files are part of the fsync.
            segments.active().onBecomeInactive();
            flushed = flusher.requestFlush(logEndOffset);
        } catch (IOException e) {
            closing = false;
            throw new KafkaStorageException("Close of " + tp + " failed", e);
        } finally {
            lock.unlock();
        }
        try {
            awaitFlush(flushed);
        } catch (KafkaStorageException e) {
            closeHandlers();
            throw e;
        }
        lock.lock();
        try {
            closed = true;
            // On a full disk each of these keeps its previous file, which stays correct: every change of the log
            // start offset was written when it happened, and the snapshot and recovery point only save work.
            unlessOutOfSpace(producerState::takeSnapshot, "the producer-state snapshot");
            unlessOutOfSpace(flusher::stop, RECOVERY_POINT_FILE);
            unlessOutOfSpace(() -> CheckpointFile.writeOffset(dir.resolve(LOG_START_OFFSET_FILE), logStartOffset),
                LOG_START_OFFSET_FILE);
            for (LogSegment segment : segments.all()) {
                segment.close();
            }
            // With the marker the next open trusts the checkpoint instead of rescanning the batches.
            epochCache.fsyncIfWritten();
            writeCleanShutdownMarker();
        } catch (IOException e) {
            throw new KafkaStorageException("Close of " + tp + " failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** An action that writes a file. */
    @FunctionalInterface
    private interface FileWrite {
        void run() throws IOException;
    }

    private void unlessOutOfSpace(FileWrite write, String what) throws IOException {
        try {
            write.run();
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            LOG.warn("{}: no space left to write {} at close; the previous one stays", tp, what);
        }
    }

    /**
     * The marker's presence is what the next open checks; its content (the log end offset) is for
     * people. On a full disk the marker is created empty, which takes no data block.
     */
    private void writeCleanShutdownMarker() throws IOException {
        Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
        try {
            CheckpointFile.write(marker, List.of(Long.toString(logEndOffset)));
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            Files.deleteIfExists(marker.resolveSibling(CLEAN_SHUTDOWN_FILE + ".tmp"));
            Files.newByteChannel(marker, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE).close();
            Fsync.directory(dir);
        }
    }

    /**
     * Closes the files without flushing, trimming, checkpointing or leaving the clean-shutdown
     * marker: the state a kill -9 leaves behind, so the next open recovers. For abandoning a log
     * whose disk failed, and for crash tests.
     */
    public void closeHandlers() {
        lock.lock();
        try {
            closed = true;
            for (LogSegment segment : segments.all()) {
                segment.closeHandlers();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the log and removes its directory with everything in it. */
    public void delete() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                for (LogSegment segment : segments.all()) {
                    segment.close();
                }
            }
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new KafkaStorageException("Delete of " + tp + " failed", e);
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed || closing) {
            throw new KafkaStorageException("The log of " + tp + " is closed");
        }
        checkOnline();
    }

    /**
     * Throws when this log or its log directory went offline after a disk error.
     *
     * @throws KafkaStorageException Kafka's KAFKA_STORAGE_ERROR
     */
    public void checkOnline() {
        if (offline) {
            throw new KafkaStorageException("The log of " + tp + " is offline after a disk error");
        }
        if (failures.isOffline(logDir())) {
            offline = true;
            throw new KafkaStorageException("The log directory of " + tp + " is offline after a disk error");
        }
    }

    /**
     * After a failed write the file and the in-memory state may disagree (a partial batch on
     * disk, say), so the log and its whole directory go offline: nothing there is trusted until
     * the broker restarts and recovers it. A full disk is the exception: the write that failed
     * was cut back, so the caller gets a retriable error and the log stays as it was.
     */
    private KafkaStorageException storageFailure(String operation, IOException cause) {
        if (LogDirFailures.isOutOfSpace(cause)) {
            LOG.warn("{}: {} failed, no space left in {}; retrying with the next request", tp, operation, logDir());
            return new KafkaStorageException("No space left on device in " + logDir() + " for " + operation
                + " on " + tp, cause);
        }
        offline = true;
        failures.markOffline(logDir(), operation + " on " + tp + " failed: " + cause.getMessage(), cause);
        return new KafkaStorageException(operation + " on " + tp + " failed", cause);
    }

    /** True after a disk error in this log or its log directory; the broker reports the partition offline. */
    public boolean isOffline() {
        return offline || failures.isOffline(logDir());
    }

    @Override
    public String toString() {
        return "Log(" + tp + ", start=" + logStartOffset + ", end=" + logEndOffset + ", segments=" + segments.count()
            + ")";
    }
}
