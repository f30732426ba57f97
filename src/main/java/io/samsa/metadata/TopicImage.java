package io.samsa.metadata;

import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;

/** A topic as the metadata log describes it. Immutable. */
public record TopicImage(String name, Uuid topicId, List<PartitionImage> partitions, Map<String, String> configs) {

    public int partitionCount() {
        return partitions.size();
    }

    public PartitionImage partition(int index) {
        return index >= 0 && index < partitions.size() ? partitions.get(index) : null;
    }

    /** One partition's replica set and leadership. Immutable. */
    public record PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch) {
    }
}
