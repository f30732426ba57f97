package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.offsets;
import static io.samsa.log.Batches.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A "crash" is a log whose files are reopened without {@link Log#close()}. */
class RecoveryTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(NOW, "v0", 2).sizeInBytes();

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    private Log open(Map<String, ?> overrides) throws Exception {
        if (log != null) {
            // Reopening an open log stands for a restart after kill -9.
            log.closeHandlers();
        }
        log = Log.open(dir, TP, LogConfig.fromMap(overrides), time, Scheduler.immediate());
        return log;
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private void appendFive() {
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(NOW + i, "v" + i, 2), 0);
        }
    }

    private void appendToActiveFile(byte[] bytes) throws Exception {
        Path active = dir.resolve(LogSegment.fileName(log.segmentBaseOffsets().get(log.numberOfSegments() - 1),
            LogSegment.LOG_SUFFIX));
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
    }

    @Test
    void recoveryCutsGarbageTailAtLastValidBatch() throws Exception {
        open(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0));
        appendFive();
        long validSize = log.size();
        appendToActiveFile(new byte[] {0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 99, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});

        Log recovered = open(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0));

        assertThat(recovered.logEndOffset()).isEqualTo(10);
        assertThat(recovered.size()).isEqualTo(validSize);
        assertThat(recovered.appendAsLeader(batch(NOW, "after", 1), 0).firstOffset()).isEqualTo(10);
        assertThat(values(recovered.read(8, 1 << 20, Long.MAX_VALUE, false).records()))
            .containsExactly("v4-0", "v4-1", "after-0");
    }

    @Test
    void recoveryCutsHalfWrittenBatch() throws Exception {
        open(Map.of());
        appendFive();
        MemoryRecords next = batch(NOW, "torn", 3);
        byte[] half = new byte[next.sizeInBytes() / 2];
        next.buffer().duplicate().get(half);
        appendToActiveFile(half);

        Log recovered = open(Map.of());

        assertThat(recovered.logEndOffset()).isEqualTo(10);
        assertThat(recovered.size()).isEqualTo(5L * BATCH_BYTES);
        assertThat(offsets(recovered.read(0, 1 << 20, Long.MAX_VALUE, false).records())).hasSize(10).endsWith(9L);
    }

    @Test
    void recoveryCutsBatchWithFlippedPayloadByte() throws Exception {
        open(Map.of());
        appendFive();
        Path file = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), 3L * BATCH_BYTES + BATCH_BYTES - 2);
        }

        Log recovered = open(Map.of());

        assertThat(recovered.logEndOffset()).isEqualTo(6);
        assertThat(recovered.size()).isEqualTo(3L * BATCH_BYTES);
    }

    @Test
    void corruptIndexesAreRebuiltAndLookupsStayCorrect() throws Exception {
        open(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0, LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG,
            BATCH_BYTES * 3));
        appendFive();
        log.close();
        log = null;
        // A torn index (not a multiple of the entry size) and an unsorted time index.
        Files.write(dir.resolve("00000000000000000000.index"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("00000000000000000000.timeindex"), new byte[24]);

        Log reopened = open(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0,
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 3));

        assertThat(Files.size(dir.resolve("00000000000000000000.index"))).isEqualTo(2 * OffsetIndex.ENTRY_SIZE);
        for (long offset = 0; offset < 10; offset++) {
            assertThat(offsets(reopened.read(offset, 1, Long.MAX_VALUE, true).records())).contains(offset);
        }
        assertThat(reopened.offsetForTimestamp(NOW + 1)).hasValueSatisfying(t -> assertThat(t.offset()).isEqualTo(2));
    }

    @Test
    void leftoverDeletedAndSwapFilesAreRemovedOnOpen() throws Exception {
        open(Map.of());
        appendFive();
        log.close();
        log = null;
        Files.write(dir.resolve("00000000000000000000.log.deleted"), new byte[10]);
        Files.write(dir.resolve("00000000000000000042.log.swap"), new byte[10]);
        Files.write(dir.resolve("00000000000000000042.index"), new byte[8]);

        open(Map.of());

        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
            .noneMatch(name -> name.endsWith(".deleted") || name.endsWith(".swap"))
            .doesNotContain("00000000000000000042.index");
        assertThat(log.logEndOffset()).isEqualTo(10);
    }

    @Test
    void reopenAfterCleanCloseKeepsEverything() throws Exception {
        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2,
            TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0));
        appendFive();
        log.deleteRecordsBefore(1);
        long size = log.size();
        log.close();
        assertThat(Files.exists(dir.resolve(Log.CLEAN_SHUTDOWN_FILE))).isTrue();

        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2,
            TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0));

        assertThat(Files.exists(dir.resolve(Log.CLEAN_SHUTDOWN_FILE))).isFalse();
        assertThat(log.logStartOffset()).isEqualTo(1);
        assertThat(log.logEndOffset()).isEqualTo(10);
        assertThat(log.size()).isEqualTo(size);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 4L, 8L);
        assertThat(log.maxTimestampAndOffset()).hasValueSatisfying(t -> {
            assertThat(t.timestamp()).isEqualTo(NOW + 4);
            assertThat(t.offset()).isEqualTo(8);
        });
        assertThat(log.appendAsLeader(batch(NOW, "more", 1), 0).firstOffset()).isEqualTo(10);
        // The reopened active segment takes index entries again.
        assertThat(offsets(log.read(10, 1000, Long.MAX_VALUE, false).records())).containsExactly(10L);
    }

    @Test
    void recoveryScansFromRecoveryPointSegmentAndCutsLaterSegments() throws Exception {
        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2));
        appendFive();
        // Segments 0, 4, 8; rolls flushed everything below 8. Corrupt segment 4: the data after
        // its first batch and segment 8 must go.
        Path middle = dir.resolve(LogSegment.fileName(4, LogSegment.LOG_SUFFIX));
        try (FileChannel channel = FileChannel.open(middle, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), BATCH_BYTES * 2L - 1);
        }
        Files.write(dir.resolve(Log.RECOVERY_POINT_FILE), "4\n".getBytes());

        Log recovered = open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2));

        assertThat(recovered.segmentBaseOffsets()).containsExactly(0L, 4L);
        assertThat(recovered.logEndOffset()).isEqualTo(6);
        assertThat(recovered.appendAsLeader(batch(NOW, "v9", 2), 0).firstOffset()).isEqualTo(6);
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(8, LogSegment.LOG_SUFFIX)))).isFalse();
    }

    @Test
    void emptyPartitionDirectoryOpensEmptyLog() throws Exception {
        open(Map.of());

        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.read(0, 100, Long.MAX_VALUE, true).records().sizeInBytes()).isZero();
    }

    @Test
    void logRestartsAtLogStartOffsetWhenCrashLostEverythingAfterIt() throws Exception {
        open(Map.of());
        appendFive();
        log.deleteRecordsBefore(10);
        // The crash loses the unflushed tail: the segment file ends after the first batch.
        try (FileChannel channel = FileChannel.open(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)),
            StandardOpenOption.WRITE)) {
            channel.truncate(BATCH_BYTES);
        }

        Log recovered = open(Map.of());

        assertThat(recovered.logStartOffset()).isEqualTo(10);
        assertThat(recovered.logEndOffset()).isEqualTo(10);
        assertThat(recovered.segmentBaseOffsets()).containsExactly(10L);
        assertThat(recovered.appendAsLeader(batch(NOW, "again", 1), 0).firstOffset()).isEqualTo(10);
    }
}
