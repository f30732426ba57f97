package io.samsa.server;

import io.samsa.testing.Clients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing a broker ends the threads it started for metadata and logs: a JVM that starts and closes many
 * brokers (the test suite, an application embedding one) does not collect them.
 */
class BrokerThreadsShutdownTest {
    private static final List<String> BROKER_THREAD_PREFIXES =
        List.of("samsa-controller", "samsa-metadata-log", "samsa-partition-changes", "samsa-log-flusher");

    @Test
    void closedBrokersLeaveNoMetadataOrFlusherThreadBehind() throws Exception {
        Set<Thread> before = brokerThreads();
        for (int i = 0; i < 5; i++) {
            try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.flush.interval.messages", "1"))) {
                // A topic and a flushed record, so every one of those threads has had work to do.
                Clients.createTopic(broker.bootstrapServers(), "topic-" + i, 1, Map.of());
                try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                    producer.send(new ProducerRecord<>("topic-" + i, "value".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<Thread> leaked = brokerThreads();
            leaked.removeAll(before);
            assertThat(leaked.stream().map(Thread::getName).toList()).isEmpty();
        });
    }

    private static Set<Thread> brokerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(t -> BROKER_THREAD_PREFIXES.stream().anyMatch(t.getName()::startsWith))
            .collect(Collectors.toSet());
    }
}
