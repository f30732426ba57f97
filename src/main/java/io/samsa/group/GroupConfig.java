package io.samsa.group;

import io.samsa.config.ServerConfig;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;

/**
 * The group coordinator's settings, read once from server.properties with Kafka's names.
 *
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms}
 * @param maxSize {@code group.max.size}
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}
 * @param newMemberJoinTimeoutMs how long a new member's parked JoinGroup may wait (Kafka's fixed 5 minutes)
 * @param offsetsRetentionMs {@code offsets.retention.minutes} in milliseconds
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes}
 * @param offsetsTopicPartitions {@code offsets.topic.num.partitions}
 * @param offsetsTopicReplicationFactor {@code offsets.topic.replication.factor}
 * @param offsetsTopicSegmentBytes {@code offsets.topic.segment.bytes}
 * @param loadBufferBytes {@code offsets.load.buffer.size}
 * @param consumerAssignors {@code group.consumer.assignors}: server-side assignors of the consumer protocol, the
 *        first the default
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms}
 * @param consumerMaxSize {@code group.consumer.max.size}
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize, int initialRebalanceDelayMs,
                          int newMemberJoinTimeoutMs, long offsetsRetentionMs, int offsetMetadataMaxBytes,
                          int offsetsTopicPartitions, short offsetsTopicReplicationFactor, int offsetsTopicSegmentBytes,
                          int loadBufferBytes, List<String> consumerAssignors, int consumerHeartbeatIntervalMs,
                          int consumerSessionTimeoutMs, int consumerMaxSize) {

    /** Settings with Kafka's consumer-protocol defaults (uniform and range, 5 s heartbeats, 45 s sessions). */
    public GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize, int initialRebalanceDelayMs,
                       int newMemberJoinTimeoutMs, long offsetsRetentionMs, int offsetMetadataMaxBytes,
                       int offsetsTopicPartitions, short offsetsTopicReplicationFactor, int offsetsTopicSegmentBytes,
                       int loadBufferBytes) {
        this(minSessionTimeoutMs, maxSessionTimeoutMs, maxSize, initialRebalanceDelayMs, newMemberJoinTimeoutMs,
            offsetsRetentionMs, offsetMetadataMaxBytes, offsetsTopicPartitions, offsetsTopicReplicationFactor,
            offsetsTopicSegmentBytes, loadBufferBytes, List.of("uniform", "range"), 5000, 45000, Integer.MAX_VALUE);
    }

    /** The same settings with other consumer-protocol timings. */
    public GroupConfig withConsumerTimings(int heartbeatIntervalMs, int sessionTimeoutMs, int maxSize) {
        return new GroupConfig(minSessionTimeoutMs, maxSessionTimeoutMs, this.maxSize, initialRebalanceDelayMs,
            newMemberJoinTimeoutMs, offsetsRetentionMs, offsetMetadataMaxBytes, offsetsTopicPartitions,
            offsetsTopicReplicationFactor, offsetsTopicSegmentBytes, loadBufferBytes, consumerAssignors,
            heartbeatIntervalMs, sessionTimeoutMs, maxSize);
    }

    public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    public static GroupConfig from(ServerConfig config) {
        return new GroupConfig(
            config.getInt("group.min.session.timeout.ms"),
            config.getInt("group.max.session.timeout.ms"),
            config.getInt("group.max.size"),
            config.getInt("group.initial.rebalance.delay.ms"),
            NEW_MEMBER_JOIN_TIMEOUT_MS,
            config.getInt("offsets.retention.minutes") * 60_000L,
            config.getInt("offset.metadata.max.bytes"),
            config.getInt("offsets.topic.num.partitions"),
            config.getShort("offsets.topic.replication.factor"),
            config.getInt("offsets.topic.segment.bytes"),
            config.getInt("offsets.load.buffer.size"),
            consumerAssignors(config.getList("group.consumer.assignors")),
            between(config, "group.consumer.heartbeat.interval.ms", "group.consumer.min.heartbeat.interval.ms",
                "group.consumer.max.heartbeat.interval.ms"),
            between(config, "group.consumer.session.timeout.ms", "group.consumer.min.session.timeout.ms",
                "group.consumer.max.session.timeout.ms"),
            config.getInt("group.consumer.max.size"));
    }

    private static List<String> consumerAssignors(List<String> names) {
        if (names.isEmpty()) {
            throw new ConfigException("group.consumer.assignors", names, "at least one assignor is required");
        }
        for (String name : names) {
            if (ServerAssignor.named(name) == null) {
                throw new ConfigException("group.consumer.assignors", names,
                    "unknown assignor " + name + " (known: uniform, range)");
            }
        }
        return List.copyOf(names);
    }

    private static int between(ServerConfig config, String key, String minKey, String maxKey) {
        int value = config.getInt(key);
        if (value < config.getInt(minKey) || value > config.getInt(maxKey)) {
            throw new ConfigException(key, value, "must be between " + minKey + " (" + config.getInt(minKey) + ") and "
                + maxKey + " (" + config.getInt(maxKey) + ")");
        }
        return value;
    }
}
