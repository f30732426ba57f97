package io.samsa.metadata;

import io.netty.util.concurrent.DefaultThreadFactory;
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
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides metadata changes: validates a request against the current image and Kafka's rules, then commits
 * the records that carry it out. In a cluster this runs on the quorum leader; here on the one broker.
 *
 * <p>Threads: every change runs, in the order asked, on the one {@code samsa-controller} thread, which validates
 * it against the store's image and then waits there for its commit before taking the next change. So each change
 * is validated against an image holding every earlier one, with no lock and no image of uncommitted changes to
 * roll back when a commit fails (which a Raft quorum's may, on a lost leadership). Waiting is fine on this thread,
 * which serves no connection; metadata changes are rare enough that committing one at a time costs nothing that
 * matters. Callers get a future instead: it completes once the change is committed and this broker has applied it
 * ({@code appliedLocally}: its logs opened or deleted), so the client that asked reads its own write. A commit that
 * fails answers with the error ({@code KAFKA_STORAGE_ERROR} for an I/O error), never a hang.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** Producer ids are handed to brokers in blocks, so InitProducerId rarely writes metadata. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;
    private static final long CLOSE_WAIT_SECONDS = 30;
    /** How often a change decided on an image that another node's change overtook is decided again. */
    private static final int MAX_DECISION_ATTEMPTS = 20;

    private final MetadataStore store;
    private final ServerConfig config;
    private final Supplier<Set<Integer>> liveBrokers;
    private final int maxReplicationFactor;
    private final Function<MetadataImage, ? extends CompletionStage<?>> appliedLocally;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(new DefaultThreadFactory("samsa-controller", true));

    /** As Kafka's controller (KAFKA-17870): one request builds at most this many partitions, so none can exhaust memory. */
    static final int MAX_PARTITIONS_PER_REQUEST = 10_000;
    private static final String EXCESSIVE_PARTITIONS = "Excessively large number of partitions per request.";

    /**
     * @param appliedLocally completes once this broker has applied the given image (for read-your-writes); a
     *                       change's answer waits for it
     */
    public Controller(MetadataStore store, ServerConfig config, Supplier<Set<Integer>> liveBrokers,
                      Function<MetadataImage, ? extends CompletionStage<?>> appliedLocally) {
        this.store = store;
        this.config = config;
        this.liveBrokers = liveBrokers;
        this.appliedLocally = appliedLocally;
        this.maxReplicationFactor = Integer.MAX_VALUE;
    }

    /**
     * A cluster node's controller: any node decides changes against its image and commits them through the quorum.
     * {@code maxReplicationFactor} caps new topics' replication while partition data is not replicated yet.
     */
    public Controller(MetadataStore store, ServerConfig config, Supplier<Set<Integer>> liveBrokers,
                      Function<MetadataImage, ? extends CompletionStage<?>> appliedLocally, int maxReplicationFactor) {
        this.store = store;
        this.config = config;
        this.liveBrokers = liveBrokers;
        this.appliedLocally = appliedLocally;
        this.maxReplicationFactor = maxReplicationFactor;
    }

    public MetadataImage image() {
        return store.image();
    }

    /**
     * What a change decided against an image: records to commit (none when it only answers: a validation error,
     * {@code validateOnly}, nothing to change) and the answer to give once they are committed.
     */
    private record Decision<T>(List<MetadataRecord> records, T answer) {
    }

    private static <T> Decision<T> answer(T answer) {
        return new Decision<>(List.of(), answer);
    }

    private static <T> Decision<T> commit(List<MetadataRecord> records, T answer) {
        return new Decision<>(records, answer);
    }

    /**
     * Runs {@code decide} on the controller thread against the latest image and commits its records there.
     * {@code onCommitFailure} turns a failed commit into an answer; null fails the future instead.
     */
    private <T> CompletableFuture<T> change(Function<MetadataImage, Decision<T>> decide, Function<Throwable, T> onCommitFailure) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    decideAndCommit(decide, onCommitFailure, result);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new NotControllerException("The controller is shut down"));
        }
        return result;
    }

    private <T> void decideAndCommit(Function<MetadataImage, Decision<T>> decide, Function<Throwable, T> onCommitFailure,
                                     CompletableFuture<T> result) {
        Decision<T> decision;
        MetadataImage answered;
        for (int attempt = 1; ; attempt++) {
            MetadataImage image = store.image();
            decision = decide.apply(image);
            answered = image;
            if (decision.records().isEmpty()) {
                break;
            }
            try {
                answered = store.commit(decision.records(), image.recordCount()).join();
                break;
            } catch (CompletionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof StaleMetadataException && attempt < MAX_DECISION_ATTEMPTS) {
                    // Another node's change came first (a cluster): decide again against the image that holds it.
                    continue;
                }
                log.error("A metadata change could not be committed", cause);
                if (onCommitFailure == null) {
                    result.completeExceptionally(cause);
                } else {
                    result.complete(onCommitFailure.apply(cause));
                }
                return;
            }
        }
        // Even an answer without a commit waits until the image it was decided on is applied here: a
        // TOPIC_ALREADY_EXISTS must not beat the opening of the logs another client's creation is waiting for.
        T answer = decision.answer();
        appliedLocally.apply(answered).whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("This broker could not confirm it applied a metadata change", failure);
            }
            result.complete(answer);
        });
    }

    /**
     * Registers a node as a broker of the cluster with a new epoch (the image's record count, which only grows),
     * unfenced at once: the node asks only once it has applied the metadata. Its earlier incarnation is treated as
     * fenced first, as Kafka's controller does: the partitions it led move to another in-sync replica and it leaves
     * the ISRs it is not alone in (its log may have lost anything since, a wiped disk included); then the
     * leaderless partitions whose ISR still holds it get it as leader. Returns the epoch.
     */
    public CompletableFuture<Long> registerBroker(int nodeId, Uuid incarnationId, List<io.samsa.config.Endpoint> endpoints,
                                                 String rack) {
        return change(image -> {
            long epoch = image.recordCount();
            List<MetadataRecord> records = new ArrayList<>();
            Set<Integer> others = unfencedBrokers(image);
            others.remove(nodeId);
            records.addAll(electionsAwayFrom(image, nodeId, others));
            records.add(new MetadataRecord.RegisterBrokerRecord(nodeId, incarnationId, epoch, endpoints, rack));
            records.add(new MetadataRecord.BrokerFenceRecord(nodeId, epoch, false));
            MetadataImage registered = image.apply(records);
            Set<Integer> unfenced = unfencedBrokers(registered);
            records.addAll(electionsForReturningBroker(registered, nodeId, unfenced));
            return commit(records, epoch);
        }, null);
    }

    /**
     * Fences a broker (it missed its heartbeats, or asked to shut down): it leads nothing any more, its partitions'
     * leadership moves to another in-sync replica (leader -1 while there is none), and it leaves the ISRs it is
     * not the last member of. Nothing happens for an epoch that is not the broker's current one. Completes with
     * whether the broker was fenced by this call.
     */
    public CompletableFuture<Boolean> fenceBroker(int nodeId, long brokerEpoch) {
        return change(image -> {
            MetadataImage.BrokerRegistration broker = image.broker(nodeId);
            if (broker == null || broker.brokerEpoch() != brokerEpoch || broker.fenced()) {
                return answer(false);
            }
            List<MetadataRecord> records = new ArrayList<>();
            records.add(new MetadataRecord.BrokerFenceRecord(nodeId, brokerEpoch, true));
            Set<Integer> unfenced = unfencedBrokers(image);
            unfenced.remove(nodeId);
            records.addAll(electionsAwayFrom(image, nodeId, unfenced));
            return commit(records, true);
        }, null);
    }

    /** Unfences a fenced broker of this epoch that heartbeats again, and gives it the leaderless partitions it may lead. */
    public CompletableFuture<Boolean> unfenceBroker(int nodeId, long brokerEpoch) {
        return change(image -> {
            MetadataImage.BrokerRegistration broker = image.broker(nodeId);
            if (broker == null || broker.brokerEpoch() != brokerEpoch || !broker.fenced()) {
                return answer(false);
            }
            List<MetadataRecord> records = new ArrayList<>();
            records.add(new MetadataRecord.BrokerFenceRecord(nodeId, brokerEpoch, false));
            Set<Integer> unfenced = unfencedBrokers(image);
            unfenced.add(nodeId);
            records.addAll(electionsForReturningBroker(image, nodeId, unfenced));
            return commit(records, true);
        }, null);
    }

    /**
     * A partition leader's ISR change, checked as Kafka's controller checks AlterPartition: the proposer must still
     * lead in that epoch (FENCED_LEADER_EPOCH / NOT_LEADER_OR_FOLLOWER), its view of the ISR must be the current one
     * (INVALID_UPDATE_VERSION), the new ISR holds the leader and only assigned replicas, and a replica joining it must
     * be an unfenced broker (INELIGIBLE_REPLICA). Completes with the error, NONE once committed.
     */
    public CompletableFuture<Errors> alterPartitionIsr(Uuid topicId, int partition, int leaderId, int leaderEpoch,
                                                      List<Integer> currentIsr, List<Integer> newIsr) {
        return alterPartitionIsr(topicId, partition, leaderId, leaderEpoch, currentIsr, newIsr, Map.of());
    }

    /**
     * As above; a joining replica whose broker epoch is given (the one it fetched with, KIP-903) must still be
     * registered with that epoch: a replica of an earlier incarnation of its broker is INELIGIBLE_REPLICA.
     */
    public CompletableFuture<Errors> alterPartitionIsr(Uuid topicId, int partition, int leaderId, int leaderEpoch,
                                                      List<Integer> currentIsr, List<Integer> newIsr,
                                                      Map<Integer, Long> joiningBrokerEpochs) {
        return change(image -> {
            TopicImage topic = image.topic(topicId);
            TopicImage.PartitionImage p = topic == null ? null : topic.partition(partition);
            if (p == null) {
                return answer(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
            if (p.leader() != leaderId) {
                return answer(p.leaderEpoch() > leaderEpoch ? Errors.FENCED_LEADER_EPOCH : Errors.NOT_LEADER_OR_FOLLOWER);
            }
            if (p.leaderEpoch() != leaderEpoch) {
                return answer(p.leaderEpoch() > leaderEpoch ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH);
            }
            if (!new HashSet<>(p.isr()).equals(new HashSet<>(currentIsr))) {
                return answer(Errors.INVALID_UPDATE_VERSION);
            }
            if (!newIsr.contains(leaderId) || !p.replicas().containsAll(newIsr) || new HashSet<>(newIsr).size() != newIsr.size()) {
                return answer(Errors.INVALID_REQUEST);
            }
            Set<Integer> unfenced = unfencedBrokers(image);
            for (int replica : newIsr) {
                if (!p.isr().contains(replica) && !unfenced.contains(replica)) {
                    return answer(Errors.INELIGIBLE_REPLICA);
                }
                Long fetchedWith = joiningBrokerEpochs.get(replica);
                MetadataImage.BrokerRegistration broker = image.broker(replica);
                if (!p.isr().contains(replica) && fetchedWith != null && fetchedWith >= 0
                    && (broker == null || broker.brokerEpoch() != fetchedWith)) {
                    return answer(Errors.INELIGIBLE_REPLICA);
                }
            }
            return commit(List.of(new PartitionRecord(topicId, partition, p.replicas(), List.copyOf(newIsr), leaderId,
                leaderEpoch)), Errors.NONE);
        }, failure -> Errors.forException(failure));
    }

    /**
     * A broker's replicas of these partitions sit on a failed log directory (Kafka's offline replicas): the ones it
     * leads move to another in-sync replica (leader -1 when none is left, as when its broker is fenced), and it
     * leaves the ISRs it is not the last member of. Completes with how many partitions changed.
     */
    public CompletableFuture<Integer> replicasOffline(int nodeId, Set<org.apache.kafka.common.TopicIdPartition> offline) {
        return change(image -> {
            Set<Integer> others = unfencedBrokers(image);
            others.remove(nodeId);
            List<MetadataRecord> records = new ArrayList<>();
            for (MetadataRecord record : electionsAwayFrom(image, nodeId, others)) {
                PartitionRecord r = (PartitionRecord) record;
                TopicImage topic = image.topic(r.topicId());
                if (topic != null && offline.contains(new org.apache.kafka.common.TopicIdPartition(r.topicId(), r.partition(),
                    topic.name()))) {
                    records.add(r);
                }
            }
            return records.isEmpty() ? answer(0) : commit(records, records.size());
        }, null);
    }

    private static Set<Integer> unfencedBrokers(MetadataImage image) {
        Set<Integer> ids = new TreeSet<>();
        image.brokers().values().forEach(b -> {
            if (!b.fenced()) {
                ids.add(b.nodeId());
            }
        });
        return ids;
    }

    /** New leaders for the partitions {@code nodeId} led; it also leaves every ISR it is not alone in. */
    private List<MetadataRecord> electionsAwayFrom(MetadataImage image, int nodeId, Set<Integer> unfenced) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            for (TopicImage.PartitionImage p : topic.partitions()) {
                if (!p.replicas().contains(nodeId)) {
                    continue;
                }
                List<Integer> isr = new ArrayList<>(p.isr());
                if (isr.size() > 1) {
                    // Kafka keeps the last member in the ISR: it still holds everything acknowledged.
                    isr.remove(Integer.valueOf(nodeId));
                }
                if (p.leader() == nodeId) {
                    int leader = -1;
                    for (int replica : p.replicas()) {
                        if (replica != nodeId && isr.contains(replica) && unfenced.contains(replica)) {
                            leader = replica;
                            break;
                        }
                    }
                    records.add(new PartitionRecord(topic.topicId(), p.partition(), p.replicas(), List.copyOf(isr), leader,
                        p.leaderEpoch() + 1));
                } else if (isr.size() != p.isr().size()) {
                    records.add(new PartitionRecord(topic.topicId(), p.partition(), p.replicas(), List.copyOf(isr), p.leader(),
                        p.leaderEpoch()));
                }
            }
        }
        return records;
    }

    /**
     * Leaders for the partitions a broker coming back may lead: leaderless ones whose ISR holds it (or, with unclean
     * election enabled for the topic, any it is a replica of).
     */
    private List<MetadataRecord> electionsForReturningBroker(MetadataImage image, int nodeId, Set<Integer> unfenced) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics()) {
            boolean unclean = uncleanElectionEnabled(topic);
            for (TopicImage.PartitionImage p : topic.partitions()) {
                if (!p.replicas().contains(nodeId)) {
                    continue;
                }
                if (p.leader() == -1 || !unfenced.contains(p.leader())) {
                    if (p.isr().contains(nodeId)) {
                        records.add(new PartitionRecord(topic.topicId(), p.partition(), p.replicas(), p.isr(), nodeId,
                            p.leaderEpoch() + 1));
                    } else if (unclean) {
                        log.warn("Unclean leader election: node {} leads {}-{} without being in its ISR {}; records the old ISR"
                            + " acknowledged may be lost", nodeId, topic.name(), p.partition(), p.isr());
                        records.add(new PartitionRecord(topic.topicId(), p.partition(), p.replicas(), List.of(nodeId), nodeId,
                            p.leaderEpoch() + 1));
                    }
                }
            }
        }
        return records;
    }

    private boolean uncleanElectionEnabled(TopicImage topic) {
        String value = topic.configs().get("unclean.leader.election.enable");
        return value != null ? Boolean.parseBoolean(value) : config.getBoolean("unclean.leader.election.enable");
    }

    /** Records the cluster id the first quorum chose, unless one is there already; returns the id in force. */
    public CompletableFuture<String> formCluster(String proposedId) {
        return change(image -> image.clusterId() != null ? answer(image.clusterId())
            : commit(List.of(new MetadataRecord.ClusterIdRecord(proposedId)), proposedId), null);
    }

    /** The result of a topic creation: its error, and on success the topic as created (or as it would be). */
    public record CreateTopicResult(ApiError error, TopicImage topic) {
    }

    /** Creates a topic; on success the result carries it as created (or, with {@code validateOnly}, as it would be). */
    public CompletableFuture<CreateTopicResult> createTopic(String name, int numPartitions, short replicationFactor,
                                                            Map<Integer, List<Integer>> assignments, Map<String, String> configs,
                                                            boolean validateOnly) {
        return change(image -> decideCreateTopic(image, name, numPartitions, replicationFactor, assignments, configs, validateOnly),
            failure -> new CreateTopicResult(ApiError.fromThrowable(failure), null));
    }

    private Decision<CreateTopicResult> decideCreateTopic(MetadataImage image, String name, int numPartitions,
                                                          short replicationFactor, Map<Integer, List<Integer>> assignments,
                                                          Map<String, String> configs, boolean validateOnly) {
        ApiError nameError = validateNewTopicName(image, name);
        if (nameError != null) {
            return answer(new CreateTopicResult(nameError, null));
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
                    return answer(new CreateTopicResult(error, null));
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
            if (factor > maxReplicationFactor) {
                return failed(Errors.INVALID_REPLICATION_FACTOR, "Replication factor " + factor + " is not supported yet:"
                    + " this Samsa cluster does not replicate partition data yet, so at most " + maxReplicationFactor + ".");
            }
            if (factor > brokers.size()) {
                return failed(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + factor
                    + " time(s): The target replication factor of " + factor + " cannot be reached because only "
                    + brokers.size() + " broker(s) are registered.");
            }
            replicas = assignReplicas(rackAlternated(new ArrayList<>(brokers), image), partitions, factor, image.topics().size());
        }
        ApiError configError = validateTopicConfigs(configs);
        if (configError != null) {
            return answer(new CreateTopicResult(configError, null));
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
        CreateTopicResult created = new CreateTopicResult(ApiError.NONE, image.apply(records).topic(name));
        return validateOnly ? answer(created) : commit(records, created);
    }

    public CompletableFuture<ApiError> deleteTopic(Uuid topicId) {
        return change(image -> decideDeleteTopic(image, topicId), ApiError::fromThrowable);
    }

    private Decision<ApiError> decideDeleteTopic(MetadataImage image, Uuid topicId) {
        if (!config.getBoolean(ServerConfig.DELETE_TOPIC_ENABLE)) {
            return answer(new ApiError(Errors.TOPIC_DELETION_DISABLED, "Topic deletion is disabled."));
        }
        if (image.topic(topicId) == null) {
            return answer(new ApiError(Errors.UNKNOWN_TOPIC_ID, "Topic id " + topicId + " does not exist."));
        }
        return commit(List.of(new RemoveTopicRecord(topicId)), ApiError.NONE);
    }

    /** The result of a topic deletion: its error, and the topic's name and id as found (null / zero when not found). */
    public record DeleteTopicResult(ApiError error, String name, Uuid topicId) {
    }

    /**
     * Deletes the topic of this name, or of this id when the name is null. The name or id is looked up on the
     * controller thread, after every change asked for before: a deletion sent while the topic's creation is still
     * committing finds it.
     */
    public CompletableFuture<DeleteTopicResult> deleteTopic(String name, Uuid topicId) {
        return change(image -> {
            TopicImage topic = name != null ? image.topic(name) : topicId == null ? null : image.topic(topicId);
            if (topic == null) {
                ApiError missing = name != null
                    ? new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic-partition.")
                    : new ApiError(Errors.UNKNOWN_TOPIC_ID, "This server does not host this topic ID.");
                return answer(new DeleteTopicResult(missing, name, name != null || topicId == null ? Uuid.ZERO_UUID : topicId));
            }
            Decision<ApiError> decision = decideDeleteTopic(image, topic.topicId());
            return new Decision<>(decision.records(), new DeleteTopicResult(decision.answer(), topic.name(), topic.topicId()));
        }, failure -> new DeleteTopicResult(ApiError.fromThrowable(failure), name, topicId == null ? Uuid.ZERO_UUID : topicId));
    }

    public CompletableFuture<ApiError> createPartitions(String topicName, int newCount, List<List<Integer>> newAssignments,
                                                        boolean validateOnly) {
        return change(image -> decideCreatePartitions(image, topicName, newCount, newAssignments, validateOnly),
            ApiError::fromThrowable);
    }

    private Decision<ApiError> decideCreatePartitions(MetadataImage image, String topicName, int newCount,
                                                      List<List<Integer>> newAssignments, boolean validateOnly) {
        TopicImage topic = image.topic(topicName);
        if (topic == null) {
            return answer(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topicName + "' does not exist."));
        }
        int current = topic.partitionCount();
        if (newCount < current) {
            return answer(new ApiError(Errors.INVALID_PARTITIONS, "The topic " + topicName + " currently has " + current
                + " partition(s); " + newCount + " would not be an increase."));
        }
        if (newCount == current) {
            return answer(new ApiError(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s)."));
        }
        if ((long) newCount - current > MAX_PARTITIONS_PER_REQUEST) {
            return answer(new ApiError(Errors.POLICY_VIOLATION, EXCESSIVE_PARTITIONS));
        }
        List<List<Integer>> replicas;
        if (newAssignments != null) {
            if (newAssignments.size() != newCount - current) {
                return answer(new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + (newCount - current)
                    + " additional partition(s), but only " + newAssignments.size() + " assignment(s) were specified."));
            }
            int factor = topic.partitions().get(0).replicas().size();
            for (List<Integer> assignment : newAssignments) {
                if (assignment.size() != factor) {
                    return answer(new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment includes a partition with "
                        + assignment.size() + " replica(s), but this is not consistent with previous partitions, which have "
                        + factor + " replica(s)."));
                }
                ApiError error = validateAssignment(assignment);
                if (error != null) {
                    return answer(error);
                }
            }
            replicas = newAssignments;
        } else {
            int factor = topic.partitions().get(0).replicas().size();
            List<Integer> brokers = new ArrayList<>(new TreeSet<>(liveBrokers.get()));
            if (factor > brokers.size()) {
                return answer(new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Unable to replicate the partition " + factor
                    + " time(s): only " + brokers.size() + " broker(s) are registered."));
            }
            replicas = assignReplicas(rackAlternated(brokers, image), newCount - current, (short) factor, current);
        }
        if (validateOnly) {
            return answer(ApiError.NONE);
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            List<Integer> r = List.copyOf(replicas.get(i));
            records.add(new PartitionRecord(topic.topicId(), current + i, r, r, r.get(0), 0));
        }
        return commit(records, ApiError.NONE);
    }

    /**
     * Changes a topic's config overrides: each entry sets a value, or removes the override when the value
     * is null. With {@code replaceAll}, overrides not named are removed too (the legacy AlterConfigs).
     */
    public CompletableFuture<ApiError> alterTopicConfigs(String topicName, Map<String, String> changes, boolean replaceAll,
                                                         boolean validateOnly) {
        return alterTopicConfigs(topicName, current -> changes, replaceAll, validateOnly);
    }

    /**
     * How an alteration's changes follow from the overrides in place (APPEND and SUBTRACT depend on them). It runs
     * on the controller thread against the image the change is decided on, so two alterations of one list never
     * both start from the same old value. An {@link IllegalArgumentException} answers INVALID_CONFIG with its message.
     */
    @FunctionalInterface
    public interface ConfigChanges {
        /** @return each key's new value, null to remove its override */
        Map<String, String> resolve(Map<String, String> currentOverrides);
    }

    /** As {@link #alterTopicConfigs(String, Map, boolean, boolean)}, the changes resolved against the topic's current overrides. */
    public CompletableFuture<ApiError> alterTopicConfigs(String topicName, ConfigChanges changes, boolean replaceAll,
                                                         boolean validateOnly) {
        return change(image -> decideAlterTopicConfigs(image, topicName, changes, replaceAll, validateOnly), ApiError::fromThrowable);
    }

    private static ApiError invalidConfig(IllegalArgumentException e) {
        return new ApiError(Errors.INVALID_CONFIG, e.getMessage());
    }

    private Decision<ApiError> decideAlterTopicConfigs(MetadataImage image, String topicName, ConfigChanges resolver,
                                                       boolean replaceAll, boolean validateOnly) {
        TopicImage topic = image.topic(topicName);
        Map<String, String> changes;
        try {
            // Resolved before the existence check, as Kafka's controller rejects a bad APPEND before looking the topic up.
            changes = resolver.resolve(topic == null ? Map.of() : topic.configs());
        } catch (IllegalArgumentException e) {
            return answer(invalidConfig(e));
        }
        if (topic == null) {
            return answer(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + topicName + "' does not exist."));
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
            return answer(error);
        }
        if (validateOnly) {
            return answer(ApiError.NONE);
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
        return commit(records, ApiError.NONE);
    }

    /**
     * Changes dynamic broker configs for one broker (its id as a string) or the cluster default ("").
     * Only the topic-default settings ({@code log.retention.ms}, {@code message.max.bytes}, …) may change
     * while running, as in Kafka.
     */
    public CompletableFuture<ApiError> alterBrokerConfigs(String resourceName, Map<String, String> changes, boolean replaceAll,
                                                          boolean validateOnly) {
        return alterBrokerConfigs(resourceName, current -> changes, replaceAll, validateOnly);
    }

    /** As {@link #alterBrokerConfigs(String, Map, boolean, boolean)}, the changes resolved against the current dynamic configs. */
    public CompletableFuture<ApiError> alterBrokerConfigs(String resourceName, ConfigChanges changes, boolean replaceAll,
                                                          boolean validateOnly) {
        return change(image -> decideAlterBrokerConfigs(image, resourceName, changes, replaceAll, validateOnly), ApiError::fromThrowable);
    }

    private Decision<ApiError> decideAlterBrokerConfigs(MetadataImage image, String resourceName, ConfigChanges resolver,
                                                        boolean replaceAll, boolean validateOnly) {
        Map<String, String> changes;
        try {
            changes = resolver.resolve(image.brokerConfigs(resourceName));
        } catch (IllegalArgumentException e) {
            return answer(invalidConfig(e));
        }
        Set<String> dynamic = dynamicBrokerKeys();
        Set<String> rejected = new TreeSet<>();
        for (String key : changes.keySet()) {
            if (!dynamic.contains(key)) {
                rejected.add(key);
            }
        }
        if (!rejected.isEmpty()) {
            return answer(new ApiError(Errors.INVALID_CONFIG, "Cannot update these configs dynamically: " + rejected));
        }
        Map<String, String> current = image.brokerConfigs(resourceName);
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
            return answer(new ApiError(Errors.INVALID_CONFIG, e.getMessage()));
        }
        if (validateOnly) {
            return answer(ApiError.NONE);
        }
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> keys = new HashSet<>(current.keySet());
        keys.addAll(result.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(current.get(key), result.get(key))) {
                records.add(new ConfigRecord(ResourceType.BROKER, resourceName, key, result.get(key)));
            }
        }
        return commit(records, ApiError.NONE);
    }

    /**
     * Reserves a block of producer ids; completes with the first id of the block, or exceptionally when the
     * reservation cannot be made durable (no id of the block may then be handed out).
     */
    public CompletableFuture<Long> allocateProducerIds(int count) {
        return change(image -> {
            long start = image.nextProducerId();
            return commit(List.of(new ProducerIdsRecord(start + count)), start);
        }, null);
    }

    /** Lets the changes already asked for finish (each is bounded by its commit); later ones fail. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("Metadata changes still pending after {} s at close", CLOSE_WAIT_SECONDS);
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
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
        if (assignment.size() > maxReplicationFactor) {
            return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "Replication factor " + assignment.size()
                + " is not supported yet: this Samsa cluster does not replicate partition data yet, so at most "
                + maxReplicationFactor + ".");
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
    /**
     * The brokers ordered so that neighbours sit in different racks (one from each rack in turn, racks and brokers in
     * id order), as Kafka's rack-aware placement orders them: a partition's consecutive replicas then span as many
     * racks as there are. Brokers without a rack count as one rack of their own kind; with no racks at all the
     * order is unchanged.
     */
    static List<Integer> rackAlternated(List<Integer> brokers, MetadataImage image) {
        java.util.TreeMap<String, java.util.ArrayDeque<Integer>> byRack = new java.util.TreeMap<>();
        for (int broker : new TreeSet<>(brokers)) {
            MetadataImage.BrokerRegistration registration = image.broker(broker);
            String rack = registration == null || registration.rack() == null ? "" : registration.rack();
            byRack.computeIfAbsent(rack, r -> new java.util.ArrayDeque<>()).add(broker);
        }
        if (byRack.size() <= 1) {
            return brokers;
        }
        List<Integer> ordered = new ArrayList<>(brokers.size());
        while (ordered.size() < brokers.size()) {
            for (java.util.ArrayDeque<Integer> rack : byRack.values()) {
                if (!rack.isEmpty()) {
                    ordered.add(rack.poll());
                }
            }
        }
        return ordered;
    }

    private List<List<Integer>> assignReplicas(List<Integer> brokers, int partitions, short factor, int start) {
        return assignReplicas(brokers, partitions, factor, start, store.image());
    }

    /**
     * Round-robin over {@code brokers} (already rack-alternated): partition p starts at broker start+p, and each next
     * replica is the next broker on the ring whose rack no replica has yet, while there are racks left; then any
     * broker not chosen yet. So a partition spans min(replication factor, racks) racks, and leaders spread evenly.
     */
    static List<List<Integer>> assignReplicas(List<Integer> brokers, int partitions, short factor, int start, MetadataImage image) {
        int n = brokers.size();
        Set<String> allRacks = new HashSet<>();
        for (int b : brokers) {
            allRacks.add(rackOf(b, image));
        }
        List<List<Integer>> result = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            List<Integer> replicas = new ArrayList<>(factor);
            Set<String> racksUsed = new HashSet<>();
            int first = (start + p) % n;
            for (int step = 0; step < n && replicas.size() < factor; step++) {
                int broker = brokers.get((first + step) % n);
                if (racksUsed.size() < allRacks.size() && racksUsed.contains(rackOf(broker, image))) {
                    continue;
                }
                replicas.add(broker);
                racksUsed.add(rackOf(broker, image));
            }
            for (int step = 0; step < n && replicas.size() < factor; step++) {
                int broker = brokers.get((first + step) % n);
                if (!replicas.contains(broker)) {
                    replicas.add(broker);
                }
            }
            result.add(List.copyOf(replicas));
        }
        return result;
    }

    private static String rackOf(int broker, MetadataImage image) {
        MetadataImage.BrokerRegistration registration = image.broker(broker);
        return registration == null || registration.rack() == null ? "" : registration.rack();
    }

    private static Decision<CreateTopicResult> failed(Errors error, String message) {
        return answer(new CreateTopicResult(new ApiError(error, message), null));
    }
}
