package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.idempotent;
import static io.samsa.log.Batches.offsets;
import static io.samsa.log.Batches.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.storage.log.FetchIsolation;
import org.apache.kafka.server.util.KafkaScheduler;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;
import org.apache.kafka.storage.internals.log.ProducerStateManagerConfig;
import org.apache.kafka.storage.internals.log.UnifiedLog;
import org.apache.kafka.storage.log.metrics.BrokerTopicStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apache Kafka's UnifiedLog and Samsa's Log open each other's partition directories. */
class KafkaLogInteropTest {

    private static final TopicPartition TP = new TopicPartition("interop", 0);
    private static final long NOW = System.currentTimeMillis();
    private static final int SEGMENT_BYTES = 1024;

    @TempDir
    Path logDir;

    private Path partitionDir;
    private KafkaScheduler scheduler;

    @BeforeEach
    void start() {
        partitionDir = logDir.resolve(Log.directoryName(TP));
        scheduler = new KafkaScheduler(1, true, "interop-");
        scheduler.startup();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdown();
    }

    private UnifiedLog openKafkaLog(boolean lastShutdownClean) throws Exception {
        org.apache.kafka.storage.internals.log.LogConfig config = new org.apache.kafka.storage.internals.log.LogConfig(
            Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, SEGMENT_BYTES, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 100));
        return UnifiedLog.create(partitionDir.toFile(), config, 0L, 0L, scheduler, new BrokerTopicStats(),
            Time.SYSTEM, 60_000, new ProducerStateManagerConfig(86_400_000, false), 600_000,
            new LogDirFailureChannel(1), lastShutdownClean, Optional.empty());
    }

    private Log openSamsaLog() throws Exception {
        return Log.open(partitionDir, TP, LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG,
            SEGMENT_BYTES, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 100)), Time.SYSTEM, Scheduler.immediate());
    }

    private static List<String> expectedValues(int batches) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            for (int r = 0; r < 3; r++) {
                expected.add("v" + i + "-" + r);
            }
        }
        expected.addAll(List.of("p9-0", "p9-1"));
        return expected;
    }

    @Test
    void kafkaRecoversAndReadsALogSamsaWrote() throws Exception {
        Log samsa = openSamsaLog();
        for (int i = 0; i < 30; i++) {
            samsa.appendAsLeader(batch(i % 2 == 0 ? CompressionType.LZ4 : CompressionType.NONE, NOW, "v" + i, 3),
                i < 15 ? 1 : 2);
        }
        samsa.appendAsLeader(idempotent(9L, (short) 0, 0, NOW, 2), 2);
        long samsaEnd = samsa.logEndOffset();
        samsa.close();
        assertThat(samsa.numberOfSegments()).isGreaterThan(3);

        // An unclean start makes Kafka validate every batch and rebuild every index itself.
        UnifiedLog kafka = openKafkaLog(false);
        try {
            assertThat(kafka.logEndOffset()).isEqualTo(samsaEnd);
            List<String> read = new ArrayList<>();
            long next = 0;
            while (next < 92) {
                var fetched = kafka.read(next, 1 << 20, FetchIsolation.LOG_END, true).records;
                read.addAll(values(fetched));
                List<Long> fetchedOffsets = offsets(fetched);
                next = fetchedOffsets.get(fetchedOffsets.size() - 1) + 1;
            }
            assertThat(read).isEqualTo(expectedValues(30));
            assertThat(kafka.endOffsetForEpoch(1)).hasValueSatisfying(e -> assertThat(e.offset()).isEqualTo(45));
        } finally {
            kafka.close();
        }
    }

    @Test
    void samsaRecoversAndContinuesALogKafkaWrote() throws Exception {
        UnifiedLog kafka = openKafkaLog(true);
        for (int i = 0; i < 30; i++) {
            kafka.appendAsLeader(batch(i % 2 == 0 ? CompressionType.ZSTD : CompressionType.NONE, NOW, "v" + i, 3),
                i < 15 ? 3 : 4);
        }
        kafka.appendAsLeader(idempotent(9L, (short) 0, 0, NOW, 2), 4);
        long kafkaEnd = kafka.logEndOffset();
        kafka.close();

        Log samsa = openSamsaLog();
        try {
            assertThat(samsa.logEndOffset()).isEqualTo(kafkaEnd);
            List<String> read = new ArrayList<>();
            long next = 0;
            while (next < 92) {
                var fetched = samsa.read(next, 1 << 20, Long.MAX_VALUE, true).records();
                read.addAll(values(fetched));
                List<Long> fetchedOffsets = offsets(fetched);
                next = fetchedOffsets.get(fetchedOffsets.size() - 1) + 1;
            }
            assertThat(read).isEqualTo(expectedValues(30));
            assertThat(samsa.endOffsetForEpoch(3)).contains(new EpochEndOffset(3, 45));
            assertThat(samsa.appendAsLeader(idempotent(9L, (short) 0, 0, NOW, 2), 4).duplicate()).isTrue();
            assertThat(samsa.appendAsLeader(batch(NOW, "after", 1), 5).firstOffset()).isEqualTo(kafkaEnd);
        } finally {
            samsa.close();
        }
    }

    @Test
    void kafkaRecoversAndReadsALogSamsaCompacted() throws Exception {
        ManualTime time = new ManualTime(NOW);
        Log samsa = Log.open(partitionDir, TP, LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG,
            SEGMENT_BYTES, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 100, TopicConfig.CLEANUP_POLICY_CONFIG, "compact",
            TopicConfig.SEGMENT_MS_CONFIG, 60_000L)), time, Scheduler.immediate());
        for (int n = 0; n < 600; n += 20) {
            samsa.appendAsLeader(KeyedRecords.updates(
                org.apache.kafka.common.compress.Compression.lz4().build(), NOW, n, 20, 30), 1);
        }
        samsa.appendAsLeader(KeyedRecords.record(NOW, "k7", null), 1);
        time.advance(60_001);
        samsa.rollIfDue();
        new LogCleaner(LogCleaner.Settings.defaults(), () -> List.of(samsa), time).cleanOnce();
        List<KeyedRecords.Entry> compacted = KeyedRecords.readAll(samsa);
        long samsaEnd = samsa.logEndOffset();
        samsa.close();
        assertThat(compacted).hasSize(30);

        UnifiedLog kafka = openKafkaLog(false);
        try {
            assertThat(kafka.logEndOffset()).isEqualTo(samsaEnd);
            List<KeyedRecords.Entry> read = new ArrayList<>();
            long next = 0;
            while (next < samsaEnd) {
                var fetched = kafka.read(next, 1 << 20, FetchIsolation.LOG_END, true).records;
                for (var batch : fetched.batches()) {
                    for (var record : batch) {
                        read.add(new KeyedRecords.Entry(record.offset(),
                            java.nio.charset.StandardCharsets.UTF_8.decode(record.key()).toString(),
                            record.hasValue() ? java.nio.charset.StandardCharsets.UTF_8.decode(record.value()).toString()
                                : null));
                    }
                    next = batch.nextOffset();
                }
            }
            assertThat(read).isEqualTo(compacted);
        } finally {
            kafka.close();
        }
    }
}
