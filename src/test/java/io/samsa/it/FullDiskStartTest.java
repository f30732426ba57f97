package io.samsa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.samsa.testing.BrokerProcess;
import io.samsa.testing.Clients;
import io.samsa.testing.TmpfsMount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.Test;

/**
 * A broker killed with SIGKILL, whose only log directory (a 64 MiB tmpfs) is then filled to the last byte,
 * starts again: the recovery an unclean shutdown needs (index rebuilds, checkpoints, snapshots) cannot write,
 * yet every acknowledged record is served, produce is refused with a retriable error, and once the filler is
 * deleted produce works again without a restart.
 */
class FullDiskStartTest {

    private static final String TOPIC = "fullstart";
    private static final int VALUE_BYTES = 1000;

    @Test
    void brokerStartsAfterAnUncleanShutdownOnAFullDiskServesEveryAckedRecordAndResumesWritesWhenSpaceIsFreed()
        throws Exception {
        try (TmpfsMount tmpfs = TmpfsMount.mount("FullDiskStartTest", 64)) {
            Path logDir = tmpfs.path();
            int port = BrokerProcess.freePort();
            List<String> acked = new ArrayList<>();
            try (BrokerProcess broker = BrokerProcess.start(logDir, port)) {
                Clients.createTopic(broker.bootstrapServers(), TOPIC, 1, Map.of());
                try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
                    for (int i = 0; i < 500; i++) {
                        acked.add(send(producer, acked.size()));
                    }
                }
                broker.kill();
            }
            Path filler = tmpfs.fill("filler");

            List<BrokerProcess> restarted = new ArrayList<>();
            try (BrokerProcess broker = BrokerProcess.start(logDir, port)) {
                restarted.add(broker);
                assertThat(values(broker, acked.size())).as("every acknowledged record, after a start on a full disk")
                    .containsExactlyElementsOf(acked);
                try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
                    Throwable refused = null;
                    // The last partly used pages of the tmpfs may still take a few records.
                    for (int attempt = 0; attempt < 10_000 && refused == null; attempt++) {
                        try {
                            acked.add(send(producer, acked.size()));
                        } catch (ExecutionException e) {
                            refused = e.getCause();
                        }
                    }
                    assertThat(refused).as("produce to the full disk is refused retriably")
                        .isInstanceOf(RetriableException.class);

                    Files.delete(filler);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> acked.add(send(producer, acked.size())));
                    for (int i = 0; i < 50; i++) {
                        acked.add(send(producer, acked.size()));
                    }
                }
                assertThat(values(broker, acked.size())).as("everything acknowledged, in order, once space was freed")
                    .containsExactlyElementsOf(acked);
            } finally {
                // What the start on the full disk had to skip, for whoever reads the test output.
                System.out.println("Broker lines about the full disk: ");
                restarted.stream().flatMap(b -> b.output().stream()).filter(line -> line.contains("space")).forEach(System.out::println);
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(BrokerProcess broker) {
        return Clients.producer(broker.bootstrapServers(),
            Map.of("linger.ms", 0, "retries", 0, "enable.idempotence", false, "acks", "1"));
    }

    /** Sends record number {@code sequence} and returns its value once acknowledged. */
    private static String send(KafkaProducer<byte[], byte[]> producer, int sequence) throws Exception {
        String value = String.format("%06d", sequence) + "x".repeat(VALUE_BYTES - 6);
        producer.send(new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8)))
            .get(30, TimeUnit.SECONDS);
        return value;
    }

    private static List<String> values(BrokerProcess broker, int expected) {
        return Clients.readAll(broker.bootstrapServers(), TOPIC, 1, expected, Duration.ofSeconds(60)).stream()
            .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
