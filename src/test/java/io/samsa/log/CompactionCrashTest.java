package io.samsa.log;

import static io.samsa.log.KeyedRecords.latestByKey;
import static io.samsa.log.KeyedRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.samsa.log.KeyedRecords.Entry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes in the middle of a compaction: the files a swap leaves at each step of
 * {@link Log#replaceSegments} are rebuilt from two real states of one log, before and after a
 * compaction pass, then the log is reopened without its clean-shutdown marker.
 */
class CompactionCrashTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_MS = 3_600_000L;
    private static final String SWAP_BASE = LogSegment.fileName(0, "");

    @TempDir
    Path root;

    private final ManualTime time = new ManualTime(NOW);
    private final LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
        LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 16 * 1024, TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS,
        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.01));
    private final Map<String, Entry> expectedLatest = new HashMap<>();
    private Path before;
    private Path after;
    private List<Long> segmentsBefore;
    private List<Entry> entriesBefore;
    private List<Entry> entriesAfter;
    private List<Entry> firstGroupSwapped;

    /**
     * {@code before}: 5000 updates over 200 keys, compacted once, then 3000 updates over the first
     * 100 keys, closed cleanly. {@code after}: the same log after the next pass, whose first
     * group rewrote several of the first segments into one.
     */
    @BeforeEach
    void buildBeforeAndAfterAPass() throws Exception {
        before = root.resolve("before");
        Log log = Log.open(before, TP, config, time, Scheduler.immediate());
        LogCleaner cleaner = new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(log), time);
        append(log, 0, 5_000, 200);
        roll(log);
        cleaner.cleanOnce();
        append(log, 5_000, 3_000, 100);
        roll(log);
        segmentsBefore = log.segmentBaseOffsets();
        entriesBefore = readAll(log);
        log.close();

        after = root.resolve("after");
        copy(before, after);
        Log compacted = Log.open(after, TP, config, time, Scheduler.immediate());
        new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(compacted), time).cleanOnce();
        entriesAfter = readAll(compacted);
        long swapEnd = compacted.segmentBaseOffsets().get(1);
        compacted.close();
        assertThat(segmentsBefore.stream().filter(base -> base < swapEnd)).as("segments the first group replaced")
            .hasSizeGreaterThan(2);
        assertThat(Files.size(after.resolve(SWAP_BASE + ".log"))).isPositive();
        assertThat(entriesAfter).hasSizeLessThan(entriesBefore.size());
        // A crash during the swap of the first group: that group done, the rest still as before.
        firstGroupSwapped = Stream.concat(entriesAfter.stream().filter(e -> e.offset() < swapEnd),
            entriesBefore.stream().filter(e -> e.offset() >= swapEnd)).toList();
        assertThat(firstGroupSwapped).isNotEqualTo(entriesBefore);
    }

    private void append(Log log, int first, int count, int keys) {
        for (int n = first; n < first + count; n += 100) {
            long base = log.appendAsLeader(KeyedRecords.updates(time.milliseconds(), n, 100, keys), 0).firstOffset();
            for (int i = 0; i < 100; i++) {
                String key = "k" + (n + i) % keys;
                expectedLatest.put(key, new Entry(base + i, key, "v" + (n + i)));
            }
        }
    }

    private void roll(Log log) {
        time.advance(SEGMENT_MS + 1);
        log.rollIfDue();
    }

    /** The {@code before} files plus the cleaned first segment of {@code after} as a {@code .swap} file. */
    private Path crashedMidSwap() throws IOException {
        Path crashed = root.resolve("crashed");
        copy(before, crashed);
        Files.delete(crashed.resolve(Log.CLEAN_SHUTDOWN_FILE));
        Files.copy(after.resolve(SWAP_BASE + ".log"), crashed.resolve(SWAP_BASE + ".log.swap"));
        return crashed;
    }

    private Log reopen(Path crashed) throws IOException {
        return Log.open(crashed, TP, config, time, Scheduler.immediate());
    }

    private static void assertNoLeftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.endsWith(".swap") || n.endsWith(".cleaned") || n.endsWith(".deleted"));
        }
    }

    @Test
    void aSwapFileWithAllOldSegmentsStillThereIsCompleted() throws Exception {
        Path crashed = crashedMidSwap();

        Log log = reopen(crashed);

        assertThat(readAll(log)).isEqualTo(firstGroupSwapped);
        assertThat(latestByKey(readAll(log))).isEqualTo(expectedLatest);
        assertNoLeftovers(crashed);
        log.close();
    }

    @Test
    void aSwapFileWithSomeOldSegmentsAlreadyDeletedIsCompleted() throws Exception {
        Path crashed = crashedMidSwap();
        renameSegment(crashed, segmentsBefore.get(0), ".deleted");
        for (String suffix : List.of(".log", ".index", ".timeindex")) {
            Files.delete(crashed.resolve(LogSegment.fileName(segmentsBefore.get(1), suffix)));
        }

        Log log = reopen(crashed);

        assertThat(readAll(log)).isEqualTo(firstGroupSwapped);
        assertNoLeftovers(crashed);
        log.close();
    }

    @Test
    void aSwapFileWhoseIndexesWereRenamedFirstIsCompletedWithRebuiltIndexes() throws Exception {
        Path crashed = crashedMidSwap();
        // The index .swap files hold garbage: recovery must rebuild the indexes, not trust them.
        Files.write(crashed.resolve(SWAP_BASE + ".index.swap"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.write(crashed.resolve(SWAP_BASE + ".timeindex.swap"), new byte[24]);
        for (long base : segmentsBefore.subList(0, 2)) {
            renameSegment(crashed, base, ".deleted");
        }

        Log log = reopen(crashed);

        assertThat(readAll(log)).isEqualTo(firstGroupSwapped);
        for (Entry entry : firstGroupSwapped) {
            List<Entry> fromThere = readFrom(log, entry.offset());
            assertThat(fromThere.get(0)).isEqualTo(entry);
        }
        assertNoLeftovers(crashed);
        log.close();
    }

    @Test
    void aSwapFileThatIsNotWholeIsDeletedAndTheOldSegmentsKept() throws Exception {
        Path crashed = crashedMidSwap();
        Path swap = crashed.resolve(SWAP_BASE + ".log.swap");
        try (FileChannel channel = FileChannel.open(swap, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 7);
        }

        Log log = reopen(crashed);

        assertThat(readAll(log)).isEqualTo(entriesBefore);
        assertThat(log.segmentBaseOffsets()).isEqualTo(segmentsBefore);
        assertNoLeftovers(crashed);
        log.close();
    }

    @Test
    void cleanedFilesOfAnUnfinishedPassAreDiscarded() throws Exception {
        Path crashed = root.resolve("crashed");
        copy(before, crashed);
        Files.delete(crashed.resolve(Log.CLEAN_SHUTDOWN_FILE));
        Files.copy(after.resolve(SWAP_BASE + ".log"), crashed.resolve(SWAP_BASE + ".log.cleaned"));
        Files.write(crashed.resolve(SWAP_BASE + ".index.cleaned"), new byte[8]);

        Log log = reopen(crashed);

        assertThat(readAll(log)).isEqualTo(entriesBefore);
        assertNoLeftovers(crashed);
        log.close();
    }

    @Test
    void aLogReopenedAfterACompletedSwapCompactsOnFromItsCheckpoint() throws Exception {
        Path crashed = crashedMidSwap();
        Log log = reopen(crashed);
        LogCleaner cleaner = new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(log), time);

        cleaner.cleanOnce();

        assertThat(latestByKey(readAll(log))).isEqualTo(expectedLatest);
        assertThat(readAll(log)).hasSize(200);
        log.close();
    }

    private static List<Entry> readFrom(Log log, long offset) {
        LogReadInfo read = log.read(offset, 1 << 20, Long.MAX_VALUE, true);
        List<Entry> entries = new java.util.ArrayList<>();
        for (org.apache.kafka.common.record.internal.Record record : read.records().records()) {
            if (record.offset() >= offset) {
                entries.add(new Entry(record.offset(), java.nio.charset.StandardCharsets.UTF_8.decode(record.key())
                    .toString(), java.nio.charset.StandardCharsets.UTF_8.decode(record.value()).toString()));
            }
        }
        return entries;
    }

    private static void renameSegment(Path dir, long base, String suffix) throws IOException {
        for (String kind : List.of(".log", ".index", ".timeindex")) {
            Path file = dir.resolve(LogSegment.fileName(base, kind));
            Files.move(file, file.resolveSibling(file.getFileName() + suffix));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
