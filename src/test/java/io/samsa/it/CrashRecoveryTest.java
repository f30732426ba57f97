package io.samsa.it;

import io.samsa.testing.BrokerProcess;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 during a produce loop: after restart only whole valid batches are served and nothing acknowledged is lost. */
class CrashRecoveryTest {

    @Test
    void brokerKilledDuringProduceRestartsWithEveryAcknowledgedRecord(@TempDir Path dir) throws Exception {
        int port = BrokerProcess.freePort();
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        try (BrokerProcess broker = BrokerProcess.start(dir, port, "log.flush.interval.messages=1")) {
            Clients.createTopic(broker.bootstrapServers(), "crash", 2, Map.of());
            KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("linger.ms", 1, "delivery.timeout.ms", 5000, "request.timeout.ms", 2000, "max.block.ms", 2000));
            try {
                int sent = 0;
                // Keep batches in flight until enough are acknowledged, then kill in the middle of the stream.
                while (acknowledged.size() < 10_000 && sent < 2_000_000) {
                    send(producer, sent++, acknowledged);
                }
                for (int extra = 0; extra < 2_000; extra++) {
                    send(producer, sent++, acknowledged);
                }
                broker.kill();
            } finally {
                producer.close(Duration.ofSeconds(1));
            }
        }
        assertThat(acknowledged).isNotEmpty();
        tearLastSegment(dir.resolve("crash-0"));

        try (BrokerProcess broker = BrokerProcess.start(dir, port)) {
            List<ConsumerRecord<byte[], byte[]>> records = Clients.readToEnd(broker.bootstrapServers(), "crash", 2, Duration.ofSeconds(30));
            Set<Integer> found = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                found.add(ByteBuffer.wrap(record.value()).getInt());
            }
            assertThat(found).containsAll(acknowledged);
            assertThat(broker.output()).as("recovery cut the torn tail").anyMatch(line -> line.contains("crash-0") && line.contains("invalid bytes"));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int value, Set<Integer> acknowledged) {
        producer.send(new ProducerRecord<>("crash", value % 2, null, ByteBuffer.allocate(4).putInt(value).array()),
            (md, error) -> {
                if (error == null) {
                    acknowledged.add(value);
                }
            });
    }

    /** Simulates a torn write: half a batch header of garbage after the last whole batch. */
    private static void tearLastSegment(Path partitionDir) throws IOException {
        Path last;
        try (Stream<Path> files = Files.list(partitionDir)) {
            last = files.filter(p -> p.toString().endsWith(".log")).max(Comparator.naturalOrder()).orElseThrow();
        }
        Files.write(last, new byte[] {0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);
    }
}
