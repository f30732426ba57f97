package io.samsa.log;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
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
 * header rewrite that assigns them. In the common case every check reads the batch header only:
 * records of a compressed batch are not decompressed and an uncompressed batch is not walked
 * record by record, so an append allocates nothing per record. The consequence, compared with
 * Kafka, is that timestamps are checked on the batch's first and largest timestamp rather than
 * on every record (enough for {@code message.timestamp.after.max.ms}: no record is later than the
 * largest; a bounded {@code message.timestamp.before.max.ms} needs the smallest, which the header
 * does not hold, so then every record is checked), and record-level offset deltas are trusted
 * once the CRC and the header's count agree. A topic-level {@code compression.type} other than {@code producer} is not applied
 * either: batches are stored as the producer compressed them, where Kafka would recompress.
 *
 * <p>The records are walked (decompressing a compressed batch) where Kafka's answer names
 * records: on a compacted topic, where every record must have a key, when the header shows
 * a timestamp out of range or a producer-set LogAppendTime, and when
 * {@code message.timestamp.before.max.ms} is bounded. A batch refused there raises
 * {@link RecordValidationException} listing each offending record (KIP-467).
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
     *     counts, a control batch, or a producer id without sequence
     * @throws CorruptRecordException the CRC-32C does not match
     * @throws RecordTooLargeException the batch exceeds {@code max.message.bytes}
     * @throws RecordValidationException records without a key for a topic with
     *     {@code cleanup.policy=compact}, CreateTime timestamps outside the allowed window, or a
     *     producer-set LogAppendTime
     * @throws InvalidTimestampException header timestamps outside the window that no record has
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
        boolean createTime = config.messageTimestampType() == TimestampType.CREATE_TIME;
        boolean headerTimestampsValid = !createTime
            || (inRange(((DefaultRecordBatch) batch).baseTimestamp(), config, nowMs)
                && inRange(batch.maxTimestamp(), config, nowMs));
        // The producer never sets LogAppendTime; a batch that does is judged record by record, as Kafka does.
        boolean producerSetLogAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
        // A record after the first may be older than both header timestamps.
        boolean oldestUnknown = createTime && config.timestampBeforeMaxMs() != Long.MAX_VALUE && count > 1;
        if (config.cleanupPolicyCompact() || !headerTimestampsValid || producerSetLogAppendTime || oldestUnknown) {
            checkRecords(tp, batch, config, nowMs);
        }
        if (!headerTimestampsValid) {
            // No record is out of range, yet the header says one is: the header lies, so the batch goes.
            throw new InvalidTimestampException("The timestamps in the header of the batch to " + tp + " lie outside"
                + " the allowed window " + window(config, nowMs) + " while its records' do not");
        }
        return batch;
    }

    /**
     * Kafka's per-record rules (KIP-467): a record without a key is refused by a compacted topic
     * (compaction keeps the latest record per key), a CreateTime timestamp must lie within
     * {@code message.timestamp.before/after.max.ms} of now, and a producer may not claim
     * LogAppendTime. Every offending record is listed; the batch is answered with
     * {@code INVALID_TIMESTAMP} when a timestamp is among the problems, else {@code INVALID_RECORD}.
     */
    private static void checkRecords(TopicPartition tp, RecordBatch batch, LogConfig config, long nowMs) {
        List<RecordValidationException.RecordError> errors = new ArrayList<>(0);
        boolean timestampError = false;
        boolean createTime = config.messageTimestampType() == TimestampType.CREATE_TIME;
        int index = 0;
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                Record record = records.next();
                String problem = null;
                if (config.cleanupPolicyCompact() && !record.hasKey()) {
                    problem = "Compacted topic cannot accept message without key in topic partition " + tp + ".";
                } else if (createTime && record.timestamp() != RecordBatch.NO_TIMESTAMP) {
                    if (!inRange(record.timestamp(), config, nowMs)) {
                        problem = "Timestamp " + record.timestamp() + " of record " + index + " to " + tp
                            + " is out of range; it must lie within " + window(config, nowMs);
                        timestampError = true;
                    }
                } else if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
                    problem = "Record " + index + " to " + tp + " has timestamp type LogAppendTime, which only the"
                        + " broker may set";
                    timestampError = true;
                }
                if (problem != null) {
                    errors.add(new RecordValidationException.RecordError(index, problem));
                }
                index++;
            }
        }
        if (errors.isEmpty()) {
            return;
        }
        ApiException batchError = timestampError
            ? new InvalidTimestampException(errors.size() + " record(s) of the batch to " + tp
                + " have invalid timestamps; the first: " + errors.get(0).message())
            : new InvalidRecordException(errors.size() + " record(s) of the batch to " + tp
                + " were rejected; the first: " + errors.get(0).message());
        throw new RecordValidationException(batchError, errors);
    }

    private static boolean inRange(long timestamp, LogConfig config, long nowMs) {
        return timestamp == RecordBatch.NO_TIMESTAMP
            || (timestamp >= saturatingSubtract(nowMs, config.timestampBeforeMaxMs())
                && timestamp <= saturatingAdd(nowMs, config.timestampAfterMaxMs()));
    }

    private static String window(LogConfig config, long nowMs) {
        return "[" + saturatingSubtract(nowMs, config.timestampBeforeMaxMs()) + ", "
            + saturatingAdd(nowMs, config.timestampAfterMaxMs()) + "]";
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
