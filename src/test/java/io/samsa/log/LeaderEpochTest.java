package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    @BeforeEach
    void open() throws Exception {
        log = Log.open(dir, TP, LogConfig.defaults(), time, Scheduler.immediate());
        // epoch 1: offsets 0-1, epoch 3: offsets 2-4, epoch 5: offset 5 onwards
        log.appendAsLeader(batch(NOW, "a", 2), 1);
        log.appendAsLeader(batch(NOW, "b", 3), 3);
        log.appendAsLeader(batch(NOW, "c", 1), 5);
        log.appendAsLeader(batch(NOW, "d", 1), 5);
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void latestEpochEndsAtLogEndOffset() {
        assertThat(log.endOffsetForEpoch(5)).contains(new EpochEndOffset(5, 7));
    }

    @Test
    void olderEpochEndsWhereTheNextBegins() {
        assertThat(log.endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 2));
        assertThat(log.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 5));
    }

    @Test
    void unknownEpochBetweenKnownOnesAnswersWithLargestEpochBelowIt() {
        assertThat(log.endOffsetForEpoch(4)).contains(new EpochEndOffset(3, 5));
        assertThat(log.endOffsetForEpoch(2)).contains(new EpochEndOffset(1, 2));
    }

    @Test
    void epochOlderThanAllKnownEndsAtFirstKnownStart() {
        assertThat(log.endOffsetForEpoch(0)).contains(new EpochEndOffset(0, 0));
    }

    @Test
    void epochNewerThanAllKnownIsUndefined() {
        assertThat(log.endOffsetForEpoch(9)).isEmpty();
    }

    @Test
    void epochsArePersistedInKafkaCheckpointLayoutAndSurviveReopen() throws Exception {
        log.close();

        assertThat(Files.readAllLines(dir.resolve(LeaderEpochCache.FILE_NAME)))
            .containsExactly("0", "3", "1 0", "3 2", "5 5");
        log = Log.open(dir, TP, LogConfig.defaults(), time, Scheduler.immediate());
        assertThat(log.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 5));
        assertThat(log.latestEpoch()).contains(5);
    }

    @Test
    void deleteRecordsMovesFirstEpochStartUp() {
        log.deleteRecordsBefore(3);

        assertThat(log.endOffsetForEpoch(1)).contains(new EpochEndOffset(1, 3));
        assertThat(log.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 5));
    }

    @Test
    void epochsAreRebuiltFromBatchesWhenCheckpointIsLostEvenAfterCleanShutdown() throws Exception {
        log.close();
        Files.delete(dir.resolve(LeaderEpochCache.FILE_NAME));

        log = Log.open(dir, TP, LogConfig.fromMap(Map.of()), time, Scheduler.immediate());

        assertThat(List.of(log.endOffsetForEpoch(1), log.endOffsetForEpoch(3), log.endOffsetForEpoch(5)))
            .containsExactly(java.util.Optional.of(new EpochEndOffset(1, 2)),
                java.util.Optional.of(new EpochEndOffset(3, 5)), java.util.Optional.of(new EpochEndOffset(5, 7)));
    }

    @Test
    void malformedCheckpointIsRebuiltFromBatches() throws Exception {
        log.close();
        Files.writeString(dir.resolve(LeaderEpochCache.FILE_NAME), "0\n3\n1 0\n");

        log = Log.open(dir, TP, LogConfig.defaults(), time, Scheduler.immediate());

        assertThat(log.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 5));
        assertThat(Files.readAllLines(dir.resolve(LeaderEpochCache.FILE_NAME)))
            .containsExactly("0", "3", "1 0", "3 2", "5 5");
    }
}
