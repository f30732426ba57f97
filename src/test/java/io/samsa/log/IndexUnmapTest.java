package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index files are memory-mapped; a closed or deleted index lets go of its mapping at once instead
 * of whenever the garbage collector gets to it (deleted files would otherwise keep their disk
 * space and the process its address space). Read from the kernel's list of this process's
 * mappings, {@code /proc/self/maps}.
 */
class IndexUnmapTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(NOW, "x", 1).sizeInBytes();

    @TempDir
    Path dir;

    private Log open() throws IOException {
        Map<String, Object> config = new HashMap<>();
        config.put(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, BATCH_BYTES * 3);
        config.put(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0);
        config.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, 0L);
        return Log.open(dir, TP, LogConfig.fromMap(config), new ManualTime(NOW), Scheduler.immediate());
    }

    private static List<String> mappedIndexes(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
            .filter(line -> line.contains(dir.toString()) && line.contains("index"))
            .toList();
    }

    @Test
    void deletedSegmentsIndexesAreUnmapped() throws Exception {
        try (Log log = open()) {
            for (int i = 0; i < 7; i++) {
                log.appendAsLeader(batch(NOW + i, "x", 1), 0);
            }
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 3L, 6L);
            String firstIndex = LogSegment.fileName(0, LogSegment.INDEX_SUFFIX);
            assertThat(mappedIndexes(dir)).anySatisfy(line -> assertThat(line).contains(firstIndex));

            log.deleteRecordsBefore(3);

            assertThat(log.segmentBaseOffsets()).containsExactly(3L, 6L);
            assertThat(mappedIndexes(dir)).noneSatisfy(line -> assertThat(line).contains(firstIndex));
            assertThat(mappedIndexes(dir)).anySatisfy(line ->
                assertThat(line).contains(LogSegment.fileName(3, LogSegment.INDEX_SUFFIX)));
        }
    }

    @Test
    void closedLogsIndexesAreUnmapped() throws Exception {
        Log log = open();
        for (int i = 0; i < 7; i++) {
            log.appendAsLeader(batch(NOW + i, "x", 1), 0);
        }
        assertThat(mappedIndexes(dir)).isNotEmpty();

        log.close();

        assertThat(mappedIndexes(dir)).isEmpty();
    }

    @Test
    void lookupsOnAClosedIndexAnswerAsIfEmptyInsteadOfTouchingTheMapping() throws Exception {
        Path file = dir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX));
        OffsetIndex index = new OffsetIndex(file, 0, 4096);
        index.append(5, 100);
        assertThat(index.lookup(10)).isEqualTo(new OffsetIndex.Entry(5, 100));

        index.close();

        assertThat(index.lookup(10)).isEqualTo(new OffsetIndex.Entry(0, 0));
        assertThat(mappedIndexes(dir)).isEmpty();
    }
}
