package io.samsa.server;

import io.samsa.cluster.BrokerHeartbeats;
import io.samsa.cluster.BrokerLiveness;
import io.samsa.cluster.ClusterMetadataStore;
import io.samsa.cluster.ObserverMetadataStore;
import io.samsa.cluster.QuorumConfig;
import io.samsa.cluster.QuorumMetadataStore;
import io.samsa.cluster.ReplicaFetchers;
import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import io.samsa.group.GroupConfig;
import io.samsa.group.GroupCoordinator;
import io.samsa.group.OffsetsTopic;
import io.samsa.metadata.ClusterInfo;
import io.samsa.metadata.Controller;
import io.samsa.metadata.LocalMetadataLog;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataStore;
import io.samsa.network.NetworkServer;
import io.samsa.log.LogCleaner;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import io.samsa.protocol.Handlers;
import io.samsa.protocol.RequestDispatcher;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One Samsa broker: metadata log, partitions, request handlers and listeners, started in dependency
 * order and stopped in reverse. Start-up recovers every log before the listeners open, so a client never
 * sees a half-recovered partition.
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    /** How long a metadata commit keeps trying to reach the quorum's leader (elections included) before it fails. */
    private static final int QUORUM_COMMIT_TIMEOUT_MS = 30_000;
    /** How long a stopping broker waits for the controller to move its leaderships away. */
    private static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;
    private static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    private static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";

    private final ServerConfig config;
    private BrokerScheduler scheduler;
    private MetadataStore metadataLog;
    /** Listeners the controller quorum owns: not served to clients, not advertised. */
    private Set<String> controllerListenerNames = Set.of();
    private BrokerLiveness liveness;
    private BrokerHeartbeats heartbeats;
    private ReplicaFetchers fetchers;
    private volatile long brokerEpoch = -1;
    private Controller controller;
    private PartitionManager partitions;
    private GroupCoordinator groups;
    private LogCleaner cleaner;
    private NetworkServer network;
    private List<Endpoint> boundEndpoints = List.of();
    private String clusterId;
    private volatile boolean closed;
    /** Set first thing by {@link #close}, without the lock a start-up still waiting on the quorum holds. */
    private volatile boolean closing;

    public Broker(ServerConfig config) {
        this.config = config;
    }

    public synchronized Broker start() throws IOException, InterruptedException {
        Optional<QuorumConfig> quorum = QuorumConfig.from(config);
        if (quorum.isPresent()) {
            startInCluster(quorum.get());
        } else {
            startAlone();
        }
        return this;
    }

    /** A single broker: its own controller, with the metadata log in a local file. */
    private void startAlone() throws IOException, InterruptedException {
        int nodeId = config.nodeId();
        List<Path> logDirs = config.logDirs();
        String configuredClusterId = config.getString(ServerConfig.CLUSTER_ID);
        for (Path dir : logDirs) {
            MetaProperties meta = MetaProperties.loadOrCreate(dir, nodeId, clusterId != null ? clusterId : configuredClusterId);
            clusterId = meta.clusterId();
        }
        scheduler = new BrokerScheduler();
        LocalMetadataLog local = LocalMetadataLog.open(logDirs.get(0).resolve(PartitionManager.METADATA_DIR));
        metadataLog = local;
        partitions = new PartitionManager(nodeId, logDirs, config, scheduler, Time.SYSTEM);
        partitions.load(local.image());
        local.addListener(partitions);
        controller = new Controller(local, config, () -> Set.of(nodeId), partitions::whenApplied);
        // Advertised ports are read lazily: a listener on port 0 (tests) knows its port only after binding.
        ClusterInfo cluster = ClusterInfo.of(clusterId, nodeId, List.of(new ClusterInfo.Broker(nodeId, null, new LazyEndpoints(this))));
        startServing(nodeId, cluster, config.listeners(), null);
    }

    /**
     * A node of a cluster: joins the metadata quorum, learns the cluster id the first quorum chose (or chooses it,
     * as the first active controller), checks it against its meta.properties, applies the metadata, opens its
     * listeners and registers as a broker.
     */
    private void startInCluster(QuorumConfig quorum) throws IOException, InterruptedException {
        int nodeId = quorum.nodeId();
        List<Path> logDirs = config.logDirs();
        String knownClusterId = null;
        Path knownIn = null;
        for (Path dir : logDirs) {
            Optional<MetaProperties> meta = MetaProperties.load(dir, nodeId);
            if (meta.isPresent() && meta.get().clusterId() != null) {
                if (knownClusterId != null && !knownClusterId.equals(meta.get().clusterId())) {
                    throw new IllegalStateException("log dirs " + knownIn + " and " + dir + " belong to different clusters ("
                        + knownClusterId + ", " + meta.get().clusterId() + ")");
                }
                knownClusterId = meta.get().clusterId();
                knownIn = dir;
            }
        }
        scheduler = new BrokerScheduler();
        ClusterMetadataStore store = quorum.isController()
            ? QuorumMetadataStore.start(quorum, logDirs.get(0), QUORUM_COMMIT_TIMEOUT_MS)
            : ObserverMetadataStore.start(quorum, QUORUM_COMMIT_TIMEOUT_MS);
        metadataLog = store;
        if (quorum.isBroker()) {
            partitions = new PartitionManager(nodeId, logDirs, config, scheduler, Time.SYSTEM);
            controller = new Controller(store, config, () -> unfencedBrokers(store), partitions::whenApplied);
            fetchers = new ReplicaFetchers(nodeId, () -> brokerEpoch, id -> {
                MetadataImage.BrokerRegistration broker = store.image().broker(id);
                return broker == null ? null : broker.endpoint(quorum.interBrokerListener());
            });
            partitions.replicateWith((partition, epoch, current, proposed, joining) -> controller.alterPartitionIsr(
                partition.topicId(), partition.topicPartition().partition(), nodeId, epoch, current, proposed, joining).thenApply(error -> {
                    if (error != org.apache.kafka.common.protocol.Errors.NONE) {
                        throw new java.util.concurrent.CompletionException(error.exception());
                    }
                    return error;
                }), fetchers);
            // A failed log directory: its partitions stop leading and leave the ISRs, as Kafka's offline replicas do.
            partitions.onPartitionsOffline(offline -> reportOffline(nodeId, offline));
        } else {
            // A controller only: it hosts no partitions, so nothing has to be applied locally before it answers.
            controller = new Controller(store, config, () -> unfencedBrokers(store),
                image -> java.util.concurrent.CompletableFuture.completedFuture(null));
        }
        String proposedId = config.getString(ServerConfig.CLUSTER_ID) != null ? config.getString(ServerConfig.CLUSTER_ID)
            : knownClusterId != null ? knownClusterId : org.apache.kafka.common.Uuid.randomUuid().toString();
        if (store instanceof QuorumMetadataStore voter) {
            liveness = new BrokerLiveness(controller, store::image, config.getInt(BROKER_SESSION_TIMEOUT_MS), System::nanoTime);
            voter.setControllerRequestHandler(liveness::handle);
            voter.setLeadershipListener(new QuorumMetadataStore.Leadership() {
                @Override
                public void onLeaderReady() {
                    // The first active controller chooses the cluster's id: the one configured or kept in its
                    // meta.properties, else a new one.
                    controller.formCluster(proposedId);
                    liveness.activate();
                }

                @Override
                public void onLeaderChanged(int leaderId) {
                    log.info("The active controller is now node {}", leaderId);
                    if (leaderId != nodeId) {
                        liveness.deactivate();
                    }
                }
            });
        }
        clusterId = awaitClusterId(store, quorum);
        if (knownClusterId != null && !knownClusterId.equals(clusterId)) {
            throw new IllegalStateException("meta.properties in " + knownIn + " belongs to cluster " + knownClusterId
                + ", but the quorum " + quorum.voters().keySet() + " is cluster " + clusterId
                + "; this node's data is from another cluster");
        }
        for (Path dir : logDirs) {
            MetaProperties.loadOrCreate(dir, nodeId, clusterId);
        }
        // Everything committed before this node joined is applied before its logs are opened from the image.
        store.commit(List.of()).join();
        if (!quorum.isBroker()) {
            controllerListenerNames = Set.of(quorum.controllerListener().listenerName());
            return;
        }
        partitions.load(store.image());
        MetadataImage loaded = store.image();
        store.addListener(partitions);
        // Changes committed between the load and the listener: applied now (applying one twice is harmless).
        partitions.onCommit(loaded, store.image(), store.image().toRecords());

        ClusterInfo cluster = ClusterInfo.fromImage(clusterId, partitions::appliedImage, store::activeControllerId);
        controllerListenerNames = Set.copyOf(config.getList(QuorumConfig.CONTROLLER_LISTENER_NAMES).stream()
            .map(n -> n.trim().toUpperCase()).toList());
        List<Endpoint> brokerListeners = config.listeners().stream()
            .filter(e -> !controllerListenerNames.contains(e.listenerName()))
            .toList();
        startServing(nodeId, cluster, brokerListeners, store::describeQuorum);
        scheduler.schedulePeriodically("isr-shrink", () -> partitions.shrinkLaggingIsrs(config.getLong("replica.lag.time.max.ms")),
            Math.max(100, config.getLong("replica.lag.time.max.ms") / 2));
        scheduler.schedulePeriodically("high-watermark-checkpoint", partitions::checkpointHighWatermarks,
            config.getLong("replica.high.watermark.checkpoint.interval.ms"));
        register(quorum);
        // Directories that failed while the logs were loaded: the registration may have made this node their leader.
        List<Partition> offlineAtStart = partitions.partitionsOnOfflineDirs();
        if (!offlineAtStart.isEmpty()) {
            reportOffline(nodeId, offlineAtStart);
        }
        heartbeats = new BrokerHeartbeats(store, nodeId, () -> brokerEpoch, () -> register(quorum));
        heartbeats.start(config.getInt(BROKER_HEARTBEAT_INTERVAL_MS));
    }

    /** Asks the controller to move leaderships and ISR membership off replicas on a failed log directory. */
    private void reportOffline(int nodeId, List<Partition> offline) {
        Set<org.apache.kafka.common.TopicIdPartition> replicas = new java.util.HashSet<>();
        for (Partition partition : offline) {
            replicas.add(new org.apache.kafka.common.TopicIdPartition(partition.topicId(), partition.topicPartition()));
        }
        controller.replicasOffline(nodeId, replicas).whenComplete((changed, failure) -> {
            if (failure != null) {
                log.warn("Could not move {} replicas on a failed log directory off this broker: {}", replicas.size(),
                    failure.toString());
            } else {
                log.info("{} partitions of a failed log directory no longer lead here or count this replica in sync", changed);
            }
        });
    }

    /** Registers (again) as a broker of the cluster under a new epoch. */
    private void register(QuorumConfig quorum) {
        brokerEpoch = controller.registerBroker(quorum.nodeId(), org.apache.kafka.common.Uuid.randomUuid(),
            List.copyOf(advertisedEndpoints().values()), quorum.rack()).join();
        log.info("Node {} registered as a broker of cluster {} with epoch {}", quorum.nodeId(), clusterId, brokerEpoch);
    }

    private static Set<Integer> unfencedBrokers(ClusterMetadataStore store) {
        Set<Integer> ids = new java.util.TreeSet<>();
        store.image().brokers().values().forEach(b -> {
            if (!b.fenced()) {
                ids.add(b.nodeId());
            }
        });
        return ids;
    }

    /** Waits, logging now and then, until the quorum has formed and this node has learned the cluster's id. */
    private String awaitClusterId(ClusterMetadataStore store, QuorumConfig quorum) throws InterruptedException, IOException {
        long started = System.nanoTime();
        long nextLog = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        long leaderSeenSince = -1;
        while (store.image().clusterId() == null) {
            if (closing) {
                throw new IOException("stopped while waiting for the metadata quorum to form");
            }
            // A leader that sends nothing for seconds: this node's log was probably wiped (see askLeaderToStepDown).
            if (store.activeControllerId() >= 0 && store.activeControllerId() != quorum.nodeId()) {
                if (leaderSeenSince < 0) {
                    leaderSeenSince = System.nanoTime();
                } else if (System.nanoTime() - leaderSeenSince > java.util.concurrent.TimeUnit.SECONDS.toNanos(5)
                    && store instanceof QuorumMetadataStore voter) {
                    voter.askLeaderToStepDown();
                    leaderSeenSince = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                }
            } else {
                leaderSeenSince = -1;
            }
            Thread.sleep(20);
            if (System.nanoTime() > nextLog) {
                log.info("Waiting for the metadata quorum to form: a majority of the voters {} must be up",
                    quorum.votersText());
                nextLog = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            }
        }
        return store.image().clusterId();
    }

    /** What both kinds of node run once their metadata is in place: groups, handlers, listeners, background tasks. */
    private void startServing(int nodeId, ClusterInfo cluster, List<Endpoint> listeners,
                              java.util.function.Supplier<java.util.concurrent.CompletableFuture<io.samsa.metadata.QuorumStatus>> quorumStatus)
        throws IOException, InterruptedException {
        GroupConfig groupConfig = GroupConfig.from(config);
        // A single broker cannot hold more than one replica: it creates the offsets topic with one, whatever
        // offsets.topic.replication.factor says; a cluster uses the setting.
        short offsetsReplicas = metadataLog instanceof LocalMetadataLog ? 1 : groupConfig.offsetsTopicReplicationFactor();
        groups = GroupCoordinator.onOffsetsTopic(groupConfig, new OffsetsTopic(controller, partitions, groupConfig,
            Time.SYSTEM, offsetsReplicas, config.getInt("offsets.commit.timeout.ms")), Time.SYSTEM);
        // This broker coordinates the groups of the offsets partitions it leads: each is replayed in the background
        // when it becomes leader (its group requests get COORDINATOR_LOAD_IN_PROGRESS meanwhile) and dropped when
        // it stops leading; at start-up, those it leads already.
        GroupCoordinator coordinator = groups;
        partitions.addLeadershipListener((partition, leader) -> {
            if (partition.topicPartition().topic().equals(OffsetsTopic.NAME)) {
                if (leader) {
                    coordinator.partitionElected(partition.topicPartition().partition());
                } else {
                    coordinator.partitionResigned(partition.topicPartition().partition());
                }
            }
        });
        groups.startLoading();
        RequestDispatcher dispatcher = Handlers.create(config, nodeId, cluster, controller, partitions, groups, quorumStatus);
        network = new NetworkServer(dispatcher, config.socketRequestMaxBytes(), config.connectionsMaxIdleMs(),
            config.getInt(ServerConfig.NUM_NETWORK_THREADS),
            config.getInt("socket.send.buffer.bytes"), config.getInt("socket.receive.buffer.bytes"));
        boundEndpoints = network.start(listeners);

        cleaner = LogCleaner.start(config.values(), () -> partitions.partitions().stream().map(Partition::log).toList(), Time.SYSTEM);
        scheduler.schedulePeriodically("log-retention", partitions::runRetention,
            config.getLong(ServerConfig.LOG_RETENTION_CHECK_INTERVAL_MS));
        scheduler.schedulePeriodically("log-flush", partitions::runFlush,
            Math.min(config.getLong(ServerConfig.LOG_FLUSH_SCHEDULER_INTERVAL_MS), 1000L));
        scheduler.schedulePeriodically("producer-id-expiration", partitions::expireIdleProducers,
            config.getInt(ServerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS));
        scheduler.schedulePeriodically("offsets-retention", groups::expireOffsets,
            config.getLong("offsets.retention.check.interval.ms"));
    }

    /** The advertised endpoint per listener name, with the bound port where the configured one was 0. */
    private static final class LazyEndpoints extends java.util.AbstractMap<String, Endpoint> {
        private final Broker broker;

        LazyEndpoints(Broker broker) {
            this.broker = broker;
        }

        @Override
        public Set<Entry<String, Endpoint>> entrySet() {
            return broker.advertisedEndpoints().entrySet();
        }
    }

    /** Advertised endpoints by listener name; a host left empty is advertised as the bound host or localhost. */
    public Map<String, Endpoint> advertisedEndpoints() {
        Map<String, Endpoint> bound = new LinkedHashMap<>();
        for (Endpoint e : boundEndpoints) {
            bound.put(e.listenerName(), e);
        }
        Map<String, Endpoint> result = new LinkedHashMap<>();
        for (Endpoint advertised : config.advertisedListeners()) {
            if (controllerListenerNames.contains(advertised.listenerName())) {
                continue;
            }
            Endpoint b = bound.get(advertised.listenerName());
            int port = advertised.port() == 0 && b != null ? b.port() : advertised.port();
            String host = advertised.host().isEmpty() || advertised.host().equals("0.0.0.0") ? "localhost" : advertised.host();
            result.put(advertised.listenerName(), new Endpoint(advertised.listenerName(), advertised.securityProtocol(), host, port));
        }
        return result;
    }

    public List<Endpoint> boundEndpoints() {
        return boundEndpoints;
    }

    /** host:port of the first listener, for clients' bootstrap.servers. */
    public String bootstrapServers() {
        Endpoint e = advertisedEndpoints().values().iterator().next();
        return e.host() + ":" + e.port();
    }

    public String clusterId() {
        return clusterId;
    }

    public ServerConfig config() {
        return config;
    }

    public PartitionManager partitions() {
        return partitions;
    }

    public GroupCoordinator groups() {
        return groups;
    }

    @Override
    public void close() {
        closing = true;
        closeInOrder();
    }

    private synchronized void closeInOrder() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeats != null) {
            // Controlled shutdown: leaderships move to other brokers before this one stops answering.
            if (heartbeats.shutDown(CONTROLLED_SHUTDOWN_TIMEOUT_MS)) {
                log.info("Controlled shutdown: the controller moved this broker's leaderships away");
            } else {
                log.warn("Controlled shutdown: the controller did not confirm within {} ms; stopping anyway",
                    CONTROLLED_SHUTDOWN_TIMEOUT_MS);
            }
            heartbeats.close();
        }
        if (network != null) {
            network.close();
        }
        if (groups != null) {
            groups.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (cleaner != null) {
            cleaner.close();
        }
        // Changes in flight finish in order: the controller's commits, then the metadata log (whose last
        // commits queue work for the partitions), then the partitions' queued changes before their logs close.
        if (fetchers != null) {
            fetchers.close();
        }
        if (liveness != null) {
            liveness.close();
        }
        if (metadataLog instanceof QuorumMetadataStore quorum) {
            // A cluster's commits in flight fail now rather than keep retrying a quorum that may be stopping too.
            quorum.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (metadataLog != null) {
            metadataLog.close();
        }
        if (partitions != null) {
            partitions.close();
        }
        // Last: closing the logs may still have flushed through them.
        if (scheduler != null) {
            scheduler.closeFlushers();
        }
        log.info("Broker stopped");
    }
}
