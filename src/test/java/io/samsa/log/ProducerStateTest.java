package io.samsa.log;

import static io.samsa.log.Batches.idempotent;
import static io.samsa.log.Batches.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateTest {

    private static final TopicPartition TP = new TopicPartition("t", 3);
    private static final long NOW = 1_700_000_000_000L;
    private static final long PID = 1000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    @BeforeEach
    void open() throws Exception {
        log = reopen();
    }

    private Log reopen() throws Exception {
        return Log.open(dir, TP, LogConfig.fromMap(Map.of()), time, Scheduler.immediate());
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void duplicateBatchReturnsOriginalOffsetsAndWritesNothing() {
        LogAppendInfo original = log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);
        log.appendAsLeader(idempotent(PID, (short) 0, 3, NOW, 2), 0);
        long sizeBefore = log.size();

        LogAppendInfo retry = log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(original.firstOffset());
        assertThat(retry.lastOffset()).isEqualTo(original.lastOffset());
        assertThat(log.size()).isEqualTo(sizeBefore);
        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void sequenceGapIsOutOfOrder() {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);

        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) 0, 5, NOW, 1), 0))
            .isInstanceOf(OutOfOrderSequenceException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER));
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void olderEpochIsFenced() {
        log.appendAsLeader(idempotent(PID, (short) 2, 0, NOW, 1), 0);

        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) 1, 1, NOW, 1), 0))
            .isInstanceOf(InvalidProducerEpochException.class)
            .satisfies(e -> assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH));
    }

    @Test
    void newEpochMustStartAtSequenceZero() {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 4), 0);

        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) 1, 4, NOW, 1), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.appendAsLeader(idempotent(PID, (short) 1, 0, NOW, 1), 0).duplicate()).isFalse();
        assertThat(log.producerState().entry(PID)).hasValueSatisfying(e -> {
            assertThat(e.producerEpoch()).isEqualTo((short) 1);
            assertThat(e.lastSeq()).isZero();
        });
    }

    @Test
    void unknownProducerMayStartAtAnySequence() {
        LogAppendInfo info = log.appendAsLeader(idempotent(PID, (short) 5, 1234, NOW, 2), 0);

        assertThat(info.firstOffset()).isZero();
        assertThat(log.appendAsLeader(idempotent(PID, (short) 5, 1236, NOW, 1), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void sequenceWrapsAroundAfterIntegerMax() {
        log.appendAsLeader(idempotent(PID, (short) 0, Integer.MAX_VALUE, NOW, 1), 0);

        assertThat(log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 1), 0).firstOffset()).isEqualTo(1);
    }

    @Test
    void onlyTheLastFiveBatchesAreRecognisedAsDuplicates() {
        for (int seq = 0; seq < 6; seq++) {
            log.appendAsLeader(idempotent(PID, (short) 0, seq, NOW, 1), 0);
        }

        assertThat(log.appendAsLeader(idempotent(PID, (short) 0, 1, NOW, 1), 0).duplicate()).isTrue();
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 1), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void producerStateSurvivesCleanReopen() throws Exception {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);
        log.appendAsLeader(idempotent(PID + 1, (short) 4, 10, NOW, 1), 0);
        log.close();

        log = reopen();

        LogAppendInfo retry = log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.lastOffset()).isEqualTo(2);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID + 1, (short) 4, 12, NOW, 1), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
            .contains(LogSegment.fileName(4, ProducerStateManager.SNAPSHOT_SUFFIX));
    }

    @Test
    void producerStateIsRebuiltFromBatchesAfterCrashWithoutSnapshot() throws Exception {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);
        log.appendAsLeader(idempotent(PID, (short) 0, 3, NOW, 3), 0);
        log.flush();
        log.closeHandlers();

        Log recovered = reopen();
        log = recovered;

        LogAppendInfo retry = recovered.appendAsLeader(idempotent(PID, (short) 0, 3, NOW, 3), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(3);
        assertThat(recovered.appendAsLeader(idempotent(PID, (short) 0, 6, NOW, 1), 0).firstOffset())
            .isEqualTo(6);
        assertThat(offsets(recovered.read(0, 1 << 20, Long.MAX_VALUE, false).records()))
            .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void corruptSnapshotFallsBackToReplayingTheLog() throws Exception {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 2), 0);
        log.close();
        Path snapshot = dir.resolve(LogSegment.fileName(2, ProducerStateManager.SNAPSHOT_SUFFIX));
        try (FileChannel channel = FileChannel.open(snapshot, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9}), 8);
        }

        log = reopen();

        assertThat(log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 2), 0).duplicate()).isTrue();
        assertThat(log.producerState().entry(PID)).hasValueSatisfying(e -> assertThat(e.lastSeq()).isEqualTo(1));
    }

    @Test
    void producerStateAfterCrashCombinesRollSnapshotWithReplayOfLaterBatches() throws Exception {
        log.close();
        int batchBytes = idempotent(PID, (short) 0, 0, NOW, 1).sizeInBytes();
        LogConfig config = LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, batchBytes * 2));
        log = Log.open(dir, TP, config, time, Scheduler.immediate());
        for (int seq = 0; seq < 5; seq++) {
            log.appendAsLeader(idempotent(PID, (short) 0, seq, NOW, 1), 0);
        }
        assertThat(Files.exists(dir.resolve(LogSegment.fileName(4, ProducerStateManager.SNAPSHOT_SUFFIX)))).isTrue();

        log.closeHandlers();

        Log recovered = Log.open(dir, TP, config, time, Scheduler.immediate());
        log = recovered;

        assertThat(recovered.appendAsLeader(idempotent(PID, (short) 0, 4, NOW, 1), 0))
            .satisfies(info -> {
                assertThat(info.duplicate()).isTrue();
                assertThat(info.firstOffset()).isEqualTo(4);
            });
        assertThat(recovered.appendAsLeader(idempotent(PID, (short) 0, 1, NOW, 1), 0).firstOffset()).isEqualTo(1);
        assertThat(recovered.appendAsLeader(idempotent(PID, (short) 0, 5, NOW, 1), 0).firstOffset()).isEqualTo(5);
    }

    private static final long EXPIRATION_MS = 86_400_000L;

    @Test
    void idleProducerIsForgottenAfterTheExpirationTimeAndARecentOneIsKept() {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);
        time.advance(EXPIRATION_MS - 60_000);
        log.appendAsLeader(idempotent(PID + 1, (short) 0, 0, time.milliseconds(), 1), 0);
        time.advance(59_999);

        assertThat(log.producerState().removeExpiredProducers(time.milliseconds(), EXPIRATION_MS))
            .as("one millisecond short of the expiration time").isZero();

        time.advance(1);
        int removed = log.producerState().removeExpiredProducers(time.milliseconds(), EXPIRATION_MS);

        assertThat(removed).isEqualTo(1);
        assertThat(log.producerState().entry(PID)).isEmpty();
        assertThat(log.producerState().entry(PID + 1)).isPresent();
    }

    @Test
    void idlenessIsMeasuredFromTheNewestBatchTimestampNotFromTheAppend() {
        // A batch whose CreateTime is a day old is idle from the start, as in Kafka.
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW - EXPIRATION_MS, 1), 0);

        assertThat(log.producerState().removeExpiredProducers(time.milliseconds(), EXPIRATION_MS)).isEqualTo(1);
    }

    @Test
    void aForgottenProducerIsAcceptedAtAnySequenceAsKafkaDoesForAProducerWithoutState() {
        log.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 3), 0);
        time.advance(EXPIRATION_MS);
        log.producerState().removeExpiredProducers(time.milliseconds(), EXPIRATION_MS);

        // Kafka 4.x no longer answers UNKNOWN_PRODUCER_ID: without state it accepts any sequence and starts over.
        LogAppendInfo after = log.appendAsLeader(idempotent(PID, (short) 0, 7, time.milliseconds(), 2), 0);

        assertThat(after.duplicate()).isFalse();
        assertThat(after.firstOffset()).isEqualTo(3);
        assertThat(log.producerState().entry(PID)).hasValueSatisfying(e -> assertThat(e.lastSeq()).isEqualTo(8));
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) 0, 3, time.milliseconds(), 1), 0))
            .as("from then on its sequence is checked again")
            .isInstanceOf(OutOfOrderSequenceException.class);
    }
}
