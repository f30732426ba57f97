package io.samsa.log;

import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;

/**
 * The topic-level settings one partition's {@link Log} obeys: an immutable, validated snapshot.
 *
 * <p>Names, types, defaults and validators are Kafka's topic configs ({@link TopicConfig}), so a
 * {@code kafka-configs --alter} that Kafka accepts is accepted here with the same meaning. One
 * addition, {@value #INTERNAL_SEGMENT_BYTES_CONFIG}, mirrors Kafka's own internal knob: it
 * overrides {@code segment.bytes} below its 1 MiB floor so tests can roll tiny segments; it is
 * never shown to clients.
 *
 * <p>Instances are immutable and therefore thread-safe. A config change builds a new instance
 * and hands it to {@link Log#updateConfig(LogConfig)}.
 */
public final class LogConfig {

    /** Test-only override of {@code segment.bytes} that accepts values below 1 MiB. */
    public static final String INTERNAL_SEGMENT_BYTES_CONFIG = "internal.segment.bytes";

    /** Kafka's {@code compression.type} values for a topic, {@code producer} meaning "keep as sent". */
    private static final String[] BROKER_COMPRESSION_TYPES = {
        "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"
    };

    /** The size of the smallest possible record, Kafka's lower bound for an internal segment size. */
    private static final int SMALLEST_RECORD_BYTES = 14;

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
        .define(TopicConfig.SEGMENT_BYTES_CONFIG, INT, 1024 * 1024 * 1024, atLeast(1024 * 1024), MEDIUM,
            TopicConfig.SEGMENT_BYTES_DOC)
        .define(TopicConfig.SEGMENT_MS_CONFIG, LONG, 7 * 24 * 60 * 60 * 1000L, atLeast(1), MEDIUM,
            TopicConfig.SEGMENT_MS_DOC)
        .define(TopicConfig.SEGMENT_JITTER_MS_CONFIG, LONG, 0L, atLeast(0), MEDIUM,
            TopicConfig.SEGMENT_JITTER_MS_DOC)
        .define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, INT, 10 * 1024 * 1024, atLeast(4), MEDIUM,
            TopicConfig.SEGMENT_INDEX_BYTES_DOC)
        .define(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
            TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)
        .define(TopicConfig.FLUSH_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
            TopicConfig.FLUSH_MS_DOC)
        .define(TopicConfig.RETENTION_BYTES_CONFIG, LONG, -1L, MEDIUM, TopicConfig.RETENTION_BYTES_DOC)
        .define(TopicConfig.RETENTION_MS_CONFIG, LONG, 7 * 24 * 60 * 60 * 1000L, atLeast(-1), MEDIUM,
            TopicConfig.RETENTION_MS_DOC)
        .define(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, INT, 1024 * 1024 + 12, atLeast(0), MEDIUM,
            TopicConfig.MAX_MESSAGE_BYTES_DOC)
        .define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, atLeast(0), MEDIUM,
            TopicConfig.INDEX_INTERVAL_BYTES_DOC)
        .define(TopicConfig.DELETE_RETENTION_MS_CONFIG, LONG, 24 * 60 * 60 * 1000L, atLeast(0), MEDIUM,
            TopicConfig.DELETE_RETENTION_MS_DOC)
        .define(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, LONG, 0L, atLeast(0), MEDIUM,
            TopicConfig.MIN_COMPACTION_LAG_MS_DOC)
        .define(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
            TopicConfig.MAX_COMPACTION_LAG_MS_DOC)
        .define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, LONG, 60_000L, atLeast(0), MEDIUM,
            TopicConfig.FILE_DELETE_DELAY_MS_DOC)
        .define(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, DOUBLE, 0.5, between(0, 1), MEDIUM,
            TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC)
        .define(TopicConfig.CLEANUP_POLICY_CONFIG, LIST, TopicConfig.CLEANUP_POLICY_DELETE,
            ValidList.in(TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE), MEDIUM,
            TopicConfig.CLEANUP_POLICY_DOC)
        .define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, MEDIUM,
            TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC)
        .define(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, atLeast(1), MEDIUM,
            TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)
        .define(TopicConfig.COMPRESSION_TYPE_CONFIG, STRING, "producer", ValidString.in(BROKER_COMPRESSION_TYPES),
            MEDIUM, TopicConfig.COMPRESSION_TYPE_DOC)
        .define(TopicConfig.PREALLOCATE_CONFIG, BOOLEAN, false, MEDIUM, TopicConfig.PREALLOCATE_DOC)
        .define(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, TimestampType.CREATE_TIME.name,
            ValidString.in(TimestampType.CREATE_TIME.name, TimestampType.LOG_APPEND_TIME.name), MEDIUM,
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)
        .define(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
            TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC)
        .define(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, 60 * 60 * 1000L, atLeast(0), MEDIUM,
            TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC)
        .defineInternal(INTERNAL_SEGMENT_BYTES_CONFIG, INT, null, ConfigDef.LambdaValidator.with(
            (name, value) -> {
                if (value != null && (Integer) value < SMALLEST_RECORD_BYTES) {
                    throw new ConfigException(name, value, "must be at least " + SMALLEST_RECORD_BYTES);
                }
            }, () -> "null or [" + SMALLEST_RECORD_BYTES + ",...]"), MEDIUM,
            "Overrides segment.bytes without its 1 MiB floor; for tests only.");

    private static final LogConfig DEFAULT = fromMap(Map.of());

    private final Map<String, Object> values;
    private final int segmentBytes;
    private final long segmentMs;
    private final long segmentJitterMs;
    private final int segmentIndexBytes;
    private final long flushMessages;
    private final long flushMs;
    private final long retentionBytes;
    private final long retentionMs;
    private final int maxMessageBytes;
    private final int indexIntervalBytes;
    private final long fileDeleteDelayMs;
    private final long deleteRetentionMs;
    private final long minCompactionLagMs;
    private final long maxCompactionLagMs;
    private final double minCleanableDirtyRatio;
    private final boolean cleanupPolicyDelete;
    private final boolean cleanupPolicyCompact;
    private final TimestampType messageTimestampType;
    private final long timestampBeforeMaxMs;
    private final long timestampAfterMaxMs;
    private final int minInSyncReplicas;
    private final boolean preallocate;
    private final boolean uncleanLeaderElectionEnable;

    private LogConfig(Map<String, Object> parsed) {
        Map<String, Object> visible = new HashMap<>(parsed);
        // The internal knob is for tests; an unset one would show up as a null value.
        visible.remove(INTERNAL_SEGMENT_BYTES_CONFIG, null);
        this.values = Collections.unmodifiableMap(visible);
        Integer internalSegmentBytes = (Integer) parsed.get(INTERNAL_SEGMENT_BYTES_CONFIG);
        this.segmentBytes = internalSegmentBytes != null
            ? internalSegmentBytes : (Integer) parsed.get(TopicConfig.SEGMENT_BYTES_CONFIG);
        this.segmentMs = (Long) parsed.get(TopicConfig.SEGMENT_MS_CONFIG);
        this.segmentJitterMs = (Long) parsed.get(TopicConfig.SEGMENT_JITTER_MS_CONFIG);
        this.segmentIndexBytes = (Integer) parsed.get(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG);
        this.flushMessages = (Long) parsed.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
        this.flushMs = (Long) parsed.get(TopicConfig.FLUSH_MS_CONFIG);
        this.retentionBytes = (Long) parsed.get(TopicConfig.RETENTION_BYTES_CONFIG);
        this.retentionMs = (Long) parsed.get(TopicConfig.RETENTION_MS_CONFIG);
        this.maxMessageBytes = (Integer) parsed.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        this.indexIntervalBytes = (Integer) parsed.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
        this.fileDeleteDelayMs = (Long) parsed.get(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG);
        this.deleteRetentionMs = (Long) parsed.get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
        this.minCompactionLagMs = (Long) parsed.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        this.maxCompactionLagMs = (Long) parsed.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        this.minCleanableDirtyRatio = (Double) parsed.get(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);
        @SuppressWarnings("unchecked")
        List<String> policies = (List<String>) parsed.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        this.cleanupPolicyDelete = policies.contains(TopicConfig.CLEANUP_POLICY_DELETE);
        this.cleanupPolicyCompact = policies.contains(TopicConfig.CLEANUP_POLICY_COMPACT);
        this.messageTimestampType = TimestampType.forName(
            (String) parsed.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
        this.timestampBeforeMaxMs = (Long) parsed.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        this.timestampAfterMaxMs = (Long) parsed.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        this.minInSyncReplicas = (Integer) parsed.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        this.preallocate = (Boolean) parsed.get(TopicConfig.PREALLOCATE_CONFIG);
        this.uncleanLeaderElectionEnable =
            (Boolean) parsed.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
    }

    /** Kafka's defaults for every topic config. */
    public static LogConfig defaults() {
        return DEFAULT;
    }

    /**
     * Parses topic overrides on top of Kafka's defaults.
     *
     * @throws ConfigException naming the offending key when a value has the wrong type or range
     */
    public static LogConfig fromMap(Map<String, ?> overridesOnTopOfDefaults) {
        return new LogConfig(CONFIG_DEF.parse(overridesOnTopOfDefaults));
    }

    /**
     * Parses topic overrides on top of broker-wide defaults (given under the topic config
     * names) on top of Kafka's defaults.
     *
     * @throws ConfigException naming the offending key when a value has the wrong type or range
     */
    public static LogConfig fromMap(Map<String, ?> brokerDefaults, Map<String, ?> topicOverrides) {
        Map<String, Object> merged = new HashMap<>(brokerDefaults);
        merged.putAll(topicOverrides);
        return fromMap(merged);
    }

    /** Every config with its parsed value, including defaults; unmodifiable. */
    public Map<String, Object> values() {
        return values;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public long segmentMs() {
        return segmentMs;
    }

    /**
     * The age at which the active segment rolls: {@code segment.ms}, or for a compacted topic
     * {@code max.compaction.lag.ms} when that is sooner, as in Kafka, so the cleaner (which never
     * touches the active segment) can honour the lag.
     */
    public long maxSegmentMs() {
        return cleanupPolicyCompact ? Math.min(segmentMs, maxCompactionLagMs) : segmentMs;
    }

    public long segmentJitterMs() {
        return segmentJitterMs;
    }

    public int segmentIndexBytes() {
        return segmentIndexBytes;
    }

    public long flushMessages() {
        return flushMessages;
    }

    public long flushMs() {
        return flushMs;
    }

    /** Size limit of the partition; negative means unlimited. */
    public long retentionBytes() {
        return retentionBytes;
    }

    /** Age limit of a segment's newest record; negative means unlimited. */
    public long retentionMs() {
        return retentionMs;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    public long fileDeleteDelayMs() {
        return fileDeleteDelayMs;
    }

    /** How long a tombstone survives once the cleaner has seen it. */
    public long deleteRetentionMs() {
        return deleteRetentionMs;
    }

    /** The minimum age of a record before the cleaner may remove an older value of its key. */
    public long minCompactionLagMs() {
        return minCompactionLagMs;
    }

    /** The maximum time a record stays uncompacted, whatever the dirty ratio. */
    public long maxCompactionLagMs() {
        return maxCompactionLagMs;
    }

    /** The share of dirty bytes in the cleanable part of the log that makes it worth cleaning. */
    public double minCleanableDirtyRatio() {
        return minCleanableDirtyRatio;
    }

    public boolean cleanupPolicyDelete() {
        return cleanupPolicyDelete;
    }

    public boolean cleanupPolicyCompact() {
        return cleanupPolicyCompact;
    }

    public TimestampType messageTimestampType() {
        return messageTimestampType;
    }

    public long timestampBeforeMaxMs() {
        return timestampBeforeMaxMs;
    }

    public long timestampAfterMaxMs() {
        return timestampAfterMaxMs;
    }

    public int minInSyncReplicas() {
        return minInSyncReplicas;
    }

    public boolean preallocate() {
        return preallocate;
    }

    public boolean uncleanLeaderElectionEnable() {
        return uncleanLeaderElectionEnable;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "LogConfig" + values;
    }
}
