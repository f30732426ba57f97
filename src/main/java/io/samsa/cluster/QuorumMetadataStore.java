package io.samsa.cluster;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecordCodec;
import io.samsa.metadata.MetadataStore;
import io.samsa.metadata.QuorumStatus;
import io.samsa.config.Endpoint;
import io.samsa.metadata.StaleMetadataException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cluster's metadata log: a Raft group of the controller quorum's voters, run by Apache Ratis over its Netty
 * transport on each voter's controller listener. Any node commits: its batch goes to the Raft leader (Ratis's client
 * finds it and retries across elections), is replicated to a majority, and is applied by every node in log order
 * ({@link MetadataStateMachine}); the commit completes once this node has applied it, so a caller reads its own write
 * here. A batch carries the record count its decision was based on and is applied only if no other change came first.
 */
public final class QuorumMetadataStore implements ClusterMetadataStore {
    private static final Logger log = LoggerFactory.getLogger(QuorumMetadataStore.class);
    /** One Raft group, the same on every node of every Samsa cluster; a node's data holds only its own cluster's. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("samsa-cluster-metadata".getBytes(StandardCharsets.UTF_8)));
    static final String STORAGE_DIR = "__cluster_metadata-raft";

    private final QuorumConfig quorum;
    private final MetadataStateMachine stateMachine;
    private final RaftServer server;
    private final RaftClient client;

    /**
     * Small jobs on Ratis's state away from the callers' threads: asking a leader to step down, sampling which
     * followers are caught up, reading the leader state for DescribeQuorum.
     */
    private final java.util.concurrent.ScheduledExecutorService watch = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(new io.netty.util.concurrent.DefaultThreadFactory("samsa-quorum-watch", true));

    /** Answers the controller requests other than the quorum status (heartbeats) while this node leads. */
    private volatile Function<ByteBuffer, CompletableFuture<ByteBuffer>> controllerRequests =
        request -> CompletableFuture.failedFuture(new IllegalStateException("Not ready for controller requests"));
    /** While leading: when each follower was last seen holding the whole log (wall clock ms), for the term below. */
    private final Map<Integer, Long> lastCaughtUpMs = new ConcurrentHashMap<>();
    private volatile long caughtUpTerm = -1;

    private QuorumMetadataStore(QuorumConfig quorum, MetadataStateMachine stateMachine, RaftServer server, RaftClient client) {
        this.quorum = quorum;
        this.stateMachine = stateMachine;
        this.server = server;
        this.client = client;
        stateMachine.setQueryHandler(this::answerControllerRequest);
        watch.scheduleWithFixedDelay(this::noteCaughtUpFollowers, CAUGHT_UP_SAMPLE_MS, CAUGHT_UP_SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    /** How often the leader looks at which followers hold the whole log (for DescribeQuorum's lastCaughtUpTimestamp). */
    private static final long CAUGHT_UP_SAMPLE_MS = 250;

    /**
     * A voter whose disk was wiped comes back with an empty log, and Ratis's leader, which remembers how far that
     * voter had acknowledged (and never lowers that), sends it nothing from further back: the voter would wait
     * forever. Such a node, seeing a leader but receiving nothing, asks that leader to step down; whoever leads next
     * starts it from scratch and sends it the whole log or a snapshot. Harmless otherwise: one more election.
     */
    public void askLeaderToStepDown() {
        int leader = activeControllerId();
        if (leader < 0 || leader == quorum.nodeId()) {
            return;
        }
        log.warn("Node {} has a leader ({}) but receives no metadata from it (was its metadata log wiped?);"
            + " asking the leader to step down so that the next one sends the whole log", quorum.nodeId(), leader);
        watch.execute(() -> {
            try {
                client.admin().transferLeadership(null, peerId(leader), 10_000);
            } catch (IOException | RuntimeException e) {
                log.debug("Step-down request to node {} failed: {}", leader, e.toString());
            }
        });
    }

    /** Starts this node's Raft server on its controller listener, with its log under {@code dataDir}. */
    public static QuorumMetadataStore start(QuorumConfig quorum, Path dataDir, int requestTimeoutMs) throws IOException {
        List<RaftPeer> peers = new ArrayList<>();
        for (Map.Entry<Integer, InetSocketAddress> voter : quorum.voters().entrySet()) {
            InetSocketAddress a = voter.getValue();
            peers.add(RaftPeer.newBuilder().setId(peerId(voter.getKey()))
                .setAddress(a.getHostString() + ":" + a.getPort()).build());
        }
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers);
        RaftProperties properties = properties(quorum, dataDir.resolve(STORAGE_DIR), requestTimeoutMs);
        MetadataStateMachine stateMachine = new MetadataStateMachine(quorum.nodeId());
        RaftServer server = RaftServer.newBuilder()
            .setServerId(peerId(quorum.nodeId()))
            .setGroup(group)
            .setStateMachine(stateMachine)
            .setProperties(properties)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
        server.start();
        RaftClient client = newClient(group, properties, requestTimeoutMs);
        log.info("Node {} joined the metadata quorum of voters {} on {}", quorum.nodeId(), quorum.votersText(), quorum.controllerListener());
        return new QuorumMetadataStore(quorum, stateMachine, server, client);
    }

    /** The voters as a Raft group. */
    static RaftGroup group(QuorumConfig quorum) {
        List<RaftPeer> peers = new ArrayList<>();
        for (Map.Entry<Integer, InetSocketAddress> voter : quorum.voters().entrySet()) {
            InetSocketAddress a = voter.getValue();
            peers.add(RaftPeer.newBuilder().setId(peerId(voter.getKey()))
                .setAddress(a.getHostString() + ":" + a.getPort()).build());
        }
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    /** A client of the quorum: finds the leader and retries across elections for about {@code requestTimeoutMs}. */
    static RaftClient newClient(RaftGroup group, RaftProperties properties, int requestTimeoutMs) {
        return RaftClient.newBuilder()
            .setProperties(properties)
            .setParameters(new Parameters())
            .setRaftGroup(group)
            .setClientId(ClientId.randomId())
            .setLeaderId(null)
            // Elections take seconds on a loaded machine: keep retrying for about a request timeout.
            .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(Math.max(1, requestTimeoutMs / 200),
                TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
            .build();
    }

    /** Client-side properties for a node that only talks to the quorum. */
    static RaftProperties clientProperties(int requestTimeoutMs) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
        org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(p,
            TimeDuration.valueOf(Math.max(3000, requestTimeoutMs), TimeUnit.MILLISECONDS));
        return p;
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    private static RaftProperties properties(QuorumConfig quorum, Path storageDir, int requestTimeoutMs) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
        String host = quorum.controllerListener().host();
        NettyConfigKeys.Server.setHost(p, host.isEmpty() ? "0.0.0.0" : host);
        NettyConfigKeys.Server.setPort(p, quorum.controllerListener().port());
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));
        // Elections of 1-2 s rather than Ratis's 150-300 ms: on a small, loaded machine a GC pause or a busy core
        // would otherwise start needless elections.
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, requestTimeoutMs), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        // Snapshots of the image every few thousand entries; the log is purged up to them and a node that fell
        // further behind gets the snapshot installed.
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, SNAPSHOT_EVERY_ENTRIES);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, 256);
        // Metadata entries are small: small segments and buffers keep an idle node's memory small.
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("64KB"));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("512KB"));
        return p;
    }

    /** Log entries between automatic snapshots (package-private so that tests can see purging happen sooner). */
    static volatile long SNAPSHOT_EVERY_ENTRIES = 4096;

    @Override
    public MetadataImage image() {
        return stateMachine.image();
    }

    @Override
    public CompletableFuture<MetadataImage> commit(List<MetadataRecord> records, long decidedAt) {
        return send(client, records, decidedAt).thenCompose(reply -> outcome(reply, decidedAt));
    }

    /** Sends a batch to the quorum's leader; the reply comes once the leader has applied it. */
    static CompletableFuture<RaftClientReply> send(RaftClient client, List<MetadataRecord> records, long decidedAt) {
        ByteBuffer body = MetadataRecordCodec.encodeRecords(records);
        ByteBuffer entry = ByteBuffer.allocate(Long.BYTES + body.remaining()).putLong(decidedAt).put(body).flip();
        return client.async().send(Message.valueOf(ByteString.copyFrom(entry)))
            .exceptionally(e -> {
                throw new java.util.concurrent.CompletionException(new NotControllerException(
                    "The metadata quorum did not commit the change: " + e.getMessage()));
            });
    }

    private CompletableFuture<MetadataImage> outcome(RaftClientReply reply, long decidedAt) {
        return outcome(reply, decidedAt, stateMachine::whenApplied, stateMachine::image);
    }

    /** What a commit's reply means, once this node has applied the entry (through {@code whenApplied}). */
    static CompletableFuture<MetadataImage> outcome(RaftClientReply reply, long decidedAt,
                                                    java.util.function.LongFunction<CompletableFuture<Void>> whenApplied,
                                                    java.util.function.Supplier<MetadataImage> image) {
        if (!reply.isSuccess()) {
            Exception e = reply.getException();
            return CompletableFuture.failedFuture(new NotControllerException(
                "The metadata quorum did not commit the change: " + (e == null ? "no reason given" : e.getMessage())));
        }
        ByteBuffer result = reply.getMessage().getContent().asReadOnlyByteBuffer();
        byte outcome = result.get();
        long recordCount = result.getLong();
        String detail = StandardCharsets.UTF_8.decode(result).toString();
        // The leader answered once it applied the entry; this node answers once it has applied it too.
        return whenApplied.apply(reply.getLogIndex()).thenApply(ignored -> switch (outcome) {
            case MetadataStateMachine.APPLIED -> image.get();
            case MetadataStateMachine.STALE -> throw new StaleMetadataException(decidedAt, recordCount);
            default -> throw new IllegalStateException("The metadata change was refused: " + detail);
        });
    }

    /**
     * Sends a request to the active controller (Ratis routes a read-only query to the leader, retrying across
     * elections) and completes with its answer. Heartbeats travel this way.
     */
    @Override
    public CompletableFuture<ByteBuffer> askController(ByteBuffer request) {
        return askController(client, request);
    }

    static CompletableFuture<ByteBuffer> askController(RaftClient client, ByteBuffer request) {
        return client.async().sendReadOnly(Message.valueOf(ByteString.copyFrom(request))).thenApply(reply -> {
            if (!reply.isSuccess()) {
                Exception e = reply.getException();
                throw new java.util.concurrent.CompletionException(new NotControllerException(
                    "No answer from the active controller: " + (e == null ? "no reason given" : e.getMessage())));
            }
            return reply.getMessage().getContent().asReadOnlyByteBuffer();
        });
    }

    /** Answers {@link #askController} requests while this node is the leader (the quorum status is answered here). */
    public void setControllerRequestHandler(Function<ByteBuffer, CompletableFuture<ByteBuffer>> handler) {
        this.controllerRequests = handler;
    }

    private CompletableFuture<ByteBuffer> answerControllerRequest(ByteBuffer request) {
        if (request.remaining() == 1 + Long.BYTES + Integer.BYTES
            && request.get(request.position()) == ControllerRequests.FETCH_METADATA) {
            // A broker-only node following the metadata log (ObserverMetadataStore).
            ByteBuffer fetch = request.duplicate();
            fetch.get();
            long afterIndex = fetch.getLong();
            int maxWaitMs = Math.min(Math.max(0, fetch.getInt()), 1000);
            return stateMachine.fetchSince(afterIndex, maxWaitMs);
        }
        if (ControllerRequests.isQuorumStatus(request)) {
            QuorumStatus status = localQuorumStatus();
            return CompletableFuture.completedFuture(status == null
                ? ControllerRequests.heartbeatAnswer(ControllerRequests.NOT_ACTIVE)
                : ControllerRequests.quorumStatusAnswer(status));
        }
        return controllerRequests.apply(request);
    }

    /**
     * The quorum as the Raft leader sees it (Kafka's DescribeQuorum): answered here when this node leads, else asked
     * of the leader. Fails with {@link org.apache.kafka.common.errors.NotLeaderOrFollowerException} while no node
     * leads (an election), so that a client retries.
     */
    @Override
    public CompletableFuture<QuorumStatus> describeQuorum() {
        // Ratis's leader state is read on the watch thread: reading the log's end takes the log's read lock, which
        // a network thread (the caller) must not wait for.
        return CompletableFuture.supplyAsync(this::localQuorumStatus, watch).thenCompose(local -> local != null
            ? CompletableFuture.completedFuture(local) : askLeaderForQuorumStatus());
    }

    private CompletableFuture<QuorumStatus> askLeaderForQuorumStatus() {
        return askController(ControllerRequests.quorumStatus()).thenApply(answer -> {
            QuorumStatus status = ControllerRequests.readQuorumStatus(answer, voterEndpoints());
            if (status == null) {
                throw new CompletionException(new org.apache.kafka.common.errors.NotLeaderOrFollowerException(
                    "The metadata quorum has no leader at the moment"));
            }
            return status;
        });
    }

    /** Each voter's controller listener, from controller.quorum.voters. */
    private Map<Integer, Endpoint> voterEndpoints() {
        Map<Integer, Endpoint> endpoints = new LinkedHashMap<>();
        Endpoint controller = quorum.controllerListener();
        quorum.voters().forEach((id, address) -> endpoints.put(id, new Endpoint(controller.listenerName(),
            controller.securityProtocol(), address.getHostString(), address.getPort())));
        return endpoints;
    }

    /**
     * The quorum's status from Ratis's leader state, or null when this node does not lead. A follower's log end is
     * one past its match index; when it last answered comes from Ratis's last-RPC time; when it last held the whole
     * log is sampled every {@value #CAUGHT_UP_SAMPLE_MS} ms ({@link #noteCaughtUpFollowers}).
     */
    QuorumStatus localQuorumStatus() {
        LeaderView view = leaderView();
        if (view == null) {
            return null;
        }
        long now = System.currentTimeMillis();
        noteCaughtUp(view, now);
        List<QuorumStatus.Replica> voters = new ArrayList<>();
        for (int voter : quorum.voters().keySet()) {
            if (voter == quorum.nodeId()) {
                voters.add(new QuorumStatus.Replica(voter, view.logEnd, now, now));
                continue;
            }
            FollowerView follower = view.followers.get(voter);
            if (follower == null || follower.matchIndex < 0) {
                voters.add(new QuorumStatus.Replica(voter, -1, follower == null ? -1 : now - follower.sinceLastRpcMs,
                    lastCaughtUpMs.getOrDefault(voter, -1L)));
            } else {
                voters.add(new QuorumStatus.Replica(voter, follower.matchIndex + 1, now - follower.sinceLastRpcMs,
                    lastCaughtUpMs.getOrDefault(voter, -1L)));
            }
        }
        return new QuorumStatus(quorum.nodeId(), view.term, view.committed + 1, voters, List.of(), voterEndpoints());
    }

    private record FollowerView(long matchIndex, long sinceLastRpcMs) {
    }

    private record LeaderView(long term, long logEnd, long committed, Map<Integer, FollowerView> followers) {
    }

    /** What Ratis's leader state says of the followers, or null when this node does not lead. */
    private LeaderView leaderView() {
        try {
            RaftServer.Division division = server.getDivision(GROUP_ID);
            DivisionInfo info = division.getInfo();
            if (!info.isLeader()) {
                return null;
            }
            RoleInfoProto role = info.getRoleInfoProto();
            long[] matchIndices = info.getFollowerMatchIndices();
            if (matchIndices == null || !role.hasLeaderInfo()) {
                return null;
            }
            // Both come from the leader's log appenders in the same order; a membership change in between (none
            // happens with a fixed set of voters) would make them differ, and then nothing is paired up.
            List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
            if (followers.size() != matchIndices.length) {
                log.debug("Ratis listed {} followers and {} match indices; not describing the quorum this time",
                    followers.size(), matchIndices.length);
                return null;
            }
            Map<Integer, FollowerView> byNode = new java.util.HashMap<>();
            for (int i = 0; i < followers.size(); i++) {
                int nodeId = Integer.parseInt(followers.get(i).getId().getId().toStringUtf8());
                byNode.put(nodeId, new FollowerView(matchIndices[i], followers.get(i).getLastRpcElapsedTimeMs()));
            }
            return new LeaderView(info.getCurrentTerm(), division.getRaftLog().getNextIndex(),
                division.getRaftLog().getLastCommittedIndex(), byNode);
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot read the quorum's leader state: {}", e.toString());
            return null;
        }
    }

    private void noteCaughtUpFollowers() {
        LeaderView view = leaderView();
        if (view != null) {
            noteCaughtUp(view, System.currentTimeMillis());
        }
    }

    private void noteCaughtUp(LeaderView view, long now) {
        if (view.term != caughtUpTerm) {
            lastCaughtUpMs.clear();
            caughtUpTerm = view.term;
        }
        view.followers.forEach((nodeId, follower) -> {
            if (follower.matchIndex >= 0 && follower.matchIndex + 1 >= view.logEnd) {
                lastCaughtUpMs.merge(nodeId, now - follower.sinceLastRpcMs, Math::max);
            }
        });
    }

    @Override
    public void addListener(Listener listener) {
        stateMachine.addListener(listener);
    }

    @Override
    public int activeControllerId() {
        return stateMachine.leaderId();
    }

    /**
     * What leadership of the quorum means to a node. Both run on Ratis's threads and must not block: work goes to
     * the controller's own thread.
     */
    public interface Leadership {
        /** This node is the quorum's leader and Ratis says it is ready to serve: it is the active controller. */
        void onLeaderReady();

        /** The leader is now {@code leaderId} (-1: none known); this node is not the active controller unless told ready. */
        void onLeaderChanged(int leaderId);
    }

    /** Told when this node becomes the active controller (Ratis says the leader is ready) and when leadership moves. */
    public void setLeadershipListener(Leadership listener) {
        stateMachine.setLeadershipListener(listener);
    }

    /** Whether this node is the quorum's leader and ready to act as the controller. */
    public boolean isActiveController() {
        return stateMachine.isLeaderReady();
    }

    public QuorumConfig quorum() {
        return quorum;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watch.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            log.warn("Closing the quorum client failed", e);
        }
        try {
            server.close();
        } catch (IOException e) {
            log.warn("Closing the metadata quorum server failed", e);
        }
    }
}
