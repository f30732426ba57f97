package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The real Java producer and consumer against one Samsa broker: what goes in comes out, in order. */
class ProduceConsumeTest {
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void millionRecordsOverSixPartitionsComeBackInOrderWithoutGapsOrDuplicates() throws Exception {
        String topic = "million";
        int partitions = 6;
        int total = 1_000_000;
        Clients.createTopic(broker.bootstrapServers(), topic, partitions, Map.of());
        // The default producer: idempotent, acks=all.
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of("linger.ms", 5))) {
            for (int i = 0; i < total; i++) {
                int partition = i % partitions;
                producer.send(new ProducerRecord<>(topic, partition, null, ByteBuffer.allocate(4).putInt(i).array()));
            }
            producer.flush();
        }
        long[] lastSeen = new long[partitions];
        java.util.Arrays.fill(lastSeen, -1);
        long[] expectedOffset = new long[partitions];
        int count = 0;
        for (ConsumerRecord<byte[], byte[]> record : Clients.readAll(broker.bootstrapServers(), topic, partitions, total, Duration.ofSeconds(120))) {
            int p = record.partition();
            int value = ByteBuffer.wrap(record.value()).getInt();
            assertThat(value % partitions).isEqualTo(p);
            assertThat((long) value).as("per-partition order").isGreaterThan(lastSeen[p]);
            assertThat(record.offset()).as("no gap or duplicate offset").isEqualTo(expectedOffset[p]);
            lastSeen[p] = value;
            expectedOffset[p]++;
            count++;
        }
        assertThat(count).isEqualTo(total);
        for (int p = 0; p < partitions; p++) {
            assertThat(expectedOffset[p]).isEqualTo(total / partitions + (p < total % partitions ? 1 : 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionTypeRoundTrips(String compression) throws Exception {
        String topic = "compressed-" + compression;
        Clients.createTopic(broker.bootstrapServers(), topic, 1, Map.of());
        int n = 5000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
            Map.of("compression.type", compression, "linger.ms", 20))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i + "-" + "x".repeat(i % 100)).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(broker.bootstrapServers(), topic, 1, n, Duration.ofSeconds(30));
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(new String(records.get(i).key(), StandardCharsets.UTF_8)).isEqualTo("key-" + i);
            assertThat(new String(records.get(i).value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i + "-" + "x".repeat(i % 100));
        }
    }

    @Test
    void headersNullKeysNullValuesAndTimestampsRoundTrip() throws Exception {
        String topic = "shapes";
        Clients.createTopic(broker.bootstrapServers(), topic, 1, Map.of());
        long timestamp = 1_700_000_000_000L;
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            futures.add(producer.send(new ProducerRecord<>(topic, 0, timestamp, (byte[]) null, "no-key".getBytes(StandardCharsets.UTF_8))));
            futures.add(producer.send(new ProducerRecord<>(topic, 0, timestamp + 1, "tombstone".getBytes(StandardCharsets.UTF_8), (byte[]) null)));
            futures.add(producer.send(new ProducerRecord<>(topic, 0, timestamp + 2, "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), List.of(new RecordHeader("h1", "one".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("h2", null), new RecordHeader("h1", "again".getBytes(StandardCharsets.UTF_8))))));
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get());
            }
        }
        assertThat(acks).extracting(RecordMetadata::offset).containsExactly(0L, 1L, 2L);
        List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(broker.bootstrapServers(), topic, 1, 3, Duration.ofSeconds(20));
        assertThat(records).hasSize(3);
        assertThat(records.get(0).key()).isNull();
        assertThat(records.get(0).timestamp()).isEqualTo(timestamp);
        assertThat(records.get(0).timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(records.get(1).value()).isNull();
        assertThat(records.get(1).timestamp()).isEqualTo(timestamp + 1);
        var headers = records.get(2).headers().toArray();
        assertThat(headers).hasSize(3);
        assertThat(headers[0].key()).isEqualTo("h1");
        assertThat(new String(headers[0].value(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(headers[1].key()).isEqualTo("h2");
        assertThat(headers[1].value()).isNull();
        assertThat(new String(headers[2].value(), StandardCharsets.UTF_8)).isEqualTo("again");
    }

    @Test
    void logAppendTimeTopicStampsBrokerTime() throws Exception {
        String topic = "append-time";
        Clients.createTopic(broker.bootstrapServers(), topic, 1, Map.of("message.timestamp.type", "LogAppendTime"));
        long before = System.currentTimeMillis();
        RecordMetadata md;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            md = producer.send(new ProducerRecord<>(topic, 0, 1000L, (byte[]) null, "v".getBytes(StandardCharsets.UTF_8))).get();
        }
        assertThat(md.timestamp()).isGreaterThanOrEqualTo(before);
        List<ConsumerRecord<byte[], byte[]>> records = Clients.readAll(broker.bootstrapServers(), topic, 1, 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(records.get(0).timestamp()).isEqualTo(md.timestamp());
    }
}
