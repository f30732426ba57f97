package io.samsa.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's static configuration: Kafka's {@code server.properties} names, Kafka's defaults,
 * validated at start-up. A bad value throws {@link ConfigException} naming the key; an unknown key
 * is logged as a warning and otherwise ignored, as Kafka does.
 */
public final class ServerConfig extends AbstractConfig {
    private static final Logger log = LoggerFactory.getLogger(ServerConfig.class);

    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String NODE_ID = "node.id";
    public static final String BROKER_ID = "broker.id";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = "max.incremental.fetch.session.cache.slots";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String CLUSTER_ID = "cluster.id";

    /** Broker keys whose value is the default of a topic-level config (Kafka's synonyms, most specific first). */
    public static final Map<String, List<String>> TOPIC_CONFIG_SYNONYMS = topicSynonyms();

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
        .define(LISTENERS, Type.LIST, "PLAINTEXT://localhost:9092", Importance.HIGH,
            "Comma-separated listeners, NAME://host:port; an empty host binds every interface.")
        .define(ADVERTISED_LISTENERS, Type.LIST, null, Importance.HIGH,
            "Addresses given to clients in Metadata, when they differ from the bind addresses.")
        .define(LISTENER_SECURITY_PROTOCOL_MAP, Type.STRING,
            "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,BROKER:PLAINTEXT,CLIENT:PLAINTEXT",
            Importance.LOW, "Listener name to security protocol.")
        .define(NODE_ID, Type.INT, 1, Range.atLeast(0), Importance.HIGH, "This broker's id.")
        .define(BROKER_ID, Type.INT, -1, Importance.LOW, "Older name of node.id.")
        .define(LOG_DIRS, Type.LIST, null, Importance.HIGH, "Directories holding partition data.")
        .define(LOG_DIR, Type.STRING, "./data", Importance.HIGH, "Data directory when log.dirs is not set.")
        .define(NUM_PARTITIONS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, "Partitions of an auto-created topic.")
        .define(DEFAULT_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM, "Replication factor of an auto-created topic.")
        .define(AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, true, Importance.HIGH, "Create a topic on Metadata for an unknown name.")
        .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, Importance.HIGH, "Whether DeleteTopics is allowed.")
        .define(MESSAGE_MAX_BYTES, Type.INT, 1048588, Range.atLeast(0), Importance.HIGH, "Largest record batch a topic accepts by default.")
        .define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 104857600, Range.atLeast(1), Importance.HIGH, "Largest request frame.")
        .define(CONNECTIONS_MAX_IDLE_MS, Type.LONG, 600000L, Importance.MEDIUM, "Idle connections are closed after this long.")
        .define(NUM_NETWORK_THREADS, Type.INT, 0, Range.atLeast(0), Importance.LOW, "Event-loop threads (0: one per core).")
        .define(NUM_IO_THREADS, Type.INT, 8, Range.atLeast(1), Importance.LOW, "Accepted for compatibility; request work runs on the event loops.")
        .define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 300000L, Range.atLeast(1), Importance.MEDIUM, "How often retention runs.")
        .define(LOG_FLUSH_SCHEDULER_INTERVAL_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.LOW, "How often logs are checked for a time-based flush.")
        .define(FETCH_MAX_BYTES, Type.INT, 57671680, Range.atLeast(1024), Importance.MEDIUM, "Largest fetch response.")
        .define(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, Type.INT, 1000, Range.atLeast(0), Importance.MEDIUM, "Incremental fetch sessions kept.")
        .define(PRODUCER_ID_EXPIRATION_MS, Type.INT, 86400000, Range.atLeast(1), Importance.LOW, "A partition forgets a producer whose newest batch's timestamp is this much older than now.")
        .define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, Type.INT, 600000, Range.atLeast(1), Importance.LOW, "How often idle producer ids are looked for.")
        .define(CLUSTER_ID, Type.STRING, null, Importance.LOW, "Cluster id for a new data directory (generated when absent).")
        // Broker-wide defaults of topic configs.
        .define("log.segment.bytes", Type.INT, 1073741824, Range.atLeast(1024 * 1024), Importance.HIGH, "Segment size.")
        .define("log.roll.ms", Type.LONG, null, Importance.MEDIUM, "Segment age before a roll.")
        .define("log.roll.hours", Type.INT, 168, Range.atLeast(1), Importance.MEDIUM, "Segment age before a roll, in hours.")
        .define("log.roll.jitter.ms", Type.LONG, null, Importance.LOW, "Jitter for segment rolls.")
        .define("log.roll.jitter.hours", Type.INT, 0, Range.atLeast(0), Importance.LOW, "Jitter for segment rolls, in hours.")
        .define("log.retention.ms", Type.LONG, null, Importance.HIGH, "Retention time (-1 keeps forever).")
        .define("log.retention.minutes", Type.INT, null, Importance.HIGH, "Retention time in minutes.")
        .define("log.retention.hours", Type.INT, 168, Importance.HIGH, "Retention time in hours.")
        .define("log.retention.bytes", Type.LONG, -1L, Importance.HIGH, "Retention size per partition (-1: unbounded).")
        .define("log.cleanup.policy", Type.LIST, "delete", ConfigDef.ValidList.in("delete", "compact"), Importance.MEDIUM, "delete and/or compact.")
        .define("log.flush.interval.messages", Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.HIGH, "Messages between fsyncs.")
        .define("log.flush.interval.ms", Type.LONG, null, Importance.HIGH, "Time between fsyncs.")
        .define("log.index.interval.bytes", Type.INT, 4096, Range.atLeast(0), Importance.MEDIUM, "Bytes between offset index entries.")
        .define("log.index.size.max.bytes", Type.INT, 10485760, Range.atLeast(4), Importance.MEDIUM, "Largest index file.")
        .define("log.message.timestamp.type", Type.STRING, "CreateTime", ValidString.in("CreateTime", "LogAppendTime"), Importance.MEDIUM, "Timestamp kept in batches.")
        .define("log.message.timestamp.before.max.ms", Type.LONG, Long.MAX_VALUE, Range.atLeast(0), Importance.MEDIUM, "How far in the past a CreateTime may be.")
        .define("log.message.timestamp.after.max.ms", Type.LONG, 3600000L, Range.atLeast(0), Importance.MEDIUM, "How far in the future a CreateTime may be.")
        .define("log.segment.delete.delay.ms", Type.LONG, 60000L, Range.atLeast(0), Importance.LOW, "Delay before a deleted segment's file is removed.")
        .define("log.preallocate", Type.BOOLEAN, false, Importance.LOW, "Preallocate segment files.")
        .define("log.cleaner.delete.retention.ms", Type.LONG, 86400000L, Range.atLeast(0), Importance.MEDIUM, "Tombstone retention.")
        .define("log.cleaner.min.compaction.lag.ms", Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM, "Minimum age before compaction.")
        .define("log.cleaner.max.compaction.lag.ms", Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM, "Maximum age before compaction.")
        .define("log.cleaner.min.cleanable.ratio", Type.DOUBLE, 0.5, Range.between(0, 1), Importance.MEDIUM, "Dirty ratio that triggers compaction.")
        .define("log.cleaner.enable", Type.BOOLEAN, true, Importance.MEDIUM, "Run the log cleaner, which compacts cleanup.policy=compact topics.")
        .define("log.cleaner.threads", Type.INT, 1, Range.atLeast(0), Importance.MEDIUM, "Log cleaner threads.")
        .define("log.cleaner.backoff.ms", Type.LONG, 15000L, Range.atLeast(0), Importance.MEDIUM, "Pause of a cleaner thread that found no log to compact.")
        .define("log.cleaner.dedupe.buffer.size", Type.LONG, 134217728L, Importance.MEDIUM, "Memory of the cleaners' key-to-offset maps, shared by the threads.")
        .define("min.insync.replicas", Type.INT, 1, Range.atLeast(1), Importance.HIGH, "Replicas that must acknowledge acks=all.")
        .define("compression.type", Type.STRING, "producer", ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), Importance.HIGH, "Compression kept on disk.")
        .define("unclean.leader.election.enable", Type.BOOLEAN, false, Importance.HIGH, "Allow out-of-sync replicas to lead.")
        // Settings of Kafka's KRaft and group layers that a tutorial's server.properties carries: known, so not warned about.
        // Kafka's KRaft settings. A quorum of several voters makes the node part of a cluster (io.samsa.cluster.QuorumConfig);
        // none, or Kafka's single-node quickstart with itself as the only voter, is a single broker.
        .define("process.roles", Type.LIST, "broker,controller", Importance.HIGH,
            "The node's roles: broker, controller, or both (the only choice in a cluster so far).")
        .define("controller.quorum.voters", Type.LIST, "", Importance.HIGH,
            "The controller quorum, id@host:port,...; more than one voter makes a cluster.")
        .define("controller.quorum.bootstrap.servers", Type.LIST, "", Importance.LOW,
            "Accepted with one server (Kafka's single-node quickstart); a dynamic quorum (KIP-853) is not supported.")
        .define("controller.listener.names", Type.LIST, "", Importance.HIGH,
            "The listener the controller quorum binds (the first name); brokers do not serve clients on it.")
        .define("inter.broker.listener.name", Type.STRING, null, Importance.MEDIUM,
            "The listener brokers reach each other on; default the first listener that is not the controller's.")
        .define("replica.lag.time.max.ms", Type.LONG, 30000L, Range.atLeast(1), Importance.HIGH,
            "A follower that has not caught up with its leader for this long leaves the ISR.")
        .define("replica.high.watermark.checkpoint.interval.ms", Type.LONG, 5000L, Range.atLeast(1), Importance.HIGH,
            "How often each log dir's high watermarks are written to replication-offset-checkpoint.")
        .define("broker.rack", Type.STRING, null, Importance.MEDIUM, "The broker's rack, for rack-aware replica placement.")
        .define("broker.session.timeout.ms", Type.INT, 9000, Range.atLeast(1), Importance.MEDIUM,
            "A broker that sends no heartbeat for this long is fenced by the controller.")
        .define("broker.heartbeat.interval.ms", Type.INT, 2000, Range.atLeast(1), Importance.MEDIUM,
            "How often a broker heartbeats to the active controller.")
        .define("num.recovery.threads.per.data.dir", Type.INT, 1, Importance.LOW, "Accepted for compatibility.")
        .define("offsets.topic.replication.factor", Type.SHORT, (short) 3, Range.atLeast(1), Importance.HIGH,
            "Replicas of __consumer_offsets in a cluster (created once that many brokers are unfenced); a single broker uses 1.")
        .define("offsets.topic.num.partitions", Type.INT, 50, Range.atLeast(1), Importance.LOW, "Partitions of __consumer_offsets.")
        .define("transaction.state.log.replication.factor", Type.SHORT, (short) 1, Importance.LOW, "Replication of __transaction_state.")
        .define("transaction.state.log.min.isr", Type.INT, 1, Importance.LOW, "Minimum ISR of __transaction_state.")
        .define("share.coordinator.state.topic.replication.factor", Type.SHORT, (short) 3, Range.atLeast(1), Importance.LOW,
            "Accepted (Kafka 4's server.properties sets it); share groups are not implemented.")
        .define("share.coordinator.state.topic.min.isr", Type.SHORT, (short) 2, Range.atLeast(1), Importance.LOW,
            "Accepted (Kafka 4's server.properties sets it); share groups are not implemented.")
        .define("group.initial.rebalance.delay.ms", Type.INT, 3000, Range.atLeast(0), Importance.MEDIUM, "Delay of an empty group's first rebalance.")
        .define("group.min.session.timeout.ms", Type.INT, 6000, Importance.MEDIUM, "Smallest session timeout a group member may ask for.")
        .define("group.max.session.timeout.ms", Type.INT, 1800000, Importance.MEDIUM, "Largest session timeout a group member may ask for.")
        .define("group.max.size", Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM, "Most members a classic group admits.")
        .define("group.consumer.assignors", Type.LIST, "uniform,range", Importance.MEDIUM,
            "Server-side assignors of the consumer group protocol (KIP-848); the first is the default.")
        .define("group.consumer.heartbeat.interval.ms", Type.INT, 5000, Range.atLeast(1), Importance.MEDIUM,
            "Heartbeat interval given to consumer-protocol members.")
        .define("group.consumer.min.heartbeat.interval.ms", Type.INT, 5000, Range.atLeast(1), Importance.MEDIUM,
            "Smallest allowed group.consumer.heartbeat.interval.ms.")
        .define("group.consumer.max.heartbeat.interval.ms", Type.INT, 15000, Range.atLeast(1), Importance.MEDIUM,
            "Largest allowed group.consumer.heartbeat.interval.ms.")
        .define("group.consumer.session.timeout.ms", Type.INT, 45000, Range.atLeast(1), Importance.MEDIUM,
            "Session timeout of consumer-protocol members.")
        .define("group.consumer.min.session.timeout.ms", Type.INT, 45000, Range.atLeast(1), Importance.MEDIUM,
            "Smallest allowed group.consumer.session.timeout.ms.")
        .define("group.consumer.max.session.timeout.ms", Type.INT, 60000, Range.atLeast(1), Importance.MEDIUM,
            "Largest allowed group.consumer.session.timeout.ms.")
        .define("group.consumer.max.size", Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
            "Most members a consumer-protocol group admits.")
        .define("offsets.retention.minutes", Type.INT, 10080, Range.atLeast(1), Importance.HIGH, "How long the committed offsets of an empty group are kept.")
        .define("offsets.retention.check.interval.ms", Type.LONG, 600000L, Range.atLeast(1), Importance.HIGH, "How often expired offsets are looked for.")
        .define("offsets.commit.timeout.ms", Type.INT, 5000, Range.atLeast(1), Importance.HIGH, "How long a commit may wait for the offsets topic.")
        .define("offset.metadata.max.bytes", Type.INT, 4096, Importance.HIGH, "Largest metadata string kept with a committed offset.")
        .define("offsets.topic.segment.bytes", Type.INT, 104857600, Range.atLeast(1), Importance.HIGH, "Segment size of __consumer_offsets.")
        .define("offsets.load.buffer.size", Type.INT, 5242880, Range.atLeast(1), Importance.HIGH, "Read size while loading __consumer_offsets.")
        .define("socket.send.buffer.bytes", Type.INT, 102400, Importance.LOW, "SO_SNDBUF (-1: OS default).")
        .define("socket.receive.buffer.bytes", Type.INT, 102400, Importance.LOW, "SO_RCVBUF (-1: OS default).")
        .define("num.replica.fetchers", Type.INT, 1, Importance.LOW, "Accepted for compatibility.")
        .define("log.retention.check.interval.ms.jitter", Type.LONG, 0L, Importance.LOW, "Unused.");

    private final Set<String> unknownKeys;

    public ServerConfig(Map<?, ?> props) {
        this(props, true);
    }

    /** @param warnUnknown whether unknown keys are logged (once, for the file the operator wrote) */
    public ServerConfig(Map<?, ?> props, boolean warnUnknown) {
        super(CONFIG_DEF, props, false);
        Set<String> unknown = new TreeSet<>();
        for (Object key : props.keySet()) {
            if (!CONFIG_DEF.names().contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        }
        this.unknownKeys = unknown;
        for (String key : warnUnknown ? unknown : Set.<String>of()) {
            log.warn("Unknown configuration '{}' is ignored", key);
        }
        validate();
    }

    private void validate() {
        listeners();
        advertisedListeners();
        if (getInt(BROKER_ID) >= 0 && originals().containsKey(NODE_ID) && getInt(BROKER_ID) != getInt(NODE_ID)) {
            throw new ConfigException(BROKER_ID, getInt(BROKER_ID), "must equal node.id when both are set");
        }
    }

    public Set<String> unknownKeys() {
        return unknownKeys;
    }

    public int nodeId() {
        if (!originals().containsKey(NODE_ID) && getInt(BROKER_ID) >= 0) {
            return getInt(BROKER_ID);
        }
        return getInt(NODE_ID);
    }

    public List<Path> logDirs() {
        List<String> dirs = getList(LOG_DIRS);
        if (dirs == null || dirs.isEmpty()) {
            dirs = List.of(getString(LOG_DIR));
        }
        List<Path> paths = new ArrayList<>();
        for (String dir : dirs) {
            paths.add(Paths.get(dir.trim()));
        }
        return paths;
    }

    public List<Endpoint> listeners() {
        return Endpoint.parseList(LISTENERS, getList(LISTENERS), securityProtocolMap());
    }

    /** The endpoints given to clients: advertised.listeners where set, the bind addresses otherwise. */
    public List<Endpoint> advertisedListeners() {
        List<String> advertised = getList(ADVERTISED_LISTENERS);
        if (advertised == null || advertised.isEmpty()) {
            return listeners();
        }
        return Endpoint.parseList(ADVERTISED_LISTENERS, advertised, securityProtocolMap());
    }

    public Map<String, String> securityProtocolMap() {
        Map<String, String> map = new HashMap<>();
        String raw = getString(LISTENER_SECURITY_PROTOCOL_MAP);
        for (String entry : raw.split(",")) {
            String[] kv = entry.trim().split(":");
            if (kv.length != 2) {
                throw new ConfigException(LISTENER_SECURITY_PROTOCOL_MAP, raw, "entries must be NAME:PROTOCOL");
            }
            map.put(kv[0].trim().toUpperCase(), kv[1].trim().toUpperCase());
        }
        return map;
    }

    public int socketRequestMaxBytes() {
        return getInt(SOCKET_REQUEST_MAX_BYTES);
    }

    public long connectionsMaxIdleMs() {
        return getLong(CONNECTIONS_MAX_IDLE_MS);
    }

    /** Topic-config defaults this broker gives to every topic, keyed by topic config name. */
    public Map<String, Object> topicDefaults() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : TOPIC_CONFIG_SYNONYMS.entrySet()) {
            Object value = topicDefault(e.getKey(), e.getValue());
            if (value != null) {
                defaults.put(e.getKey(), value);
            }
        }
        return defaults;
    }

    /** The broker key that decides the default of a topic config, and whether it was set explicitly. */
    public String effectiveSynonym(String topicKey) {
        List<String> synonyms = TOPIC_CONFIG_SYNONYMS.get(topicKey);
        if (synonyms == null) {
            return null;
        }
        for (String s : synonyms) {
            if (originals().containsKey(s)) {
                return s;
            }
        }
        return synonyms.get(synonyms.size() - 1);
    }

    private Object topicDefault(String topicKey, List<String> synonyms) {
        for (String s : synonyms) {
            Object v = get(s);
            if (v == null) {
                continue;
            }
            return convertUnits(s, v);
        }
        return null;
    }

    private static Object convertUnits(String brokerKey, Object v) {
        if (brokerKey.endsWith(".hours")) {
            long hours = ((Number) v).longValue();
            return hours < 0 ? -1L : hours * 3600_000L;
        }
        if (brokerKey.endsWith(".minutes")) {
            long minutes = ((Number) v).longValue();
            return minutes < 0 ? -1L : minutes * 60_000L;
        }
        if (v instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return v;
    }

    private static Map<String, List<String>> topicSynonyms() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("cleanup.policy", List.of("log.cleanup.policy"));
        m.put("compression.type", List.of("compression.type"));
        m.put("delete.retention.ms", List.of("log.cleaner.delete.retention.ms"));
        m.put("file.delete.delay.ms", List.of("log.segment.delete.delay.ms"));
        m.put("flush.messages", List.of("log.flush.interval.messages"));
        m.put("flush.ms", List.of("log.flush.interval.ms", "log.flush.scheduler.interval.ms"));
        m.put("index.interval.bytes", List.of("log.index.interval.bytes"));
        m.put("max.compaction.lag.ms", List.of("log.cleaner.max.compaction.lag.ms"));
        m.put("max.message.bytes", List.of("message.max.bytes"));
        m.put("message.timestamp.after.max.ms", List.of("log.message.timestamp.after.max.ms"));
        m.put("message.timestamp.before.max.ms", List.of("log.message.timestamp.before.max.ms"));
        m.put("message.timestamp.type", List.of("log.message.timestamp.type"));
        m.put("min.cleanable.dirty.ratio", List.of("log.cleaner.min.cleanable.ratio"));
        m.put("min.compaction.lag.ms", List.of("log.cleaner.min.compaction.lag.ms"));
        m.put("min.insync.replicas", List.of("min.insync.replicas"));
        m.put("preallocate", List.of("log.preallocate"));
        m.put("retention.bytes", List.of("log.retention.bytes"));
        m.put("retention.ms", List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"));
        m.put("segment.bytes", List.of("log.segment.bytes"));
        m.put("segment.index.bytes", List.of("log.index.size.max.bytes"));
        m.put("segment.jitter.ms", List.of("log.roll.jitter.ms", "log.roll.jitter.hours"));
        m.put("segment.ms", List.of("log.roll.ms", "log.roll.hours"));
        m.put("unclean.leader.election.enable", List.of("unclean.leader.election.enable"));
        return m;
    }
}
