package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void lockFreeReadersOnlyEverSeeWholeValidBatchesWhileAppendsAndRollsRun() throws Exception {
        Log log = Log.open(dir, TP, LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 4096,
            TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 128)), new ManualTime(NOW), Scheduler.immediate());
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService readers = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                results.add(readers.submit(() -> tailUntilDone(log, done)));
            }
            try {
                for (int i = 0; i < 2000; i++) {
                    log.appendAsLeader(Batches.batch(i % 2 == 0 ? CompressionType.NONE : CompressionType.LZ4, NOW,
                        "v" + i, 1 + i % 5), 0);
                }
            } finally {
                // Readers stop once they caught up with a writer that is done, even a failed one.
                done.set(true);
            }
            for (Future<Long> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(log.logEndOffset());
            }
            assertThat(log.numberOfSegments()).isGreaterThan(10);
        } finally {
            readers.shutdownNow();
            log.close();
        }
    }

    /** Follows the log like a consumer; returns the offset reached once the writer is done. */
    private static long tailUntilDone(Log log, AtomicBoolean done) {
        long next = 0;
        while (!Thread.currentThread().isInterrupted()) {
            boolean finished = done.get();
            LogReadInfo read = log.read(next, 700, Long.MAX_VALUE, true);
            for (RecordBatch batch : read.records().batches()) {
                assertThat(batch.isValid()).isTrue();
                assertThat(batch.baseOffset()).isEqualTo(next);
                next = batch.nextOffset();
            }
            if (finished && next == log.logEndOffset()) {
                return next;
            }
        }
        return next;
    }
}
