package io.samsa.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

/** Shared set-up for the log benchmarks: produce-shaped batches and throw-away logs. */
final class BenchLogs {

    static final TopicPartition TP = new TopicPartition("bench", 0);
    /** The producer's default batch.size: ProducerPerformance fills batches up to it. */
    static final int BATCH_BYTES = 16 * 1024;

    private BenchLogs() {
    }

    /** One uncompressed batch of as many {@code recordSize}-byte values (no key) as fill ~16 KiB. */
    static MemoryRecords producerBatch(int recordSize, long timestamp) {
        int count = Math.max(1, BATCH_BYTES / (recordSize + 8));
        Random random = new Random(42);
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[recordSize];
            random.nextBytes(value);
            records[i] = new SimpleRecord(timestamp, null, value);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /**
     * A producer sends every batch with base offset 0 and the broker overwrites it in place; put the
     * 0 back (the first 8 bytes, outside the CRC) so one batch can be appended again and again.
     */
    static MemoryRecords asProduced(MemoryRecords batch) {
        batch.buffer().putLong(0, 0L);
        return batch;
    }

    static Log open(Path dir) throws IOException {
        return Log.open(dir.resolve("bench-0"), TP, LogConfig.fromMap(Map.of()), Time.SYSTEM, Scheduler.immediate());
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
