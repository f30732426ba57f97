package io.samsa.group;

import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A group member in its own JVM, for tests that kill it: consumes a topic in a group, commits after every
 * poll, and reports on stdout {@code ASSIGNED <partitions>} when its assignment changes and
 * {@code COMMITTED <partition> <offset>} after each commit. Arguments: bootstrap servers, group, topic,
 * session timeout in ms.
 */
public final class CommittingConsumerMain {
    private CommittingConsumerMain() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        int sessionTimeoutMs = Integer.parseInt(args[3]);
        String protocol = args.length > 4 ? args[4] : "classic";
        Map<String, Object> props = new java.util.HashMap<>(Map.of("group.id", group,
            "group.protocol", protocol, "auto.offset.reset", "earliest", "enable.auto.commit", false));
        if (protocol.equals("classic")) {
            // Consumer-protocol members take their timing from the broker and refuse these settings.
            props.put("session.timeout.ms", sessionTimeoutMs);
            props.put("heartbeat.interval.ms", Math.max(100, sessionTimeoutMs / 6));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, props)) {
            consumer.subscribe(List.of(topic));
            Set<Integer> reported = Set.of();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    consumer.commitSync();
                    for (TopicPartition tp : records.partitions()) {
                        System.out.println("COMMITTED " + tp.partition() + " " + consumer.position(tp));
                    }
                }
                Set<Integer> assigned = new TreeSet<>();
                consumer.assignment().forEach(tp -> assigned.add(tp.partition()));
                if (!assigned.equals(reported)) {
                    reported = assigned;
                    System.out.println("ASSIGNED " + assigned);
                }
                System.out.flush();
            }
        }
    }
}
