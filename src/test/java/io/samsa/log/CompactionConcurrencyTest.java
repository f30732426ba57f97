package io.samsa.log;

import static io.samsa.log.KeyedRecords.latestByKey;
import static io.samsa.log.KeyedRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionConcurrencyTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_MS = 3_600_000L;
    private static final int COLD_PER_BATCH = 3;

    @TempDir
    Path dir;

    /**
     * 100 hot keys are written over and over, with a few cold keys (written once, never
     * superseded) in between, while a background cleaner compacts and two readers read the whole
     * log again and again. Each pass of a reader must see offsets only increasing, no batch twice,
     * and every cold key written before the pass began: compacted segments are small and get
     * merged, so a swap that let a reader skip part of the segments it replaces would lose some.
     */
    @Test
    void readersDuringCompactionSeeIncreasingOffsetsEachBatchOnceAndNeverMissALiveRecord() throws Exception {
        ManualTime time = new ManualTime(NOW);
        QueuedScheduler scheduler = new QueuedScheduler(time);
        Log log = Log.open(dir, TP, LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 8 * 1024, TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.2, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 512)),
            time, scheduler);
        LogCleaner cleaner = new LogCleaner(new LogCleaner.Settings(true, 1, 1, 8L << 20), () -> List.of(log), time);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger coldWritten = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(2);
        Map<String, KeyedRecords.Entry> expected = new HashMap<>();
        try {
            List<Future<Integer>> scans = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                scans.add(readers.submit(() -> scanUntilDone(log, done, coldWritten)));
            }
            cleaner.start();
            int hot = 0;
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 20; i++) {
                    long first = log.appendAsLeader(coldRecords(time.milliseconds(), coldWritten.get()), 0)
                        .firstOffset();
                    for (int c = 0; c < COLD_PER_BATCH; c++) {
                        String key = "c" + (coldWritten.get() + c);
                        expected.put(key, new KeyedRecords.Entry(first + c, key, "cold"));
                    }
                    coldWritten.addAndGet(COLD_PER_BATCH);
                    first = log.appendAsLeader(hotUpdates(time.milliseconds(), hot), 0).firstOffset();
                    for (int k = 0; k < 100; k++) {
                        expected.put("h" + k, new KeyedRecords.Entry(first + k, "h" + k, "v" + (hot + k)));
                    }
                    hot += 100;
                }
                time.advance(SEGMENT_MS + 1);
                log.rollIfDue();
                if (round % 10 == 9) {
                    long checkpoint = log.cleanerCheckpoint();
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log.cleanerCheckpoint() > checkpoint);
                }
            }
            done.set(true);
            for (Future<Integer> scanCount : scans) {
                assertThat(scanCount.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            done.set(true);
            readers.shutdownNow();
            cleaner.close();
        }

        Map<String, Object> anyDirt = new HashMap<>(log.config().values());
        anyDirt.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.0);
        log.updateConfig(LogConfig.fromMap(anyDirt));
        new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(log), time).cleanOnce();
        assertThat(latestByKey(readAll(log))).isEqualTo(expected);
        assertThat(readAll(log)).hasSize(coldWritten.get() + 100);

        // Replaced segments stayed open for readers; their files go once file.delete.delay.ms passes.
        time.advance(log.config().fileDeleteDelayMs());
        scheduler.runDue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".deleted"));
        }
        log.close();
    }

    /** Records for cold keys c{@code first} on, each written once. */
    private static MemoryRecords coldRecords(long timestamp, int first) {
        SimpleRecord[] records = new SimpleRecord[COLD_PER_BATCH];
        for (int c = 0; c < COLD_PER_BATCH; c++) {
            records[c] = new SimpleRecord(timestamp, ("c" + (first + c)).getBytes(StandardCharsets.UTF_8),
                "cold".getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** 100 records, one per hot key h0..h99, values v{@code first} on. */
    private static MemoryRecords hotUpdates(long timestamp, int first) {
        SimpleRecord[] records = new SimpleRecord[100];
        for (int k = 0; k < 100; k++) {
            records[k] = new SimpleRecord(timestamp, ("h" + k).getBytes(StandardCharsets.UTF_8),
                ("v" + (first + k)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /**
     * Reads the whole log again and again like a consumer from the beginning, checking each
     * pass; returns the number of passes made once the writer is done.
     */
    private static int scanUntilDone(Log log, AtomicBoolean done, AtomicInteger coldWritten) {
        int passes = 0;
        while (!done.get()) {
            int coldBefore = coldWritten.get();
            long next = log.logStartOffset();
            long lastRecordOffset = -1;
            long end = log.logEndOffset();
            int coldSeen = 0;
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
                        if (record.key().get(0) == 'c') {
                            coldSeen++;
                        }
                    }
                    next = batch.nextOffset();
                    any = true;
                }
                if (!any) {
                    break;
                }
            }
            check(coldSeen >= coldBefore, "a pass saw " + coldSeen + " of the " + coldBefore + " cold keys");
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
