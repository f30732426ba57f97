package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.storage.internals.checkpoint.LeaderEpochCheckpointFile;
import org.apache.kafka.storage.internals.log.EpochEntry;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;
import org.apache.kafka.storage.internals.log.OffsetPosition;
import org.apache.kafka.storage.internals.log.TimestampOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apache Kafka's own storage classes read the files Samsa writes. */
class KafkaFileCompatibilityTest {

    private static final TopicPartition TP = new TopicPartition("compat", 0);
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private Log log;

    @BeforeEach
    void writeAndCloseALog() throws Exception {
        ManualTime time = new ManualTime(T + 10_000);
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 100,
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 2000)), time, Scheduler.immediate());
        for (int i = 0; i < 40; i++) {
            CompressionType compression = i % 3 == 0 ? CompressionType.ZSTD : CompressionType.NONE;
            log.appendAsLeader(batch(compression, T + i * 10L, "v" + i, 1 + i % 4), i < 20 ? 1 : 2);
        }
        log.close();
        assertThat(log.numberOfSegments()).isGreaterThan(2);
    }

    @Test
    void kafkaOffsetIndexAcceptsAndResolvesSamsaIndexes() throws Exception {
        for (long base : log.segmentBaseOffsets()) {
            File file = dir.resolve(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX)).toFile();
            try (var kafkaIndex = new org.apache.kafka.storage.internals.log.OffsetIndex(file, base, -1, false);
                 FileRecords records = FileRecords.open(dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX))
                     .toFile(), false)) {
                assertThatCode(kafkaIndex::sanityCheck).doesNotThrowAnyException();
                assertThat(kafkaIndex.entries()).isPositive();
                for (int slot = 0; slot < kafkaIndex.entries(); slot++) {
                    OffsetPosition entry = kafkaIndex.entry(slot);
                    FileChannelRecordBatch batch = records.batchesFrom(entry.position()).iterator().next();
                    assertThat(batch.lastOffset()).as("indexed offset is the last offset of the batch it points to")
                        .isEqualTo(entry.offset());
                }
            }
        }
    }

    @Test
    void kafkaTimeIndexAcceptsSamsaTimeIndexes() throws Exception {
        long previousMax = -1;
        for (long base : log.segmentBaseOffsets()) {
            File file = dir.resolve(LogSegment.fileName(base, LogSegment.TIME_INDEX_SUFFIX)).toFile();
            try (var kafkaIndex = new org.apache.kafka.storage.internals.log.TimeIndex(file, base, -1, false)) {
                assertThatCode(kafkaIndex::sanityCheck).doesNotThrowAnyException();
                TimestampOffset last = kafkaIndex.lastEntry();
                assertThat(last.timestamp()).isGreaterThan(previousMax);
                assertThat(last.offset()).isGreaterThanOrEqualTo(base);
                previousMax = last.timestamp();
            }
        }
        assertThat(previousMax).isEqualTo(T + 390);
    }

    @Test
    void kafkaReadsSamsaLeaderEpochCheckpoint() throws Exception {
        LeaderEpochCheckpointFile checkpoint = new LeaderEpochCheckpointFile(
            dir.resolve(LeaderEpochCache.FILE_NAME).toFile(), new LogDirFailureChannel(1));

        List<EpochEntry> entries = checkpoint.read();

        assertThat(entries).extracting(EpochEntry::epoch).containsExactly(1, 2);
        assertThat(entries.get(0).startOffset()).isZero();
        assertThat(entries.get(1).startOffset()).isPositive();
    }
}
