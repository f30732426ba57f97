package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every advertised version of the data-path APIs gets a well-formed answer: old clients (librdkafka asks
 * ListOffsets v2, Metadata v4) must never see a connection closed because a response field did not
 * exist yet in their version.
 */
class EveryVersionTest {
    static EmbeddedBroker broker;
    static WireClient client;
    static Uuid topicId;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        Clients.createTopic(broker.bootstrapServers(), "versions", 1, Map.of());
        client = WireClient.connect(broker.bootstrapServers());
        topicId = broker.broker().partitions().partition(new org.apache.kafka.common.TopicPartition("versions", 0)).topicId();
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    static Stream<Arguments> versions(ApiKeys api, int min, int max) {
        return IntStream.rangeClosed(min, max).mapToObj(v -> Arguments.of(api, (short) v));
    }

    static Stream<Arguments> dataPathApis() {
        return Stream.of(
            versions(ApiKeys.PRODUCE, 3, 13),
            versions(ApiKeys.FETCH, 4, 17),
            versions(ApiKeys.LIST_OFFSETS, 1, 11),
            versions(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4),
            versions(ApiKeys.DELETE_RECORDS, 0, 2),
            versions(ApiKeys.INIT_PRODUCER_ID, 0, 5),
            versions(ApiKeys.DESCRIBE_LOG_DIRS, 1, 5)
        ).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("dataPathApis")
    void everyAdvertisedVersionIsAnswered(ApiKeys api, short version) {
        AbstractResponse response = client.sendData(api, version, request(api, version));
        assertThat(response.apiKey()).isEqualTo(api);
        if (response instanceof ProduceResponse produce) {
            ProduceResponseData.PartitionProduceResponse p = produce.data().responses().iterator().next().partitionResponses().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            assertThat(p.baseOffset()).isNotNegative();
        } else if (response instanceof FetchResponse fetch) {
            FetchResponseData.PartitionData p = fetch.data().responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            assertThat(p.highWatermark()).isPositive();
        } else if (response instanceof ListOffsetsResponse offsets) {
            ListOffsetsResponseData.ListOffsetsPartitionResponse p = offsets.data().topics().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
            assertThat(p.offset()).isPositive();
        } else {
            assertThat(response.errorCounts().keySet()).containsOnly(Errors.NONE);
        }
    }

    private static org.apache.kafka.common.protocol.ApiMessage request(ApiKeys api, short version) {
        switch (api) {
            case PRODUCE: {
                MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("v" + version).getBytes()));
                ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData()
                    .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records)));
                if (version >= 13) {
                    topic.setTopicId(topicId);
                } else {
                    topic.setName("versions");
                }
                ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
                data.topicData().add(topic);
                return data;
            }
            case FETCH: {
                FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic()
                    .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20)));
                if (version >= 13) {
                    topic.setTopicId(topicId);
                } else {
                    topic.setTopic("versions");
                }
                return new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20).setTopics(List.of(topic));
            }
            case LIST_OFFSETS:
                return new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName("versions").setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(0).setTimestamp(-1)))));
            case OFFSET_FOR_LEADER_EPOCH:
                return new OffsetForLeaderEpochRequestData().setReplicaId(-1).setTopics(
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection(List.of(
                        new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("versions").setPartitions(List.of(
                            new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0)))).iterator()));
            case DELETE_RECORDS:
                return new DeleteRecordsRequestData().setTimeoutMs(5000).setTopics(List.of(new DeleteRecordsRequestData.DeleteRecordsTopic()
                    .setName("versions").setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                        .setPartitionIndex(0).setOffset(0)))));
            case INIT_PRODUCER_ID:
                return new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60000);
            case DESCRIBE_LOG_DIRS:
                return new DescribeLogDirsRequestData().setTopics(null);
            default:
                throw new IllegalArgumentException(api.toString());
        }
    }
}
