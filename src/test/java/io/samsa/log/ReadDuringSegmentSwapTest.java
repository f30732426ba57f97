package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadDuringSegmentSwapTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_MS = 3_600_000L;
    /** Batches before the gap: a read looking for an offset in the gap walks all their headers. */
    private static final int BATCHES_BEFORE_GAP = 3_000;
    private static final int ROUNDS = 10;

    @TempDir
    Path dir;

    /**
     * A compacted segment S ends in a gap (its last record was superseded) and the segment T after
     * it holds the next record. A read from an offset in that gap finds nothing in S and goes on to
     * the next segment. When the cleaner merges S and T into one segment meanwhile, that next
     * segment is the merged one, at S's base offset: going on from S's base offset to the next
     * base offset in the map would skip T's records and return later ones, or none.
     *
     * <p>The read spends nearly all its time walking S's batch headers (no offset index entries),
     * so a swap during one of the reads of each round is nearly certain; ten rounds make a miss of
     * the race practically impossible.
     */
    @Test
    void readFromTheGapAtTheEndOfASegmentBeingMergedWithTheNextReturnsTheNextSegmentsFirstBatch() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            readsAcrossOneMerge(Files.createDirectory(dir.resolve("round-" + round)));
        }
    }

    private static void readsAcrossOneMerge(Path roundDir) throws Exception {
        ManualTime time = new ManualTime(NOW);
        Map<String, Object> config = new HashMap<>(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 8 << 20, TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.0,
            TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, Integer.MAX_VALUE));
        Log log = Log.open(roundDir, TP, LogConfig.fromMap(config), time, new QueuedScheduler(time));
        LogCleaner cleaner = new LogCleaner(new LogCleaner.Settings(true, 0, 1, 8L << 20), () -> List.of(log), time);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            // S: records that stay, then one that T supersedes, which leaves the gap once S is compacted.
            for (int i = 0; i < BATCHES_BEFORE_GAP; i++) {
                log.appendAsLeader(records(time, "s" + i, "value"), 0);
            }
            long gap = log.appendAsLeader(records(time, "h", "superseded ".repeat(20)), 0).firstOffset();
            roll(log, time);
            long firstOfT = log.appendAsLeader(records(time, "t", "value"), 0).firstOffset();
            log.appendAsLeader(records(time, "h", "value"), 0);
            roll(log, time);
            // Segments as large as S and T together do not fit one: the first pass compacts S alone.
            List<LogSegment> segments = log.segmentsSnapshot();
            config.put(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, segments.get(0).size() + segments.get(1).size() - 1);
            log.updateConfig(LogConfig.fromMap(config));
            assertThat(cleaner.cleanOnce()).isPositive();
            assertThat(log.segmentBaseOffsets()).hasSize(3).contains(firstOfT);
            assertThat(log.read(gap, 4096, Long.MAX_VALUE, true).records().batches().iterator().next().baseOffset())
                .isEqualTo(firstOfT);
            // New dirty data; S, now smaller by the superseded record, fits one segment with T.
            log.appendAsLeader(records(time, "u", "v"), 0);
            roll(log, time);

            AtomicBoolean merged = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            Future<List<String>> wrongReads = reader.submit(() -> {
                List<String> wrong = new ArrayList<>();
                while (!merged.get()) {
                    LogReadInfo read = log.read(gap, 4096, Long.MAX_VALUE, true);
                    List<Long> baseOffsets = new ArrayList<>();
                    for (RecordBatch batch : read.records().batches()) {
                        baseOffsets.add(batch.baseOffset());
                    }
                    if (baseOffsets.isEmpty() || baseOffsets.get(0) != firstOfT) {
                        wrong.add("read from " + gap + " got batches " + baseOffsets + " of segment "
                            + read.segmentBaseOffset() + " instead of the batch at " + firstOfT);
                    }
                    reads.incrementAndGet();
                }
                return wrong;
            });
            Awaitility.await().until(() -> reads.get() >= 2);
            assertThat(cleaner.cleanOnce()).isPositive();
            merged.set(true);
            assertThat(log.segmentBaseOffsets()).as("S and T merged").doesNotContain(firstOfT);
            assertThat(wrongReads.get(30, TimeUnit.SECONDS)).isEmpty();
        } finally {
            reader.shutdownNow();
            cleaner.close();
            log.close();
        }
    }

    private static void roll(Log log, ManualTime time) {
        time.advance(SEGMENT_MS + 1);
        log.rollIfDue();
    }

    private static MemoryRecords records(ManualTime time, String key, String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(time.milliseconds(),
            key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }
}
