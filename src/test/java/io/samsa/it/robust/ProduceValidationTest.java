package io.samsa.it.robust;

import ch.qos.logback.classic.Level;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Produce requests the broker must refuse, each with Kafka's error code, and acks=0: silence, or a closed connection when it failed. */
class ProduceValidationTest {
    private static final short VERSION = 9;
    private static final int MAX_MESSAGE_BYTES = 1024;
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = EmbeddedBroker.start();
        try (RawConnection connection = RawConnection.open(broker.port())) {
            for (String topic : List.of("corrupt", "acks-zero", "acks-zero-error", "acks-five", "unknown-partition")) {
                connection.createTopic(topic, 1, Map.of());
            }
            connection.createTopic("small", 1, Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES)));
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void batchWithCorruptCrcIsRefusedWithCorruptMessage() throws Exception {
        MemoryRecords records = records("value-that-gets-corrupted");
        ByteBuffer buffer = records.buffer();
        int last = buffer.limit() - 1;
        buffer.put(last, (byte) (buffer.get(last) ^ 0x5a));
        try (RawConnection connection = RawConnection.open(broker.port())) {
            assertThat(produce(connection, "corrupt", 0, records, (short) -1, 1)).isEqualTo(Errors.CORRUPT_MESSAGE);
            assertThat(latestOffset(connection, "corrupt")).isZero();
        }
    }

    @Test
    void batchWhoseSizeFieldOverrunsTheRequestIsRefusedWithCorruptMessage() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            for (int size : new int[]{Integer.MAX_VALUE - 10, Integer.MAX_VALUE, 1 << 20, -5}) {
                MemoryRecords records = records("size-" + size);
                records.buffer().putInt(8, size);
                assertThat(produce(connection, "corrupt", 0, records, (short) -1, 1)).as("batch size %d", size)
                    .isEqualTo(Errors.CORRUPT_MESSAGE);
            }
            MemoryRecords cutShort = MemoryRecords.readableRecords(ByteBuffer.wrap(
                java.util.Arrays.copyOf(records("cut").buffer().array(), 40)));
            assertThat(produce(connection, "corrupt", 0, cutShort, (short) -1, 2)).isEqualTo(Errors.CORRUPT_MESSAGE);
            assertThat(latestOffset(connection, "corrupt")).isZero();
        }
    }

    @Test
    void batchWithMatchingCrcButUnreadableRecordsIsRefused() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            MemoryRecords unknownCodec = records("codec");
            unknownCodec.buffer().putShort(ATTRIBUTES_OFFSET, (short) 6);
            MemoryRecords countTooHigh = records("count");
            countTooHigh.buffer().putInt(RECORDS_COUNT_OFFSET, 2);
            MemoryRecords recordLengthLies = records("length");
            recordLengthLies.buffer().put(RECORDS_OFFSET, (byte) 0x7e); // zig-zag varint 63, more than the record holds
            for (MemoryRecords records : List.of(unknownCodec, countTooHigh, recordLengthLies)) {
                fixCrc(records);
            }
            assertThat(produce(connection, "corrupt", 0, unknownCodec, (short) -1, 1)).isEqualTo(Errors.CORRUPT_MESSAGE);
            // kafka-clients' record reader (Kafka's broker uses the same) calls these records invalid rather than corrupt.
            assertThat(produce(connection, "corrupt", 0, countTooHigh, (short) -1, 2)).isEqualTo(Errors.INVALID_RECORD);
            assertThat(produce(connection, "corrupt", 0, recordLengthLies, (short) -1, 3)).isEqualTo(Errors.INVALID_RECORD);
            assertThat(latestOffset(connection, "corrupt")).isZero();
        }
    }

    @Test
    void batchLargerThanTopicMaxMessageBytesIsRefusedWithMessageTooLarge() throws Exception {
        MemoryRecords records = records("x".repeat(2 * MAX_MESSAGE_BYTES));
        try (RawConnection connection = RawConnection.open(broker.port())) {
            assertThat(produce(connection, "small", 0, records, (short) -1, 1)).isEqualTo(Errors.MESSAGE_TOO_LARGE);
            assertThat(produce(connection, "small", 0, records("fits"), (short) -1, 2)).isEqualTo(Errors.NONE);
            assertThat(latestOffset(connection, "small")).isEqualTo(1);
        }
    }

    @Test
    void javaProducerGetsRecordTooLargeForARecordAboveTopicMaxMessageBytes() throws Exception {
        Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 10 * 1024 * 1024,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] big = new byte[4 * MAX_MESSAGE_BYTES];
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("small", big)).get())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RecordTooLargeException.class);
            assertThat(producer.send(new ProducerRecord<>("small", "ok".getBytes(StandardCharsets.UTF_8))).get().offset()).isNotNegative();
        }
    }

    @Test
    void produceToUnknownTopicOrPartitionIsRefusedWithUnknownTopicOrPartition() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            assertThat(produce(connection, "no-such-topic", 0, records("v"), (short) -1, 1))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            assertThat(produce(connection, "unknown-partition", 7, records("v"), (short) 1, 2))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void acksZeroGetsNoResponseButLaterRequestsOnTheConnectionAreAnswered() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.sendFrame(RawConnection.frame(ApiKeys.PRODUCE, produceRequest("acks-zero", 0, records("a"), (short) 0), VERSION, 1));
            connection.sendFrame(RawConnection.frame(ApiKeys.PRODUCE, produceRequest("acks-zero", 0, records("b"), (short) 0), VERSION, 2));
            connection.sendFrame(RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 3));
            RawConnection.Reply reply = connection.receive(ApiKeys.API_VERSIONS, (short) 0);
            assertThat(reply.correlationId()).as("the first answer is to the third request").isEqualTo(3);
            assertThat(((ApiVersionsResponse) reply.body()).data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(latestOffset(connection, "acks-zero")).isEqualTo(2);
        }
    }

    @Test
    void acksZeroToAnUnknownPartitionClosesTheConnectionAfterAnsweringEarlierRequests() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port());
             LogCapture log = LogCapture.of("io.samsa.network")) {
            connection.sendFrame(RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 1));
            connection.sendFrame(RawConnection.frame(ApiKeys.PRODUCE, produceRequest("acks-zero-error", 7, records("a"), (short) 0), VERSION, 2));
            connection.sendFrame(RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 3));
            assertThat(connection.receive(ApiKeys.API_VERSIONS, (short) 0).correlationId()).isEqualTo(1);
            assertThat(connection.closedByPeerWithin(Duration.ofSeconds(30)))
                .as("closed instead of answering the request after the failed produce").isTrue();
            assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m)
                .contains("acks=0", "correlation id 2", "acks-zero-error-7 UNKNOWN_TOPIC_OR_PARTITION"));
        }
    }

    @Test
    void acksZeroWithACorruptBatchClosesTheConnection() throws Exception {
        MemoryRecords records = records("corrupted-without-acks");
        ByteBuffer buffer = records.buffer();
        int last = buffer.limit() - 1;
        buffer.put(last, (byte) (buffer.get(last) ^ 0x5a));
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.sendFrame(RawConnection.frame(ApiKeys.PRODUCE, produceRequest("acks-zero-error", 0, records, (short) 0), VERSION, 1));
            connection.sendFrame(RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 2));
            assertThat(connection.closedByPeerWithin(Duration.ofSeconds(30))).isTrue();
        }
        try (RawConnection connection = RawConnection.open(broker.port())) {
            assertThat(latestOffset(connection, "acks-zero-error")).isZero();
        }
    }

    @Test
    void acksOtherThanMinusOneZeroOrOneIsRefusedWithInvalidRequiredAcks() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            assertThat(produce(connection, "acks-five", 0, records("v"), (short) 5, 1)).isEqualTo(Errors.INVALID_REQUIRED_ACKS);
            assertThat(produce(connection, "acks-five", 0, records("v"), (short) -2, 2)).isEqualTo(Errors.INVALID_REQUIRED_ACKS);
            assertThat(latestOffset(connection, "acks-five")).isZero();
        }
    }

    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int RECORDS_COUNT_OFFSET = 57;
    private static final int RECORDS_OFFSET = 61;

    /** Recomputes a v2 batch's CRC-32C (over everything from the attributes on) after an edit. */
    static void fixCrc(MemoryRecords records) {
        ByteBuffer buffer = records.buffer();
        long crc = Crc32C.compute(buffer, ATTRIBUTES_OFFSET, buffer.limit() - ATTRIBUTES_OFFSET);
        buffer.putInt(CRC_OFFSET, (int) crc);
    }

    private static MemoryRecords records(String value) {
        return MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(System.currentTimeMillis(), "key".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }

    static ProduceRequestData produceRequest(String topic, int partition, MemoryRecords records, short acks) {
        ProduceRequestData request = new ProduceRequestData().setAcks(acks).setTimeoutMs(5000);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        return request;
    }

    private static Errors produce(RawConnection connection, String topic, int partition, MemoryRecords records, short acks,
                                  int correlationId) throws IOException {
        connection.sendFrame(RawConnection.frame(ApiKeys.PRODUCE, produceRequest(topic, partition, records, acks), VERSION, correlationId));
        RawConnection.Reply reply = connection.receive(ApiKeys.PRODUCE, VERSION);
        assertThat(reply.correlationId()).isEqualTo(correlationId);
        ProduceResponseData data = ((ProduceResponse) reply.body()).data();
        ProduceResponseData.PartitionProduceResponse result = data.responses().iterator().next().partitionResponses().get(0);
        assertThat(data.responses().iterator().next().name()).isEqualTo(topic);
        assertThat(result.index()).isEqualTo(partition);
        return Errors.forCode(result.errorCode());
    }

    static long latestOffset(RawConnection connection, String topic) throws IOException {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
        request.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))));
        connection.sendFrame(RawConnection.frame(ApiKeys.LIST_OFFSETS, request, (short) 7, 999));
        RawConnection.Reply reply = connection.receive(ApiKeys.LIST_OFFSETS, (short) 7);
        var partition = ((ListOffsetsResponse) reply.body()).data().topics().get(0).partitions().get(0);
        assertThat(partition.errorCode()).isEqualTo(Errors.NONE.code());
        return partition.offset();
    }
}
