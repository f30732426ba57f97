package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendValidationTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    @BeforeEach
    void open() throws Exception {
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, 2000,
            TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, 60_000L,
            TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, 60_000L)), time, Scheduler.immediate());
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void corruptCrcIsRejectedAsCorruptRecordAndNothingIsWritten() {
        MemoryRecords records = batch(NOW, "a", 2);
        ByteBuffer buffer = records.buffer();
        int lastByte = buffer.limit() - 1;
        buffer.put(lastByte, (byte) (buffer.get(lastByte) ^ 0xFF));

        assertThatThrownBy(() -> log.appendAsLeader(records, 0))
            .isInstanceOf(CorruptRecordException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.CORRUPT_MESSAGE));
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.size()).isZero();
    }

    @Test
    void batchLargerThanMaxMessageBytesIsRejected() {
        MemoryRecords big = MemoryRecords.withRecords(Compression.NONE,
            new org.apache.kafka.common.record.internal.SimpleRecord(NOW, new byte[3000]));

        assertThatThrownBy(() -> log.appendAsLeader(big, 0))
            .isInstanceOf(RecordTooLargeException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.MESSAGE_TOO_LARGE));
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void batchLargerThanSegmentIsRejectedAsBatchTooLarge() throws Exception {
        log.close();
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 100)), time,
            Scheduler.immediate());

        assertThatThrownBy(() -> log.appendAsLeader(batch(NOW, "a", 5), 0))
            .isInstanceOf(RecordBatchTooLargeException.class);
    }

    @Test
    void twoBatchesInOneProduceAreRejected() {
        ByteBuffer both = ByteBuffer.allocate(1024);
        both.put(batch(NOW, "a", 1).buffer());
        both.put(batch(NOW, "b", 1).buffer());
        both.flip();

        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(both), 0))
            .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void legacyMagicIsRejected() {
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
            Batches.record(NOW, "old"));

        assertThatThrownBy(() -> log.appendAsLeader(v1, 0))
            .isInstanceOf(InvalidRecordException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_RECORD));
    }

    @Test
    void nonZeroBaseOffsetIsRejected() {
        MemoryRecords shifted = MemoryRecords.withRecords(42L, Compression.NONE, Batches.record(NOW, "x"));

        assertThatThrownBy(() -> log.appendAsLeader(shifted, 0)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void emptyProduceIsRejected() {
        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.EMPTY, 0))
            .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void createTimeOutsideAllowedWindowIsRejected() {
        assertThatThrownBy(() -> log.appendAsLeader(batch(NOW + 120_000, "future", 1), 0))
            .isInstanceOfSatisfying(RecordValidationException.class, e -> {
                assertThat(Errors.forException(e.batchError())).isEqualTo(Errors.INVALID_TIMESTAMP);
                assertThat(e.recordErrors()).extracting(RecordValidationException.RecordError::batchIndex)
                    .containsExactly(0);
            });
        assertThatThrownBy(() -> log.appendAsLeader(batch(NOW - 120_000, "past", 1), 0))
            .isInstanceOfSatisfying(RecordValidationException.class,
                e -> assertThat(e.batchError()).isInstanceOf(InvalidTimestampException.class));
        assertThat(log.appendAsLeader(batch(NOW - 30_000, "ok", 1), 0).firstOffset()).isZero();
    }

    @Test
    void controlBatchFromClientIsRejected() {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
            TimestampType.CREATE_TIME, 0L, NOW, 1L, (short) 0, 0, true, true, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        builder.appendEndTxnMarker(NOW, new org.apache.kafka.common.record.internal.EndTransactionMarker(
            org.apache.kafka.common.record.internal.ControlRecordType.COMMIT, 0));

        assertThatThrownBy(() -> log.appendAsLeader(builder.build(), 0)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void trailingBytesOfAnIncompleteSecondBatchAreNotWritten() {
        MemoryRecords one = batch(NOW, "a", 2);
        ByteBuffer withTail = ByteBuffer.allocate(one.sizeInBytes() + 9);
        withTail.put(one.buffer().duplicate());
        withTail.put(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0});
        withTail.flip();

        LogAppendInfo info = log.appendAsLeader(MemoryRecords.readableRecords(withTail), 0);

        assertThat(info.validBytes()).isEqualTo(one.sizeInBytes());
        assertThat(log.size()).isEqualTo(one.sizeInBytes());
        assertThat(Batches.values(log.read(0, 1000, Long.MAX_VALUE, false).records())).containsExactly("a-0", "a-1");
    }

    @Test
    void recordWithoutKeyIsRejectedByACompactedTopicAsKafkaDoes() throws Exception {
        log.close();
        log = Log.open(dir, TP, LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")), time,
            Scheduler.immediate());
        SimpleRecord keyed = new SimpleRecord(NOW, "k".getBytes(), "v".getBytes());
        SimpleRecord keyless = new SimpleRecord(NOW, null, "v".getBytes());

        for (Compression compression : new Compression[] {Compression.NONE, Compression.lz4().build()}) {
            assertThatThrownBy(() -> log.appendAsLeader(
                    MemoryRecords.withRecords(compression, keyed, keyless, keyed, keyless), 0))
                .isInstanceOfSatisfying(RecordValidationException.class, e -> {
                    assertThat(Errors.forException(e.batchError())).isEqualTo(Errors.INVALID_RECORD);
                    assertThat(e.recordErrors()).extracting(RecordValidationException.RecordError::batchIndex)
                        .containsExactly(1, 3);
                    assertThat(e.recordErrors().get(0).message())
                        .contains("Compacted topic cannot accept message without key");
                });
        }
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, keyed), 0).firstOffset()).isZero();
    }

    @Test
    void recordWithoutKeyIsAcceptedByADeleteTopic() {
        SimpleRecord keyless = new SimpleRecord(NOW, null, "v".getBytes());

        assertThat(log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, keyless), 0).firstOffset()).isZero();
    }
}
