package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimestampLookupTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T + 1_000_000);
    private Log log;

    @BeforeEach
    void open() throws Exception {
        int batchBytes = compressedBatch(0).sizeInBytes();
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0,
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, batchBytes * 4)), time, Scheduler.immediate());
    }

    @AfterEach
    void close() {
        log.close();
    }

    /** Records at T+base, T+base+10, T+base+5 (not sorted inside the batch), gzip-compressed. */
    private static MemoryRecords compressedBatch(long base) {
        return MemoryRecords.withRecords(Compression.gzip().build(),
            Batches.record(T + base, "a"), Batches.record(T + base + 10, "b"), Batches.record(T + base + 5, "c"));
    }

    @Test
    void offsetForTimestampFindsFirstRecordAtOrAfterTargetAcrossSegments() {
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(compressedBatch(i * 100L), 4);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(1);

        assertThat(log.offsetForTimestamp(T)).contains(new TimestampAndOffset(T, 0, 4));
        assertThat(log.offsetForTimestamp(T + 7)).contains(new TimestampAndOffset(T + 10, 1, 4));
        assertThat(log.offsetForTimestamp(T + 50)).contains(new TimestampAndOffset(T + 100, 3, 4));
        assertThat(log.offsetForTimestamp(T + 905)).contains(new TimestampAndOffset(T + 910, 28, 4));
        assertThat(log.offsetForTimestamp(T + 911)).isEmpty();
    }

    @Test
    void offsetForTimestampNeverAnswersBelowLogStartOffset() {
        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(compressedBatch(i * 100L), 0);
        }
        log.deleteRecordsBefore(4);

        assertThat(log.offsetForTimestamp(T)).hasValueSatisfying(t -> assertThat(t.offset()).isEqualTo(4));
    }

    @Test
    void maxTimestampAndOffsetPointsAtTheRecordWithTheLargestTimestamp() {
        log.appendAsLeader(compressedBatch(0), 1);
        log.appendAsLeader(compressedBatch(500), 2);
        log.appendAsLeader(compressedBatch(100), 3);

        assertThat(log.maxTimestampAndOffset()).contains(new TimestampAndOffset(T + 510, 4, 2));
    }

    @Test
    void emptyLogHasNoTimestamps() {
        assertThat(log.maxTimestampAndOffset()).isEmpty();
        assertThat(log.offsetForTimestamp(0)).isEmpty();
    }

    @Test
    void timeIndexLookupSurvivesReopen() throws Exception {
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(T + i * 100L, "x", 2), 0);
        }
        LogConfig config = log.config();
        log.close();

        log = Log.open(dir, TP, config, time, Scheduler.immediate());

        assertThat(log.offsetForTimestamp(T + 450)).hasValueSatisfying(t -> assertThat(t.offset()).isEqualTo(10));
        assertThat(log.maxTimestampAndOffset()).hasValueSatisfying(t -> {
            assertThat(t.timestamp()).isEqualTo(T + 900);
            assertThat(t.offset()).isEqualTo(18);
        });
    }
}
