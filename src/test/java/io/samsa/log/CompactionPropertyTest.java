package io.samsa.log;

import static io.samsa.log.KeyedRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.samsa.log.KeyedRecords.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Utils;

class CompactionPropertyTest {

    private static final TopicPartition TP = new TopicPartition("p", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long SEGMENT_MS = 60_000L;
    private static final long DELETE_RETENTION_MS = 150_000L;

    /**
     * Any mix of writes (updates and tombstones over a few keys, plain or compressed), rolls,
     * passes of the cleaner and passing time: every record left is one that was written at that
     * offset, every key's latest value is always there, and once everything is compacted and
     * the tombstones' time is up, each live key appears exactly once and deleted ones not at all.
     */
    @Property(tries = 200)
    void compactionOnlyEverRemovesSupersededRecordsAndExpiredTombstones(
        @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 99) Integer> steps) throws Exception {
        Path dir = Files.createTempDirectory("samsa-compaction");
        ManualTime time = new ManualTime(NOW);
        LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 1024, TopicConfig.SEGMENT_MS_CONFIG, SEGMENT_MS,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, 0.0, TopicConfig.DELETE_RETENTION_MS_CONFIG,
            DELETE_RETENTION_MS, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 100));
        Log log = Log.open(dir, TP, config, time, Scheduler.immediate());
        LogCleaner cleaner = new LogCleaner(new LogCleaner.Settings(true, 1, 1, 24 * 1024), () -> List.of(log), time);
        Map<Long, Entry> written = new HashMap<>();
        Map<String, Entry> latest = new HashMap<>();
        try {
            for (int step : steps) {
                if (step < 60) {
                    write(log, time, step, written, latest);
                } else if (step < 75) {
                    time.advance(SEGMENT_MS + 1);
                    log.rollIfDue();
                } else if (step < 95) {
                    cleaner.cleanOnce();
                    check(log, written, latest);
                } else {
                    time.advance(DELETE_RETENTION_MS / 2);
                }
            }
            check(log, written, latest);

            time.advance(SEGMENT_MS + 1);
            log.rollIfDue();
            cleaner.cleanOnce();
            time.advance(DELETE_RETENTION_MS);
            cleaner.cleanOnce();

            Map<String, Entry> live = new HashMap<>();
            latest.forEach((key, entry) -> {
                if (entry.value() != null) {
                    live.put(key, entry);
                }
            });
            assertThat(readAll(log)).containsExactlyInAnyOrderElementsOf(live.values());
        } finally {
            log.close();
            Utils.delete(dir.toFile());
        }
    }

    /** A batch of 1 to 6 records over 8 keys; about one record in five is a tombstone. */
    private static void write(Log log, ManualTime time, int seed, Map<Long, Entry> written, Map<String, Entry> latest) {
        int count = 1 + seed % 6;
        SimpleRecord[] records = new SimpleRecord[count];
        String[] keys = new String[count];
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = "k" + (seed * 7 + i * 3 + (int) (log.logEndOffset() % 5)) % 8;
            values[i] = (seed + i) % 5 == 0 ? null : "v" + log.logEndOffset() + "-" + i;
            records[i] = new SimpleRecord(time.milliseconds(), keys[i].getBytes(),
                values[i] == null ? null : values[i].getBytes());
        }
        Compression compression = seed % 3 == 0 ? Compression.gzip().build() : Compression.NONE;
        long first = log.appendAsLeader(MemoryRecords.withRecords(compression, records), 0).firstOffset();
        for (int i = 0; i < count; i++) {
            Entry entry = new Entry(first + i, keys[i], values[i]);
            written.put(entry.offset(), entry);
            latest.put(entry.key(), entry);
        }
    }

    private static void check(Log log, Map<Long, Entry> written, Map<String, Entry> latest) {
        List<Entry> entries = readAll(log);
        for (Entry entry : entries) {
            assertThat(entry).isEqualTo(written.get(entry.offset()));
        }
        for (Entry entry : latest.values()) {
            if (entry.value() != null) {
                assertThat(entries).contains(entry);
            }
        }
    }
}
