package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;

class RecoveryPropertyTest {

    private static final TopicPartition TP = new TopicPartition("p", 0);
    private static final long NOW = 1_700_000_000_000L;

    /** A crash can cut the active segment anywhere; recovery keeps exactly the whole batches before the cut. */
    @Property(tries = 50)
    void recoveryKeepsExactlyTheBatchesCompletelyBeforeTheCut(
        @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 8) Integer> batchSizes,
        @ForAll @IntRange(min = 0, max = 100) int cutPercent) throws Exception {
        Path dir = Files.createTempDirectory("samsa-recovery");
        ManualTime time = new ManualTime(NOW);
        LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 64));
        try {
            Log log = Log.open(dir, TP, config, time, Scheduler.immediate());
            List<long[]> batchEnds = new ArrayList<>();
            for (int size : batchSizes) {
                LogAppendInfo info = log.appendAsLeader(Batches.batch(NOW, "r", size), 0);
                batchEnds.add(new long[] {log.size(), info.lastOffset() + 1});
            }
            long cut = log.size() * cutPercent / 100;
            log.closeHandlers();
            try (FileChannel channel = FileChannel.open(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)),
                StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            long expectedEnd = 0;
            long expectedSize = 0;
            for (long[] end : batchEnds) {
                if (end[0] <= cut) {
                    expectedSize = end[0];
                    expectedEnd = end[1];
                }
            }

            Log recovered = Log.open(dir, TP, config, time, Scheduler.immediate());

            assertThat(recovered.logEndOffset()).isEqualTo(expectedEnd);
            assertThat(recovered.size()).isEqualTo(expectedSize);
            for (long offset = 0; offset < expectedEnd; offset++) {
                assertThat(Batches.offsets(recovered.read(offset, 1, Long.MAX_VALUE, true).records())).contains(offset);
            }
            assertThat(recovered.appendAsLeader(Batches.batch(NOW, "next", 1), 0).firstOffset()).isEqualTo(expectedEnd);
            recovered.close();
        } finally {
            Utils.delete(dir.toFile());
        }
    }
}
