package io.samsa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KIP-467: a batch refused because of some of its records is answered with the batch error, an error message,
 * and record_errors naming each offending record by its index in the batch; nothing of the batch is written.
 */
class ProduceRecordErrorsTest {
    private static final short PRODUCE_VERSION = 9;
    private static final String COMPACTED = "compacted";
    private static final String STRICT_TIME = "strict-time";
    private static final String NO_OLD_RECORDS = "no-old-records";
    private static final long AFTER_MAX_MS = 60_000;
    private static final long BEFORE_MAX_MS = 60_000;
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start();
        Clients.createTopic(broker.bootstrapServers(), COMPACTED, 2,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        Clients.createTopic(broker.bootstrapServers(), STRICT_TIME, 1,
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.toString(AFTER_MAX_MS)));
        Clients.createTopic(broker.bootstrapServers(), NO_OLD_RECORDS, 1,
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Long.toString(BEFORE_MAX_MS)));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static SimpleRecord record(long timestamp, String key, String value) {
        return new SimpleRecord(timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value.getBytes(StandardCharsets.UTF_8));
    }

    private static PartitionProduceResponse produce(String topic, int partition, MemoryRecords records) {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        try (WireClient wire = WireClient.connect(broker.bootstrapServers())) {
            ProduceResponse response = (ProduceResponse) wire.sendData(ApiKeys.PRODUCE, PRODUCE_VERSION, request);
            return response.data().responses().iterator().next().partitionResponses().get(0);
        }
    }

    private static long latestOffset(String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                .offset();
        }
    }

    @Test
    void keylessRecordsOfABatchToACompactedTopicAreNamedInRecordErrors() throws Exception {
        long now = System.currentTimeMillis();
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, record(now, "k0", "a"),
            record(now, null, "b"), record(now, "k2", "c"), record(now, null, "d"));

        PartitionProduceResponse result = produce(COMPACTED, 0, batch);

        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.INVALID_RECORD);
        assertThat(result.errorMessage()).isNotBlank();
        assertThat(result.recordErrors()).extracting(BatchIndexAndErrorMessage::batchIndex).containsExactly(1, 3);
        assertThat(result.recordErrors()).allSatisfy(e -> assertThat(e.batchIndexErrorMessage()).contains("key"));
        assertThat(result.baseOffset()).isEqualTo(-1);
        assertThat(latestOffset(COMPACTED, 0)).as("nothing of the batch was appended").isZero();
    }

    @Test
    void javaProducerFailsTheKeylessRecordWithInvalidRecordAndTheRestOfItsBatchWithAGenericError() throws Exception {
        Map<String, Object> oneBatch = Map.of("linger.ms", 60_000, "batch.size", 1 << 20);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), oneBatch)) {
            Future<RecordMetadata> keyed1 = producer.send(new ProducerRecord<>(COMPACTED, 1, "k1".getBytes(), "a".getBytes()));
            Future<RecordMetadata> keyless = producer.send(new ProducerRecord<>(COMPACTED, 1, null, "b".getBytes()));
            Future<RecordMetadata> keyed2 = producer.send(new ProducerRecord<>(COMPACTED, 1, "k2".getBytes(), "c".getBytes()));
            producer.flush();

            assertThatThrownBy(() -> keyless.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("Compacted topic cannot accept message without key");
            for (Future<RecordMetadata> other : List.of(keyed1, keyed2)) {
                assertThatThrownBy(() -> other.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(KafkaException.class)
                    .hasMessageContaining("part of a batch which had");
            }
        }
        assertThat(latestOffset(COMPACTED, 1)).isZero();
    }

    @Test
    void recordWithATimestampTooFarAheadIsNamedWithInvalidTimestamp() throws Exception {
        long now = System.currentTimeMillis();
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, record(now, "k0", "a"),
            record(now + 10 * AFTER_MAX_MS, "k1", "from-the-future"), record(now, "k2", "c"));

        PartitionProduceResponse result = produce(STRICT_TIME, 0, batch);

        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(result.errorMessage()).isNotBlank();
        assertThat(result.recordErrors()).extracting(BatchIndexAndErrorMessage::batchIndex).containsExactly(1);
        assertThat(latestOffset(STRICT_TIME, 0)).isZero();
    }

    /** The batch header holds the first and the largest timestamp, not the smallest; every record is checked. */
    @Test
    void aTooOldRecordAfterTheFirstIsNamedWithInvalidTimestamp() throws Exception {
        long now = System.currentTimeMillis();
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, record(now, "k0", "a"),
            record(now, "k1", "b"), record(now - 10 * BEFORE_MAX_MS, "k2", "from-the-past"));

        PartitionProduceResponse result = produce(NO_OLD_RECORDS, 0, batch);

        assertThat(Errors.forCode(result.errorCode())).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(result.recordErrors()).extracting(BatchIndexAndErrorMessage::batchIndex).containsExactly(2);
        assertThat(latestOffset(NO_OLD_RECORDS, 0)).isZero();
    }
}
