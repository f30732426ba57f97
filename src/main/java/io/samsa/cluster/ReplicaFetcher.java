package io.samsa.cluster;

import io.samsa.config.Endpoint;
import io.samsa.log.EpochEndOffset;
import io.samsa.log.Log;
import io.samsa.partition.Partition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Replicates the partitions this broker follows from one leader broker: a thread that sends Fetch requests as a
 * replica (ReplicaState with this broker's id and epoch, KIP-903; each partition's current leader epoch and the
 * epoch of its last fetched batch), appends what comes back, takes the leader's high watermark, and truncates
 * where the leader answers with a diverging epoch (KIP-595 style: to the lower of the leader's end offset for
 * that epoch and this log's own).
 *
 * <p>Threads: its own thread ({@code samsa-replica-fetcher-<leader>}), which blocks on the leader and on disk
 * writes; partitions are added and removed from the partition-changes thread.
 */
final class ReplicaFetcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final short FETCH_VERSION = 17;
    private static final int MAX_WAIT_MS = 500;
    private static final int BACKOFF_MS = 500;
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;
    private static final int RESPONSE_MAX_BYTES = 10 * 1024 * 1024;

    private final int leaderId;
    private final int nodeId;
    private final LongSupplier brokerEpoch;
    private final IntFunction<Endpoint> endpointOf;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** Partitions the leader refused (it does not lead them in our epoch yet): skipped until this time. */
    private final Map<TopicPartition, Long> delayedUntil = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile BrokerChannel channel;

    ReplicaFetcher(int leaderId, int nodeId, LongSupplier brokerEpoch, IntFunction<Endpoint> endpointOf) {
        this.leaderId = leaderId;
        this.nodeId = nodeId;
        this.brokerEpoch = brokerEpoch;
        this.endpointOf = endpointOf;
        this.thread = new Thread(this, "samsa-replica-fetcher-" + leaderId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int leaderId() {
        return leaderId;
    }

    void add(Partition partition) {
        delayedUntil.remove(partition.topicPartition());
        partitions.put(partition.topicPartition(), partition);
        synchronized (this) {
            notifyAll();
        }
    }

    void remove(Partition partition) {
        partitions.remove(partition.topicPartition(), partition);
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (!fetchOnce()) {
                    synchronized (this) {
                        wait(BACKOFF_MS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                log.debug("Fetching from broker {} failed: {}", leaderId, e.toString());
                closeChannel();
                sleep(BACKOFF_MS);
            } catch (RuntimeException e) {
                log.error("Replica fetcher for broker {} failed; retrying", leaderId, e);
                closeChannel();
                sleep(BACKOFF_MS);
            }
        }
        closeChannel();
    }

    /** One fetch round; false when there was nothing to fetch. */
    private boolean fetchOnce() throws IOException {
        long now = System.currentTimeMillis();
        Map<Uuid, FetchRequestData.FetchTopic> topics = new HashMap<>();
        Map<Uuid, Map<Integer, Partition>> sent = new HashMap<>();
        for (Partition partition : partitions.values()) {
            Long until = delayedUntil.get(partition.topicPartition());
            if (until != null && until > now) {
                continue;
            }
            Log partitionLog = partition.log();
            if (partitionLog.isOffline()) {
                continue;
            }
            FetchRequestData.FetchTopic topic = topics.computeIfAbsent(partition.topicId(),
                id -> new FetchRequestData.FetchTopic().setTopicId(id).setTopic(partition.topicPartition().topic()));
            topic.partitions().add(new FetchRequestData.FetchPartition()
                .setPartition(partition.topicPartition().partition())
                .setCurrentLeaderEpoch(partition.leaderEpoch())
                .setFetchOffset(partitionLog.logEndOffset())
                .setLastFetchedEpoch(partitionLog.latestEpoch().orElse(-1))
                .setLogStartOffset(partitionLog.logStartOffset())
                .setPartitionMaxBytes(PARTITION_MAX_BYTES));
            sent.computeIfAbsent(partition.topicId(), id -> new HashMap<>()).put(partition.topicPartition().partition(), partition);
        }
        if (topics.isEmpty()) {
            return false;
        }
        BrokerChannel connection = connect();
        if (connection == null) {
            return false;
        }
        FetchRequestData data = new FetchRequestData()
            .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(nodeId).setReplicaEpoch(brokerEpoch.getAsLong()))
            .setMaxWaitMs(MAX_WAIT_MS)
            .setMinBytes(1)
            .setMaxBytes(RESPONSE_MAX_BYTES)
            .setIsolationLevel((byte) 0)
            .setSessionId(0)
            .setSessionEpoch(-1)
            .setTopics(new ArrayList<>(topics.values()));
        AbstractResponse response = connection.send(new FetchRequest.SimpleBuilder(data).build(FETCH_VERSION));
        FetchResponseData answer = ((FetchResponse) response).data();
        if (answer.errorCode() != Errors.NONE.code()) {
            log.debug("Fetch from broker {} answered {}", leaderId, Errors.forCode(answer.errorCode()));
            return false;
        }
        for (FetchResponseData.FetchableTopicResponse topic : answer.responses()) {
            Map<Integer, Partition> asked = sent.getOrDefault(topic.topicId(), Map.of());
            for (FetchResponseData.PartitionData p : topic.partitions()) {
                Partition partition = asked.get(p.partitionIndex());
                if (partition != null && partitions.get(partition.topicPartition()) == partition) {
                    handle(partition, p, now);
                }
            }
        }
        return true;
    }

    private void handle(Partition partition, FetchResponseData.PartitionData p, long now) {
        TopicPartition tp = partition.topicPartition();
        Errors error = Errors.forCode(p.errorCode());
        Log partitionLog = partition.log();
        switch (error) {
            case NONE -> {
                Optional<FetchResponseData.EpochEndOffset> diverging = FetchResponse.divergingEpoch(p);
                if (diverging.isPresent()) {
                    truncateToDivergence(partition, diverging.get());
                    return;
                }
                MemoryRecords records = p.records() instanceof MemoryRecords m ? m : MemoryRecords.EMPTY;
                partition.appendAsFollower(records, p.highWatermark());
            }
            case OFFSET_OUT_OF_RANGE -> {
                long fetchOffset = partitionLog.logEndOffset();
                if (fetchOffset < p.logStartOffset()) {
                    log.info("{}: behind the leader's log start {}; starting the log there", tp, p.logStartOffset());
                    partitionLog.truncateFullyAndStartAt(p.logStartOffset());
                } else if (p.highWatermark() >= 0 && fetchOffset > p.highWatermark()) {
                    log.warn("{}: log end {} is past the leader's high watermark {}; truncating to it", tp, fetchOffset,
                        p.highWatermark());
                    partitionLog.truncateTo(p.highWatermark());
                }
                partition.afterFollowerTruncation();
            }
            default -> {
                // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_*: the metadata will move us on.
                log.debug("{}: leader {} answered {}", tp, leaderId, error);
                delayedUntil.put(tp, now + BACKOFF_MS);
            }
        }
    }

    /** KIP-595: keep what agrees with the leader, i.e. up to the lower of its end for that epoch and ours. */
    private void truncateToDivergence(Partition partition, FetchResponseData.EpochEndOffset diverging) {
        Log partitionLog = partition.log();
        Optional<EpochEndOffset> local = partitionLog.endOffsetForEpoch(diverging.epoch());
        long target = local.map(e -> Math.min(e.endOffset(), diverging.endOffset())).orElse(diverging.endOffset());
        target = Math.max(target, 0);
        long before = partitionLog.logEndOffset();
        if (target < before) {
            log.info("{}: diverged from leader {} at epoch {}; truncating {} -> {}", partition.topicPartition(), leaderId,
                diverging.epoch(), before, target);
            partitionLog.truncateTo(target);
            partition.afterFollowerTruncation();
        }
    }

    private BrokerChannel connect() {
        if (channel != null) {
            return channel;
        }
        Endpoint endpoint = endpointOf.apply(leaderId);
        if (endpoint == null) {
            return null;
        }
        try {
            channel = new BrokerChannel(endpoint.host().isEmpty() ? "localhost" : endpoint.host(), endpoint.port(),
                "samsa-replica-" + nodeId, 5000, MAX_WAIT_MS + 30_000);
            return channel;
        } catch (IOException e) {
            log.debug("Cannot connect to broker {} at {}: {}", leaderId, endpoint, e.toString());
            sleep(BACKOFF_MS);
            return null;
        }
    }

    private void closeChannel() {
        BrokerChannel open = channel;
        if (open != null) {
            open.close();
            channel = null;
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops the thread without interrupting it: an interrupt during a FileChannel write closes the log's channel
     * (ClosedByInterruptException) and would take the whole log directory offline. Closing the socket unblocks a
     * read waiting on the leader; the loop sees {@code running} within one backoff.
     */
    void shutdown() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        closeChannel(); // unblocks a read waiting on the leader
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeChannel();
    }
}
