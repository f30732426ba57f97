package io.samsa.metadata;

import io.samsa.metadata.MetadataRecord.ConfigRecord;
import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.RemoveTopicRecord;
import io.samsa.metadata.MetadataRecord.ResourceType;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import io.samsa.metadata.TopicImage.PartitionImage;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's metadata at one point of the metadata log: topics by name and id, configs, the next free
 * producer id. Immutable; {@link #apply} returns a new image, so readers never lock.
 */
public final class MetadataImage {
    public static final MetadataImage EMPTY = new MetadataImage(Map.of(), Map.of(), Map.of(), 0L, 0L);

    private final Map<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    /** Broker config overrides: key "" is the cluster-wide default, else the node id as a string. */
    private final Map<String, Map<String, String>> brokerConfigs;
    private final long nextProducerId;
    private final long recordCount;

    private MetadataImage(Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                          Map<String, Map<String, String>> brokerConfigs, long nextProducerId, long recordCount) {
        this.topicsByName = topicsByName;
        this.topicsById = topicsById;
        this.brokerConfigs = brokerConfigs;
        this.nextProducerId = nextProducerId;
        this.recordCount = recordCount;
    }

    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }

    /** Topics in name order. */
    public Collection<TopicImage> topics() {
        return topicsByName.values();
    }

    public Map<String, String> brokerConfigs(String resourceName) {
        return brokerConfigs.getOrDefault(resourceName, Map.of());
    }

    public long nextProducerId() {
        return nextProducerId;
    }

    /** How many records made this image; a cheap version number for caches. */
    public long recordCount() {
        return recordCount;
    }

    public MetadataImage apply(List<MetadataRecord> records) {
        Map<String, TopicImage> byName = new TreeMap<>(topicsByName);
        Map<Uuid, TopicImage> byId = new HashMap<>(topicsById);
        Map<String, Map<String, String>> brokers = new HashMap<>(brokerConfigs);
        long producerIds = nextProducerId;
        for (MetadataRecord record : records) {
            { // dispatch on record type
                if (record instanceof TopicRecord r) {
                    TopicImage topic = new TopicImage(r.name(), r.topicId(), List.of(), Map.of());
                    byName.put(r.name(), topic);
                    byId.put(r.topicId(), topic);
                } else if (record instanceof PartitionRecord r) {
                    TopicImage old = byId.get(r.topicId());
                    if (old == null) {
                        throw new IllegalStateException("Partition record for unknown topic id " + r.topicId());
                    }
                    List<PartitionImage> partitions = new ArrayList<>(old.partitions());
                    PartitionImage image = new PartitionImage(r.partition(), r.replicas(), r.isr(), r.leader(), r.leaderEpoch());
                    if (r.partition() < partitions.size()) {
                        partitions.set(r.partition(), image);
                    } else if (r.partition() == partitions.size()) {
                        partitions.add(image);
                    } else {
                        throw new IllegalStateException("Partition " + r.partition() + " of " + old.name() + " skips ahead");
                    }
                    TopicImage topic = new TopicImage(old.name(), old.topicId(), List.copyOf(partitions), old.configs());
                    byName.put(topic.name(), topic);
                    byId.put(topic.topicId(), topic);
                } else if (record instanceof RemoveTopicRecord r) {
                    TopicImage old = byId.remove(r.topicId());
                    if (old != null) {
                        byName.remove(old.name());
                    }
                } else if (record instanceof ConfigRecord r) {
                    if (r.resourceType() == ResourceType.TOPIC) {
                        TopicImage old = byName.get(r.resourceName());
                        if (old == null) {
                            throw new IllegalStateException("Config record for unknown topic " + r.resourceName());
                        }
                        TopicImage topic = new TopicImage(old.name(), old.topicId(), old.partitions(), withValue(old.configs(), r));
                        byName.put(topic.name(), topic);
                        byId.put(topic.topicId(), topic);
                    } else {
                        brokers.put(r.resourceName(), withValue(brokers.getOrDefault(r.resourceName(), Map.of()), r));
                    }
                } else if (record instanceof ProducerIdsRecord r) {
                    producerIds = Math.max(producerIds, r.nextProducerId());
                }
            }
        }
        return new MetadataImage(byName, byId, brokers, producerIds, recordCount + records.size());
    }

    private static Map<String, String> withValue(Map<String, String> configs, ConfigRecord r) {
        Map<String, String> copy = new TreeMap<>(configs);
        if (r.value() == null) {
            copy.remove(r.key());
        } else {
            copy.put(r.key(), r.value());
        }
        return Map.copyOf(copy);
    }
}
