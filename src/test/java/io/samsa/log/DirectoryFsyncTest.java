package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new file's directory entry is durable only once its directory is fsynced. What can be checked
 * without pulling the power: the directory fsync is called after the entry exists, observed
 * through {@link Fsync#hook}, which records what each fsynced directory held at that moment.
 */
class DirectoryFsyncTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;
    private static final int BATCH_BYTES = batch(NOW, "x", 1).sizeInBytes();

    @TempDir
    Path logDir;

    /** Each directory fsync with the names the directory held then. */
    private final List<String> fsyncs = new ArrayList<>();
    private Log log;

    @AfterEach
    void close() {
        Fsync.hook = Fsync.NONE;
        if (log != null) {
            log.close();
        }
    }

    private void recordDirectoryFsyncs() {
        Fsync.hook = path -> {
            if (Files.isDirectory(path)) {
                fsyncs.add(path.getFileName() + ": " + names(path));
            }
        };
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void creatingAPartitionDirectoryFsyncsTheLogDirectoryAfterwards() throws Exception {
        recordDirectoryFsyncs();
        log = Log.open(logDir.resolve("t-0"), TP, LogConfig.fromMap(Map.of()), new ManualTime(NOW),
            Scheduler.immediate());

        assertThat(fsyncs).anySatisfy(entry ->
            assertThat(entry).startsWith(logDir.getFileName() + ": ").contains("t-0"));
    }

    @Test
    void rollingFsyncsThePartitionDirectoryAfterTheNewSegmentsFilesExist() throws Exception {
        Path partitionDir = logDir.resolve("t-0");
        log = Log.open(partitionDir, TP, LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG,
            BATCH_BYTES * 2)), new ManualTime(NOW), Scheduler.immediate());
        recordDirectoryFsyncs();

        for (int i = 0; i < 3; i++) {
            log.appendAsLeader(batch(NOW, "x", 1), 0);
        }

        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
        String newSegment = LogSegment.fileName(2, LogSegment.LOG_SUFFIX);
        assertThat(fsyncs).anySatisfy(entry -> assertThat(entry).startsWith("t-0: ").contains(newSegment,
            LogSegment.fileName(2, LogSegment.INDEX_SUFFIX), LogSegment.fileName(2, LogSegment.TIME_INDEX_SUFFIX)));
    }

    @Test
    void checkpointRenameFsyncsItsDirectoryAfterTheRename() throws Exception {
        Path partitionDir = Files.createDirectories(logDir.resolve("t-0"));
        recordDirectoryFsyncs();

        CheckpointFile.writeOffset(partitionDir.resolve(Log.RECOVERY_POINT_FILE), 42);

        assertThat(fsyncs).containsExactly("t-0: [" + Log.RECOVERY_POINT_FILE + "]");
    }
}
