package io.samsa.partition;

import ch.qos.logback.classic.Level;
import io.samsa.it.robust.LogCapture;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Losing the metadata log costs no records: the partition directories it no longer names are kept aside. */
class StrayPartitionDirectoryTest {

    @Test
    void partitionDirectoriesUnknownToTheMetadataAreMovedAsideNotDeleted(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of())) {
            Clients.createTopic(broker.bootstrapServers(), "precious", 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>("precious", "record-kept-on-disk".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            }
        }
        PartitionManager.deleteDirectory(dir.resolve(PartitionManager.METADATA_DIR));

        Path stray;
        try (LogCapture capture = LogCapture.of(PartitionManager.class.getName());
             EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of())) {
            assertThat(dir.resolve("precious-0")).doesNotExist();
            stray = onlyStrayDir(dir);
            assertThat(stray.getFileName().toString()).matches("precious-0\\.[0-9a-f]{32}-stray");
            long bytes = sizeOf(stray);
            assertThat(capture.messages(Level.WARN))
                .anyMatch(m -> m.contains(stray.toString()) && m.contains(bytes + " bytes"));
            assertThat(broker.broker().partitions().hostedPartitions()).isEmpty();
        }
        assertThat(logBytes(stray)).contains("record-kept-on-disk");

        // A later start neither opens the stray directory as a partition nor deletes it.
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of())) {
            assertThat(onlyStrayDir(dir)).isEqualTo(stray);
            assertThat(broker.broker().partitions().hostedPartitions()).isEmpty();
        }
        assertThat(logBytes(stray)).contains("record-kept-on-disk");
    }

    private static Path onlyStrayDir(Path dir) throws Exception {
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> strays = children.filter(p -> p.getFileName().toString().endsWith("-stray")).toList();
            assertThat(strays).hasSize(1);
            return strays.get(0);
        }
    }

    private static long sizeOf(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String logBytes(Path dir) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                all.append(new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
