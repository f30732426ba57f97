package io.samsa.group;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;

/**
 * A server-side partition assignor of the consumer group protocol (KIP-848): from each member's subscribed
 * topics and the previous target assignment, the next target assignment. Implementations are pure
 * functions, deterministic for the same input.
 */
interface ServerAssignor {

    /** The name a member asks for in ConsumerGroupHeartbeat's ServerAssignor. */
    String name();

    /**
     * @param subscriptions member id → the names of the topics it subscribes to that exist
     * @param topics topic name → topic
     * @param previous member id → topic id → partitions, the previous target (for stickiness)
     * @return member id → topic id → partitions, an entry for every member
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<String>> subscriptions,
                                               Map<String, TopicCatalog.Topic> topics,
                                               Map<String, Map<Uuid, Set<Integer>>> previous);

    static ServerAssignor named(String name) {
        return switch (name) {
            case UniformAssignor.NAME -> new UniformAssignor();
            case RangeServerAssignor.NAME -> new RangeServerAssignor();
            default -> null;
        };
    }
}
