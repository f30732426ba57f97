package io.samsa.log;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builds produce-shaped batches and reads back what a log returned. */
final class Batches {

    private Batches() {
    }

    static SimpleRecord record(long timestamp, String value) {
        return new SimpleRecord(timestamp, ("k-" + value).getBytes(StandardCharsets.UTF_8),
            value.getBytes(StandardCharsets.UTF_8));
    }

    /** One uncompressed batch of {@code count} records named {@code prefix-i}, all at {@code timestamp}. */
    static MemoryRecords batch(long timestamp, String prefix, int count) {
        return batch(CompressionType.NONE, timestamp, prefix, count);
    }

    static MemoryRecords batch(CompressionType compression, long timestamp, String prefix, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = record(timestamp, prefix + "-" + i);
        }
        return MemoryRecords.withRecords(Compression.of(compression).build(), records);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, long timestamp, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = record(timestamp, "p" + producerId + "-" + (baseSequence + i));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    /** Values of every record in {@code records}, decompressing as needed. */
    static List<String> values(Records records) {
        List<String> values = new ArrayList<>();
        for (Record record : records.records()) {
            values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
        }
        return values;
    }

    static List<Long> offsets(Records records) {
        List<Long> offsets = new ArrayList<>();
        for (Record record : records.records()) {
            offsets.add(record.offset());
        }
        return offsets;
    }

    static List<RecordBatch> batches(Records records) {
        List<RecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        return batches;
    }
}
