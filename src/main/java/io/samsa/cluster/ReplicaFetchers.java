package io.samsa.cluster;

import io.samsa.config.Endpoint;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The partitions this broker follows, grouped by leader: one {@link ReplicaFetcher} thread per leader broker
 * (Kafka's {@code num.replica.fetchers=1}), started when the first partition led there arrives and stopped when
 * the last one leaves. Called by the partition-changes thread as the metadata moves leadership around.
 */
public final class ReplicaFetchers implements PartitionManager.ReplicaFollowers, AutoCloseable {
    private final int nodeId;
    private final LongSupplier brokerEpoch;
    private final IntFunction<Endpoint> endpointOf;
    private final Map<Integer, ReplicaFetcher> byLeader = new HashMap<>();
    private final Map<TopicPartition, ReplicaFetcher> byPartition = new HashMap<>();
    private boolean closed;

    /**
     * @param endpointOf the inter-broker endpoint of a broker, from the registrations in the metadata (null: unknown)
     */
    public ReplicaFetchers(int nodeId, LongSupplier brokerEpoch, IntFunction<Endpoint> endpointOf) {
        this.nodeId = nodeId;
        this.brokerEpoch = brokerEpoch;
        this.endpointOf = endpointOf;
    }

    @Override
    public synchronized void follow(Partition partition, int leaderId) {
        if (closed) {
            return;
        }
        ReplicaFetcher current = byPartition.get(partition.topicPartition());
        if (current != null && current.leaderId() == leaderId) {
            current.add(partition); // same leader, maybe a new epoch or a reopened log: it fetches the new one
            return;
        }
        unfollow(partition);
        if (leaderId < 0 || leaderId == nodeId) {
            return;
        }
        ReplicaFetcher fetcher = byLeader.computeIfAbsent(leaderId, id -> {
            ReplicaFetcher f = new ReplicaFetcher(id, nodeId, brokerEpoch, endpointOf);
            f.start();
            return f;
        });
        fetcher.add(partition);
        byPartition.put(partition.topicPartition(), fetcher);
    }

    @Override
    public synchronized void unfollow(Partition partition) {
        ReplicaFetcher fetcher = byPartition.remove(partition.topicPartition());
        if (fetcher == null) {
            return;
        }
        fetcher.remove(partition);
        if (fetcher.isEmpty()) {
            byLeader.remove(fetcher.leaderId());
            fetcher.shutdown();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        byLeader.values().forEach(ReplicaFetcher::shutdown);
        byLeader.clear();
        byPartition.clear();
    }
}
