package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flush policy of one log and its recovery point, the offset below which everything is
 * fsynced. It counts records appended since the last fsync for {@code flush.messages}, times
 * {@code flush.ms}, and fsyncs a segment in the background once a roll made it inactive.
 *
 * <p>The recovery point moves in memory on every flush but its file, {@code recovery-point}, is
 * written only when a rolled segment was fsynced, on truncation and on close: a stale (lower)
 * file costs nothing but a longer scan after a crash, while writing it on every flush would
 * double the fsyncs of {@code flush.messages=1}.
 *
 * <p>Thread-safety: every method runs under the owning {@link Log}'s lock, passed in, except
 * {@link #flushRolled}, which takes that lock only around its bookkeeping so the fsync itself
 * does not block appends.
 */
final class LogFlusher {

    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    private final Path checkpointFile;
    private final LogSegments segments;
    private final Time time;
    private final ReentrantLock lock;
    private long recoveryPoint;
    private long unflushedRecords;
    private long lastFlushMs;
    private boolean stopped;

    LogFlusher(Path checkpointFile, LogSegments segments, Time time, ReentrantLock lock, long recoveryPoint) {
        this.checkpointFile = checkpointFile;
        this.segments = segments;
        this.time = time;
        this.lock = lock;
        this.recoveryPoint = recoveryPoint;
        this.lastFlushMs = time.milliseconds();
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    /** Counts appended records and fsyncs once {@code flush.messages} of them are unflushed. */
    void recordAppend(int records, LogConfig config, long logEndOffset) throws IOException {
        unflushedRecords += records;
        if (unflushedRecords >= config.flushMessages()) {
            flush(logEndOffset);
        }
    }

    /** True when {@code flush.ms} passed since the last fsync and something is unflushed. */
    boolean isDue(LogConfig config) {
        long flushMs = config.flushMs();
        return unflushedRecords > 0 && flushMs != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= flushMs;
    }

    /** Fsyncs every segment that may hold data from the recovery point up to {@code logEndOffset}. */
    void flush(long logEndOffset) throws IOException {
        for (LogSegment segment : segments.between(recoveryPoint, logEndOffset + 1)) {
            segment.flush();
        }
        recoveryPoint = Math.max(recoveryPoint, logEndOffset);
        unflushedRecords = 0;
        lastFlushMs = time.milliseconds();
    }

    /**
     * Fsyncs the segments below {@code offset}, which a roll just made inactive, and persists
     * {@code offset} as the recovery point. Runs on the scheduler, outside the log's lock.
     */
    void flushRolled(long offset) {
        long from;
        lock.lock();
        try {
            if (stopped || offset <= recoveryPoint) {
                return;
            }
            from = recoveryPoint;
        } finally {
            lock.unlock();
        }
        try {
            for (LogSegment segment : segments.between(from, offset)) {
                segment.flush();
            }
            lock.lock();
            try {
                if (!stopped && offset > recoveryPoint) {
                    recoveryPoint = offset;
                    CheckpointFile.writeOffset(checkpointFile, offset);
                }
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            // A segment deleted meanwhile needs no flush; anything else leaves the recovery point as it was.
            LOG.warn("Flush of {} up to {} failed", checkpointFile.getParent(), offset, e);
        }
    }

    /** Lowers the recovery point after the log was cut to {@code logEndOffset}. */
    void truncated(long logEndOffset) throws IOException {
        recoveryPoint = Math.min(recoveryPoint, logEndOffset);
        CheckpointFile.writeOffset(checkpointFile, recoveryPoint);
    }

    /** Persists the recovery point and ignores background flushes from now on; for close. */
    void stop() throws IOException {
        stopped = true;
        CheckpointFile.writeOffset(checkpointFile, recoveryPoint);
    }
}
