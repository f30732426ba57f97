package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static io.samsa.log.Batches.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.samsa.testing.TmpfsMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;

/**
 * Recovery after a crash on a really full disk (a small tmpfs filled up): the indexes it rebuilds cannot get
 * the pages they need, so they stay partial, and the log still opens, serves every record and, once space is
 * freed, appends again.
 */
class FullDiskRecoveryTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void crashedLogOpensOnAFullDiskWithPartialIndexesAndServesEveryRecord() throws Exception {
        try (TmpfsMount tmpfs = TmpfsMount.mount("FullDiskRecoveryTest", 8)) {
            Path dir = tmpfs.path().resolve("t-0");
            LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, 0));
            ManualTime time = new ManualTime(NOW);
            Log log = Log.open(dir, TP, config, time, Scheduler.immediate());
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                log.appendAsLeader(batch(NOW + i, "v" + i, 1), 0);
                written.add("v" + i + "-0");
            }
            // kill -9: no close, no marker; the index files and the leader-epoch checkpoint are gone too, so
            // recovery must write them anew.
            log.closeHandlers();
            try (var files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith("index")
                    || f.getFileName().toString().equals(LeaderEpochCache.FILE_NAME)).toList()) {
                    Files.delete(file);
                }
            }
            Path filler = tmpfs.fill("filler");

            Log recovered = Log.open(dir, TP, config, time, Scheduler.immediate());
            try {
                assertThat(recovered.logEndOffset()).isEqualTo(2000);
                assertThat(values(recovered.read(0, 1 << 24, Long.MAX_VALUE, false).records()))
                    .containsExactlyElementsOf(written);
                assertThat(values(recovered.read(1500, 1 << 24, Long.MAX_VALUE, false).records()))
                    .as("a lookup past the partial index scans further").first().isEqualTo("v1500-0");
                assertThat(catchThrowable(() -> recovered.appendAsLeader(batch(NOW, "full", 200), 0)))
                    .as("no space: a retriable storage error").isInstanceOf(KafkaStorageException.class);

                Files.delete(filler);
                assertThat(recovered.appendAsLeader(batch(NOW, "after", 1), 0).firstOffset()).isEqualTo(2000);
            } finally {
                recovered.close();
            }
        }
    }
}
