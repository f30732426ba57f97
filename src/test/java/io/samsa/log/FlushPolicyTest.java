package io.samsa.log;

import static io.samsa.log.Batches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushPolicyTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private Log log;

    private Log open(Map<String, ?> overrides) throws Exception {
        log = Log.open(dir, TP, LogConfig.fromMap(overrides), time, Scheduler.immediate());
        return log;
    }

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void defaultPolicyLeavesDataInPageCache() throws Exception {
        open(Map.of());
        log.appendAsLeader(batch(NOW, "a", 5), 0);
        time.advance(3_600_000);
        log.flushIfDue();

        assertThat(log.recoveryPoint()).isZero();
    }

    @Test
    void flushMessagesFlushesOnceThatManyMessagesAreUnflushed() throws Exception {
        open(Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, 5L));

        log.appendAsLeader(batch(NOW, "a", 3), 0);
        assertThat(log.recoveryPoint()).isZero();
        log.appendAsLeader(batch(NOW, "b", 2), 0);
        assertThat(log.recoveryPoint()).isEqualTo(5);
        log.appendAsLeader(batch(NOW, "c", 1), 0);
        assertThat(log.recoveryPoint()).isEqualTo(5);
    }

    @Test
    void flushIfDueFlushesAfterFlushMs() throws Exception {
        open(Map.of(TopicConfig.FLUSH_MS_CONFIG, 1000L));
        log.appendAsLeader(batch(NOW, "a", 2), 0);

        time.advance(999);
        log.flushIfDue();
        assertThat(log.recoveryPoint()).isZero();
        time.advance(1);
        log.flushIfDue();
        assertThat(log.recoveryPoint()).isEqualTo(2);
    }

    @Test
    void updatedConfigAppliesToLaterAppends() throws Exception {
        open(Map.of());
        log.appendAsLeader(batch(NOW, "a", 2), 0);

        log.updateConfig(LogConfig.fromMap(Map.of(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, 1L)));
        log.appendAsLeader(batch(NOW, "b", 1), 0);

        assertThat(log.config().flushMessages()).isEqualTo(1);
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }
}
