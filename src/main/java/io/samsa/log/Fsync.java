package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Utils;

/**
 * Where the log's fsyncs of segment files and directories go through, so that a test can stall
 * or fail one partition's fsync ({@link #hook}) and see what the rest of the broker does.
 *
 * <p>Thread-safe: the hook is a volatile reference; fsyncs run on the flusher threads.
 */
final class Fsync {

    /** Runs before each fsync with the file or directory about to be fsynced. */
    @FunctionalInterface
    interface Hook {
        void beforeFsync(Path path) throws IOException;
    }

    static final Hook NONE = path -> { };

    /** Test seam; {@link #NONE} in production. */
    static volatile Hook hook = NONE;

    private Fsync() {
    }

    /** Called before a segment's files are forced to disk. */
    static void beforeFile(Path file) throws IOException {
        hook.beforeFsync(file);
    }

    /**
     * Fsyncs a directory, so that the files created, renamed or deleted in it survive a crash
     * (a file's own fsync does not make its directory entry durable).
     */
    static void directory(Path dir) throws IOException {
        hook.beforeFsync(dir);
        Utils.flushDir(dir);
    }
}
