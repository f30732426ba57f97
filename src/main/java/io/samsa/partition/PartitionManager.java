package io.samsa.partition;

import io.samsa.config.ServerConfig;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.LogDirFailures;
import io.samsa.log.Scheduler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.samsa.metadata.AppliedWatermark;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStore;
import io.samsa.metadata.TopicImage;
import io.samsa.metadata.TopicImage.PartitionImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The partitions this broker hosts. Follows the metadata image: opens (or recovers) a log for each
 * partition assigned here, applies config changes, and closes and deletes the logs of deleted topics.
 * A partition directory the metadata does not know is never deleted: it is moved aside as Kafka's stray
 * directories are ({@code <topic>-<partition>.<id>-stray}) and kept for the operator.
 *
 * <p>Threads: partitions live in a concurrent map, read from any thread. Committed metadata changes arrive on
 * the store's thread, which must not wait for disks, so {@link #onCommit} only queues them; the
 * {@code samsa-partition-changes} thread opens, reconfigures and deletes logs one change at a time, in commit
 * order, and then advances {@link #whenApplied}, which admin requests wait on to answer only after this broker
 * has applied what they changed.
 */
public final class PartitionManager implements MetadataStore.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);
    public static final String METADATA_DIR = "__cluster_metadata-0";
    /** Kafka's suffix for a partition directory moved aside because the metadata does not know it. */
    public static final String STRAY_DIR_SUFFIX = "-stray";
    private static final int MAX_DIR_NAME_LENGTH = 255;
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final int nodeId;
    private final List<Path> logDirs;
    private final ServerConfig staticConfig;
    private final Scheduler scheduler;
    private final Time time;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Path> existingDirs = new ConcurrentHashMap<>();
    private final DelayedOperationPurgatory fetchPurgatory = new DelayedOperationPurgatory();
    /** acks=all produces waiting for their records to reach the whole ISR (the high watermark to pass them). */
    private final DelayedOperationPurgatory producePurgatory = new DelayedOperationPurgatory();
    private final Map<TopicPartition, Long> checkpointedHighWatermarks = new ConcurrentHashMap<>();
    private volatile Partition.IsrChanges isrChanges = (partition, epoch, current, proposed, joining) ->
        CompletableFuture.failedFuture(new IllegalStateException("no controller to change the ISR"));
    private volatile ReplicaFollowers followers = ReplicaFollowers.NONE;
    private final List<LeadershipListener> leadershipListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LogDirFailures logDirFailures = new LogDirFailures();
    private volatile Map<String, Object> topicDefaults;
    private final ExecutorService changes = Executors.newSingleThreadExecutor(new DefaultThreadFactory("samsa-partition-changes", true));
    private final AppliedWatermark applied = new AppliedWatermark();

    /** Where the partitions this broker follows are fetched from: the replica fetchers of a cluster node. */
    public interface ReplicaFollowers {
        ReplicaFollowers NONE = new ReplicaFollowers() {
            @Override
            public void follow(Partition partition, int leaderId) {
            }

            @Override
            public void unfollow(Partition partition) {
            }
        };

        /** Fetch this partition from {@code leaderId} (-1: no leader to fetch from until the metadata names one). */
        void follow(Partition partition, int leaderId);

        /** Stop fetching it: this broker leads it now, or it is gone. */
        void unfollow(Partition partition);
    }

    /**
     * Told, on the partition-changes thread, when this broker becomes or stops being the leader of a partition it
     * hosts (a new leader epoch counts as a change), and when a partition it led is deleted. The group coordinator
     * uses it to load and unload the groups of {@code __consumer_offsets} partitions.
     */
    public interface LeadershipListener {
        void onLeadershipChange(Partition partition, boolean leader);
    }

    public void addLeadershipListener(LeadershipListener listener) {
        leadershipListeners.add(listener);
    }

    private void notifyLeadership(Partition partition, boolean leader) {
        for (LeadershipListener listener : leadershipListeners) {
            try {
                listener.onLeadershipChange(partition, leader);
            } catch (RuntimeException e) {
                log.error("A leadership listener failed on {}", partition.topicPartition(), e);
            }
        }
    }

    /** For a node of a cluster: how leaders change their ISR, and who fetches for followers. Before {@link #load}. */
    public void replicateWith(Partition.IsrChanges isrChanges, ReplicaFollowers followers) {
        this.isrChanges = isrChanges;
        this.followers = followers;
    }

    public PartitionManager(int nodeId, List<Path> logDirs, ServerConfig staticConfig, Scheduler scheduler, Time time) {
        this.nodeId = nodeId;
        this.logDirs = logDirs;
        this.staticConfig = staticConfig;
        this.scheduler = scheduler;
        this.time = time;
        this.topicDefaults = staticConfig.topicDefaults();
    }

    /**
     * Opens every log the image assigns here (recovering them after a crash) and moves aside, never deletes, the
     * partition directories the image does not know (a lost or older metadata log must not cost the data).
     */
    public void load(MetadataImage image) throws IOException {
        List<Path> strays = new ArrayList<>();
        for (Path dir : logDirs) {
            Files.createDirectories(dir);
            checkpointedHighWatermarks.putAll(HighWatermarkCheckpoint.read(dir));
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    if (!Files.isDirectory(child)) {
                        continue;
                    }
                    String name = child.getFileName().toString();
                    TopicPartition tp = parseDirName(name);
                    if (tp != null) {
                        existingDirs.put(tp, child);
                    } else if (name.endsWith(STRAY_DIR_SUFFIX)) {
                        strays.add(child);
                    }
                }
            }
        }
        if (!strays.isEmpty()) {
            log.warn("{} stray partition director{} kept from earlier starts (delete by hand once not needed): {}",
                strays.size(), strays.size() == 1 ? "y is" : "ies are", strays);
        }
        topicDefaults = effectiveTopicDefaults(image);
        reconcile(image);
        for (Map.Entry<TopicPartition, Path> e : existingDirs.entrySet()) {
            if (!partitions.containsKey(e.getKey())) {
                moveAside(e.getKey(), e.getValue());
            }
        }
        existingDirs.clear();
        if (logDirFailures.offlineDirs().size() == logDirs.size()) {
            // Kafka's rule: a broker with no usable log directory stops rather than serve nothing.
            throw new IllegalStateException("every log directory is offline after disk errors: "
                + logDirFailures.offlineDirs() + "; see the log for the errors");
        }
        applied.advanceTo(image);
    }

    /** Renames a partition directory the metadata does not know to a stray name, keeping every byte of it. */
    private static void moveAside(TopicPartition tp, Path dir) {
        long bytes = sizeOf(dir);
        Path stray = dir.resolveSibling(strayDirName(tp));
        try {
            Utils.atomicMoveWithFallback(dir, stray, true);
            log.warn("{} is not in the metadata: moved aside to {} with its {} bytes, which are kept, not deleted",
                dir, stray, bytes);
        } catch (IOException e) {
            log.error("{} is not in the metadata and could not be moved aside to {}; left where it is ({} bytes)",
                dir, stray, bytes, e);
        }
    }

    /** {@code <topic>-<partition>.<uuid without dashes>-stray}, the topic cut short to keep the name within 255 characters. */
    static String strayDirName(TopicPartition tp) {
        String suffix = "-" + tp.partition() + "." + UUID.randomUUID().toString().replace("-", "") + STRAY_DIR_SUFFIX;
        String topic = tp.topic();
        return topic.substring(0, Math.min(topic.length(), MAX_DIR_NAME_LENGTH - suffix.length())) + suffix;
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * The newest metadata image this broker has applied: a partition in it has its log open here (or its log
     * directory failed). Metadata answers from it, so no client is told of a leader that cannot serve yet.
     */
    public MetadataImage appliedImage() {
        return applied.appliedImage();
    }

    /** Runs on the partition-changes thread before each committed change is applied: tests stall it. */
    static volatile java.util.function.Consumer<MetadataImage> beforeApplyHook = image -> { };

    /** Completes once this broker has applied the image: the logs it adds opened, those it removes deleted. */
    public CompletableFuture<Void> whenApplied(MetadataImage image) {
        return applied.whenApplied(image);
    }

    /** On the metadata store's thread: queues the change for the partition-changes thread. */
    @Override
    public void onCommit(MetadataImage before, MetadataImage after, List<MetadataRecord> records) {
        try {
            changes.execute(() -> apply(before, after, records));
        } catch (RejectedExecutionException e) {
            log.debug("Closed: a metadata change to {} records is not applied", after.recordCount());
        }
    }

    private void apply(MetadataImage before, MetadataImage after, List<MetadataRecord> records) {
        try {
            beforeApplyHook.accept(after);
            applyChange(before, after, records);
        } catch (RuntimeException e) {
            log.error("Applying a metadata change (to {} records) failed", after.recordCount(), e);
        } finally {
            applied.advanceTo(after);
        }
    }

    private void applyChange(MetadataImage before, MetadataImage after, List<MetadataRecord> records) {
        boolean brokerConfigChanged = records.stream().anyMatch(r ->
            r instanceof MetadataRecord.ConfigRecord c && c.resourceType() == MetadataRecord.ResourceType.BROKER);
        if (brokerConfigChanged) {
            topicDefaults = effectiveTopicDefaults(after);
        }
        for (TopicImage topic : before.topics()) {
            TopicImage now = after.topic(topic.topicId());
            if (now == null) {
                removeTopic(topic);
            }
        }
        reconcile(after);
    }

    public Partition partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    /**
     * The error for a partition not hosted here: NOT_LEADER_OR_FOLLOWER when the applied metadata has it (another
     * broker of the cluster hosts it; the client refreshes its metadata and goes there), else UNKNOWN_TOPIC_OR_PARTITION.
     */
    public org.apache.kafka.common.protocol.Errors notHostedError(TopicPartition tp) {
        TopicImage topic = appliedImage().topic(tp.topic());
        return topic != null && topic.partition(tp.partition()) != null
            ? org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER
            : org.apache.kafka.common.protocol.Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    public DelayedOperationPurgatory producePurgatory() {
        return producePurgatory;
    }

    /** A partition's high watermark moved: acks=all produces and consumer fetches waiting on it look again. */
    private void onHighWatermarkAdvanced(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
    }

    /** Leaders drop followers that lagged {@code replica.lag.time.max.ms} from their ISR (run periodically). */
    public void shrinkLaggingIsrs(long maxLagMs) {
        long now = time.milliseconds();
        for (Partition partition : partitions.values()) {
            if (partition.replicas().size() > 1) {
                partition.maybeShrinkIsr(now, maxLagMs);
            }
        }
    }

    /** Writes each log dir's high-watermark checkpoint (periodically, and at close). */
    public void checkpointHighWatermarks() {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (Partition partition : partitions.values()) {
            if (partition.replicas().size() > 1 && !partition.log().isOffline()) {
                Path dir = partition.log().dir().toAbsolutePath().normalize().getParent();
                byDir.computeIfAbsent(dir, d -> new java.util.TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString)))
                    .put(partition.topicPartition(), partition.highWatermark());
            }
        }
        for (Map.Entry<Path, Map<TopicPartition, Long>> e : byDir.entrySet()) {
            if (logDirFailures.isOffline(e.getKey())) {
                continue;
            }
            try {
                HighWatermarkCheckpoint.write(e.getKey(), e.getValue());
            } catch (IOException ex) {
                log.warn("Cannot write the high-watermark checkpoint of {}: {}", e.getKey(), ex.toString());
            }
        }
    }

    public DelayedOperationPurgatory fetchPurgatory() {
        return fetchPurgatory;
    }

    /** Wakes the fetches waiting on a partition that just grew. */
    public void onAppend(TopicPartition tp) {
        fetchPurgatory.checkAndComplete(tp);
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    /**
     * True when a disk error took this log directory offline: its partitions answer
     * KAFKA_STORAGE_ERROR until the broker restarts, the other directories keep serving.
     */
    public boolean isLogDirOffline(Path logDir) {
        return logDirFailures.isOffline(logDir);
    }

    /** True when the partition is hosted here in a log directory that is offline. */
    public boolean isOnOfflineLogDir(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        return partition != null && partition.log().isOffline();
    }

    public int nodeId() {
        return nodeId;
    }

    /**
     * Tells {@code handler} of the partitions in a log directory that just went offline (and, when called, of those in
     * directories already offline): in a cluster they must not lead or stay in an ISR. Runs on the failing thread.
     */
    public void onPartitionsOffline(java.util.function.Consumer<List<Partition>> handler) {
        logDirFailures.addOfflineListener(dir -> handler.accept(partitionsIn(Set.of(dir))));
    }

    /** The partitions hosted in log directories that are offline. */
    public List<Partition> partitionsOnOfflineDirs() {
        return partitionsIn(logDirFailures.offlineDirs());
    }

    private List<Partition> partitionsIn(Set<Path> dirs) {
        List<Partition> found = new ArrayList<>();
        for (Partition partition : partitions.values()) {
            if (dirs.contains(partition.log().dir().toAbsolutePath().normalize().getParent())) {
                found.add(partition);
            }
        }
        return found;
    }

    /** The log directories a disk error took offline, absolute. */
    public Set<Path> offlineLogDirs() {
        return logDirFailures.offlineDirs();
    }

    /** The topic-level defaults in force: static server.properties overlaid with dynamic broker configs. */
    public Map<String, Object> topicDefaults() {
        return topicDefaults;
    }

    public LogConfig logConfig(TopicImage topic) {
        return LogConfig.fromMap(topicDefaults, topic.configs());
    }

    /** Background duties, run by the broker's scheduler: retention, time-based rolls and flushes. */
    public void runRetention() {
        for (Partition partition : partitions.values()) {
            if (partition.log().isOffline()) {
                continue;
            }
            try {
                partition.log().rollIfDue();
                int deleted = partition.log().deleteExpiredSegments();
                if (deleted > 0) {
                    log.info("Retention deleted {} segment(s) of {}", deleted, partition.topicPartition());
                }
            } catch (RuntimeException e) {
                log.error("Retention failed for {}", partition.topicPartition(), e);
            }
        }
    }

    /**
     * Forgets, in every hosted partition, the idempotent producers idle for {@code producer.id.expiration.ms}
     * (Kafka's rule, {@link io.samsa.log.ProducerStateManager#removeExpiredProducers}). Run by the broker's
     * scheduler every {@code producer.id.expiration.check.interval.ms}.
     */
    public void expireIdleProducers() {
        for (Partition partition : partitions.values()) {
            try {
                expireIdleProducers(partition.topicPartition(), partition.log());
            } catch (RuntimeException e) {
                log.error("Producer expiration failed for {}", partition.topicPartition(), e);
            }
        }
    }

    private void expireIdleProducers(TopicPartition tp, Log partitionLog) {
        int removed = partitionLog.producerState().removeExpiredProducers(time.milliseconds(),
            staticConfig.getInt(ServerConfig.PRODUCER_ID_EXPIRATION_MS));
        if (removed > 0) {
            log.debug("Forgot {} idle producer(s) of {}", removed, tp);
        }
    }

    public void runFlush() {
        for (Partition partition : partitions.values()) {
            if (partition.log().isOffline()) {
                continue;
            }
            try {
                partition.log().flushIfDue();
            } catch (RuntimeException e) {
                log.error("Flush failed for {}", partition.topicPartition(), e);
            }
        }
    }

    private void reconcile(MetadataImage image) {
        for (TopicImage topic : image.topics()) {
            LogConfig config = null;
            for (PartitionImage p : topic.partitions()) {
                if (!p.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                if (config == null) {
                    config = logConfig(topic);
                }
                Partition existing = partitions.get(tp);
                boolean leadershipChanged;
                if (existing == null) {
                    existing = open(tp, topic.topicId(), config, p);
                    partitions.put(tp, existing);
                    leadershipChanged = existing.isLeader();
                } else {
                    boolean wasLeader = existing.isLeader();
                    int epochBefore = existing.leaderEpoch();
                    existing.updateReplicas(p.replicas());
                    existing.updateLeadership(p.leader(), p.leaderEpoch(), p.isr(), time.milliseconds());
                    existing.log().updateConfig(config);
                    leadershipChanged = wasLeader != existing.isLeader()
                        || (existing.isLeader() && existing.leaderEpoch() != epochBefore);
                }
                if (existing.isLeader()) {
                    followers.unfollow(existing);
                } else {
                    followers.follow(existing, p.leader());
                }
                if (leadershipChanged) {
                    notifyLeadership(existing, existing.isLeader());
                }
                // Waiting produces and fetches look again: the leader or the ISR may have changed.
                producePurgatory.checkAndComplete(tp);
                fetchPurgatory.checkAndComplete(tp);
            }
        }
    }

    private Partition open(TopicPartition tp, Uuid topicId, LogConfig config, PartitionImage image) {
        Path dir = existingDirs.getOrDefault(tp, chooseLogDir().resolve(tp.topic() + "-" + tp.partition()));
        Log partitionLog = openOrOffline(tp, dir, config);
        // As Kafka skips them when it loads a snapshot: producers that expired while the broker was down.
        expireIdleProducers(tp, partitionLog);
        Partition partition = new Partition(tp, topicId, partitionLog, nodeId, image.replicas(), image.leader(),
            image.leaderEpoch(), image.isr(), time.milliseconds());
        partition.setListeners(isrChanges, this::onHighWatermarkAdvanced);
        Long checkpointed = checkpointedHighWatermarks.remove(tp);
        if (checkpointed != null) {
            partition.restoreHighWatermark(checkpointed);
        }
        return partition;
    }

    /**
     * Opens the log, or, when its log directory is offline or fails while the log is loaded, takes that directory
     * offline and returns a stand-in that answers KAFKA_STORAGE_ERROR: as in Kafka, one failed disk costs its own
     * partitions, not the broker (which gives up only when every log directory is offline, see {@link #load}).
     */
    private Log openOrOffline(TopicPartition tp, Path dir, LogConfig config) {
        Path logDir = dir.toAbsolutePath().normalize().getParent();
        try {
            if (!logDirFailures.isOffline(logDir)) {
                try {
                    return Log.open(dir, tp, config, time, scheduler, logDirFailures);
                } catch (IOException | UncheckedIOException | KafkaStorageException e) {
                    logDirFailures.markOffline(logDir, "opening the log of " + tp + " failed: " + e.getMessage(), e);
                }
            }
            return Log.offline(dir, tp, config, time, scheduler, logDirFailures);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the log of " + tp + " in " + dir, e);
        }
    }

    private void removeTopic(TopicImage topic) {
        for (PartitionImage p : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                followers.unfollow(partition);
                if (partition.isLeader()) {
                    notifyLeadership(partition, false);
                }
                fetchPurgatory.checkAndComplete(tp);
                producePurgatory.checkAndComplete(tp);
                partition.log().delete();
            }
        }
        log.info("Deleted topic {} ({})", topic.name(), topic.topicId());
    }

    /** The log dir holding the fewest partitions gets the next one, as Kafka places new partitions. */
    private Path chooseLogDir() {
        if (logDirs.size() == 1) {
            return logDirs.get(0);
        }
        Map<Path, Integer> counts = new HashMap<>();
        for (Path dir : logDirs) {
            if (!logDirFailures.isOffline(dir)) {
                counts.put(dir, 0);
            }
        }
        for (Partition p : partitions.values()) {
            Path parent = p.log().dir().getParent();
            counts.computeIfPresent(parent, (k, v) -> v + 1);
        }
        return counts.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(logDirs.get(0));
    }

    private Map<String, Object> effectiveTopicDefaults(MetadataImage image) {
        Map<String, String> dynamic = new HashMap<>(image.brokerConfigs(""));
        dynamic.putAll(image.brokerConfigs(String.valueOf(nodeId)));
        if (dynamic.isEmpty()) {
            return staticConfig.topicDefaults();
        }
        Map<String, Object> merged = new HashMap<>(staticConfig.originals());
        merged.putAll(dynamic);
        return new ServerConfig(merged, false).topicDefaults();
    }

    /** {@code <topic>-<partition>} → the partition; null for anything else in a log dir. */
    static TopicPartition parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (name.endsWith(STRAY_DIR_SUFFIX) || dash <= 0 || dash == name.length() - 1 || name.equals(METADATA_DIR)) {
            return null;
        }
        String suffix = name.substring(dash + 1);
        for (int i = 0; i < suffix.length(); i++) {
            if (!Character.isDigit(suffix.charAt(i))) {
                return null;
            }
        }
        try {
            return new TopicPartition(name.substring(0, dash), Integer.parseInt(suffix));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static void deleteDirectory(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Cannot delete {}", dir, e);
        }
    }

    public Set<TopicPartition> hostedPartitions() {
        return new HashSet<>(partitions.keySet());
    }

    @Override
    public void close() {
        // Changes already queued finish first, so no log is opened after the others are closed.
        changes.shutdown();
        try {
            if (!changes.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("Metadata changes still being applied after {} s at close", CLOSE_WAIT_SECONDS);
                changes.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            changes.shutdownNow();
        }
        applied.close(new IllegalStateException("The broker is shutting down"));
        checkpointHighWatermarks();
        fetchPurgatory.close();
        producePurgatory.close();
        for (Partition partition : partitions.values()) {
            try {
                partition.log().close();
            } catch (RuntimeException e) {
                log.warn("Error closing the log of {}", partition.topicPartition(), e);
            }
        }
        partitions.clear();
    }
}
