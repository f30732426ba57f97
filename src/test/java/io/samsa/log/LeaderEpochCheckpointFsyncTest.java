package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader-epoch checkpoint an append writes when it begins a new epoch is not fsynced on the appending
 * (network) thread; the log's next flush fsyncs it on the flusher thread, as Kafka does since KAFKA-15046.
 */
class LeaderEpochCheckpointFsyncTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final String FLUSHER = "test-flusher";

    @TempDir
    Path dir;

    /** Each fsync of a path in the partition directory, as "thread: file name". */
    private final ConcurrentLinkedQueue<String> fsyncs = new ConcurrentLinkedQueue<>();
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> new Thread(r, FLUSHER));
    private Log log;

    @BeforeEach
    void open() throws Exception {
        Scheduler scheduler = new Scheduler() {
            @Override
            public void schedule(String name, Runnable task, long delayMs) {
                task.run();
            }

            @Override
            public Executor flushExecutor() {
                return flusher;
            }
        };
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of()), new ManualTime(NOW), scheduler);
        log.appendAsLeader(batch(NOW, "before", 1), 0);
        log.flush();
        Fsync.hook = path -> {
            if (path.toAbsolutePath().startsWith(dir.toAbsolutePath())) {
                fsyncs.add(Thread.currentThread().getName() + ": " + path.getFileName());
            }
        };
    }

    @AfterEach
    void close() {
        Fsync.hook = Fsync.NONE;
        if (log != null) {
            log.close();
        }
        flusher.shutdownNow();
    }

    @Test
    void anAppendBeginningANewEpochDoesNotFsyncOnTheAppendingThread() throws Exception {
        log.appendAsLeader(batch(NOW, "new-epoch", 1), 4);

        assertThat(Files.readAllLines(dir.resolve(LeaderEpochCache.FILE_NAME)))
            .as("written at once").containsExactly("0", "2", "0 0", "4 1");
        assertThat(fsyncs).as("no fsync on the appending thread").isEmpty();
    }

    @Test
    void theNextFlushFsyncsTheCheckpointOnTheFlusherThreadAndACrashThenKeepsTheEpoch() throws Exception {
        log.appendAsLeader(batch(NOW, "new-epoch", 1), 4);

        log.flush();

        assertThat(fsyncs).contains(FLUSHER + ": " + LeaderEpochCache.FILE_NAME);
        assertThat(fsyncs).allSatisfy(entry -> assertThat(entry).startsWith(FLUSHER + ": "));

        log.closeHandlers();
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of()), new ManualTime(NOW), Scheduler.immediate());
        assertThat(List.of(log.epochForOffset(0), log.epochForOffset(1))).containsExactly(0, 4);
        assertThat(log.endOffsetForEpoch(0)).contains(new EpochEndOffset(0, 1));
    }
}
