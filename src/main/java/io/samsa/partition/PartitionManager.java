package io.samsa.partition;

import io.samsa.config.ServerConfig;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.Scheduler;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStore;
import io.samsa.metadata.TopicImage;
import io.samsa.metadata.TopicImage.PartitionImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The partitions this broker hosts. Follows the metadata image: opens (or recovers) a log for each
 * partition assigned here, applies config changes, and closes and deletes the logs of deleted topics.
 * Thread-safe: partitions live in a concurrent map; metadata changes arrive serialised from the store.
 */
public final class PartitionManager implements MetadataStore.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);
    public static final String METADATA_DIR = "__cluster_metadata-0";

    private final int nodeId;
    private final List<Path> logDirs;
    private final ServerConfig staticConfig;
    private final Scheduler scheduler;
    private final Time time;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Path> existingDirs = new ConcurrentHashMap<>();
    private final DelayedOperationPurgatory fetchPurgatory = new DelayedOperationPurgatory();
    private volatile Map<String, Object> topicDefaults;

    public PartitionManager(int nodeId, List<Path> logDirs, ServerConfig staticConfig, Scheduler scheduler, Time time) {
        this.nodeId = nodeId;
        this.logDirs = logDirs;
        this.staticConfig = staticConfig;
        this.scheduler = scheduler;
        this.time = time;
        this.topicDefaults = staticConfig.topicDefaults();
    }

    /** Opens every log the image assigns here (recovering them after a crash) and deletes orphaned ones. */
    public void load(MetadataImage image) throws IOException {
        for (Path dir : logDirs) {
            Files.createDirectories(dir);
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    TopicPartition tp = parseDirName(child.getFileName().toString());
                    if (tp != null && Files.isDirectory(child)) {
                        existingDirs.put(tp, child);
                    }
                }
            }
        }
        topicDefaults = effectiveTopicDefaults(image);
        reconcile(image);
        for (Map.Entry<TopicPartition, Path> e : existingDirs.entrySet()) {
            if (!partitions.containsKey(e.getKey())) {
                log.info("Deleting {}: its topic is not in the metadata", e.getValue());
                deleteDirectory(e.getValue());
            }
        }
        existingDirs.clear();
    }

    @Override
    public void onCommit(MetadataImage before, MetadataImage after, List<MetadataRecord> records) {
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

    public Collection<Partition> partitions() {
        return partitions.values();
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

    public void runFlush() {
        for (Partition partition : partitions.values()) {
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
                if (existing == null) {
                    partitions.put(tp, open(tp, topic.topicId(), config, p));
                } else {
                    existing.updateLeaderEpoch(p.leaderEpoch());
                    existing.updateReplicas(p.replicas());
                    existing.log().updateConfig(config);
                }
            }
        }
    }

    private Partition open(TopicPartition tp, Uuid topicId, LogConfig config, PartitionImage image) {
        Path dir = existingDirs.getOrDefault(tp, chooseLogDir().resolve(tp.topic() + "-" + tp.partition()));
        try {
            Log partitionLog = Log.open(dir, tp, config, time, scheduler);
            return new Partition(tp, topicId, partitionLog, nodeId, image.replicas(), image.leaderEpoch());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the log of " + tp + " in " + dir, e);
        }
    }

    private void removeTopic(TopicImage topic) {
        for (PartitionImage p : topic.partitions()) {
            TopicPartition tp = new TopicPartition(topic.name(), p.partition());
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                fetchPurgatory.checkAndComplete(tp);
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
            counts.put(dir, 0);
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
        if (dash <= 0 || dash == name.length() - 1 || name.equals(METADATA_DIR)) {
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
        fetchPurgatory.close();
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
