package io.samsa.metadata;

import io.samsa.config.ServerConfig;
import io.samsa.log.LogConfig;
import io.samsa.metadata.MetadataRecord.ConfigRecord;
import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.RemoveTopicRecord;
import io.samsa.metadata.MetadataRecord.ResourceType;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Decides metadata changes: validates a request against the current image and Kafka's rules, then commits
 * the records that carry it out. In a cluster this runs on the quorum leader; here on the one broker.
 * Thread-safe: every change is serialised so validation and commit see the same image.
 */
public final class Controller {
    /** Producer ids are handed to brokers in blocks, so InitProducerId rarely writes metadata. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final MetadataStore store;
    private final ServerConfig config;
    private final Supplier<Set<Integer>> liveBrokers;

    /** As Kafka's controller (KAFKA-17870): one request builds at most this many partitions, so none can exhaust memory. */
    static final int MAX_PARTITIONS_PER_REQUEST = 10_000;
    private static final String EXCESSIVE_PARTITIONS = "Excessively large number of partitions per request.";

    public Controller(MetadataStore store, ServerConfig config, Supplier<Set<Integer>> liveBrokers) {
        this.store = store;
        this.config = config;
        this.liveBrokers = liveBrokers;
    }

    public MetadataImage image() {
        return store.image();
    }

    /** The result of a topic creation: its error, and on success the topic as created (or as it would be). */
    public record CreateTopicResult(ApiError error, TopicImage topic) {
    }

    public synchronized CreateTopicResult createTopic(String name, int numPartitions, short replicationFactor,
                                                      Map<Integer, List<Integer>> assignments, Map<String, String> configs,
                                                      boolean validateOnly) {
        MetadataImage image = store.image();
        ApiError nameError = validateNewTopicName(image, name);
        if (nameError != null) {
            return new CreateTopicResult(nameError, null);
        }
        List<List<Integer>> replicas;
        if (!assignments.isEmpty()) {
            if (numPartitions != -1 || replicationFactor != -1) {
                return failed(Errors.INVALID_REQUEST, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }
            if (assignments.size() > MAX_PARTITIONS_PER_REQUEST) {
                return failed(Errors.POLICY_VIOLATION, EXCESSIVE_PARTITIONS);
            }
            replicas = new ArrayList<>();
            for (int p = 0; p < assignments.size(); p++) {
                List<Integer> assignment = assignments.get(p);
                if (assignment == null) {
                    return failed(Errors.INVALID_REPLICA_ASSIGNMENT, "Partitions should be a consecutive 0-based integer sequence");
                }
                ApiError error = validateAssignment(assignment);
                if (error != null) {
                    return new CreateTopicResult(error, null);
                }
                replicas.add(List.copyOf(assignment));
            }
        } else {
            int partitions = numPartitions == -1 ? config.getInt(ServerConfig.NUM_PARTITIONS) : numPartitions;
            short factor = replicationFactor == -1 ? config.getShort(ServerConfig.DEFAULT_REPLICATION_FACTOR) : replicationFactor;
            if (partitions <= 0) {
                return failed(Errors.INVALID_PARTITIONS, "Number of partitions was set to an invalid non-positive value.");
            }
            if (partitions > MAX_PARTITIONS_PER_REQUEST) {
                return failed(Errors.POLICY_VIOLATION, EXCESSIVE_PARTITIONS);
            }
            if (factor <= 0) {
                return failed(Errors.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            Set<Integer> brokers = new TreeSet<>(liveBrokers.get());
            if (factor > brokers.size()) {
                return failed(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + factor
                    + " time(s): The target replication factor of " + factor + " cannot be reached because only "
                    + brokers.size() + " broker(s) are registered.");
            }
            replicas = assignReplicas(new ArrayList<>(brokers), partitions, factor, image.topics().size());
        }
        ApiError configError = validateTopicConfigs(configs);
        if (configError != null) {
            return new CreateTopicResult(configError, null);
        }

        Uuid topicId = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, topicId));
        for (int p = 0; p < replicas.size(); p++) {
            List<Integer> r = replicas.get(p);
            records.add(new PartitionRecord(topicId, p, r, r, r.get(0), 0));
        }
        for (Map.Entry<String, String> e : configs.entrySet()) {
            records.add(new ConfigRecord(ResourceType.TOPIC, name, e.getKey(), e.getValue()));
        }
        MetadataImage result = validateOnly ? image.apply(records) : store.commit(records);
        return new CreateTopicResult(ApiError.NONE, result.topic(name));
    }

    public synchronized ApiError deleteTopic(Uuid topicId) {
        if (!config.getBoolean(ServerConfig.DELETE_TOPIC_ENABLE)) {
            return new ApiError(Errors.TOPIC_DELETION_DISABLED, "Topic deletion is disabled.");
        }
        if (store.image().topic(topicId) == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_ID, "Topic id " + topicId + " does not exist.");
        }
        store.commit(List.of(new RemoveTopicRecord(topicId)));
        return ApiError.NONE;
    }

    public synchronized ApiError createPartitions(String topicName, int newCount, List<List<Integer>> newAssignments,
                                                  boolean validateOnly) {
        MetadataImage image = store.image();
        TopicImage topic = image.topic(topicName);
        if (topic == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topicName + "' does not exist.");
        }
        int current = topic.partitionCount();
        if (newCount < current) {
            return new ApiError(Errors.INVALID_PARTITIONS, "The topic " + topicName + " currently has " + current
                + " partition(s); " + newCount + " would not be an increase.");
        }
        if (newCount == current) {
            return new ApiError(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s).");
        }
        if ((long) newCount - current > MAX_PARTITIONS_PER_REQUEST) {
            return new ApiError(Errors.POLICY_VIOLATION, EXCESSIVE_PARTITIONS);
        }
        List<List<Integer>> replicas;
        if (newAssignments != null) {
            if (newAssignments.size() != newCount - current) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + (newCount - current)
                    + " additional partition(s), but only " + newAssignments.size() + " assignment(s) were specified.");
            }
            int factor = topic.partitions().get(0).replicas().size();
            for (List<Integer> assignment : newAssignments) {
                if (assignment.size() != factor) {
                    return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes a partition with "
                        + assignment.size() + " replica(s), but this is not consistent with previous partitions, which have "
                        + factor + " replica(s).");
                }
                ApiError error = validateAssignment(assignment);
                if (error != null) {
                    return error;
                }
            }
            replicas = newAssignments;
        } else {
            int factor = topic.partitions().get(0).replicas().size();
            List<Integer> brokers = new ArrayList<>(new TreeSet<>(liveBrokers.get()));
            if (factor > brokers.size()) {
                return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + factor
                    + " time(s): only " + brokers.size() + " broker(s) are registered.");
            }
            replicas = assignReplicas(brokers, newCount - current, (short) factor, current);
        }
        if (validateOnly) {
            return ApiError.NONE;
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            List<Integer> r = List.copyOf(replicas.get(i));
            records.add(new PartitionRecord(topic.topicId(), current + i, r, r, r.get(0), 0));
        }
        store.commit(records);
        return ApiError.NONE;
    }

    /**
     * Changes a topic's config overrides: each entry sets a value, or removes the override when the value
     * is null. With {@code replaceAll}, overrides not named are removed too (the legacy AlterConfigs).
     */
    public synchronized ApiError alterTopicConfigs(String topicName, Map<String, String> changes, boolean replaceAll,
                                                   boolean validateOnly) {
        TopicImage topic = store.image().topic(topicName);
        if (topic == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topicName + "' does not exist.");
        }
        Map<String, String> result = replaceAll ? new HashMap<>() : new HashMap<>(topic.configs());
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (e.getValue() == null) {
                result.remove(e.getKey());
            } else {
                result.put(e.getKey(), e.getValue());
            }
        }
        ApiError error = validateTopicConfigs(result);
        if (error != null) {
            return error;
        }
        if (validateOnly) {
            return ApiError.NONE;
        }
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> keys = new HashSet<>(topic.configs().keySet());
        keys.addAll(result.keySet());
        for (String key : keys) {
            String before = topic.configs().get(key);
            String after = result.get(key);
            if (!java.util.Objects.equals(before, after)) {
                records.add(new ConfigRecord(ResourceType.TOPIC, topicName, key, after));
            }
        }
        store.commit(records);
        return ApiError.NONE;
    }

    /**
     * Changes dynamic broker configs for one broker (its id as a string) or the cluster default ("").
     * Only the topic-default settings ({@code log.retention.ms}, {@code message.max.bytes}, …) may change
     * while running, as in Kafka.
     */
    public synchronized ApiError alterBrokerConfigs(String resourceName, Map<String, String> changes, boolean replaceAll,
                                                    boolean validateOnly) {
        Set<String> dynamic = dynamicBrokerKeys();
        Set<String> rejected = new TreeSet<>();
        for (String key : changes.keySet()) {
            if (!dynamic.contains(key)) {
                rejected.add(key);
            }
        }
        if (!rejected.isEmpty()) {
            return new ApiError(Errors.INVALID_CONFIG, "Cannot update these configs dynamically: " + rejected);
        }
        Map<String, String> current = store.image().brokerConfigs(resourceName);
        Map<String, String> result = replaceAll ? new HashMap<>() : new HashMap<>(current);
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (e.getValue() == null) {
                result.remove(e.getKey());
            } else {
                result.put(e.getKey(), e.getValue());
            }
        }
        Map<String, Object> props = new HashMap<>(config.originals());
        props.putAll(result);
        try {
            new ServerConfig(props, false);
        } catch (ConfigException e) {
            return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
        }
        if (validateOnly) {
            return ApiError.NONE;
        }
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> keys = new HashSet<>(current.keySet());
        keys.addAll(result.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(current.get(key), result.get(key))) {
                records.add(new ConfigRecord(ResourceType.BROKER, resourceName, key, result.get(key)));
            }
        }
        store.commit(records);
        return ApiError.NONE;
    }

    /** Reserves a block of producer ids; returns the first id of the block. */
    public synchronized long allocateProducerIds(int count) {
        long start = store.image().nextProducerId();
        store.commit(List.of(new ProducerIdsRecord(start + count)));
        return start;
    }

    public static Set<String> dynamicBrokerKeys() {
        Set<String> keys = new TreeSet<>();
        for (List<String> synonyms : ServerConfig.TOPIC_CONFIG_SYNONYMS.values()) {
            keys.addAll(synonyms);
        }
        return keys;
    }

    private ApiError validateNewTopicName(MetadataImage image, String name) {
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (name.equals(Topic.CLUSTER_METADATA_TOPIC_NAME)) {
            // Its partition directory is the metadata log's: a client must never create (or delete) it.
            return new ApiError(Errors.INVALID_REQUEST, "Creation of internal topic " + name + " is prohibited.");
        }
        if (image.topic(name) != null) {
            return new ApiError(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (Topic.hasCollisionChars(name)) {
            String unified = Topic.unifyCollisionChars(name);
            for (TopicImage existing : image.topics()) {
                if (Topic.unifyCollisionChars(existing.name()).equals(unified)) {
                    return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + name
                        + "' collides with existing topic: " + existing.name());
                }
            }
        }
        return null;
    }

    private ApiError validateAssignment(List<Integer> assignment) {
        if (assignment.isEmpty()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Replica assignment must not be empty.");
        }
        if (new HashSet<>(assignment).size() != assignment.size()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Duplicate brokers not allowed in replica assignment: " + assignment);
        }
        Set<Integer> brokers = liveBrokers.get();
        for (int broker : assignment) {
            if (!brokers.contains(broker)) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes broker "
                    + broker + ", but no such broker is registered.");
            }
        }
        return null;
    }

    private ApiError validateTopicConfigs(Map<String, String> configs) {
        for (String key : configs.keySet()) {
            if (!LogConfig.CONFIG_DEF.names().contains(key)) {
                return new ApiError(Errors.INVALID_CONFIG, "Unknown topic config name: " + key);
            }
        }
        try {
            LogConfig.fromMap(config.topicDefaults(), configs);
        } catch (ConfigException e) {
            return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
        }
        return null;
    }

    /** Round-robin placement: partition p's leader is broker (start + p) mod n, followers the next ones. */
    private static List<List<Integer>> assignReplicas(List<Integer> brokers, int partitions, short factor, int start) {
        List<List<Integer>> result = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>(factor);
            for (int r = 0; r < factor; r++) {
                replicas.add(brokers.get((start + p + r) % brokers.size()));
            }
            result.add(List.copyOf(replicas));
        }
        return result;
    }

    private static CreateTopicResult failed(Errors error, String message) {
        return new CreateTopicResult(new ApiError(error, message), null);
    }
}
