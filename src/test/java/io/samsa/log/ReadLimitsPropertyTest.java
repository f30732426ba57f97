package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * A read's byte and offset limits give the same batches whatever the index density: the offset index only lets a
 * read skip the headers of batches it vouches for, it never changes which batches are returned.
 */
class ReadLimitsPropertyTest {

    private static final TopicPartition TP = new TopicPartition("limits", 0);
    private static final long NOW = 1_700_000_000_000L;

    private record Appended(long baseOffset, long lastOffset, int sizeInBytes) {
    }

    @Property(tries = 300)
    void readReturnsTheWholeBatchesWithinBothLimitsFromTheOneHoldingTheStart(
        @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 30) Integer> batchRecords,
        @ForAll @IntRange(min = 0, max = 2000) int indexIntervalBytes,
        @ForAll @IntRange(min = 0, max = 1000) int startPick,
        @ForAll @IntRange(min = 0, max = 40) int batchesInBytes,
        @ForAll @IntRange(min = -64, max = 64) int bytesOff,
        @ForAll @IntRange(min = 0, max = 1000) int limitPick,
        @ForAll boolean minOneMessage,
        @ForAll boolean compressed) throws Exception {
        Path dir = Files.createTempDirectory("samsa-read-limits");
        LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, indexIntervalBytes));
        try (Log log = Log.open(dir, TP, config, new ManualTime(NOW), Scheduler.immediate())) {
            List<Appended> appended = new ArrayList<>();
            for (int count : batchRecords) {
                var batch = Batches.batch(compressed ? CompressionType.ZSTD : CompressionType.NONE, NOW, "r", count);
                int size = batch.sizeInBytes();
                LogAppendInfo info = log.appendAsLeader(batch, 0);
                appended.add(new Appended(info.firstOffset(), info.lastOffset(), size));
            }
            long end = log.logEndOffset();
            long start = startPick % end;
            long limit = 1 + limitPick % end;
            // A byte limit near a batch boundary, where an off-by-some in the index jump would show.
            int maxBytes = Math.max(0, bytesOff + appended.stream().filter(b -> b.lastOffset() >= start)
                .limit(batchesInBytes).mapToInt(Appended::sizeInBytes).sum());

            LogReadInfo read = log.read(start, maxBytes, limit, minOneMessage);

            List<Long> got = new ArrayList<>();
            for (RecordBatch batch : read.records().batches()) {
                got.add(batch.baseOffset());
            }
            assertThat(got).isEqualTo(expected(appended, start, maxBytes, limit, minOneMessage));
        } finally {
            Utils.delete(dir.toFile());
        }
    }

    /** The batches a linear walk picks: from the one holding {@code start}, while under both limits. */
    private static List<Long> expected(List<Appended> batches, long start, int maxBytes, long limit, boolean minOne) {
        List<Long> picked = new ArrayList<>();
        long bytes = 0;
        for (Appended batch : batches) {
            if (batch.lastOffset() < start) {
                continue;
            }
            boolean first = picked.isEmpty();
            if (batch.lastOffset() >= limit || (bytes + batch.sizeInBytes() > maxBytes && !(minOne && first))) {
                break;
            }
            picked.add(batch.baseOffset());
            bytes += batch.sizeInBytes();
        }
        return picked;
    }
}
