package io.samsa.log;

import java.util.Iterator;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The checks a leader applies to a client's batch before assigning offsets, and the in-place
 * header rewrite that assigns them. Every check reads the batch header only: records of a
 * compressed batch are never decompressed and an uncompressed batch is not walked record by
 * record, so an append allocates nothing per record. The consequence, compared with Kafka, is
 * that timestamps are checked on the batch's first and largest timestamp rather than on every
 * record, and record-level offset deltas are trusted once the CRC and the header's count agree.
 * A topic-level {@code compression.type} other than {@code producer} is not applied either:
 * batches are stored as the producer compressed them, where Kafka would recompress. The one
 * exception is a compacted topic: as in Kafka, every record must have a key there, so its
 * records are walked (decompressing a compressed batch) to check.
 *
 * <p>Stateless and thread-safe.
 */
final class AppendValidator {

    private AppendValidator() {
    }

    /**
     * Returns the single batch of a produce request for one partition after checking it.
     *
     * @throws InvalidRecordException no batch, several batches, not magic v2, bad offsets or
     *     counts, a control batch, a producer id without sequence, or a record without a key
     *     for a topic with {@code cleanup.policy=compact}
     * @throws CorruptRecordException the CRC-32C does not match
     * @throws RecordTooLargeException the batch exceeds {@code max.message.bytes}
     * @throws InvalidTimestampException a CreateTime timestamp outside the allowed window
     */
    static MutableRecordBatch validate(TopicPartition tp, MemoryRecords records, LogConfig config, long nowMs) {
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        if (!batches.hasNext()) {
            throw new InvalidRecordException("Produce to " + tp + " holds no complete record batch");
        }
        MutableRecordBatch batch = batches.next();
        if (batches.hasNext()) {
            throw new InvalidRecordException("One record batch per partition is expected in a produce to " + tp);
        }
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("Produce to " + tp + " has a batch of magic " + batch.magic()
                + "; only magic 2 is accepted");
        }
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            throw new RecordTooLargeException("The record batch of " + batch.sizeInBytes() + " bytes to " + tp
                + " exceeds max.message.bytes " + config.maxMessageBytes());
        }
        if (!batch.isValid()) {
            throw new CorruptRecordException("Record batch to " + tp + " fails its CRC-32C check");
        }
        if (batch.baseOffset() != 0) {
            throw new InvalidRecordException("The base offset of a produced batch to " + tp + " must be 0, not "
                + batch.baseOffset());
        }
        Integer count = batch.countOrNull();
        long offsetRange = batch.lastOffset() - batch.baseOffset() + 1;
        if (count == null || count <= 0 || offsetRange != count) {
            throw new InvalidRecordException("Record batch to " + tp + " has " + count + " records but an offset"
                + " range of " + offsetRange);
        }
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients may not write control batches (to " + tp + ")");
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            throw new InvalidRecordException("Idempotent batch to " + tp + " has no base sequence");
        }
        if (config.messageTimestampType() == TimestampType.CREATE_TIME) {
            checkTimestamp(tp, ((DefaultRecordBatch) batch).baseTimestamp(), config, nowMs);
            checkTimestamp(tp, batch.maxTimestamp(), config, nowMs);
        }
        if (config.cleanupPolicyCompact()) {
            checkKeys(tp, batch);
        }
        return batch;
    }

    /**
     * Kafka's rule for compacted topics: compaction keeps the latest record per key, so a record
     * without one is refused (INVALID_RECORD) with Kafka's message.
     */
    private static void checkKeys(TopicPartition tp, RecordBatch batch) {
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key in topic"
                        + " partition " + tp + ".");
                }
            }
        }
    }

    private static void checkTimestamp(TopicPartition tp, long timestamp, LogConfig config, long nowMs) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return;
        }
        long earliest = saturatingSubtract(nowMs, config.timestampBeforeMaxMs());
        long latest = saturatingAdd(nowMs, config.timestampAfterMaxMs());
        if (timestamp < earliest || timestamp > latest) {
            throw new InvalidTimestampException("Timestamp " + timestamp + " of a record to " + tp
                + " is out of range; it must lie within [" + earliest + ", " + latest + "]");
        }
    }

    private static long saturatingSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /**
     * Rewrites the header in place: last offset (which sets the base offset), leader epoch and,
     * for a LogAppendTime topic, the broker's time. Only the timestamp change touches the bytes
     * the CRC covers, and {@link MutableRecordBatch#setMaxTimestamp} recomputes it.
     *
     * @return the batch's max timestamp as stored
     */
    static long assignOffsets(MutableRecordBatch batch, long firstOffset, int leaderEpoch, LogConfig config,
                              long nowMs) {
        batch.setLastOffset(firstOffset + batch.lastOffset() - batch.baseOffset());
        batch.setPartitionLeaderEpoch(leaderEpoch);
        if (config.messageTimestampType() == TimestampType.LOG_APPEND_TIME) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
        } else if (batch.timestampType() != TimestampType.CREATE_TIME) {
            batch.setMaxTimestamp(TimestampType.CREATE_TIME, batch.maxTimestamp());
        }
        return batch.maxTimestamp();
    }

    /**
     * What a follower is about to append.
     *
     * @param firstOffset base offset of the first batch
     * @param lastOffset last offset of the last batch
     * @param maxTimestamp largest batch timestamp
     * @param validBytes bytes of whole batches
     * @param recordCount records in all batches
     */
    record Replicated(long firstOffset, long lastOffset, long maxTimestamp, int validBytes, int recordCount) {
    }

    /**
     * Checks batches a leader sent to a follower: magic v2, CRC-32C, and offsets ascending from
     * {@code logEndOffset}. Producer rules are not re-checked; the leader applied them.
     *
     * @throws InvalidRecordException a batch is not magic v2 or its offsets go backwards
     * @throws CorruptRecordException a batch fails its CRC-32C check
     */
    static Replicated validateReplicated(TopicPartition tp, MemoryRecords records, long logEndOffset) {
        long firstOffset = -1;
        long expectedNext = logEndOffset;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int validBytes = 0;
        int recordCount = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2 || batch.baseOffset() < expectedNext) {
                throw new InvalidRecordException("Replicated batch at " + batch.baseOffset() + " to " + tp
                    + " is not a magic v2 batch at or after offset " + expectedNext);
            }
            if (!batch.isValid()) {
                throw new CorruptRecordException("Replicated batch at " + batch.baseOffset() + " to " + tp
                    + " fails its CRC-32C check");
            }
            firstOffset = firstOffset < 0 ? batch.baseOffset() : firstOffset;
            expectedNext = batch.nextOffset();
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            validBytes += batch.sizeInBytes();
            recordCount += batch.countOrNull();
        }
        return new Replicated(firstOffset, expectedNext - 1, maxTimestamp, validBytes, recordCount);
    }
}
