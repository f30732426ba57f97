package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotent produce on the wire: retries are answered with their first offsets, gaps are refused. */
class IdempotentProduceTest {
    /** The newest Produce version Samsa advertises (topic names; v13 uses topic ids). */
    private static final short PRODUCE_VERSION = 12;

    private static long initProducerId(WireClient client) {
        InitProducerIdResponse response = client.send(new InitProducerIdRequest.Builder(
            new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)));
        assertThat(response.error()).isEqualTo(Errors.NONE);
        return response.data().producerId();
    }

    private static ProduceResponseData.PartitionProduceResponse produce(WireClient client, String topic, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic)
            .setPartitionData(java.util.List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        ProduceResponse response = client.send(ProduceRequest.builder(data), PRODUCE_VERSION);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    private static MemoryRecords batch(long producerId, short epoch, int sequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        // Timestamped as the Java producer does: a producer's idle time counts from its last batch's timestamp,
        // so records without one would make it look long expired after a restart (as in Kafka).
        long now = System.currentTimeMillis();
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(now, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, sequence, records);
    }

    @Test
    void retriedBatchGetsItsOriginalOffsetAndIsWrittenOnce() {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             WireClient client = new WireClient("127.0.0.1", broker.port())) {
            Clients.createTopic(broker.bootstrapServers(), "idem", 1, Map.of());
            long pid = initProducerId(client);
            assertThat(produce(client, "idem", batch(pid, (short) 0, 0, "a", "b")).baseOffset()).isZero();
            assertThat(produce(client, "idem", batch(pid, (short) 0, 2, "c")).baseOffset()).isEqualTo(2);

            var retry = produce(client, "idem", batch(pid, (short) 0, 0, "a", "b"));
            assertThat(Errors.forCode(retry.errorCode())).isEqualTo(Errors.NONE);
            assertThat(retry.baseOffset()).isZero();

            assertThat(Clients.readAll(broker.bootstrapServers(), "idem", 1, 4, Duration.ofSeconds(2)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void sequenceGapIsOutOfOrderSequenceNumber() {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             WireClient client = new WireClient("127.0.0.1", broker.port())) {
            Clients.createTopic(broker.bootstrapServers(), "gap", 1, Map.of());
            long pid = initProducerId(client);
            assertThat(produce(client, "gap", batch(pid, (short) 0, 0, "a")).errorCode()).isZero();
            var gap = produce(client, "gap", batch(pid, (short) 0, 5, "f"));
            assertThat(Errors.forCode(gap.errorCode())).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
    }

    @Test
    void producerIdsAreNotReusedAndDuplicatesAreDetectedAfterRestart(@TempDir Path dir) {
        long pid;
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of());
             WireClient client = new WireClient("127.0.0.1", broker.port())) {
            Clients.createTopic(broker.bootstrapServers(), "durable-idem", 1, Map.of());
            pid = initProducerId(client);
            assertThat(produce(client, "durable-idem", batch(pid, (short) 0, 0, "a")).baseOffset()).isZero();
            assertThat(produce(client, "durable-idem", batch(pid, (short) 0, 1, "b")).baseOffset()).isEqualTo(1);
        }
        try (EmbeddedBroker broker = EmbeddedBroker.startOn(dir, Map.of());
             WireClient client = new WireClient("127.0.0.1", broker.port())) {
            assertThat(initProducerId(client)).isNotEqualTo(pid);
            var retry = produce(client, "durable-idem", batch(pid, (short) 0, 1, "b"));
            assertThat(Errors.forCode(retry.errorCode())).isEqualTo(Errors.NONE);
            assertThat(retry.baseOffset()).isEqualTo(1);
            assertThat(produce(client, "durable-idem", batch(pid, (short) 0, 2, "c")).baseOffset()).isEqualTo(2);
        }
    }
}
