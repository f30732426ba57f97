package io.samsa.log;

import static io.samsa.log.KeyedRecords.expectedLatest;
import static io.samsa.log.KeyedRecords.latestByKey;
import static io.samsa.log.KeyedRecords.readAll;
import static io.samsa.log.KeyedRecords.record;
import static io.samsa.log.KeyedRecords.updates;
import static org.assertj.core.api.Assertions.assertThat;

import io.samsa.log.KeyedRecords.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCompactionTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_MS = 3_600_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Scheduler scheduler = Scheduler.immediate();
    private Log log;
    private LogCleaner cleaner;

    private Log open(Map<String, Object> overrides) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(TopicConfig.CLEANUP_POLICY_CONFIG, "compact");
        config.put(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 16 * 1024);
        config.put(TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS);
        config.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, 0L);
        config.putAll(overrides);
        log = Log.open(dir, TP, LogConfig.fromMap(config), time, scheduler);
        cleaner = new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(log), time);
        return log;
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    /** Appends updates {@code first .. first+count-1} over {@code keys} keys, 100 per batch. */
    private void append(int first, int count, int keys) {
        for (int n = first; n < first + count; n += 100) {
            log.appendAsLeader(updates(time.milliseconds(), n, Math.min(100, first + count - n), keys), 0);
        }
    }

    /** Makes the active segment old enough to roll and rolls it, so everything so far is cleanable. */
    private void rollActiveSegment() {
        time.advance(SEGMENT_MS + 1);
        log.rollIfDue();
    }

    @Test
    void hundredThousandUpdatesOverAThousandKeysCompactToTheLatestValuePerKeyAtItsOriginalOffset() throws Exception {
        open(Map.of());
        append(0, 100_000, 1_000);
        rollActiveSegment();
        long sizeBefore = log.size();

        assertThat(cleaner.cleanOnce()).isPositive();

        List<Entry> entries = readAll(log);
        assertThat(entries).hasSize(1_000);
        assertThat(latestByKey(entries)).isEqualTo(expectedLatest(100_000, 1_000));
        assertThat(log.logEndOffset()).isEqualTo(100_000);
        assertThat(log.size()).isLessThan(sizeBefore / 50);
        assertThat(log.cleanerCheckpoint()).isEqualTo(100_000);
    }

    @Test
    void compressedBatchesAreCompactedAndKeepTheirCompression() throws Exception {
        open(Map.of());
        for (int n = 0; n < 20_000; n += 100) {
            log.appendAsLeader(updates(Compression.lz4().build(), time.milliseconds(), n, 100, 300), 0);
        }
        rollActiveSegment();

        cleaner.cleanOnce();

        List<Entry> entries = readAll(log);
        assertThat(latestByKey(entries)).isEqualTo(expectedLatest(20_000, 300));
        assertThat(entries).hasSize(300);
        for (RecordBatch batch : log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true).records().batches()) {
            assertThat(batch.compressionType().name).isEqualTo("lz4");
        }
    }

    @Test
    void theActiveSegmentIsNeverCleaned() throws Exception {
        open(Map.of(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.01));
        append(0, 300, 10);

        assertThat(log.numberOfSegments()).isOne();
        assertThat(cleaner.cleanOnce()).isZero();
        assertThat(readAll(log)).hasSize(300);

        rollActiveSegment();
        append(300, 300, 10);
        int activeBytes = (int) (log.size() - sizeOfInactiveSegments());

        assertThat(cleaner.cleanOnce()).isPositive();

        // The first segment keeps each key's latest value in it: the newer ones in the active
        // segment are not mapped, as the active segment is not cleaned.
        List<Entry> entries = readAll(log);
        assertThat(entries.stream().filter(e -> e.offset() < 300)).hasSize(10);
        assertThat(entries.stream().filter(e -> e.offset() >= 300)).hasSize(300);
        assertThat(log.size() - sizeOfInactiveSegments()).isEqualTo(activeBytes);
    }

    private long sizeOfInactiveSegments() {
        List<LogSegment> segments = log.segmentsSnapshot();
        return segments.subList(0, segments.size() - 1).stream().mapToLong(LogSegment::size).sum();
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterTheCleaningThatFirstSawThemThenGo() throws Exception {
        open(Map.of(TopicConfig.DELETE_RETENTION_MS_CONFIG, 60_000L));
        append(0, 1_000, 10);
        log.appendAsLeader(record(time.milliseconds(), "k3", null), 0);
        rollActiveSegment();

        cleaner.cleanOnce();
        assertThat(latestByKey(readAll(log)).get("k3")).isEqualTo(new Entry(1_000, "k3", null));

        time.advance(59_999);
        assertThat(cleaner.cleanOnce()).isZero();
        assertThat(latestByKey(readAll(log))).containsKey("k3");

        time.advance(1);
        assertThat(cleaner.cleanOnce()).isPositive();
        Map<String, Entry> latest = latestByKey(readAll(log));
        assertThat(latest).doesNotContainKey("k3").hasSize(9);
        assertThat(latest.get("k4")).isEqualTo(new Entry(994, "k4", "v994"));
    }

    @Test
    void aPassBeforeTheDeleteHorizonKeepsTheTombstoneAndDropsTheValuesBeforeIt() throws Exception {
        open(Map.of(TopicConfig.DELETE_RETENTION_MS_CONFIG, 3 * SEGMENT_MS,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.01));
        log.appendAsLeader(record(time.milliseconds(), "gone", "x"), 0);
        append(1, 999, 10);
        log.appendAsLeader(record(time.milliseconds(), "gone", null), 0);
        rollActiveSegment();
        cleaner.cleanOnce();
        append(1_001, 1_000, 10);
        rollActiveSegment();

        assertThat(cleaner.cleanOnce()).isPositive();
        assertThat(latestByKey(readAll(log)).get("gone")).isEqualTo(new Entry(1_000, "gone", null));
        assertThat(readAll(log)).filteredOn(e -> "gone".equals(e.key())).hasSize(1);

        time.advance(2 * SEGMENT_MS);
        assertThat(cleaner.cleanOnce()).isPositive();
        assertThat(latestByKey(readAll(log))).doesNotContainKey("gone").isEqualTo(expectedLatest(2_001, 10));
    }

    @Test
    void minCompactionLagKeepsSegmentsWithYoungRecordsUncleaned() throws Exception {
        open(Map.of(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, 3 * SEGMENT_MS));
        append(0, 1_000, 10);
        rollActiveSegment();
        append(1_000, 1_000, 10);
        rollActiveSegment();

        // The first 1000 records are two hours old, the next 1000 one hour: all too young.
        assertThat(cleaner.cleanOnce()).isZero();
        assertThat(readAll(log)).hasSize(2_000);

        time.advance(SEGMENT_MS + 1);
        // Now the first 1000 records are over three hours old, the next 1000 still younger.
        assertThat(cleaner.cleanOnce()).isPositive();
        List<Entry> entries = readAll(log);
        assertThat(entries.stream().filter(e -> e.offset() < 1_000)).hasSize(10);
        assertThat(entries.stream().filter(e -> e.offset() >= 1_000)).hasSize(1_000);
    }

    @Test
    void minCleanableDirtyRatioDecidesWhenALogIsWorthCleaning() throws Exception {
        open(Map.of(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.5));
        append(0, 20_000, 5_000);
        rollActiveSegment();
        assertThat(cleaner.cleanOnce()).isPositive();
        long cleanBytes = log.size();

        // A dirty part well under half of the cleanable bytes: not worth a pass.
        append(20_000, 1_000, 5_000);
        rollActiveSegment();
        assertThat(cleaner.cleanOnce()).isZero();
        assertThat(readAll(log)).hasSize(5_000 + 1_000);

        append(21_000, 6_000, 5_000);
        rollActiveSegment();
        assertThat(log.size() - cleanBytes).isGreaterThan(cleanBytes);
        assertThat(cleaner.cleanOnce()).isPositive();
        assertThat(latestByKey(readAll(log))).isEqualTo(expectedLatest(27_000, 5_000));
        assertThat(readAll(log)).hasSize(5_000);
    }

    @Test
    void maxCompactionLagMakesALogDueWhateverItsDirtyRatio() throws Exception {
        open(Map.of(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.99,
            TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, 10 * SEGMENT_MS));
        append(0, 20_000, 5_000);
        rollActiveSegment();
        cleaner.cleanOnce();
        append(20_000, 100, 5_000);
        rollActiveSegment();
        assertThat(cleaner.cleanOnce()).isZero();

        time.advance(10 * SEGMENT_MS);

        assertThat(cleaner.cleanOnce()).isPositive();
        assertThat(readAll(log)).hasSize(5_000);
    }

    @Test
    void theCleanerCheckpointSurvivesARestartSoACleanLogIsNotCompactedAgain() throws Exception {
        open(Map.of());
        append(0, 5_000, 100);
        rollActiveSegment();
        cleaner.cleanOnce();
        log.close();

        open(Map.of());

        assertThat(log.cleanerCheckpoint()).isEqualTo(5_000);
        assertThat(cleaner.cleanOnce()).isZero();
        assertThat(latestByKey(readAll(log))).isEqualTo(expectedLatest(5_000, 100));
    }

    @Test
    void recordsWithoutKeyLeftFromBeforeTheTopicWasCompactedAreRemoved() throws Exception {
        open(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "delete"));
        log.appendAsLeader(record(time.milliseconds(), null, "keyless"), 0);
        append(1, 99, 10);
        log.updateConfig(LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 16 * 1024, TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS)));
        rollActiveSegment();

        cleaner.cleanOnce();

        List<Entry> entries = readAll(log);
        assertThat(entries).hasSize(10).allSatisfy(e -> assertThat(e.key()).isNotNull());
    }

    @Test
    void theNewestBatchOfAProducerIsKeptEmptySoItsStateSurvivesARebuildFromTheLog() throws Exception {
        open(Map.of());
        long producerId = 42;
        log.appendAsLeader(Batches.idempotent(producerId, (short) 3, 0, time.milliseconds(), 2), 0);
        log.appendAsLeader(Batches.idempotent(producerId, (short) 3, 2, time.milliseconds(), 2), 0);
        // Plain updates supersede every record the producer wrote.
        for (int i = 0; i < 4; i++) {
            log.appendAsLeader(record(time.milliseconds(), "k-p42-" + i, "newer"), 0);
        }
        rollActiveSegment();

        cleaner.cleanOnce();

        List<RecordBatch> batches = Batches.batches(log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true).records());
        assertThat(batches.get(0).baseOffset()).isEqualTo(2);
        assertThat(batches.get(0).lastOffset()).isEqualTo(3);
        assertThat(batches.get(0).countOrNull()).isZero();
        assertThat(batches.get(0).producerId()).isEqualTo(producerId);
        assertThat(batches.get(0).lastSequence()).isEqualTo(3);
        assertThat(readAll(log)).extracting(Entry::value).containsOnly("newer");

        log.closeHandlers();
        try (Stream<Path> snapshots = Files.list(dir)) {
            for (Path snapshot : snapshots.filter(p -> p.toString().endsWith(".snapshot")).toList()) {
                Files.delete(snapshot);
            }
        }
        log = Log.open(dir, TP, log.config(), time, Scheduler.immediate());

        ProducerStateEntry state = log.producerState().entry(producerId).orElseThrow();
        assertThat(state.producerEpoch()).isEqualTo((short) 3);
        assertThat(state.lastSeq()).isEqualTo(3);
    }

    @Test
    void aCompactionThatLosesARaceWithRetentionIsAbandonedAndLeavesTheLogAsItWas() throws Exception {
        scheduler = new QueuedScheduler(time);
        open(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete", TopicConfig.RETENTION_MS_CONFIG, SEGMENT_MS));
        append(0, 2_000, 10);
        rollActiveSegment();
        append(2_000, 100, 10);
        CleanableRange planned = CleanableRange.of(log, time.milliseconds());
        assertThat(log.deleteExpiredSegments()).isPositive();
        List<Entry> before = readAll(log);

        LogCompactor.Result result = new LogCompactor(1 << 20, 4096, time, () -> false).compact(planned);

        assertThat(result.completed()).isFalse();
        assertThat(readAll(log)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".cleaned"));
        }
    }

    @Test
    void withCompactAndDeleteRetentionStillDeletesOldSegments() throws Exception {
        open(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
            TopicConfig.RETENTION_MS_CONFIG, 3 * SEGMENT_MS));
        int distinctKeys = 1_000_000;
        append(0, 2_000, distinctKeys);
        rollActiveSegment();
        append(2_000, 2_000, distinctKeys);
        rollActiveSegment();
        assertThat(cleaner.cleanOnce()).isPositive();
        append(4_000, 100, distinctKeys);

        // The first 2000 records are now over three hours old, the next 2000 not.
        time.advance(SEGMENT_MS);
        int deleted = log.deleteExpiredSegments();

        assertThat(deleted).isPositive();
        assertThat(log.logStartOffset()).isEqualTo(2_000);
        assertThat(readAll(log)).hasSize(2_100);
        cleaner.cleanOnce();
        assertThat(readAll(log)).hasSize(2_100);
    }

    @Test
    void anOffsetMapTooSmallForTheDirtyPartCompactsInSeveralPassesWithoutLosingLatestValues() throws Exception {
        open(Map.of(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.01));
        cleaner = new LogCleaner(new LogCleaner.Settings(true, 1, 1, 24 * 1024), () -> List.of(log), time);
        append(0, 30_000, 5_000);
        rollActiveSegment();

        int passes = 0;
        while (log.cleanerCheckpoint() < log.logEndOffset()) {
            assertThat(cleaner.cleanOnce()).isPositive();
            assertThat(latestByKey(readAll(log))).isEqualTo(expectedLatest(30_000, 5_000));
            passes++;
        }

        assertThat(passes).isGreaterThan(3);
        assertThat(readAll(log)).hasSize(5_000);
    }
}
