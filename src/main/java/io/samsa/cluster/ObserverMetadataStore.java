package io.samsa.cluster;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecordCodec;
import org.apache.ratis.client.RaftClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The metadata log of a broker that is not a voter ({@code process.roles=broker}), as Kafka's brokers follow the
 * quorum without voting: a thread fetches the batches the quorum applied since the last one it has (a long poll to
 * the leader over the quorum's transport; the whole image when it is further behind than the leader keeps) and
 * applies them to its own image, telling the listeners as a voter's state machine does. It commits through the
 * leader like any node, and a commit completes once the fetched log has reached it here.
 *
 * <p>Threads: {@code samsa-metadata-fetcher} applies and tells the listeners, one batch at a time, in log order.
 */
public final class ObserverMetadataStore implements ClusterMetadataStore {
    private static final Logger log = LoggerFactory.getLogger(ObserverMetadataStore.class);
    private static final int LONG_POLL_MS = 500;
    private static final long BACKOFF_MS = 200;

    private final QuorumConfig quorum;
    private final RaftClient client;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final TreeMap<Long, CompletableFuture<Void>> appliedWaiters = new TreeMap<>();
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(new DefaultThreadFactory("samsa-metadata-fetcher", true));
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile long appliedIndex = -1;
    private volatile boolean closed;

    private ObserverMetadataStore(QuorumConfig quorum, RaftClient client) {
        this.quorum = quorum;
        this.client = client;
    }

    public static ObserverMetadataStore start(QuorumConfig quorum, int requestTimeoutMs) {
        RaftClient client = QuorumMetadataStore.newClient(QuorumMetadataStore.group(quorum),
            QuorumMetadataStore.clientProperties(requestTimeoutMs), requestTimeoutMs);
        ObserverMetadataStore store = new ObserverMetadataStore(quorum, client);
        store.fetcher.execute(store::fetchLoop);
        log.info("Node {} follows the metadata quorum of voters {} (broker only, not a voter)", quorum.nodeId(),
            quorum.votersText());
        return store;
    }

    private void fetchLoop() {
        while (!closed) {
            try {
                ByteBuffer answer = askController(ControllerRequests.fetchMetadata(appliedIndex, LONG_POLL_MS))
                    .get(LONG_POLL_MS + 30_000L, TimeUnit.MILLISECONDS);
                apply(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!closed) {
                    log.debug("Fetching the metadata log failed: {}", e.toString());
                    sleep();
                }
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void apply(ByteBuffer answer) throws IOException {
        byte kind = answer.get();
        long leaderApplied = answer.getLong();
        if (kind == MetadataStateMachine.FETCH_IMAGE) {
            long recordCount = answer.getLong();
            List<MetadataRecord> records = MetadataRecordCodec.decodeRecords(answer);
            MetadataImage before = image;
            MetadataImage after = MetadataImage.fromSnapshot(records, recordCount);
            image = after;
            tell(before, after, records);
        } else {
            int count = answer.getInt();
            for (int i = 0; i < count; i++) {
                long index = answer.getLong();
                int length = answer.getInt();
                ByteBuffer body = answer.slice(answer.position(), length);
                answer.position(answer.position() + length);
                if (index <= appliedIndex) {
                    continue;
                }
                List<MetadataRecord> records = MetadataRecordCodec.decodeRecords(body);
                MetadataImage before = image;
                MetadataImage after = before.apply(records);
                image = after;
                appliedIndex = index;
                tell(before, after, records);
                release(index);
            }
        }
        if (leaderApplied > appliedIndex) {
            appliedIndex = leaderApplied;
        }
        release(appliedIndex);
    }

    private void tell(MetadataImage before, MetadataImage after, List<MetadataRecord> records) {
        for (Listener listener : listeners) {
            try {
                listener.onCommit(before, after, records);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed on a fetched batch", listener, e);
            }
        }
    }

    private CompletableFuture<Void> whenApplied(long index) {
        synchronized (appliedWaiters) {
            if (appliedIndex >= index) {
                return CompletableFuture.completedFuture(null);
            }
            return appliedWaiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        }
    }

    private void release(long index) {
        List<CompletableFuture<Void>> ready;
        synchronized (appliedWaiters) {
            Map<Long, CompletableFuture<Void>> head = appliedWaiters.headMap(index, true);
            ready = List.copyOf(head.values());
            head.clear();
        }
        ready.forEach(f -> f.complete(null));
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public CompletableFuture<MetadataImage> commit(List<MetadataRecord> records, long decidedAt) {
        return QuorumMetadataStore.send(client, records, decidedAt)
            .thenCompose(reply -> QuorumMetadataStore.outcome(reply, decidedAt, this::whenApplied, this::image));
    }

    @Override
    public CompletableFuture<ByteBuffer> askController(ByteBuffer request) {
        return QuorumMetadataStore.askController(client, request);
    }

    @Override
    public CompletableFuture<io.samsa.metadata.QuorumStatus> describeQuorum() {
        Map<Integer, io.samsa.config.Endpoint> endpoints = new java.util.LinkedHashMap<>();
        quorum.voters().forEach((id, address) -> endpoints.put(id,
            new io.samsa.config.Endpoint("CONTROLLER", "PLAINTEXT", address.getHostString(), address.getPort())));
        return askController(ControllerRequests.quorumStatus()).thenApply(answer -> {
            io.samsa.metadata.QuorumStatus status = ControllerRequests.readQuorumStatus(answer, endpoints);
            if (status == null) {
                throw new java.util.concurrent.CompletionException(new org.apache.kafka.common.errors.NotLeaderOrFollowerException(
                    "The metadata quorum has no leader at the moment"));
            }
            return status;
        });
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public int activeControllerId() {
        return client.getLeaderId() == null ? -1 : Integer.parseInt(client.getLeaderId().toString());
    }

    public QuorumConfig quorum() {
        return quorum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        fetcher.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            log.warn("Closing the quorum client failed", e);
        }
    }
}
