package io.samsa.group;

import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import io.samsa.log.LogAppendInfo;
import io.samsa.log.LogReadInfo;
import io.samsa.partition.DelayedOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * The internal compacted topic {@code __consumer_offsets}: created on first use with
 * {@code offsets.topic.num.partitions} partitions; a group's records go to partition
 * {@code abs(groupId.hashCode()) % partitions}, as in Kafka, through the normal partition append path, and
 * the leader of that partition is the group's coordinator.
 *
 * <p>Replication: in a cluster the topic is created with {@code offsets.topic.replication.factor} replicas once
 * that many brokers are registered and unfenced (until then it cannot be, and group requests get
 * COORDINATOR_NOT_AVAILABLE); a single broker creates it with one replica whatever the setting. An append is
 * acknowledged as an acks=all produce is: once the high watermark passed it, waiting in the partition
 * manager's produce purgatory up to {@code offsets.commit.timeout.ms}.
 *
 * <p>Thread-safe: creation is asked of the controller once at a time and never waited for on a network thread;
 * appends are serialised per partition by the log; replication outcomes are delivered on this topic's own
 * thread, never on the thread that advanced the high watermark (which may hold partition locks).
 */
public final class OffsetsTopic implements GroupLog {
    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);
    public static final String NAME = Topic.GROUP_METADATA_TOPIC_NAME;
    private static final short ACKS_ALL = -1;

    private final Controller controller;
    private final PartitionManager partitions;
    private final GroupConfig config;
    private final Time time;
    private final short replicationFactor;
    private final int commitTimeoutMs;
    private final ExecutorService completions = Executors.newSingleThreadExecutor(
        new DefaultThreadFactory("samsa-offsets-appends", true));
    /** The creation under way, or null. */
    private CompletableFuture<Boolean> creating;

    /**
     * @param replicationFactor the replicas the topic is created with: {@code offsets.topic.replication.factor}
     *                          in a cluster, 1 on a single broker
     * @param commitTimeoutMs   {@code offsets.commit.timeout.ms}: how long an append waits for the in-sync replicas
     */
    public OffsetsTopic(Controller controller, PartitionManager partitions, GroupConfig config, Time time,
                        short replicationFactor, int commitTimeoutMs) {
        this.controller = controller;
        this.partitions = partitions;
        this.config = config;
        this.time = time;
        this.replicationFactor = replicationFactor;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    /** The partition holding a group's records; -1 while the topic does not exist. */
    @Override
    public int partitionFor(String groupId) {
        TopicImage topic = controller.image().topic(NAME);
        return topic == null ? -1 : Utils.abs(groupId.hashCode()) % topic.partitionCount();
    }

    @Override
    public boolean isLeader(int partition) {
        Partition p = partitions.partition(new TopicPartition(NAME, partition));
        return p != null && p.isLeader();
    }

    @Override
    public List<Integer> ledPartitions() {
        List<Integer> led = new ArrayList<>();
        for (Partition p : partitions.partitions()) {
            if (p.topicPartition().topic().equals(NAME) && p.isLeader()) {
                led.add(p.topicPartition().partition());
            }
        }
        return led;
    }

    @Override
    public int coordinatorOf(String groupId) {
        TopicImage topic = partitions.appliedImage().topic(NAME);
        if (topic == null) {
            return -1;
        }
        TopicImage.PartitionImage p = topic.partition(Utils.abs(groupId.hashCode()) % topic.partitionCount());
        return p == null ? -1 : p.leader();
    }

    /** Completes with true once the topic exists and its partitions are open here. */
    @Override
    public CompletableFuture<Boolean> ensureReady() {
        MetadataImage image = controller.image();
        if (image.topic(NAME) != null) {
            return partitions.whenApplied(image).thenApply(applied -> true);
        }
        return create(image);
    }

    /** Asks the controller for the topic (its logs are opened on the partitions' thread, not here). */
    private synchronized CompletableFuture<Boolean> create(MetadataImage image) {
        if (creating != null) {
            return creating;
        }
        if (replicationFactor > 1) {
            long available = image.brokers().values().stream().filter(b -> !b.fenced()).count();
            if (available < replicationFactor) {
                log.info("{} needs {} brokers (offsets.topic.replication.factor) but {} are registered and unfenced: "
                    + "not created yet", NAME, replicationFactor, available);
                return CompletableFuture.completedFuture(false);
            }
        }
        CompletableFuture<Boolean> created = controller.createTopic(NAME, config.offsetsTopicPartitions(),
            replicationFactor, Map.of(),
            Map.of("cleanup.policy", "compact", "segment.bytes", String.valueOf(config.offsetsTopicSegmentBytes())), false)
            .thenApply(result -> {
                ApiError error = result.error();
                if (error.isFailure() && error.error() != Errors.TOPIC_ALREADY_EXISTS) {
                    log.error("Cannot create {}: {}", NAME, error);
                    return false;
                }
                if (!error.isFailure()) {
                    log.info("Created {} with {} partitions and replication factor {}", NAME,
                        config.offsetsTopicPartitions(), replicationFactor);
                }
                return true;
            });
        creating = created;
        created.whenComplete((ok, failure) -> creationDone(created));
        return created;
    }

    private synchronized void creationDone(CompletableFuture<Boolean> done) {
        if (creating == done) {
            creating = null;
        }
    }

    @Override
    public CompletableFuture<Errors> append(String groupId, List<GroupRecords.Entry> entries) {
        if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        if (controller.image().topic(NAME) == null) {
            // Never waited for here (this may be a network thread): the client retries once it exists.
            ensureReady();
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        TopicPartition tp = new TopicPartition(NAME, partitionFor(groupId));
        Partition partition = partitions.partition(tp);
        if (partition == null) {
            return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        if (!partition.isLeader()) {
            return CompletableFuture.completedFuture(Errors.NOT_COORDINATOR);
        }
        long now = time.milliseconds();
        SimpleRecord[] records = new SimpleRecord[entries.size()];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(now, entries.get(i).key(), entries.get(i).value());
        }
        LogAppendInfo info;
        try {
            info = partition.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records), ACKS_ALL);
            partitions.onAppend(tp);
        } catch (ApiException e) {
            log.warn("Cannot append {} record(s) of group {} to {}: {}", records.length, groupId, tp, e.toString());
            return CompletableFuture.completedFuture(appendErrorToClientError(Errors.forException(e)));
        } catch (RuntimeException e) {
            log.error("Cannot append {} record(s) of group {} to {}", records.length, groupId, tp, e);
            return CompletableFuture.completedFuture(appendErrorToClientError(io.samsa.log.DiskFailure.errorFor(e)));
        }
        return awaitReplication(partition, info.lastOffset() + 1);
    }

    /**
     * Completes once the high watermark reached {@code requiredOffset} (at once when it already has, as on a
     * single broker), with Kafka's errors for an acks=all produce mapped for group clients.
     */
    private CompletableFuture<Errors> awaitReplication(Partition partition, long requiredOffset) {
        if (partition.isReplicated(requiredOffset) && partition.isLeader()) {
            return CompletableFuture.completedFuture(partition.hasEnoughInSyncReplicas() ? Errors.NONE
                : appendErrorToClientError(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND));
        }
        CompletableFuture<Errors> done = new CompletableFuture<>();
        DelayedOperation waiting = new DelayedOperation() {
            @Override
            protected boolean isSatisfied() {
                return partition.isReplicated(requiredOffset) || !stillLeads();
            }

            private boolean stillLeads() {
                return partition.isLeader() && partitions.partition(partition.topicPartition()) == partition;
            }

            @Override
            protected void onComplete() {
                Errors error;
                if (!stillLeads()) {
                    error = Errors.NOT_LEADER_OR_FOLLOWER;
                } else if (!partition.isReplicated(requiredOffset)) {
                    error = Errors.REQUEST_TIMED_OUT;
                } else if (!partition.hasEnoughInSyncReplicas()) {
                    error = Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
                } else {
                    error = Errors.NONE;
                }
                Errors mapped = appendErrorToClientError(error);
                try {
                    completions.execute(() -> done.complete(mapped));
                } catch (RejectedExecutionException closed) {
                    done.complete(Errors.NOT_COORDINATOR);
                }
            }
        };
        partitions.producePurgatory().tryCompleteElseWatch(waiting, List.of(partition.topicPartition()), commitTimeoutMs);
        return done;
    }

    /** Kafka's mapping of a failed coordinator append to what group clients understand. */
    static Errors appendErrorToClientError(Errors error) {
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }

    /**
     * Replays the partition up to its log end: a new leader's log holds everything the old leader acknowledged
     * (it was in the ISR), and records past its high watermark are committed as soon as the followers catch up.
     */
    @Override
    public void load(int partitionIndex, BiConsumer<ByteBuffer, ByteBuffer> replay) {
        Partition partition = partitions.partition(new TopicPartition(NAME, partitionIndex));
        if (partition == null) {
            return;
        }
        long offset = partition.logStartOffset();
        long end = partition.log().logEndOffset();
        int records = 0;
        while (offset < end) {
            LogReadInfo info = partition.readForFollower(offset, config.loadBufferBytes());
            long next = offset;
            for (RecordBatch batch : info.records().batches()) {
                if (batch.lastOffset() < offset) {
                    continue;
                }
                if (!batch.isControlBatch()) {
                    for (Record record : batch) {
                        if (record.offset() >= offset) {
                            replay.accept(record.key(), record.value());
                            records++;
                        }
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break;
            }
            offset = next;
        }
        if (records > 0) {
            log.info("Loaded {} record(s) from {}", records, partition.topicPartition());
        }
    }

    @Override
    public void close() {
        completions.shutdown();
    }
}
