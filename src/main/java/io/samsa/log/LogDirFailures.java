package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log directories ({@code log.dirs} entries) taken offline by a disk error, Kafka's
 * LogDirFailureChannel idea: after an I/O error in one partition of a directory, nothing on that
 * disk is trusted any more, so every partition in it answers {@code KAFKA_STORAGE_ERROR} while
 * the other directories keep serving. A directory stays offline until the broker restarts: an
 * fsync that failed cannot be retried safely (the kernel may have dropped the dirty pages it
 * could not write and report success the second time).
 *
 * <p>Running out of space is not such an error: a write that failed with ENOSPC is cut back and
 * the next one tries again ({@link #isOutOfSpace}).
 *
 * <p>Thread-safe.
 */
public final class LogDirFailures {

    private static final Logger LOG = LoggerFactory.getLogger(LogDirFailures.class);

    private final Map<Path, String> offline = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<Path>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean anyOffline;

    /**
     * Told once per directory when it goes offline, on the thread whose I/O failed (possibly a network thread):
     * it must not block.
     */
    public void addOfflineListener(java.util.function.Consumer<Path> listener) {
        listeners.add(listener);
    }

    /**
     * Takes {@code logDir} offline; the first failure per directory is logged at ERROR.
     *
     * @return true when the directory was online until now
     */
    public boolean markOffline(Path logDir, String reason, Throwable cause) {
        Path key = normalize(logDir);
        if (offline.putIfAbsent(key, reason) != null) {
            return false;
        }
        anyOffline = true;
        LOG.error("Log directory {} is offline after a disk error ({}); its partitions answer KAFKA_STORAGE_ERROR "
            + "until the broker restarts, the other log directories keep serving", key, reason, cause);
        for (java.util.function.Consumer<Path> listener : listeners) {
            try {
                listener.accept(key);
            } catch (RuntimeException e) {
                LOG.error("A log directory failure listener failed", e);
            }
        }
        return true;
    }

    public boolean isOffline(Path logDir) {
        // Reads check this on every fetch: skip the map while every directory is healthy.
        return anyOffline && offline.containsKey(normalize(logDir));
    }

    /** The offline directories, absolute. */
    public Set<Path> offlineDirs() {
        return Set.copyOf(offline.keySet());
    }

    /** True when the cause is ENOSPC: retriable once space is freed, not a reason to distrust the disk. */
    public static boolean isOutOfSpace(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    private static Path normalize(Path dir) {
        return dir.toAbsolutePath().normalize();
    }
}
