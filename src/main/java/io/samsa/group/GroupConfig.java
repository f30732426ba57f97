package io.samsa.group;

import io.samsa.config.ServerConfig;

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
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize, int initialRebalanceDelayMs,
                          int newMemberJoinTimeoutMs, long offsetsRetentionMs, int offsetMetadataMaxBytes,
                          int offsetsTopicPartitions, short offsetsTopicReplicationFactor, int offsetsTopicSegmentBytes,
                          int loadBufferBytes) {

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
            config.getInt("offsets.load.buffer.size"));
    }
}
