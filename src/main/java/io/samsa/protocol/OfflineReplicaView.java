package io.samsa.protocol;

import io.samsa.partition.PartitionManager;
import java.util.ArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Shows the partitions whose log directory is offline on this broker the way Kafka's metadata does once its
 * controller has heard of the failed directory: this broker is listed among the offline replicas and, as no
 * other replica can take over in a single-broker cluster, the partition has no leader (-1) and answers
 * LEADER_NOT_AVAILABLE, so clients keep refreshing metadata instead of sending to a leader that cannot write.
 * Replicas and ISR stay as registered: Kafka's controller keeps the last ISR member when it fences the leader.
 */
final class OfflineReplicaView {
    private final PartitionManager partitions;

    OfflineReplicaView(PartitionManager partitions) {
        this.partitions = partitions;
    }

    /** Rewrites the offline partitions of a Metadata response in place. */
    ApiMessage metadata(ApiMessage message) {
        if (message instanceof MetadataResponseData response && !partitions.offlineLogDirs().isEmpty()) {
            for (MetadataResponseTopic topic : response.topics()) {
                for (MetadataResponsePartition p : topic.partitions()) {
                    if (isOffline(topic.name(), p.partitionIndex())) {
                        p.setLeaderId(-1).setErrorCode(Errors.LEADER_NOT_AVAILABLE.code())
                            .setOfflineReplicas(new ArrayList<>(java.util.List.of(partitions.nodeId())));
                    }
                }
            }
        }
        return message;
    }

    /** Rewrites the offline partitions of a DescribeTopicPartitions response in place. */
    ApiMessage describeTopicPartitions(ApiMessage message) {
        if (message instanceof DescribeTopicPartitionsResponseData response && !partitions.offlineLogDirs().isEmpty()) {
            for (DescribeTopicPartitionsResponseTopic topic : response.topics()) {
                for (DescribeTopicPartitionsResponsePartition p : topic.partitions()) {
                    if (isOffline(topic.name(), p.partitionIndex())) {
                        p.setLeaderId(-1).setErrorCode(Errors.LEADER_NOT_AVAILABLE.code())
                            .setOfflineReplicas(new ArrayList<>(java.util.List.of(partitions.nodeId())));
                    }
                }
            }
        }
        return message;
    }

    private boolean isOffline(String topic, int partition) {
        return topic != null && partitions.isOnOfflineLogDir(new TopicPartition(topic, partition));
    }
}
