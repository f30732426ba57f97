package io.samsa.group;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kafka's default server-side assignor, {@code uniform}: spreads the partitions of the subscribed topics as
 * evenly as the subscriptions allow, and is sticky — a partition stays with its previous target owner
 * unless balance requires a move. Members are processed in member id order, so the result is deterministic.
 */
final class UniformAssignor implements ServerAssignor {
    static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<String>> subscriptions,
                                                      Map<String, TopicCatalog.Topic> topics,
                                                      Map<String, Map<Uuid, Set<Integer>>> previous) {
        Map<String, List<Slot>> owned = new TreeMap<>();
        for (String member : subscriptions.keySet()) {
            owned.put(member, new ArrayList<>());
        }
        Map<Slot, String> owner = new HashMap<>();
        Map<Uuid, String> names = new HashMap<>();
        topics.values().forEach(t -> names.put(t.id(), t.name()));
        // 1. Keep what each member had, where it is still subscribed and the partition still exists.
        for (Map.Entry<String, List<Slot>> e : owned.entrySet()) {
            Map<Uuid, Set<Integer>> before = previous.getOrDefault(e.getKey(), Map.of());
            for (Map.Entry<Uuid, Set<Integer>> t : before.entrySet()) {
                String name = names.get(t.getKey());
                if (name == null || !subscriptions.get(e.getKey()).contains(name)) {
                    continue;
                }
                for (int p : new TreeSet<>(t.getValue())) {
                    Slot slot = new Slot(name, p);
                    if (p < topics.get(name).partitions() && !owner.containsKey(slot)) {
                        owner.put(slot, e.getKey());
                        e.getValue().add(slot);
                    }
                }
            }
        }
        // 2. Give each unowned partition to the least loaded subscriber.
        for (TopicCatalog.Topic topic : new TreeMap<>(topics).values()) {
            for (int p = 0; p < topic.partitions(); p++) {
                Slot slot = new Slot(topic.name(), p);
                if (owner.containsKey(slot)) {
                    continue;
                }
                String best = null;
                for (Map.Entry<String, List<Slot>> e : owned.entrySet()) {
                    if (subscriptions.get(e.getKey()).contains(topic.name())
                        && (best == null || e.getValue().size() < owned.get(best).size())) {
                        best = e.getKey();
                    }
                }
                if (best != null) {
                    owner.put(slot, best);
                    owned.get(best).add(slot);
                }
            }
        }
        // 3. Balance: move a partition from a member holding two more than another eligible member.
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Map.Entry<String, List<Slot>> from : owned.entrySet()) {
                for (Map.Entry<String, List<Slot>> to : owned.entrySet()) {
                    if (from.getValue().size() <= to.getValue().size() + 1) {
                        continue;
                    }
                    Set<String> eligible = subscriptions.get(to.getKey());
                    for (int i = from.getValue().size() - 1; i >= 0; i--) {
                        Slot slot = from.getValue().get(i);
                        if (eligible.contains(slot.topic())) {
                            from.getValue().remove(i);
                            to.getValue().add(slot);
                            moved = true;
                            break;
                        }
                    }
                }
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        owned.forEach((member, slots) -> {
            Map<Uuid, Set<Integer>> partitions = new HashMap<>();
            for (Slot s : slots) {
                partitions.computeIfAbsent(topics.get(s.topic()).id(), id -> new TreeSet<>()).add(s.partition());
            }
            result.put(member, partitions);
        });
        return result;
    }

    private record Slot(String topic, int partition) {
    }
}
