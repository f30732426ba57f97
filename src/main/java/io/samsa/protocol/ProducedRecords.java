package io.samsa.protocol;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

import java.nio.ByteBuffer;

/**
 * Checks the records inside produced batches before they reach a log. A CRC only proves the bytes arrived
 * as the client sent them; a batch whose CRC matches but whose records do not parse (a bad compression
 * codec, a record size that lies, a count that does not match) would be stored and then break every
 * consumer of the partition. Kafka's broker parses every record on append for the same reason.
 */
final class ProducedRecords {
    /** Where a v2 batch header keeps its attributes, whose low three bits are the compression codec. */
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int COMPRESSION_CODEC_MASK = 0x07;

    private ProducedRecords() {
    }

    /**
     * Throws the error the producer gets: {@link CorruptRecordException} for bytes that are not batches and
     * records, {@link InvalidRecordException} for well-formed records that break a rule.
     *
     * @return whether a batch is transactional, found on the same pass over the batch headers
     */
    static boolean validate(MemoryRecords records) {
        if (!wellFramed(records)) {
            throw new CorruptRecordException("Record batch sizes do not match the bytes of the produce request");
        }
        ByteBuffer buffer = records.buffer();
        int nextBatchStart = buffer.position();
        boolean transactional = false;
        for (MutableRecordBatch batch : records.batches()) {
            int batchStart = nextBatchStart;
            int batchEnd = batchStart + batch.sizeInBytes();
            nextBatchStart = batchEnd;
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                continue; // the log's append checks report this with its own error
            }
            transactional |= batch.isTransactional();
            // Uncompressed records are checked where they lie, without an object per record (the log checks the
            // CRC). A batch the walker refuses, and every compressed one, goes through kafka-clients' reader,
            // which names the problem, unless its CRC already fails, which the log reports. The codec bits come
            // straight from the header: a batch whose CRC fails may carry an unknown codec id.
            boolean uncompressed = (buffer.getShort(batchStart + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK)
                == CompressionType.NONE.id;
            Integer count = batch.countOrNull();
            if (uncompressed && count != null && UncompressedRecordWalker.wellFormed(buffer,
                    batchStart + DefaultRecordBatch.RECORD_BATCH_OVERHEAD, batchEnd, count)) {
                continue;
            }
            if (batch.isValid()) {
                validateRecords(batch);
            }
        }
        return transactional;
    }

    /** Reads every record with kafka-clients' reader; throws what the producer gets for the first bad one. */
    static void validateRecords(MutableRecordBatch batch) {
        Integer count = batch.countOrNull();
        int seen = 0;
        try (CloseableIterator<Record> iterator = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (iterator.hasNext()) {
                Record record = iterator.next();
                if (record.offset() != batch.baseOffset() + seen) {
                    throw new InvalidRecordException("Record " + seen + " of the batch has offset delta "
                        + (record.offset() - batch.baseOffset()));
                }
                for (Header header : record.headers()) {
                    if (header.key() == null) {
                        throw new InvalidRecordException("Invalid null header key found in headers");
                    }
                }
                seen++;
            }
        } catch (ApiException | VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // Unknown codec ids, truncated compressed data, varints that run off the end: not records.
            // (snappy-java reports bad input as an Error.)
            throw new CorruptRecordException("Records of the batch cannot be read: " + e, e);
        }
        if (count == null || count != seen) {
            throw new CorruptRecordException("The batch header counts " + count + " records but holds " + seen);
        }
    }

    /**
     * Whether the bytes are whole batches back to back. kafka-clients' batch iterator overflows on a size near
     * {@code Integer.MAX_VALUE} (and skips a cut-off last batch), so sizes are checked before it runs.
     */
    static boolean wellFramed(MemoryRecords records) {
        ByteBuffer buffer = records.buffer();
        long position = buffer.position();
        long end = buffer.limit();
        while (position < end) {
            if (end - position < Records.HEADER_SIZE_UP_TO_MAGIC) {
                return false;
            }
            int batchSize = buffer.getInt((int) position + Records.SIZE_OFFSET);
            if (batchSize < 0 || batchSize > end - position - Records.LOG_OVERHEAD) {
                return false;
            }
            position += Records.LOG_OVERHEAD + (long) batchSize;
        }
        return true;
    }
}
