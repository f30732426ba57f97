package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader epoch a batch carries is the epoch current when it was appended, read under the lock that
 * serialises appends with epoch changes, and ListOffsets-style lookups answer with the epoch of the batch
 * that holds the offset rather than the current one.
 */
class LeaderEpochStampingTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    /** Offsets 0-2 in epoch 0 (timestamps T, T+10, T+100), 3-4 in epoch 3 (T+200, T+250), current epoch 5. */
    private Log logWithTwoEpochsOfBatches() throws Exception {
        Log log = Log.open(dir, TP, LogConfig.defaults(), new ManualTime(T + 1000), Scheduler.immediate());
        log.updateLeaderEpoch(0);
        log.appendAsLeader(MemoryRecords.withRecords(org.apache.kafka.common.compress.Compression.NONE,
            Batches.record(T, "a"), Batches.record(T + 10, "b")));
        log.appendAsLeader(batch(T + 100, "c", 1));
        log.updateLeaderEpoch(3);
        log.appendAsLeader(batch(T + 200, "d", 1));
        log.appendAsLeader(batch(T + 250, "e", 1));
        log.updateLeaderEpoch(5);
        return log;
    }

    @Test
    void epochForOffsetIsTheEpochOfTheBatchHoldingIt() throws Exception {
        try (Log log = logWithTwoEpochsOfBatches()) {
            assertThat(List.of(0L, 1L, 2L, 3L, 4L)).map(log::epochForOffset).containsExactly(0, 0, 0, 3, 3);
            assertThat(log.epochForOffset(log.logStartOffset())).as("EARLIEST").isZero();
            assertThat(log.epochForOffset(log.logEndOffset())).as("the next batch's epoch").isEqualTo(5);
            assertThat(log.leaderEpoch()).isEqualTo(5);
        }
    }

    @Test
    void timestampLookupsAnswerWithTheEpochOfTheBatchFound() throws Exception {
        try (Log log = logWithTwoEpochsOfBatches()) {
            assertThat(log.offsetForTimestamp(T + 5)).contains(new TimestampAndOffset(T + 10, 1, 0));
            assertThat(log.offsetForTimestamp(T + 150)).contains(new TimestampAndOffset(T + 200, 3, 3));
            assertThat(log.maxTimestampAndOffset()).contains(new TimestampAndOffset(T + 250, 4, 3));
        }
    }

    @Test
    void endOffsetOfAnOlderEpochIsTheStartOfTheNextOne() throws Exception {
        try (Log log = logWithTwoEpochsOfBatches()) {
            assertThat(log.endOffsetForEpoch(0)).contains(new EpochEndOffset(0, 3));
            assertThat(log.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 5));
        }
    }

    @Test
    void appendAsLeaderOfAnOlderEpochIsRefusedAndWritesNothing() throws Exception {
        try (Log log = logWithTwoEpochsOfBatches()) {
            long end = log.logEndOffset();

            assertThatThrownBy(() -> log.appendAsLeader(batch(T + 300, "stale", 1), 3))
                .isInstanceOf(NotLeaderOrFollowerException.class);

            assertThat(log.logEndOffset()).isEqualTo(end);
            assertThat(log.leaderEpoch()).isEqualTo(5);
        }
    }

    @Test
    void epochsInTheLogNeverGoBackwardsWhileAppendsRaceWithEpochChanges() throws Exception {
        int appenders = 4;
        int epochs = 200;
        ExecutorService pool = Executors.newFixedThreadPool(appenders + 1);
        try (Log log = Log.open(dir, TP, LogConfig.defaults(), Time.SYSTEM, Scheduler.immediate())) {
            log.updateLeaderEpoch(0);
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean raising = new AtomicBoolean(true);
            AtomicInteger appended = new AtomicInteger();
            List<Future<?>> tasks = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                String prefix = "w" + a;
                tasks.add(pool.submit(() -> {
                    start.await();
                    // Appends go on while the epochs change, and one more follows the last change.
                    boolean last = false;
                    for (int i = 0; !last; i++) {
                        last = !raising.get();
                        log.appendAsLeader(batch(System.currentTimeMillis(), prefix + "-" + i, 1));
                        appended.incrementAndGet();
                    }
                    return null;
                }));
            }
            Future<?> raiser = pool.submit(() -> {
                start.await();
                try {
                    for (int epoch = 1; epoch <= epochs; epoch++) {
                        assertThat(log.updateLeaderEpoch(epoch)).isTrue();
                        Thread.yield();
                    }
                } finally {
                    raising.set(false);
                }
                return null;
            });
            start.countDown();
            raiser.get(120, TimeUnit.SECONDS);
            for (Future<?> task : tasks) {
                task.get(120, TimeUnit.SECONDS);
            }

            List<RecordBatch> batches = readAllBatches(log);
            assertThat(batches).hasSize(appended.get());
            List<Integer> stamped = batches.stream().map(RecordBatch::partitionLeaderEpoch).toList();
            assertThat(stamped).isSorted();
            assertThat(stamped.get(stamped.size() - 1)).as("appended after the last change").isEqualTo(epochs);

            LeaderEpochCache checkpoint = LeaderEpochCache.load(dir);
            assertThat(checkpoint.loadedFromFile()).isTrue();
            for (RecordBatch b : batches) {
                assertThat(checkpoint.epochForOffset(b.baseOffset())).as("checkpoint at offset %d", b.baseOffset())
                    .contains(b.partitionLeaderEpoch());
                assertThat(log.epochForOffset(b.baseOffset())).isEqualTo(b.partitionLeaderEpoch());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<RecordBatch> readAllBatches(Log log) {
        List<RecordBatch> batches = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadInfo read = log.read(next, 1 << 20, log.logEndOffset(), true);
            for (RecordBatch b : read.records().batches()) {
                if (b.baseOffset() >= next) {
                    batches.add(b);
                    next = b.nextOffset();
                }
            }
        }
        return batches;
    }
}
