package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentRollTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(NOW, "x", 1).sizeInBytes();

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    private Log open(Map<String, ?> overrides) throws Exception {
        log = Log.open(dir, TP, LogConfig.fromMap(overrides), time, Scheduler.immediate());
        return log;
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void rollsWhenNextBatchWouldExceedSegmentBytes() throws Exception {
        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 3));

        for (int i = 0; i < 7; i++) {
            log.appendAsLeader(batch(NOW, "x", 1), 0);
        }

        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 3L, 6L);
        assertThat(Files.exists(dir.resolve("00000000000000000003.log"))).isTrue();
        assertThat(Files.size(dir.resolve("00000000000000000000.log"))).isEqualTo(BATCH_BYTES * 3L);
    }

    @Test
    void rolledSegmentIndexesAreTrimmedAndActiveOnesPreallocated() throws Exception {
        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 3,
            TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0, TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, 4096));
        for (int i = 0; i < 4; i++) {
            log.appendAsLeader(batch(NOW + i, "x", 1), 0);
        }

        // Batches 2 and 3 of the first segment were indexed (the first batch never is).
        assertThat(Files.size(dir.resolve("00000000000000000000.index"))).isEqualTo(2 * OffsetIndex.ENTRY_SIZE);
        assertThat(Files.size(dir.resolve("00000000000000000000.timeindex")))
            .isEqualTo(2 * TimeIndex.ENTRY_SIZE);
        assertThat(Files.size(dir.resolve("00000000000000000003.index"))).isEqualTo(4096);
        assertThat(Files.size(dir.resolve("00000000000000000003.timeindex"))).isEqualTo(4092);
    }

    @Test
    void rollsWhenSegmentIsOlderThanSegmentMsOnAppend() throws Exception {
        open(Map.of(TopicConfig.SEGMENT_MS_CONFIG, 1000L));
        log.appendAsLeader(batch(NOW, "x", 1), 0);
        time.advance(500);
        log.appendAsLeader(batch(NOW, "x", 1), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);

        time.advance(600);
        log.appendAsLeader(batch(NOW, "x", 1), 0);

        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
    }

    @Test
    void rollIfDueRollsAnOldNonEmptySegmentOnly() throws Exception {
        open(Map.of(TopicConfig.SEGMENT_MS_CONFIG, 1000L));
        time.advance(5000);
        log.rollIfDue();
        assertThat(log.numberOfSegments()).as("an empty segment does not roll").isEqualTo(1);

        log.appendAsLeader(batch(NOW, "x", 2), 0);
        log.rollIfDue();
        assertThat(log.numberOfSegments()).isEqualTo(1);
        time.advance(1001);
        log.rollIfDue();

        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
        assertThat(log.appendAsLeader(batch(NOW, "y", 1), 0).firstOffset()).isEqualTo(2);
        assertThat(offsets(log.read(2, 1000, Long.MAX_VALUE, false).records())).containsExactly(2L);
    }

    @Test
    void rollsWhenOffsetIndexIsFull() throws Exception {
        // Room for two offset entries (and one time entry plus the reserved slot).
        open(Map.of(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, 24, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0));

        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(batch(NOW + i, "x", 1), 0);
        }

        assertThat(log.numberOfSegments()).isGreaterThan(1);
        for (long offset = 0; offset < 6; offset++) {
            assertThat(offsets(log.read(offset, 1000, Long.MAX_VALUE, false).records())).startsWith(offset);
        }
    }

    @Test
    void rollWritesProducerSnapshotAndAdvancesRecoveryPoint() throws Exception {
        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2));
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch(NOW, "x", 1), 0);
        }

        assertThat(log.recoveryPoint()).isEqualTo(2);
        assertThat(CheckpointFile.readOffset(dir.resolve(Log.RECOVERY_POINT_FILE))).hasValue(2);
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(2, ProducerStateManager.SNAPSHOT_SUFFIX)))).isTrue();
    }
}
