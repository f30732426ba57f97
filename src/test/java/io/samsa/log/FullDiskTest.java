package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.NumberedRecords;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log directory that runs out of space, for real: a 64 MiB tmpfs mounted as the broker's only
 * log directory and filled up with a filler file. Produce gets a retriable KAFKA_STORAGE_ERROR,
 * fetches go on, the broker restarts on the full disk, and once the filler is gone produce works
 * again without a restart; every acknowledged record is there, in order.
 *
 * <p>Needs permission to mount (root, as in CI); elsewhere it is skipped and says so.
 */
class FullDiskTest {

    private static final String TOPIC = "full";

    @TempDir
    Path scratch;

    @Test
    void fullLogDirRefusesProducesRetriablyKeepsServingFetchesAndRecoversWhenSpaceIsFreed() throws Exception {
        Path mount = Files.createDirectories(scratch.resolve("tmpfs"));
        String mountFailure = run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString());
        if (mountFailure != null) {
            System.out.println("FullDiskTest skipped: cannot mount a tmpfs here (" + mountFailure + ")");
            Assumptions.abort("mounting a tmpfs is not permitted: " + mountFailure);
        }
        try {
            exerciseFullDisk(mount);
        } finally {
            if (run("umount", mount.toString()) != null) {
                run("umount", "-l", mount.toString());
            }
        }
    }

    private void exerciseFullDisk(Path logDir) throws Exception {
        Map<String, String> settings = Map.of("log.dirs", logDir.toString());
        List<String> acked = new ArrayList<>();
        Path filler = logDir.resolve("filler");
        EmbeddedBroker broker = EmbeddedBroker.start(settings);
        try {
            Clients.createTopic(broker.bootstrapServers(), TOPIC, 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = NumberedRecords.producer(broker.bootstrapServers())) {
                for (int i = 0; i < 200; i++) {
                    acked.add(NumberedRecords.send(producer, TOPIC, acked.size()));
                }
                fill(filler);

                // The last partly used pages may still take a few records; then the disk is full.
                Throwable refused = null;
                for (int attempt = 0; attempt < 10_000 && refused == null; attempt++) {
                    try {
                        acked.add(NumberedRecords.send(producer, TOPIC, acked.size()));
                    } catch (ExecutionException e) {
                        refused = e.getCause();
                    }
                }
                assertThat(refused).as("produce to a full disk is refused with a retriable storage error")
                    .isInstanceOf(KafkaStorageException.class);
                assertThat(refused.getMessage()).contains("No space left");
            }
            assertThat(NumberedRecords.values(broker.bootstrapServers(), TOPIC, acked.size(), Duration.ofSeconds(30)))
                .as("fetch on a full disk").containsExactlyElementsOf(acked);

            broker.close();
            broker = EmbeddedBroker.start(settings);
            assertThat(NumberedRecords.values(broker.bootstrapServers(), TOPIC, acked.size(), Duration.ofSeconds(30)))
                .as("fetch after a restart on the full disk")
                .containsExactlyElementsOf(acked);

            Files.delete(filler);
            try (KafkaProducer<byte[], byte[]> producer = NumberedRecords.producer(broker.bootstrapServers())) {
                // No restart, no operator action: the next produce after space was freed gets through.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> acked.add(NumberedRecords.send(producer, TOPIC, acked.size())));
                for (int i = 0; i < 50; i++) {
                    acked.add(NumberedRecords.send(producer, TOPIC, acked.size()));
                }
            }
            assertThat(NumberedRecords.values(broker.bootstrapServers(), TOPIC, acked.size(), Duration.ofSeconds(30)))
                .as("everything acknowledged, in order")
                .containsExactlyElementsOf(acked);
        } finally {
            broker.close();
        }
    }

    /** Writes until the file system refuses. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }
}
