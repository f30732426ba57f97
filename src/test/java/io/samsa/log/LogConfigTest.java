package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    @Test
    void defaultsAreKafkas() {
        LogConfig config = LogConfig.defaults();

        assertThat(config.segmentBytes()).isEqualTo(1 << 30);
        assertThat(config.segmentMs()).isEqualTo(7 * 24 * 3_600_000L);
        assertThat(config.retentionMs()).isEqualTo(7 * 24 * 3_600_000L);
        assertThat(config.retentionBytes()).isEqualTo(-1);
        assertThat(config.maxMessageBytes()).isEqualTo(1048588);
        assertThat(config.indexIntervalBytes()).isEqualTo(4096);
        assertThat(config.segmentIndexBytes()).isEqualTo(10485760);
        assertThat(config.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000);
        assertThat(config.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(config.timestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.timestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(config.cleanupPolicyDelete()).isTrue();
        assertThat(config.cleanupPolicyCompact()).isFalse();
        assertThat(config.values()).containsEntry(TopicConfig.COMPRESSION_TYPE_CONFIG, "producer")
            .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, 1)
            .doesNotContainKey(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG);
    }

    @Test
    void stringOverridesAreParsedAsKafkaTypes() {
        LogConfig config = LogConfig.fromMap(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000",
            TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));

        assertThat(config.retentionMs()).isEqualTo(1000);
        assertThat(config.cleanupPolicyCompact()).isTrue();
        assertThat(config.cleanupPolicyDelete()).isTrue();
        assertThat(config.messageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    }

    @Test
    void invalidValueFailsNamingTheKey() {
        assertThatThrownBy(() -> LogConfig.fromMap(Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "1024")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(TopicConfig.SEGMENT_BYTES_CONFIG);
        assertThatThrownBy(() -> LogConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "shred")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(TopicConfig.CLEANUP_POLICY_CONFIG);
        assertThatThrownBy(() -> LogConfig.fromMap(Map.of(TopicConfig.RETENTION_MS_CONFIG, "soon")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(TopicConfig.RETENTION_MS_CONFIG);
    }

    @Test
    void topicOverridesWinOverBrokerDefaults() {
        LogConfig config = LogConfig.fromMap(
            Map.of(TopicConfig.RETENTION_MS_CONFIG, 5000L, TopicConfig.SEGMENT_MS_CONFIG, 60_000L),
            Map.of(TopicConfig.RETENTION_MS_CONFIG, 9000L));

        assertThat(config.retentionMs()).isEqualTo(9000);
        assertThat(config.segmentMs()).isEqualTo(60_000);
    }

    @Test
    void internalSegmentBytesAllowsTinySegmentsButNotBelowSmallestRecord() {
        assertThat(LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 100)).segmentBytes())
            .isEqualTo(100);
        assertThatThrownBy(() -> LogConfig.fromMap(Map.of(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG, 10)))
            .isInstanceOf(ConfigException.class).hasMessageContaining(LogConfig.INTERNAL_SEGMENT_BYTES_CONFIG);
    }
}
