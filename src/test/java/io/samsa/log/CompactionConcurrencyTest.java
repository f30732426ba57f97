package io.samsa.log;

import static io.samsa.log.KeyedRecords.expectedLatest;
import static io.samsa.log.KeyedRecords.latestByKey;
import static io.samsa.log.KeyedRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionConcurrencyTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_MS = 3_600_000L;
    private static final int KEYS = 500;

    @TempDir
    Path dir;

    @Test
    void readersDuringCompactionSeeIncreasingOffsetsEachBatchOnceAndFinallyEveryLatestValue() throws Exception {
        ManualTime time = new ManualTime(NOW);
        QueuedScheduler scheduler = new QueuedScheduler(time);
        Log log = Log.open(dir, TP, LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 8 * 1024, TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.2, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 512)),
            time, scheduler);
        LogCleaner cleaner = new LogCleaner(new LogCleaner.Settings(true, 1, 1, 8L << 20), () -> List.of(log), time);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        int updates = 0;
        try {
            List<Future<Integer>> scans = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                scans.add(readers.submit(() -> scanUntilDone(log, done)));
            }
            cleaner.start();
            long compactedBefore = log.cleanerCheckpoint();
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 20; i++, updates += 100) {
                    log.appendAsLeader(KeyedRecords.updates(time.milliseconds(), updates, 100, KEYS), 0);
                }
                time.advance(SEGMENT_MS + 1);
                log.rollIfDue();
                if (round % 10 == 9) {
                    long checkpoint = log.cleanerCheckpoint();
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log.cleanerCheckpoint() > checkpoint);
                }
            }
            assertThat(log.cleanerCheckpoint()).isGreaterThan(compactedBefore);
            done.set(true);
            for (Future<Integer> scanCount : scans) {
                assertThat(scanCount.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
            cleaner.close();
        }

        new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(log), time).cleanOnce();
        assertThat(latestByKey(readAll(log))).isEqualTo(expectedLatest(updates, KEYS));
        assertThat(readAll(log)).hasSize(KEYS);

        // Replaced segments stayed open for readers; their files go once file.delete.delay.ms passes.
        time.advance(log.config().fileDeleteDelayMs());
        scheduler.runDue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".deleted"));
        }
        log.close();
    }

    /**
     * Reads the whole log again and again like a consumer from the beginning, checking each
     * pass; returns the number of passes made once the writer is done.
     */
    private static int scanUntilDone(Log log, AtomicBoolean done) {
        int passes = 0;
        while (!done.get()) {
            long next = log.logStartOffset();
            long lastRecordOffset = -1;
            long end = log.logEndOffset();
            while (next < end) {
                LogReadInfo read = log.read(next, 4096, Long.MAX_VALUE, true);
                boolean any = false;
                for (RecordBatch batch : read.records().batches()) {
                    // Plain checks: AssertJ per record would slow the readers to a crawl.
                    check(batch.isValid(), "invalid batch at " + batch.baseOffset());
                    check(batch.lastOffset() >= next, "batch " + batch.baseOffset() + " read again after " + next);
                    for (Record record : batch) {
                        check(record.offset() > lastRecordOffset && record.offset() >= batch.baseOffset()
                            && record.offset() <= batch.lastOffset(), "record " + record.offset() + " after "
                            + lastRecordOffset + " in batch " + batch.baseOffset() + ".." + batch.lastOffset());
                        lastRecordOffset = record.offset();
                    }
                    next = batch.nextOffset();
                    any = true;
                }
                if (!any) {
                    break;
                }
            }
            passes++;
        }
        return passes;
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new AssertionError(failure);
        }
    }
}
