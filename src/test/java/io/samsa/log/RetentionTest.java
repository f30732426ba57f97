package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(NOW, "x", 1).sizeInBytes();

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private final QueuedScheduler scheduler = new QueuedScheduler(time);
    private Log log;

    private Log open(Map<String, Object> overrides) throws Exception {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2);
        config.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, 1000L);
        log = Log.open(dir, TP, LogConfig.fromMap(config), time, scheduler);
        return log;
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    /** Six batches of one record, two per segment: segments 0, 2, 4, with timestamps NOW + offset. */
    private void appendSixAcrossThreeSegments() {
        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(batch(NOW + i * 1000L, "x", 1), 0);
        }
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L, 4L);
    }

    @Test
    void retentionByTimeDeletesSegmentsWhoseNewestRecordIsTooOld() throws Exception {
        open(Map.of(TopicConfig.RETENTION_MS_CONFIG, 10_000L));
        appendSixAcrossThreeSegments();
        time.advance(11_500);

        int deleted = log.deleteExpiredSegments();

        // Segment 0's newest record is NOW+1000, 10.5 s old; segment 2's is NOW+3000, 8.5 s old.
        assertThat(deleted).isEqualTo(1);
        assertThat(log.segmentBaseOffsets()).containsExactly(2L, 4L);
        assertThat(log.logStartOffset()).isEqualTo(2);
        assertThatThrownBy(() -> log.read(1, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void deletedSegmentFilesStayReadableUntilFileDeleteDelayPasses() throws Exception {
        open(Map.of(TopicConfig.RETENTION_MS_CONFIG, 10_000L));
        appendSixAcrossThreeSegments();
        LogReadInfo inFlight = log.read(0, 1000, Long.MAX_VALUE, false);
        time.advance(11_500);

        log.deleteExpiredSegments();

        assertThat(Files.exists(dir.resolve("00000000000000000000.log.deleted"))).isTrue();
        assertThat(Files.exists(dir.resolve("00000000000000000000.log"))).isFalse();
        assertThat(offsets(inFlight.records())).containsExactly(0L, 1L);
        scheduler.runDue();
        assertThat(Files.exists(dir.resolve("00000000000000000000.log.deleted"))).isTrue();
        time.advance(1000);
        scheduler.runDue();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.startsWith("00000000000000000000."));
    }

    @Test
    void expiredActiveSegmentIsRolledAndDeletedToo() throws Exception {
        open(Map.of(TopicConfig.RETENTION_MS_CONFIG, 1000L));
        appendSixAcrossThreeSegments();
        time.advance(60_000);

        int deleted = log.deleteExpiredSegments();

        assertThat(deleted).isEqualTo(3);
        assertThat(log.segmentBaseOffsets()).containsExactly(6L);
        assertThat(log.logStartOffset()).isEqualTo(6);
        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(log.appendAsLeader(batch(time.milliseconds(), "x", 1), 0).firstOffset()).isEqualTo(6);
    }

    @Test
    void retentionStopsAtHighWatermark() throws Exception {
        open(Map.of(TopicConfig.RETENTION_MS_CONFIG, 1000L));
        appendSixAcrossThreeSegments();
        time.advance(60_000);

        assertThat(log.deleteExpiredSegments(3)).isEqualTo(1);
        assertThat(log.segmentBaseOffsets()).containsExactly(2L, 4L);
    }

    @Test
    void retentionByBytesDeletesOldestSegmentsWhileOverTheLimit() throws Exception {
        open(Map.of(TopicConfig.RETENTION_BYTES_CONFIG, (long) BATCH_BYTES * 3));
        appendSixAcrossThreeSegments();

        int deleted = log.deleteExpiredSegments();

        // Excess is 3 batches: removing the oldest 2-batch segment keeps the log at or above the
        // limit, removing a second would take it below, so Kafka (and Samsa) stop after one.
        assertThat(deleted).isEqualTo(1);
        assertThat(log.size()).isEqualTo(4L * BATCH_BYTES);
        assertThat(log.logStartOffset()).isEqualTo(2);
    }

    @Test
    void compactOnlyTopicKeepsOldSegments() throws Exception {
        open(Map.of(TopicConfig.RETENTION_MS_CONFIG, 1000L, TopicConfig.CLEANUP_POLICY_CONFIG, "compact"));
        appendSixAcrossThreeSegments();
        time.advance(60_000);

        assertThat(log.deleteExpiredSegments()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(3);
    }

    @Test
    void deleteRecordsBeforeRaisesStartOffsetDeletesWholeSegmentsAndSurvivesReopen() throws Exception {
        open(Map.of());
        appendSixAcrossThreeSegments();

        long newStart = log.deleteRecordsBefore(3);

        assertThat(newStart).isEqualTo(3);
        assertThat(log.segmentBaseOffsets()).containsExactly(2L, 4L);
        assertThatThrownBy(() -> log.read(2, 100, Long.MAX_VALUE, true)).isInstanceOf(OffsetOutOfRangeException.class);
        // A read at the new start returns the whole batch holding it.
        assertThat(offsets(log.read(3, 1000, Long.MAX_VALUE, false).records())).startsWith(3L);

        log.closeHandlers();
        log = Log.open(dir, TP, log.config(), time, scheduler);
        assertThat(log.logStartOffset()).isEqualTo(3);
    }

    @Test
    void deleteRecordsBeyondLogEndIsOutOfRangeAndBelowStartIsNoOp() throws Exception {
        open(Map.of());
        appendSixAcrossThreeSegments();
        log.deleteRecordsBefore(4);

        assertThat(log.deleteRecordsBefore(1)).isEqualTo(4);
        assertThatThrownBy(() -> log.deleteRecordsBefore(7)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.deleteRecordsBefore(6)).isEqualTo(6);
        assertThat(log.segmentBaseOffsets()).containsExactly(4L);
        assertThat(log.read(6, 100, Long.MAX_VALUE, true).records().sizeInBytes()).isZero();
    }

    @Test
    void deleteRemovesTheWholeDirectory() throws Exception {
        open(Map.of());
        appendSixAcrossThreeSegments();

        log.delete();

        assertThat(Files.exists(dir)).isFalse();
        log = null;
    }

    @Test
    void logOpenedWithoutSchedulerDeletesExpiredFilesInTheBackground() throws Exception {
        Path partition = dir.resolve("background-0");
        Log background = Log.open(partition, TP, LogConfig.fromMap(Map.of(
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 2, TopicConfig.RETENTION_MS_CONFIG, 1000L,
            TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, 0L)), time);
        try {
            for (int i = 0; i < 6; i++) {
                background.appendAsLeader(batch(NOW, "x", 1), 0);
            }
            time.advance(60_000);

            assertThat(background.deleteExpiredSegments()).isEqualTo(3);

            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Files.list(partition).map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(LogSegment.DELETED_SUFFIX)));
            assertThat(background.segmentBaseOffsets()).containsExactly(6L);
        } finally {
            background.close();
        }
    }
}
