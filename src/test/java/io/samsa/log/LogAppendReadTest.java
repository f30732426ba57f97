package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.batches;
import static io.samsa.log.Batches.offsets;
import static io.samsa.log.Batches.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LogAppendReadTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    private Log open(Map<String, ?> overrides) throws Exception {
        log = Log.open(dir.resolve("orders-0"), TP, LogConfig.fromMap(overrides), time, Scheduler.immediate());
        return log;
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void appendedBatchesReadBackWithAssignedOffsetsForEveryCompression(CompressionType compression) throws Exception {
        open(Map.of());
        LogAppendInfo first = log.appendAsLeader(batch(compression, NOW, "a", 3), 7);
        LogAppendInfo second = log.appendAsLeader(batch(compression, NOW, "b", 2), 7);

        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(first.recordCount()).isEqualTo(3);
        assertThat(first.duplicate()).isFalse();
        assertThat(second.firstOffset()).isEqualTo(3);
        assertThat(second.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(5);

        LogReadInfo read = log.read(0, 1 << 20, Long.MAX_VALUE, false);
        assertThat(read.records()).isInstanceOf(SegmentSlice.class);
        assertThat(values(read.records())).containsExactly("a-0", "a-1", "a-2", "b-0", "b-1");
        assertThat(offsets(read.records())).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(batches(read.records())).allSatisfy(b -> {
            assertThat(b.compressionType()).isEqualTo(compression);
            assertThat(b.partitionLeaderEpoch()).isEqualTo(7);
            assertThat(b.isValid()).isTrue();
        });
    }

    @Test
    void readFromOffsetInsideBatchReturnsWholeBatch() throws Exception {
        open(Map.of());
        log.appendAsLeader(batch(NOW, "a", 3), 0);
        log.appendAsLeader(batch(NOW, "b", 4), 0);

        LogReadInfo read = log.read(5, 1 << 20, Long.MAX_VALUE, false);

        assertThat(batches(read.records())).hasSize(1);
        assertThat(batches(read.records()).get(0).baseOffset()).isEqualTo(3);
        assertThat(offsets(read.records())).containsExactly(3L, 4L, 5L, 6L);
        assertThat(read.segmentBaseOffset()).isZero();
        assertThat(read.segmentPosition()).isEqualTo(batch(NOW, "a", 3).sizeInBytes());
    }

    @Test
    void readReturnsOnlyWholeBatchesThatFitMaxBytes() throws Exception {
        open(Map.of());
        int batchSize = batch(NOW, "a", 2).sizeInBytes();
        for (int i = 0; i < 4; i++) {
            log.appendAsLeader(batch(NOW, "a", 2), 0);
        }

        LogReadInfo read = log.read(0, batchSize * 2 + batchSize / 2, Long.MAX_VALUE, false);

        assertThat(read.records().sizeInBytes()).isEqualTo(batchSize * 2);
        assertThat(offsets(read.records())).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void minOneMessageReturnsFirstBatchEvenWhenLargerThanMaxBytes() throws Exception {
        open(Map.of());
        log.appendAsLeader(batch(NOW, "big", 10), 0);
        log.appendAsLeader(batch(NOW, "next", 1), 0);

        LogReadInfo withoutMinOne = log.read(0, 10, Long.MAX_VALUE, false);
        LogReadInfo withMinOne = log.read(0, 10, Long.MAX_VALUE, true);

        assertThat(withoutMinOne.records().sizeInBytes()).isZero();
        assertThat(offsets(withMinOne.records())).hasSize(10).startsWith(0L).endsWith(9L);
    }

    @Test
    void readStopsBeforeBatchReachingMaxOffsetExclusive() throws Exception {
        open(Map.of());
        log.appendAsLeader(batch(NOW, "a", 2), 0);
        log.appendAsLeader(batch(NOW, "b", 2), 0);
        log.appendAsLeader(batch(NOW, "c", 2), 0);

        LogReadInfo upToHighWatermark = log.read(0, 1 << 20, 3, true);
        LogReadInfo atHighWatermark = log.read(2, 1 << 20, 2, true);

        assertThat(offsets(upToHighWatermark.records())).containsExactly(0L, 1L);
        assertThat(atHighWatermark.records().sizeInBytes()).isZero();
    }

    @Test
    void readAtLogEndOffsetIsEmptyAndOutsideRangeFails() throws Exception {
        open(Map.of());
        log.appendAsLeader(batch(NOW, "a", 2), 0);

        assertThat(log.read(2, 1000, Long.MAX_VALUE, true).records().sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(3, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 1000, Long.MAX_VALUE, true))
            .isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void logAppendTimeTopicStampsBrokerTimeIntoBatch() throws Exception {
        open(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));

        LogAppendInfo info = log.appendAsLeader(batch(CompressionType.LZ4, 5L, "a", 3), 0);

        assertThat(info.logAppendTime()).isEqualTo(NOW);
        RecordBatch stored = batches(log.read(0, 1 << 20, Long.MAX_VALUE, false).records()).get(0);
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(NOW);
        assertThat(stored.isValid()).isTrue();
        stored.forEach(record -> assertThat(record.timestamp()).isEqualTo(NOW));
    }

    @Test
    void createTimeTopicKeepsProducerTimestamps() throws Exception {
        open(Map.of());

        LogAppendInfo info = log.appendAsLeader(batch(NOW - 1000, "a", 2), 0);

        assertThat(info.logAppendTime()).isEqualTo(-1);
        assertThat(info.maxTimestamp()).isEqualTo(NOW - 1000);
        RecordBatch stored = batches(log.read(0, 1 << 20, Long.MAX_VALUE, false).records()).get(0);
        assertThat(stored.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    }

    @Test
    void readSpanningSegmentsReturnsFromOneSegmentAndContinuesInTheNext() throws Exception {
        int batchSize = batch(NOW, "v0", 1).sizeInBytes();
        open(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, batchSize * 2));
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(NOW, "v" + i, 1), 0);
        }
        assertThat(log.numberOfSegments()).isEqualTo(3);

        LogReadInfo first = log.read(0, 1 << 20, Long.MAX_VALUE, false);
        LogReadInfo second = log.read(2, 1 << 20, Long.MAX_VALUE, false);

        assertThat(values(first.records())).containsExactly("v0-0", "v1-0");
        assertThat(values(second.records())).containsExactly("v2-0", "v3-0");
        assertThat(second.segmentBaseOffset()).isEqualTo(2);
        assertThat(second.segmentPosition()).isZero();
    }
}
