package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;

/**
 * The flush policy of one log and its recovery point, the offset below which everything is
 * fsynced. It counts records appended since the last fsync for {@code flush.messages}, times
 * {@code flush.ms}, and fsyncs a segment in the background once a roll made it inactive.
 *
 * <p>Fsyncs run on the {@link Scheduler#flushExecutor() flush executor}, never under the log's
 * lock, as in Kafka: the segments to flush are picked under the lock, forced without it, and the
 * recovery point moves under it again afterwards. Appends and reads of the same log go on while
 * its disk is slow; an append that triggered a flush gets a future that completes once that flush
 * covered it, which is when Kafka acknowledges such a produce. At most one flush per log runs at a
 * time; requests arriving meanwhile are served by one more pass.
 *
 * <p>The partition directory is fsynced with the next flush after a segment file was created, so
 * a crash after a roll cannot lose the new segment's directory entry.
 *
 * <p>The recovery point moves in memory on every flush but its file, {@code recovery-point}, is
 * written only when a rolled segment was fsynced, on truncation and on close: a stale (lower)
 * file costs nothing but a longer scan after a crash, while writing it on every flush would
 * double the fsyncs of {@code flush.messages=1}.
 *
 * <p>A leader-epoch checkpoint the append path wrote without fsync is fsynced with the segments, before
 * the recovery point moves.
 *
 * <p>A failed fsync is final: the waiting appends fail with {@link KafkaStorageException}, the
 * failure is reported (the log directory goes offline) and later requests fail at once.
 *
 * <p>Thread-safety: the methods other than {@link #runFlushes} are called under the owning
 * {@link Log}'s lock, passed in; {@link #runFlushes} takes it only around its bookkeeping.
 */
final class LogFlusher {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Path dir;
    private final Path checkpointFile;
    private final LogSegments segments;
    private final Time time;
    private final ReentrantLock lock;
    private final Executor executor;
    private final Consumer<IOException> onFailure;
    private final LeaderEpochCache epochCache;
    /** Serialises writers of the recovery-point file without holding the log's lock. */
    private final Object checkpointMonitor = new Object();
    private final List<Waiter> waiters = new ArrayList<>();
    private long recoveryPoint;
    private long unflushedRecords;
    private long lastFlushMs;
    private long requestedUpTo;
    /** Volatile: a checkpoint write outside the lock checks it to not undo a truncation's lower value. */
    private volatile long truncations;
    private boolean directoryChanged;
    private boolean checkpointWanted;
    private boolean running;
    private boolean stopped;
    private IOException failure;

    private record Waiter(long offset, CompletableFuture<Void> future) {
    }

    LogFlusher(Path dir, Path checkpointFile, LogSegments segments, Time time, ReentrantLock lock, long recoveryPoint,
               Executor executor, Consumer<IOException> onFailure, LeaderEpochCache epochCache) {
        this.dir = dir;
        this.checkpointFile = checkpointFile;
        this.segments = segments;
        this.time = time;
        this.lock = lock;
        this.recoveryPoint = recoveryPoint;
        this.requestedUpTo = recoveryPoint;
        this.executor = executor;
        this.onFailure = onFailure;
        this.epochCache = epochCache;
        this.lastFlushMs = time.milliseconds();
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    /**
     * Counts appended records; once {@code flush.messages} of them are unflushed, starts a flush
     * up to {@code logEndOffset}.
     *
     * @return completes when the flush this append triggered is done; already complete when none was
     */
    CompletableFuture<Void> recordAppend(int records, LogConfig config, long logEndOffset) {
        unflushedRecords += records;
        if (unflushedRecords >= config.flushMessages()) {
            return requestFlush(logEndOffset);
        }
        return DONE;
    }

    /** True when {@code flush.ms} passed since the last fsync and something is unflushed. */
    boolean isDue(LogConfig config) {
        long flushMs = config.flushMs();
        return unflushedRecords > 0 && flushMs != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= flushMs;
    }

    /** A roll created segment files at {@code newBase}: flush what lies below it, the directory, and the checkpoint. */
    void rolled(long newBase) {
        directoryChanged = true;
        checkpointWanted = true;
        requestFlush(newBase);
    }

    /** Segment files were created outside a roll (truncation to a fresh segment): the directory needs an fsync. */
    void filesCreated() {
        directoryChanged = true;
    }

    /**
     * Starts (or extends) a flush of everything below {@code upTo}.
     *
     * @return completes when the recovery point reached {@code upTo}, exceptionally when an fsync failed
     */
    CompletableFuture<Void> requestFlush(long upTo) {
        if (failure != null) {
            return CompletableFuture.failedFuture(storageException(failure));
        }
        unflushedRecords = 0;
        if (upTo <= recoveryPoint && !directoryChanged) {
            return DONE;
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiters.add(new Waiter(upTo, future));
        requestedUpTo = Math.max(requestedUpTo, upTo);
        if (!running) {
            running = true;
            executor.execute(this::runFlushes);
        }
        return future;
    }

    /** Flush passes until no request is left; runs on the flush executor. */
    private void runFlushes() {
        while (true) {
            long target;
            long truncationsBefore;
            boolean syncDirectory;
            boolean writeCheckpoint;
            List<LogSegment> toFlush;
            lock.lock();
            try {
                if (stopped && waiters.isEmpty() || requestedUpTo <= recoveryPoint && !directoryChanged) {
                    completeWaiters();
                    running = false;
                    return;
                }
                target = requestedUpTo;
                truncationsBefore = truncations;
                toFlush = segments.between(recoveryPoint, target + 1);
                syncDirectory = directoryChanged;
                directoryChanged = false;
                writeCheckpoint = checkpointWanted;
                checkpointWanted = false;
            } finally {
                lock.unlock();
            }
            try {
                for (LogSegment segment : toFlush) {
                    segment.flush();
                }
                // Before the recovery point passes batches of a new epoch: recovery would not rescan them.
                epochCache.fsyncIfWritten();
                if (syncDirectory) {
                    Fsync.directory(dir);
                }
            } catch (IOException e) {
                fail(e);
                return;
            }
            long reached;
            lock.lock();
            try {
                lastFlushMs = time.milliseconds();
                // A truncation meanwhile may have removed what was flushed and let new, unflushed data take its place.
                if (truncations == truncationsBefore && target > recoveryPoint) {
                    recoveryPoint = target;
                }
                reached = recoveryPoint;
                completeWaiters();
            } finally {
                lock.unlock();
            }
            if (writeCheckpoint) {
                try {
                    writeCheckpointUnlessTruncated(reached, truncationsBefore);
                } catch (IOException e) {
                    // The file only shortens the scan after a crash; the next roll writes it again.
                    if (!LogDirFailures.isOutOfSpace(e)) {
                        fail(e);
                        return;
                    }
                }
            }
        }
    }

    private void completeWaiters() {
        waiters.removeIf(waiter -> {
            if (waiter.offset() <= recoveryPoint || stopped) {
                waiter.future().complete(null);
                return true;
            }
            return false;
        });
    }

    private void fail(IOException e) {
        List<Waiter> failed;
        lock.lock();
        try {
            failure = e;
            running = false;
            failed = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.unlock();
        }
        onFailure.accept(e);
        for (Waiter waiter : failed) {
            waiter.future().completeExceptionally(storageException(e));
        }
    }

    private KafkaStorageException storageException(IOException e) {
        return new KafkaStorageException("Flush of " + dir + " failed: " + e.getMessage(), e);
    }

    /** Lowers the recovery point after the log was cut to {@code logEndOffset}. */
    void truncated(long logEndOffset) throws IOException {
        truncations++;
        recoveryPoint = Math.min(recoveryPoint, logEndOffset);
        requestedUpTo = Math.min(requestedUpTo, logEndOffset);
        writeCheckpoint(recoveryPoint);
    }

    /** The failure that stopped flushing, if any: after it the log must not be trusted to be on disk. */
    IOException failure() {
        return failure;
    }

    /** Persists the recovery point and ignores later requests; for close, after a final flush. */
    void stop() throws IOException {
        stopped = true;
        completeWaiters();
        writeCheckpoint(recoveryPoint);
    }

    private void writeCheckpointUnlessTruncated(long offset, long truncationsBefore) throws IOException {
        synchronized (checkpointMonitor) {
            // truncated() counts before it waits for the monitor, so either it sees this write and overwrites it,
            // or this write sees its count and stays away.
            if (truncations == truncationsBefore) {
                CheckpointFile.writeOffset(checkpointFile, offset);
            }
        }
    }

    private void writeCheckpoint(long offset) throws IOException {
        synchronized (checkpointMonitor) {
            CheckpointFile.writeOffset(checkpointFile, offset);
        }
    }
}
