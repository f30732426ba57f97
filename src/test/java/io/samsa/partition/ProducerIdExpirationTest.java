package io.samsa.partition;

import io.samsa.log.ProducerStateEntry;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code producer.id.expiration.ms}: the broker forgets idempotent producers that stopped writing, both on
 * its periodic check and when it opens a log after a restart, so producer state does not grow without limit.
 */
class ProducerIdExpirationTest {
    private static final TopicPartition TP = new TopicPartition("producers", 0);

    @TempDir
    Path dataDir;

    private static Map<Long, ProducerStateEntry> producers(EmbeddedBroker broker) {
        return broker.broker().partitions().partition(TP).log().producerState().activeProducers();
    }

    private static void produceOne(EmbeddedBroker broker, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
            Map.of("enable.idempotence", "true", "acks", "all"))) {
            producer.send(new ProducerRecord<>(TP.topic(), TP.partition(), null, value.getBytes())).get();
        }
    }

    @Test
    void theBrokerForgetsAnIdleProducerOnItsPeriodicCheck() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("producer.id.expiration.ms", "1500",
            "producer.id.expiration.check.interval.ms", "200"))) {
            Clients.createTopic(broker.bootstrapServers(), TP.topic(), 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("enable.idempotence", "true", "acks", "all"))) {
                producer.send(new ProducerRecord<>(TP.topic(), TP.partition(), null, "first".getBytes())).get();
                assertThat(producers(broker)).hasSize(1);

                await().atMost(Duration.ofSeconds(60)).until(() -> producers(broker).isEmpty());

                // The client goes on with its next sequence; the broker accepts it as from a producer it never saw.
                assertThat(producer.send(new ProducerRecord<>(TP.topic(), TP.partition(), null, "second".getBytes()))
                    .get().offset()).isEqualTo(1);
                assertThat(producers(broker)).hasSize(1);
            }
        }
    }

    @Test
    void producersThatExpiredWhileTheBrokerWasDownAreNotLoadedAgain() throws Exception {
        Map<String, Object> settings = new HashMap<>(Map.of("producer.id.expiration.ms", "1000",
            // No periodic check during the test: only the one at start-up can forget the producer.
            "producer.id.expiration.check.interval.ms", String.valueOf(Integer.MAX_VALUE)));
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, settings)) {
            Clients.createTopic(broker.bootstrapServers(), TP.topic(), 1, Map.of());
            produceOne(broker, "before the restart");
            assertThat(producers(broker)).hasSize(1);
        }
        Thread.sleep(1500);
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, settings)) {
            assertThat(producers(broker)).isEmpty();
        }
        settings.put("producer.id.expiration.ms", String.valueOf(86_400_000));
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, settings)) {
            produceOne(broker, "a fresh producer");
            assertThat(producers(broker)).as("a recent producer is kept at start-up").hasSize(1);
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dataDir, settings)) {
            assertThat(producers(broker)).hasSize(1);
        }
    }
}
