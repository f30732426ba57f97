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

class ReadPropertyTest {

    private static final TopicPartition TP = new TopicPartition("p", 0);
    private static final long NOW = 1_700_000_000_000L;

    @Property(tries = 40)
    void everyOffsetResolvesToTheBatchContainingIt(
        @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 20) Integer> batchSizes,
        @ForAll @IntRange(min = 0, max = 600) int indexIntervalBytes,
        @ForAll @IntRange(min = 500, max = 3000) int segmentBytes,
        @ForAll boolean compressed) throws Exception {
        Path dir = Files.createTempDirectory("samsa-offset-lookup");
        ManualTime time = new ManualTime(NOW);
        LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, indexIntervalBytes,
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, segmentBytes));
        try {
            Log log = Log.open(dir, TP, config, time, Scheduler.immediate());
            long[] batchBaseOfOffset = append(log, batchSizes, compressed);
            assertEveryOffsetResolves(log, batchBaseOfOffset);
            log.close();

            Log reopened = Log.open(dir, TP, config, time, Scheduler.immediate());
            assertEveryOffsetResolves(reopened, batchBaseOfOffset);
            reopened.close();
        } finally {
            Utils.delete(dir.toFile());
        }
    }

    private static long[] append(Log log, List<Integer> batchSizes, boolean compressed) {
        int total = batchSizes.stream().mapToInt(Integer::intValue).sum();
        long[] batchBaseOfOffset = new long[total];
        for (int size : batchSizes) {
            LogAppendInfo info = log.appendAsLeader(
                Batches.batch(compressed ? CompressionType.ZSTD : CompressionType.NONE, NOW, "r", size), 0);
            for (long offset = info.firstOffset(); offset <= info.lastOffset(); offset++) {
                batchBaseOfOffset[(int) offset] = info.firstOffset();
            }
        }
        return batchBaseOfOffset;
    }

    private static void assertEveryOffsetResolves(Log log, long[] batchBaseOfOffset) {
        assertThat(log.logEndOffset()).isEqualTo(batchBaseOfOffset.length);
        for (int offset = 0; offset < batchBaseOfOffset.length; offset++) {
            LogReadInfo read = log.read(offset, 1, Long.MAX_VALUE, true);
            List<RecordBatch> batches = Batches.batches(read.records());
            assertThat(batches).as("offset %d", offset).hasSize(1);
            assertThat(batches.get(0).baseOffset()).as("offset %d", offset).isEqualTo(batchBaseOfOffset[offset]);
            assertThat(batches.get(0).lastOffset()).isGreaterThanOrEqualTo(offset);
        }
    }

    /** One appended batch as the model sees it. */
    private record Appended(long base, long last, int size) {
    }

    /**
     * Also whatever the index density: the offset index lets a read skip the headers of the batches it vouches
     * for, and must never change which batches come back. The byte limit falls near a batch boundary, where an
     * index jump that is off by a little would show.
     */
    @Property(tries = 300)
    void readReturnsExactlyTheWholeBatchesThatFitTheLimits(
        @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 6) Integer> batchSizes,
        @ForAll @IntRange(min = 0, max = 200) int startPercent,
        @ForAll @IntRange(min = 0, max = 100) int limitPercent,
        @ForAll @IntRange(min = 0, max = 30) int batchesInBytes,
        @ForAll @IntRange(min = -64, max = 64) int bytesOff,
        @ForAll @IntRange(min = 0, max = 400) int indexIntervalBytes,
        @ForAll boolean minOneMessage) throws Exception {
        Path dir = Files.createTempDirectory("samsa-read-model");
        LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, indexIntervalBytes,
            LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 1500));
        try {
            Log log = Log.open(dir, TP, config, new ManualTime(NOW), Scheduler.immediate());
            List<Appended> appended = new ArrayList<>();
            for (int size : batchSizes) {
                LogAppendInfo info = log.appendAsLeader(Batches.batch(NOW, "m", size), 0);
                appended.add(new Appended(info.firstOffset(), info.lastOffset(), info.validBytes()));
            }
            long end = log.logEndOffset();
            long start = Math.min(end, end * startPercent / 200);
            long limit = end * limitPercent / 100;
            int maxBytes = Math.max(0, bytesOff + appended.stream().filter(b -> b.last() >= start)
                .limit(batchesInBytes).mapToInt(Appended::size).sum());

            List<Long> expectedBases = expectedBatchBases(log, appended, start, limit, maxBytes, minOneMessage);
            LogReadInfo read = log.read(start, maxBytes, limit, minOneMessage);

            assertThat(Batches.batches(read.records()).stream().map(RecordBatch::baseOffset).toList())
                .as("start %d limit %d maxBytes %d minOne %s", start, limit, maxBytes, minOneMessage)
                .isEqualTo(expectedBases);
            log.close();
        } finally {
            Utils.delete(dir.toFile());
        }
    }

    private static List<Long> expectedBatchBases(Log log, List<Appended> appended, long start, long limit,
                                                 int maxBytes, boolean minOneMessage) {
        List<Long> segmentBases = log.segmentBaseOffsets();
        long segmentBase = segmentBases.stream().filter(b -> b <= start).reduce((a, b) -> b).orElseThrow();
        long nextSegmentBase = segmentBases.stream().filter(b -> b > segmentBase).findFirst().orElse(Long.MAX_VALUE);
        List<Long> bases = new ArrayList<>();
        int bytes = 0;
        for (Appended batch : appended) {
            if (batch.last() < start || batch.base() < segmentBase || batch.base() >= nextSegmentBase) {
                continue;
            }
            if (batch.last() >= limit) {
                break;
            }
            if (bytes + batch.size() > maxBytes && !(minOneMessage && bases.isEmpty())) {
                break;
            }
            bytes += batch.size();
            bases.add(batch.base());
        }
        return bases;
    }
}
