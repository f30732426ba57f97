package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.idempotent;
import static io.samsa.log.Batches.offsets;
import static io.samsa.log.Batches.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final long PID = 77L;
    private static final int BATCH_BYTES = batch(NOW, "v0", 2).sizeInBytes();

    @TempDir
    Path leaderDir;
    @TempDir
    Path followerDir;

    private final ManualTime time = new ManualTime(NOW);
    private Log leader;
    private Log follower;

    private LogConfig config() {
        return LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 3));
    }

    @BeforeEach
    void open() throws Exception {
        leader = Log.open(leaderDir, TP, config(), time, Scheduler.immediate());
        follower = Log.open(followerDir, TP, config(), time, Scheduler.immediate());
    }

    @AfterEach
    void close() {
        leader.close();
        follower.close();
    }

    /** Copies what a follower fetch would get into a buffer of its own, as the network would. */
    private static MemoryRecords fetched(Records records) {
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        records.batches().forEach(b -> b.writeTo(copy));
        copy.flip();
        return MemoryRecords.readableRecords(copy);
    }

    private void replicateAll() {
        while (follower.logEndOffset() < leader.logEndOffset()) {
            follower.appendAsFollower(fetched(
                leader.read(follower.logEndOffset(), 1 << 20, Long.MAX_VALUE, true).records()));
        }
    }

    @Test
    void followerStoresLeaderBatchesWithTheirOffsetsAndEpochs() {
        leader.appendAsLeader(batch(NOW, "v0", 2), 1);
        leader.appendAsLeader(batch(CompressionType.SNAPPY, NOW, "v1", 2), 1);
        leader.appendAsLeader(batch(NOW, "v2", 2), 4);
        leader.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 2), 4);

        replicateAll();

        assertThat(follower.logEndOffset()).isEqualTo(8);
        assertThat(follower.size()).isEqualTo(leader.size());
        assertThat(values(follower.read(0, 1 << 20, Long.MAX_VALUE, false).records()))
            .containsExactly("v0-0", "v0-1", "v1-0", "v1-1");
        assertThat(follower.endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 4));
        assertThat(follower.producerState().entry(PID)).hasValueSatisfying(e -> assertThat(e.lastSeq()).isEqualTo(1));
    }

    @Test
    void replicatedBatchesThatGoBackwardsAreRejected() {
        leader.appendAsLeader(batch(NOW, "v0", 2), 0);
        MemoryRecords first = fetched(leader.read(0, 1 << 20, Long.MAX_VALUE, true).records());
        follower.appendAsFollower(first);

        assertThatThrownBy(() -> follower.appendAsFollower(fetched(leader.read(0, 1 << 20, Long.MAX_VALUE, true)
            .records()))).isInstanceOf(InvalidRecordException.class);
        assertThat(follower.logEndOffset()).isEqualTo(2);
    }

    @Test
    void truncateToRemovesLaterSegmentsAndBatchesAndAppendsContinue() {
        for (int i = 0; i < 7; i++) {
            leader.appendAsLeader(batch(NOW, "v" + i, 2), i < 4 ? 1 : 2);
        }
        replicateAll();
        assertThat(follower.segmentBaseOffsets()).containsExactly(0L, 6L, 12L);

        assertThat(follower.truncateTo(8)).isTrue();

        assertThat(follower.logEndOffset()).isEqualTo(8);
        assertThat(follower.segmentBaseOffsets()).containsExactly(0L, 6L);
        // Epoch 2 began at offset 8, which is gone.
        assertThat(follower.latestEpoch()).contains(1);
        assertThat(follower.endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 8));
        assertThat(follower.endOffsetForEpoch(2)).isEmpty();
        assertThat(follower.appendAsLeader(batch(NOW, "new", 1), 3).firstOffset()).isEqualTo(8);
        assertThat(values(follower.read(6, 1 << 20, Long.MAX_VALUE, false).records()))
            .containsExactly("v3-0", "v3-1", "new-0");
    }

    @Test
    void truncateToOffsetInsideBatchRemovesTheWholeBatch() {
        leader.appendAsLeader(batch(NOW, "v0", 2), 0);
        leader.appendAsLeader(batch(NOW, "v1", 2), 0);
        replicateAll();

        follower.truncateTo(3);

        assertThat(follower.logEndOffset()).isEqualTo(2);
        assertThat(offsets(follower.read(0, 1 << 20, Long.MAX_VALUE, false).records())).containsExactly(0L, 1L);
    }

    @Test
    void truncationForgetsProducerBatchesThatWereRemoved() {
        leader.appendAsLeader(idempotent(PID, (short) 0, 0, NOW, 1), 0);
        leader.appendAsLeader(idempotent(PID, (short) 0, 1, NOW, 1), 0);
        replicateAll();

        follower.truncateTo(1);

        assertThat(follower.producerState().entry(PID)).hasValueSatisfying(e -> assertThat(e.lastSeq()).isZero());
        LogAppendInfo again = follower.appendAsLeader(idempotent(PID, (short) 0, 1, NOW, 1), 1);
        assertThat(again.duplicate()).isFalse();
        assertThat(again.firstOffset()).isEqualTo(1);
    }

    @Test
    void truncateFullyRestartsTheLogAtTheGivenOffset() throws Exception {
        leader.appendAsLeader(batch(NOW, "v0", 2), 5);
        replicateAll();

        follower.truncateFullyAndStartAt(100);

        assertThat(follower.logStartOffset()).isEqualTo(100);
        assertThat(follower.logEndOffset()).isEqualTo(100);
        assertThat(follower.segmentBaseOffsets()).containsExactly(100L);
        assertThat(follower.latestEpoch()).isEmpty();
        follower.close();
        follower = Log.open(followerDir, TP, config(), time, Scheduler.immediate());
        assertThat(follower.logStartOffset()).isEqualTo(100);
        assertThat(follower.logEndOffset()).isEqualTo(100);
    }

    @Test
    void truncationSurvivesReopen() throws Exception {
        for (int i = 0; i < 5; i++) {
            leader.appendAsLeader(batch(NOW, "v" + i, 2), 0);
        }
        replicateAll();
        follower.truncateTo(4);
        follower.close();

        follower = Log.open(followerDir, TP, config(), time, Scheduler.immediate());

        assertThat(follower.logEndOffset()).isEqualTo(4);
        assertThat(follower.size()).isEqualTo(2L * BATCH_BYTES);
    }

    @Test
    void replicatedOffsetsBeyondRelativeOffsetRangeStartANewSegment() {
        follower.appendAsFollower(MemoryRecords.withRecords(0L, Compression.NONE, Batches.record(NOW, "a")));
        long far = 5_000_000_000L;

        LogAppendInfo info = follower.appendAsFollower(
            MemoryRecords.withRecords(far, Compression.NONE, Batches.record(NOW, "b")));

        assertThat(info.firstOffset()).isEqualTo(far);
        assertThat(follower.segmentBaseOffsets()).containsExactly(0L, far);
        assertThat(follower.logEndOffset()).isEqualTo(far + 1);
        assertThat(values(follower.read(1, 1000, Long.MAX_VALUE, false).records())).containsExactly("b");
        assertThat(values(follower.read(far, 1000, Long.MAX_VALUE, false).records())).containsExactly("b");
    }

    @Test
    void emptyActiveSegmentIsReplacedWhenReplicatedOffsetsJumpFarAhead() {
        long far = 5_000_000_000L;

        follower.appendAsFollower(MemoryRecords.withRecords(far, Compression.NONE, Batches.record(NOW, "b")));

        assertThat(follower.segmentBaseOffsets()).containsExactly(far);
        assertThat(values(follower.read(0, 1000, Long.MAX_VALUE, false).records())).containsExactly("b");
    }
}
