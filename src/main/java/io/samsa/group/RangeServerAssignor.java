package io.samsa.group;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka's server-side {@code range} assignor: per topic, its subscribers in member id order each get a
 * contiguous range of partitions, the first ones one more when the partitions do not divide evenly. Topics
 * with the same partition count and subscribers are therefore co-partitioned.
 */
final class RangeServerAssignor implements ServerAssignor {
    static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<String>> subscriptions,
                                                      Map<String, TopicCatalog.Topic> topics,
                                                      Map<String, Map<Uuid, Set<Integer>>> previous) {
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new HashMap<>()));
        for (TopicCatalog.Topic topic : topics.values()) {
            List<String> members = new ArrayList<>(new TreeSet<>(subscriptions.keySet()));
            members.removeIf(m -> !subscriptions.get(m).contains(topic.name()));
            if (members.isEmpty()) {
                continue;
            }
            int quota = topic.partitions() / members.size();
            int extra = topic.partitions() % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int count = quota + (i < extra ? 1 : 0);
                Set<Integer> partitions = new TreeSet<>();
                for (int p = next; p < next + count; p++) {
                    partitions.add(p);
                }
                next += count;
                if (!partitions.isEmpty()) {
                    result.get(members.get(i)).put(topic.id(), partitions);
                }
            }
        }
        return result;
    }
}
