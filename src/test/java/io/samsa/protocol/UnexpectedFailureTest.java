package io.samsa.protocol;

import ch.qos.logback.classic.Level;
import io.samsa.it.robust.LogCapture;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownServerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bug in the broker (here an append that throws NullPointerException) is UNKNOWN_SERVER_ERROR, which clients do not
 * retry, with an ERROR log and its stack trace: never KAFKA_STORAGE_ERROR, which a producer would retry until its
 * delivery timeout while nobody hears of the bug.
 */
class UnexpectedFailureTest {
    private static final String TOPIC = "bug-on-append";

    @AfterEach
    void removeFault() {
        ProduceHandler.appendFault = null;
    }

    @Test
    void appendThatHitsABugAnswersUnknownServerErrorAndTheBrokerKeepsServing() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             LogCapture log = LogCapture.of(ProduceHandler.class.getName())) {
            Clients.createTopic(broker.bootstrapServers(), TOPIC, 1, Map.of());
            // Retries are unlimited within the delivery timeout: only a non-retriable error ends the send early.
            Map<String, Object> config = Map.of("enable.idempotence", false, "acks", "1", "linger.ms", 0,
                "retries", Integer.MAX_VALUE, "retry.backoff.ms", 100, "request.timeout.ms", 15_000,
                "delivery.timeout.ms", 60_000);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), config)) {
                ProduceHandler.appendFault = tp -> {
                    if (tp.topic().equals(TOPIC)) {
                        throw new NullPointerException("injected bug");
                    }
                };
                assertThatThrownBy(() -> producer.send(record("during the bug")).get(50, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UnknownServerException.class);
                assertThat(log.messages(Level.ERROR)).anySatisfy(m -> assertThat(m).contains(TOPIC + "-0", "UNKNOWN_SERVER_ERROR"));
                assertThat(log.throwables(Level.ERROR)).contains(NullPointerException.class.getName());

                ProduceHandler.appendFault = null;
                RecordMetadata after = producer.send(record("after the bug")).get(50, TimeUnit.SECONDS);
                assertThat(after.offset()).isZero();
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>(TOPIC, value.getBytes(StandardCharsets.UTF_8));
    }
}
