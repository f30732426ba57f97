package io.samsa.protocol;

import io.samsa.config.Endpoint;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import io.samsa.metadata.TopicImage.PartitionImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * KIP-951: a Produce (v10+) or Fetch (v16+) answer that tells a client this broker does not lead a partition also
 * names the partition's current leader and epoch, and the response lists that leader's endpoint on the listener
 * the request came in on, so the client sends to it at once instead of first refreshing its metadata. The leader
 * is the one in this broker's applied metadata image.
 */
final class CurrentLeaders {
    private final Supplier<MetadataImage> appliedImage;

    CurrentLeaders(Supplier<MetadataImage> appliedImage) {
        this.appliedImage = appliedImage;
    }

    private static boolean pointsElsewhere(short errorCode) {
        return errorCode == Errors.NOT_LEADER_OR_FOLLOWER.code() || errorCode == Errors.FENCED_LEADER_EPOCH.code();
    }

    /** The partition's leader in the applied image, or null when the partition or its leader is unknown. */
    private static PartitionImage leaderOf(MetadataImage image, String topicName, Uuid topicId, int partition) {
        TopicImage topic = topicName != null && !topicName.isEmpty() ? image.topic(topicName)
            : topicId != null ? image.topic(topicId) : null;
        PartitionImage p = topic == null ? null : topic.partition(partition);
        return p == null || p.leader() < 0 ? null : p;
    }

    void addTo(ProduceResponseData response, String listenerName) {
        MetadataImage image = appliedImage.get();
        Set<Integer> leaders = new HashSet<>();
        for (ProduceResponseData.TopicProduceResponse topic : response.responses()) {
            for (ProduceResponseData.PartitionProduceResponse partition : topic.partitionResponses()) {
                if (!pointsElsewhere(partition.errorCode())) {
                    continue;
                }
                PartitionImage leader = leaderOf(image, topic.name(), topic.topicId(), partition.index());
                if (leader != null) {
                    partition.currentLeader().setLeaderId(leader.leader()).setLeaderEpoch(leader.leaderEpoch());
                    leaders.add(leader.leader());
                }
            }
        }
        for (int id : leaders) {
            MetadataImage.BrokerRegistration broker = image.broker(id);
            Endpoint endpoint = broker == null ? null : broker.endpoint(listenerName);
            if (endpoint != null) {
                response.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(id)
                    .setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack()));
            }
        }
    }

    void addTo(FetchResponseData response, String listenerName) {
        MetadataImage image = appliedImage.get();
        Set<Integer> leaders = new HashSet<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (!pointsElsewhere(partition.errorCode())) {
                    continue;
                }
                PartitionImage leader = leaderOf(image, topic.topic(), topic.topicId(), partition.partitionIndex());
                if (leader != null) {
                    partition.currentLeader().setLeaderId(leader.leader()).setLeaderEpoch(leader.leaderEpoch());
                    leaders.add(leader.leader());
                }
            }
        }
        for (int id : leaders) {
            MetadataImage.BrokerRegistration broker = image.broker(id);
            Endpoint endpoint = broker == null ? null : broker.endpoint(listenerName);
            if (endpoint != null) {
                response.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(id)
                    .setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack()));
            }
        }
    }
}
