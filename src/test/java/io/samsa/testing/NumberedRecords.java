package io.samsa.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records of about 1 KB whose value starts with their sequence number, sent one at a time to partition 0 and
 * read back as strings: for tests that fill a disk and then check that every acknowledged record is there, in order.
 */
public final class NumberedRecords {
    public static final int VALUE_BYTES = 1000;

    private NumberedRecords() {
    }

    /** A producer that reports each failure at once: no retries, no idempotence, no lingering. */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return Clients.producer(bootstrapServers,
            Map.of("linger.ms", 0, "retries", 0, "enable.idempotence", false, "acks", "1"));
    }

    /** Sends record number {@code sequence} and returns its value once acknowledged. */
    public static String send(KafkaProducer<byte[], byte[]> producer, String topic, int sequence) throws Exception {
        String value = String.format("%06d", sequence) + "x".repeat(VALUE_BYTES - 6);
        producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)))
            .get(30, TimeUnit.SECONDS);
        return value;
    }

    /** The values of partition 0 from the beginning, once {@code expected} of them are read. */
    public static List<String> values(String bootstrapServers, String topic, int expected, Duration timeout) {
        return Clients.readAll(bootstrapServers, topic, 1, expected, timeout).stream()
            .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
