package io.samsa.group;

import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real KafkaConsumer (classic protocol) subscribed in a group, polling on its own thread; the test reads
 * what it received and its current assignment. {@link #close()} leaves the group cleanly.
 */
final class GroupConsumer implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final ConcurrentLinkedQueue<ConsumerRecord<byte[], byte[]>> received = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int assignmentChanges;
    private volatile boolean running = true;
    private volatile Throwable failure;

    GroupConsumer(String bootstrap, String group, String topic, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("group.id", group);
        props.put("group.protocol", "classic");
        props.put("auto.offset.reset", "earliest");
        props.put("session.timeout.ms", 10_000);
        props.put("heartbeat.interval.ms", 500);
        props.putAll(overrides);
        if ("consumer".equals(props.get("group.protocol"))) {
            // The broker sets session and heartbeat timing for consumer-protocol members; the client refuses these.
            props.remove("session.timeout.ms");
            props.remove("heartbeat.interval.ms");
        }
        consumer = Clients.consumer(bootstrap, props);
        thread = new Thread(() -> run(topic), "group-consumer-" + group);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String topic) {
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    received.add(record);
                }
                Set<TopicPartition> now = Set.copyOf(consumer.assignment());
                if (!now.equals(assignment)) {
                    assignment = now;
                    assignmentChanges++;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
            } finally {
                stopped.countDown();
            }
        }
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    /** How many times the assignment seen after a poll changed (a rebalance changes it at least once). */
    int assignmentChanges() {
        return assignmentChanges;
    }

    List<ConsumerRecord<byte[], byte[]>> received() {
        return List.copyOf(received);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Consumer did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
