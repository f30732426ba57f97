package io.samsa.server;

import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import io.samsa.group.GroupConfig;
import io.samsa.group.GroupCoordinator;
import io.samsa.group.OffsetsTopic;
import io.samsa.metadata.ClusterInfo;
import io.samsa.metadata.Controller;
import io.samsa.metadata.LocalMetadataLog;
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
import java.util.Set;

/**
 * One Samsa broker: metadata log, partitions, request handlers and listeners, started in dependency
 * order and stopped in reverse. Start-up recovers every log before the listeners open, so a client never
 * sees a half-recovered partition.
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final ServerConfig config;
    private BrokerScheduler scheduler;
    private LocalMetadataLog metadataLog;
    private Controller controller;
    private PartitionManager partitions;
    private GroupCoordinator groups;
    private LogCleaner cleaner;
    private NetworkServer network;
    private List<Endpoint> boundEndpoints = List.of();
    private String clusterId;
    private volatile boolean closed;

    public Broker(ServerConfig config) {
        this.config = config;
    }

    public synchronized Broker start() throws IOException, InterruptedException {
        int nodeId = config.nodeId();
        List<Path> logDirs = config.logDirs();
        String configuredClusterId = config.getString(ServerConfig.CLUSTER_ID);
        for (Path dir : logDirs) {
            MetaProperties meta = MetaProperties.loadOrCreate(dir, nodeId, clusterId != null ? clusterId : configuredClusterId);
            clusterId = meta.clusterId();
        }
        scheduler = new BrokerScheduler();
        metadataLog = LocalMetadataLog.open(logDirs.get(0).resolve(PartitionManager.METADATA_DIR));
        partitions = new PartitionManager(nodeId, logDirs, config, scheduler, Time.SYSTEM);
        partitions.load(metadataLog.image());
        metadataLog.addListener(partitions);
        controller = new Controller(metadataLog, config, () -> Set.of(nodeId), partitions::whenApplied);

        List<Endpoint> listeners = config.listeners();
        // Advertised ports are read lazily: a listener on port 0 (tests) knows its port only after binding.
        ClusterInfo cluster = new ClusterInfo(clusterId, nodeId, List.of(new ClusterInfo.Broker(nodeId, null, new LazyEndpoints(this))));
        GroupConfig groupConfig = GroupConfig.from(config);
        groups = GroupCoordinator.onOffsetsTopic(groupConfig, new OffsetsTopic(controller, partitions, groupConfig, Time.SYSTEM),
            Time.SYSTEM);
        // Groups are replayed from __consumer_offsets in the background; until then group requests get
        // COORDINATOR_LOAD_IN_PROGRESS and clients retry.
        Thread loader = new Thread(groups::load, "samsa-group-loader");
        loader.setDaemon(true);
        loader.start();
        RequestDispatcher dispatcher = Handlers.create(config, nodeId, cluster, controller, partitions, groups);
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
        return this;
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
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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
