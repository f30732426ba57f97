package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Keyed updates for compaction tests, and the log read back as (offset, key, value). */
final class KeyedRecords {

    private KeyedRecords() {
    }

    /** One record as read back; a null value is a tombstone. */
    record Entry(long offset, String key, String value) {
    }

    /** Records {@code first .. first+count-1}; record i has key {@code k<i % keys>} and value {@code v<i>}. */
    static MemoryRecords updates(Compression compression, long timestamp, int first, int count, int keys) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            int n = first + i;
            records[i] = new SimpleRecord(timestamp, bytes("k" + n % keys), bytes("v" + n));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    static MemoryRecords updates(long timestamp, int first, int count, int keys) {
        return updates(Compression.NONE, timestamp, first, count, keys);
    }

    /** One record; a null value makes it a tombstone. */
    static MemoryRecords record(long timestamp, String key, String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(timestamp, bytes(key), bytes(value)));
    }

    /**
     * Every record from the log start to the log end, checking on the way that batches come in
     * increasing offset order, each once, with valid CRCs.
     */
    static List<Entry> readAll(Log log) {
        List<Entry> entries = new ArrayList<>();
        long next = log.logStartOffset();
        long end = log.logEndOffset();
        while (next < end) {
            LogReadInfo read = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            boolean any = false;
            for (RecordBatch batch : read.records().batches()) {
                assertThat(batch.isValid()).isTrue();
                assertThat(batch.lastOffset()).as("batch after offset %d", next).isGreaterThanOrEqualTo(next);
                for (Record record : batch) {
                    if (record.offset() >= next) {
                        entries.add(new Entry(record.offset(), string(record), record.hasValue()
                            ? StandardCharsets.UTF_8.decode(record.value()).toString() : null));
                    }
                }
                next = batch.nextOffset();
                any = true;
            }
            if (!any) {
                break;
            }
        }
        for (int i = 1; i < entries.size(); i++) {
            assertThat(entries.get(i).offset()).isGreaterThan(entries.get(i - 1).offset());
        }
        return entries;
    }

    /** The newest entry per key. */
    static Map<String, Entry> latestByKey(List<Entry> entries) {
        Map<String, Entry> latest = new HashMap<>();
        for (Entry entry : entries) {
            latest.put(entry.key(), entry);
        }
        return latest;
    }

    /** What the latest entry per key must be after updates 0 .. count-1 over {@code keys} keys at offsets 0 .. count-1. */
    static Map<String, Entry> expectedLatest(int count, int keys) {
        Map<String, Entry> expected = new HashMap<>();
        for (int n = Math.max(0, count - keys); n < count; n++) {
            expected.put("k" + n % keys, new Entry(n, "k" + n % keys, "v" + n));
        }
        return expected;
    }

    private static String string(Record record) {
        return record.hasKey() ? StandardCharsets.UTF_8.decode(record.key()).toString() : null;
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
