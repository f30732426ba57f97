package io.samsa.metadata;

import io.samsa.config.Endpoint;
import io.samsa.metadata.MetadataRecord.BrokerFenceRecord;
import io.samsa.metadata.MetadataRecord.ClusterIdRecord;
import io.samsa.metadata.MetadataRecord.ConfigRecord;
import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.RegisterBrokerRecord;
import io.samsa.metadata.MetadataRecord.RemoveTopicRecord;
import io.samsa.metadata.MetadataRecord.ResourceType;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import io.samsa.metadata.TopicImage.PartitionImage;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's metadata at one point of the metadata log: topics by name and id, configs, the next free
 * producer id. Immutable; {@link #apply} returns a new image, so readers never lock.
 */
public final class MetadataImage {
    public static final MetadataImage EMPTY = new MetadataImage(Map.of(), Map.of(), Map.of(), 0L, 0L, null, Map.of());

    private final Map<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    /** Broker config overrides: key "" is the cluster-wide default, else the node id as a string. */
    private final Map<String, Map<String, String>> brokerConfigs;
    private final long nextProducerId;
    private final long recordCount;
    private final String clusterId;
    private final Map<Integer, BrokerRegistration> brokers;

    private MetadataImage(Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                          Map<String, Map<String, String>> brokerConfigs, long nextProducerId, long recordCount,
                          String clusterId, Map<Integer, BrokerRegistration> brokers) {
        this.topicsByName = topicsByName;
        this.topicsById = topicsById;
        this.brokerConfigs = brokerConfigs;
        this.nextProducerId = nextProducerId;
        this.recordCount = recordCount;
        this.clusterId = clusterId;
        this.brokers = brokers;
    }

    /** A broker as registered in the metadata: its epoch, endpoints by listener, rack and whether it is fenced. */
    public record BrokerRegistration(int nodeId, Uuid incarnationId, long brokerEpoch, List<Endpoint> endpoints,
                                     String rack, boolean fenced) {
        public Endpoint endpoint(String listenerName) {
            for (Endpoint e : endpoints) {
                if (e.listenerName().equals(listenerName)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** The cluster id the quorum chose; null for an image without one (a single broker keeps it in meta.properties). */
    public String clusterId() {
        return clusterId;
    }

    /** Registered brokers by node id, fenced or not. */
    public Map<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    public BrokerRegistration broker(int nodeId) {
        return brokers.get(nodeId);
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
        String cluster = clusterId;
        Map<Integer, BrokerRegistration> registrations = this.brokers;
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
                } else if (record instanceof ClusterIdRecord r) {
                    if (cluster != null && !cluster.equals(r.clusterId())) {
                        throw new IllegalStateException("The cluster id is " + cluster + " already, not " + r.clusterId());
                    }
                    cluster = r.clusterId();
                } else if (record instanceof RegisterBrokerRecord r) {
                    registrations = new TreeMap<>(registrations);
                    registrations.put(r.nodeId(), new BrokerRegistration(r.nodeId(), r.incarnationId(), r.brokerEpoch(),
                        r.endpoints(), r.rack(), true));
                } else if (record instanceof BrokerFenceRecord r) {
                    BrokerRegistration old = registrations.get(r.nodeId());
                    if (old != null && old.brokerEpoch() == r.brokerEpoch()) {
                        registrations = new TreeMap<>(registrations);
                        registrations.put(r.nodeId(), new BrokerRegistration(old.nodeId(), old.incarnationId(),
                            old.brokerEpoch(), old.endpoints(), old.rack(), r.fenced()));
                    }
                }
            }
        }
        return new MetadataImage(byName, byId, brokers, producerIds, recordCount + records.size(), cluster,
            registrations == this.brokers ? registrations : Collections.unmodifiableMap(registrations));
    }

    /**
     * Records that rebuild this image from an empty one (a snapshot): {@code EMPTY.apply(toRecords())} equals this
     * image but for {@link #recordCount()}, which {@link #fromSnapshot} restores.
     */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        if (clusterId != null) {
            records.add(new ClusterIdRecord(clusterId));
        }
        for (BrokerRegistration b : brokers.values()) {
            records.add(new RegisterBrokerRecord(b.nodeId(), b.incarnationId(), b.brokerEpoch(), b.endpoints(), b.rack()));
            if (!b.fenced()) {
                records.add(new BrokerFenceRecord(b.nodeId(), b.brokerEpoch(), false));
            }
        }
        for (TopicImage topic : topicsByName.values()) {
            records.add(new TopicRecord(topic.name(), topic.topicId()));
            for (TopicImage.PartitionImage p : topic.partitions()) {
                records.add(new PartitionRecord(topic.topicId(), p.partition(), p.replicas(), p.isr(), p.leader(), p.leaderEpoch()));
            }
            topic.configs().forEach((k, v) -> records.add(new ConfigRecord(ResourceType.TOPIC, topic.name(), k, v)));
        }
        new TreeMap<>(brokerConfigs).forEach((resource, configs) ->
            configs.forEach((k, v) -> records.add(new ConfigRecord(ResourceType.BROKER, resource, k, v))));
        if (nextProducerId > 0) {
            records.add(new ProducerIdsRecord(nextProducerId));
        }
        return records;
    }

    /** The image a snapshot's records describe, at the record count it was taken at. */
    public static MetadataImage fromSnapshot(List<MetadataRecord> records, long recordCount) {
        MetadataImage image = EMPTY.apply(records);
        return new MetadataImage(image.topicsByName, image.topicsById, image.brokerConfigs, image.nextProducerId,
            recordCount, image.clusterId, image.brokers);
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
