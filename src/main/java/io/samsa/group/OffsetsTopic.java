package io.samsa.group;

import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import io.samsa.log.LogReadInfo;
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

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The internal compacted topic {@code __consumer_offsets}: created on first use with
 * {@code offsets.topic.num.partitions} partitions; a group's records go to partition
 * {@code abs(groupId.hashCode()) % partitions}, as in Kafka, through the normal partition append path.
 * Thread-safe: creation is asked of the controller once at a time and never waited for on a network thread;
 * appends are serialised per partition by the log.
 */
public final class OffsetsTopic implements GroupLog {
    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);
    public static final String NAME = Topic.GROUP_METADATA_TOPIC_NAME;

    private final Controller controller;
    private final PartitionManager partitions;
    private final GroupConfig config;
    private final Time time;
    /** The creation under way, or null. */
    private CompletableFuture<Boolean> creating;

    public OffsetsTopic(Controller controller, PartitionManager partitions, GroupConfig config, Time time) {
        this.controller = controller;
        this.partitions = partitions;
        this.config = config;
        this.time = time;
    }

    /** The partition holding a group's records. */
    public int partitionFor(String groupId) {
        TopicImage topic = controller.image().topic(NAME);
        int count = topic != null ? topic.partitionCount() : config.offsetsTopicPartitions();
        return Utils.abs(groupId.hashCode()) % count;
    }

    /** Completes with true once the topic exists and its partitions are open here. */
    @Override
    public CompletableFuture<Boolean> ensureReady() {
        MetadataImage image = controller.image();
        if (image.topic(NAME) != null) {
            return partitions.whenApplied(image).thenApply(applied -> true);
        }
        return create();
    }

    /** Asks the controller for the topic (its 50 logs are opened on the partitions' thread, not here). */
    private synchronized CompletableFuture<Boolean> create() {
        if (creating != null) {
            return creating;
        }
        CompletableFuture<Boolean> created = controller.createTopic(NAME, config.offsetsTopicPartitions(),
            config.offsetsTopicReplicationFactor(), Map.of(),
            Map.of("cleanup.policy", "compact", "segment.bytes", String.valueOf(config.offsetsTopicSegmentBytes())), false)
            .thenApply(result -> {
                ApiError error = result.error();
                if (error.isFailure() && error.error() != Errors.TOPIC_ALREADY_EXISTS) {
                    log.error("Cannot create {}: {}", NAME, error);
                    return false;
                }
                if (!error.isFailure()) {
                    log.info("Created {} with {} partitions", NAME, config.offsetsTopicPartitions());
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
    public Errors append(String groupId, List<GroupRecords.Entry> entries) {
        if (entries.isEmpty()) {
            return Errors.NONE;
        }
        if (controller.image().topic(NAME) == null) {
            // Never waited for here (this may be a network thread): the client retries once it exists.
            ensureReady();
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        TopicPartition tp = new TopicPartition(NAME, partitionFor(groupId));
        Partition partition = partitions.partition(tp);
        if (partition == null) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        long now = time.milliseconds();
        SimpleRecord[] records = new SimpleRecord[entries.size()];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(now, entries.get(i).key(), entries.get(i).value());
        }
        try {
            partition.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records));
            partitions.onAppend(tp);
            return Errors.NONE;
        } catch (ApiException e) {
            log.error("Cannot append {} record(s) of group {} to {}", records.length, groupId, tp, e);
            return appendErrorToClientError(Errors.forException(e));
        } catch (RuntimeException e) {
            log.error("Cannot append {} record(s) of group {} to {}", records.length, groupId, tp, e);
            return appendErrorToClientError(io.samsa.log.DiskFailure.errorFor(e));
        }
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

    @Override
    public void load(BiConsumer<ByteBuffer, ByteBuffer> replay) {
        TopicImage topic = controller.image().topic(NAME);
        if (topic == null) {
            return;
        }
        for (int p = 0; p < topic.partitionCount(); p++) {
            Partition partition = partitions.partition(new TopicPartition(NAME, p));
            if (partition != null) {
                loadPartition(partition, replay);
            }
        }
    }

    private void loadPartition(Partition partition, BiConsumer<ByteBuffer, ByteBuffer> replay) {
        long offset = partition.logStartOffset();
        long end = partition.highWatermark();
        int records = 0;
        while (offset < end) {
            LogReadInfo info = partition.read(offset, config.loadBufferBytes(), true);
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
}
