package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for topics with {@code cleanup.policy=compact} (alone or with {@code delete}):
 * {@code log.cleaner.threads} background threads, each of which repeatedly picks the dirtiest
 * compactable log, compacts it with its own {@link LogCompactor}, and when there was nothing to
 * do waits {@code log.cleaner.backoff.ms}.
 *
 * <p>A log is due, by Kafka's rules ({@link CleanableRange}), when its dirty bytes are at least
 * {@code min.cleanable.dirty.ratio} of its cleanable bytes or a dirty segment waited longer than
 * {@code max.compaction.lag.ms}. One rule is Samsa's own: a log is also due once a tombstone that
 * the last pass kept has outlived its {@code delete.retention.ms}, so tombstones go on time even
 * when nothing new is written (Kafka removes them only at the next pass the dirty ratio triggers;
 * after a restart Samsa does the same, because the horizons are remembered in memory only). Among
 * due logs the dirtiest goes first; a log is compacted by one thread at a time.
 *
 * <p>Compaction never touches the active segment and never changes an offset; readers are never
 * blocked and see each segment either before or after its swap ({@link Log#replaceSegments}). The
 * broker's retention, flushes and requests go on meanwhile; a compaction that loses a race with
 * them (a source segment deleted, the log closed) is abandoned and planned again.
 *
 * <p>Thread-safety: thread-safe. {@link #cleanOnce()} runs one pass on the calling thread, for
 * tests and tools; it may run alongside the background threads.
 */
public final class LogCleaner implements Closeable {

    public static final String ENABLE_CONFIG = "log.cleaner.enable";
    public static final String THREADS_CONFIG = "log.cleaner.threads";
    public static final String BACKOFF_MS_CONFIG = "log.cleaner.backoff.ms";
    public static final String DEDUPE_BUFFER_SIZE_CONFIG = "log.cleaner.dedupe.buffer.size";

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
    private static final int IO_BUFFER_BYTES = 256 * 1024;
    /** How many backoffs a log that failed to compact is left alone. */
    private static final int FAILURE_BACKOFFS = 10;

    /**
     * The broker settings, Kafka's names and defaults.
     *
     * @param enabled {@code log.cleaner.enable}
     * @param threads {@code log.cleaner.threads}; 0 runs no background thread
     * @param backoffMs {@code log.cleaner.backoff.ms}: the pause of a thread that found nothing to do
     * @param dedupeBufferBytes {@code log.cleaner.dedupe.buffer.size}: the offset maps' memory,
     *     shared out between the threads
     */
    public record Settings(boolean enabled, int threads, long backoffMs, long dedupeBufferBytes) {

        public static Settings defaults() {
            return new Settings(true, 1, 15_000L, 128L * 1024 * 1024);
        }

        /** Reads the four settings from parsed broker configs; absent ones keep Kafka's defaults. */
        public static Settings fromBrokerConfig(Map<String, ?> config) {
            Settings d = defaults();
            return new Settings(
                Boolean.parseBoolean(setting(config, ENABLE_CONFIG, d.enabled())),
                Integer.parseInt(setting(config, THREADS_CONFIG, d.threads())),
                Long.parseLong(setting(config, BACKOFF_MS_CONFIG, d.backoffMs())),
                Long.parseLong(setting(config, DEDUPE_BUFFER_SIZE_CONFIG, d.dedupeBufferBytes())));
        }

        private static String setting(Map<String, ?> config, String name, Object defaultValue) {
            Object value = config.get(name);
            return String.valueOf(value == null ? defaultValue : value).trim();
        }
    }

    private final Settings settings;
    private final Supplier<? extends Collection<Log>> logs;
    private final Time time;
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<Log> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Log, Long> tombstoneHorizons = new IdentityHashMap<>();
    private final Map<Log, Long> failedUntil = new IdentityHashMap<>();
    private volatile boolean stopping;
    private LogCompactor callerCompactor;

    /**
     * @param logs the logs to consider, asked afresh before every pass (the broker's hosted
     *     partitions); logs without {@code compact} in their cleanup policy are skipped
     */
    public LogCleaner(Settings settings, Supplier<? extends Collection<Log>> logs, Time time) {
        this.settings = settings;
        this.logs = logs;
        this.time = time;
    }

    /** Creates a cleaner from broker configs and starts its threads (none when disabled). */
    public static LogCleaner start(Map<String, ?> brokerConfig, Supplier<? extends Collection<Log>> logs, Time time) {
        return new LogCleaner(Settings.fromBrokerConfig(brokerConfig), logs, time).start();
    }

    /** Starts the background threads, unless disabled. */
    public synchronized LogCleaner start() {
        if (!settings.enabled() || !threads.isEmpty() || stopping) {
            return this;
        }
        long mapBytes = settings.dedupeBufferBytes() / Math.max(1, settings.threads());
        for (int i = 0; i < settings.threads(); i++) {
            LogCompactor compactor = new LogCompactor(mapBytes, IO_BUFFER_BYTES, time, () -> stopping);
            Thread thread = new Thread(() -> run(compactor), "samsa-log-cleaner-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    private void run(LogCompactor compactor) {
        try {
            while (!stopping) {
                long done;
                try {
                    done = cleanOnce(compactor);
                } catch (RuntimeException e) {
                    LOG.error("Log cleaner pass failed", e);
                    done = 0;
                }
                if (done == 0 && stopped.await(settings.backoffMs(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Compacts the dirtiest due log, if any, on the calling thread.
     *
     * @return the bytes of segments read and rewritten; 0 when no log was due
     */
    public long cleanOnce() {
        LogCompactor compactor;
        synchronized (this) {
            if (callerCompactor == null) {
                callerCompactor = new LogCompactor(settings.dedupeBufferBytes(), IO_BUFFER_BYTES, time,
                    () -> stopping);
            }
            compactor = callerCompactor;
        }
        synchronized (compactor) {
            return cleanOnce(compactor);
        }
    }

    private long cleanOnce(LogCompactor compactor) {
        Optional<CleanableRange> chosen = grabDirtiest();
        if (chosen.isEmpty()) {
            return 0;
        }
        Log log = chosen.get().log();
        try {
            LogCompactor.Result result = compactor.compact(chosen.get());
            if (result.completed()) {
                synchronized (this) {
                    tombstoneHorizons.put(log, result.earliestTombstoneHorizonMs());
                }
            }
            return result.bytesRead();
        } catch (CancellationException e) {
            return 0;
        } catch (IOException | RuntimeException e) {
            long retryAt = time.milliseconds() + FAILURE_BACKOFFS * settings.backoffMs();
            LOG.error("{}: compaction failed; not trying this log again for {} ms", log.topicPartition(),
                retryAt - time.milliseconds(), e);
            synchronized (this) {
                failedUntil.put(log, retryAt);
            }
            return 0;
        } finally {
            synchronized (this) {
                inProgress.remove(log);
            }
        }
    }

    /** Plans every compactable log, picks the dirtiest due one and marks it in progress. */
    private synchronized Optional<CleanableRange> grabDirtiest() {
        long now = time.milliseconds();
        Collection<Log> candidates = logs.get();
        Set<Log> present = Collections.newSetFromMap(new IdentityHashMap<>());
        present.addAll(candidates);
        tombstoneHorizons.keySet().retainAll(present);
        failedUntil.keySet().retainAll(present);
        CleanableRange dirtiest = null;
        for (Log log : candidates) {
            if (!log.config().cleanupPolicyCompact() || log.isOffline() || inProgress.contains(log)
                || failedUntil.getOrDefault(log, Long.MIN_VALUE) > now) {
                continue;
            }
            CleanableRange range;
            try {
                range = CleanableRange.of(log, now);
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: cannot plan compaction now", log.topicPartition(), e);
                continue;
            }
            boolean tombstonesExpired = tombstoneHorizons.getOrDefault(log, Long.MAX_VALUE) <= now;
            if ((range.isDue() || tombstonesExpired) && (dirtiest == null || range.dirtyRatio() > dirtiest.dirtyRatio())) {
                dirtiest = range;
            }
        }
        if (dirtiest != null) {
            inProgress.add(dirtiest.log());
        }
        return Optional.ofNullable(dirtiest);
    }

    /** Stops the threads, abandoning passes under way (their {@code .cleaned} files are removed). */
    @Override
    public void close() {
        List<Thread> running;
        synchronized (this) {
            stopping = true;
            running = new ArrayList<>(threads);
        }
        stopped.countDown();
        for (Thread thread : running) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
