package io.samsa.metadata;

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

    enum ResourceType { TOPIC, BROKER }
}
