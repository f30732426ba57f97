package io.samsa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.samsa.testing.BrokerProcess;
import io.samsa.testing.Clients;
import io.samsa.testing.NumberedRecords;
import io.samsa.testing.TmpfsMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    @Test
    void brokerStartsAfterAnUncleanShutdownOnAFullDiskServesEveryAckedRecordAndResumesWritesWhenSpaceIsFreed()
        throws Exception {
        try (TmpfsMount tmpfs = TmpfsMount.mount("FullDiskStartTest", 64)) {
            Path logDir = tmpfs.path();
            int port = BrokerProcess.freePort();
            List<String> acked = new ArrayList<>();
            try (BrokerProcess broker = BrokerProcess.start(logDir, port)) {
                Clients.createTopic(broker.bootstrapServers(), TOPIC, 1, Map.of());
                try (KafkaProducer<byte[], byte[]> producer = NumberedRecords.producer(broker.bootstrapServers())) {
                    for (int i = 0; i < 500; i++) {
                        acked.add(NumberedRecords.send(producer, TOPIC, acked.size()));
                    }
                }
                broker.kill();
            }
            Path filler = tmpfs.fill("filler");

            List<BrokerProcess> restarted = new ArrayList<>();
            try (BrokerProcess broker = BrokerProcess.start(logDir, port)) {
                restarted.add(broker);
                assertThat(NumberedRecords.values(broker.bootstrapServers(), TOPIC, acked.size(), Duration.ofSeconds(60)))
                .as("every acknowledged record, after a start on a full disk")
                    .containsExactlyElementsOf(acked);
                try (KafkaProducer<byte[], byte[]> producer = NumberedRecords.producer(broker.bootstrapServers())) {
                    Throwable refused = null;
                    // The last partly used pages of the tmpfs may still take a few records.
                    for (int attempt = 0; attempt < 10_000 && refused == null; attempt++) {
                        try {
                            acked.add(NumberedRecords.send(producer, TOPIC, acked.size()));
                        } catch (ExecutionException e) {
                            refused = e.getCause();
                        }
                    }
                    assertThat(refused).as("produce to the full disk is refused retriably")
                        .isInstanceOf(RetriableException.class);

                    Files.delete(filler);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> acked.add(NumberedRecords.send(producer, TOPIC, acked.size())));
                    for (int i = 0; i < 50; i++) {
                        acked.add(NumberedRecords.send(producer, TOPIC, acked.size()));
                    }
                }
                assertThat(NumberedRecords.values(broker.bootstrapServers(), TOPIC, acked.size(), Duration.ofSeconds(60)))
                .as("everything acknowledged, in order, once space was freed")
                    .containsExactlyElementsOf(acked);
            } finally {
                // What the start on the full disk had to skip, for whoever reads the test output.
                System.out.println("Broker lines about the full disk: ");
                restarted.stream().flatMap(b -> b.output().stream()).filter(line -> line.contains("space")).forEach(System.out::println);
            }
        }
    }
}
