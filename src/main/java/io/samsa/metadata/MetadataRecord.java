package io.samsa.metadata;

import io.samsa.config.Endpoint;
import org.apache.kafka.common.Uuid;

import java.util.List;

/** One change to the cluster's metadata. Records are applied in log order to build a {@link MetadataImage}. */
public sealed interface MetadataRecord {

    /** A topic is born with a name and an id that never changes. */
    record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
    }

    /** A partition's replicas, leader and leader epoch (a new record for the same partition replaces the old). */
    record PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr,
                           int leader, int leaderEpoch) implements MetadataRecord {
    }

    /** A topic and its partitions are gone. */
    record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
    }

    /** A config value set on a topic or broker; a null value removes the override. Broker "" is the cluster default. */
    record ConfigRecord(ResourceType resourceType, String resourceName, String key, String value) implements MetadataRecord {
    }

    /** The next producer id not yet handed out; producer ids below it are taken. */
    record ProducerIdsRecord(long nextProducerId) implements MetadataRecord {
    }

    /** The cluster's id, chosen once by the first quorum; never changes afterwards. */
    record ClusterIdRecord(String clusterId) implements MetadataRecord {
    }

    /**
     * A broker joined (or rejoined) the cluster: a new epoch for its node id, its endpoints per listener and its rack
     * (null when none). A registered broker starts fenced: it neither leads nor counts as a live replica until unfenced.
     */
    record RegisterBrokerRecord(int nodeId, Uuid incarnationId, long brokerEpoch, List<Endpoint> endpoints, String rack)
        implements MetadataRecord {
    }

    /** A registered broker is fenced (not alive: missed its heartbeats, or shutting down) or unfenced, for one epoch. */
    record BrokerFenceRecord(int nodeId, long brokerEpoch, boolean fenced) implements MetadataRecord {
    }

    enum ResourceType { TOPIC, BROKER }
}
