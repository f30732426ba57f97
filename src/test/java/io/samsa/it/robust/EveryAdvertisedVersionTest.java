package io.samsa.it.robust;

import ch.qos.logback.classic.Level;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request with real content (topics, partitions, records) at every version ApiVersions advertises gets a
 * well-formed answer on a connection that stays open, without a server-side error: a response field set at
 * a version that lacks it (ListOffsets' leader epoch before v4) would otherwise close the connection.
 */
class EveryAdvertisedVersionTest {
    private static final String TOPIC = "every-version";
    private static final Set<Errors> SERVER_FAULTS = Set.of(Errors.UNSUPPORTED_VERSION, Errors.UNKNOWN_SERVER_ERROR,
        Errors.KAFKA_STORAGE_ERROR, Errors.CORRUPT_MESSAGE);
    private static EmbeddedBroker broker;
    private static Uuid topicId;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.createTopic(TOPIC, 2, Map.of());
            connection.createTopic("grows", 1, Map.of());
            connection.sendFrame(RawConnection.frame(ApiKeys.METADATA, metadata((short) 12), (short) 12, 1));
            MetadataResponseData metadata = ((MetadataResponse) connection.receive(ApiKeys.METADATA, (short) 12).body()).data();
            topicId = metadata.topics().find(TOPIC).topicId();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void realisticRequestsAreAnsweredAtEveryAdvertisedVersion() throws Exception {
        List<String> faults = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        try (LogCapture logs = LogCapture.of("io.samsa"); RawConnection connection = RawConnection.open(broker.port())) {
            RawConnection.Reply versions = connection.roundTrip(new ApiVersionsRequest.Builder((short) 3).build((short) 3), 1);
            int correlationId = 10;
            for (ApiVersion range : ((ApiVersionsResponse) versions.body()).data().apiKeys()) {
                ApiKeys api = ApiKeys.forId(range.apiKey());
                for (short version = range.minVersion(); version <= range.maxVersion(); version++) {
                    ApiMessage body = request(api, version);
                    connection.sendFrame(RawConnection.frame(api, body, version, ++correlationId));
                    RawConnection.Reply reply = connection.receive(api, version);
                    assertThat(reply.correlationId()).as("%s v%d", api, version).isEqualTo(correlationId);
                    Set<Errors> errors = reply.body().errorCounts().keySet();
                    if (errors.stream().anyMatch(SERVER_FAULTS::contains)) {
                        faults.add(api + " v" + version + " " + errors);
                    }
                    answered.add(api + " v" + version);
                }
            }
            assertThat(logs.messages(Level.ERROR)).isEmpty();
        }
        assertThat(faults).isEmpty();
        assertThat(answered).contains("LIST_OFFSETS v1", "PRODUCE v3", "FETCH v4", "METADATA v0");
    }

    private static int sequence;

    /** A request with content where this test knows how to build one, else the API's empty request. */
    private static ApiMessage request(ApiKeys api, short version) {
        String fresh = "created-" + api.id + "-" + version + "-" + (sequence++);
        return switch (api) {
            case PRODUCE -> produce(version);
            case FETCH -> fetch(version);
            case LIST_OFFSETS -> {
                ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1);
                data.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1),
                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1).setTimestamp(version >= 1 ? -2 : -1))));
                yield data;
            }
            case METADATA -> metadata(version);
            case OFFSET_FOR_LEADER_EPOCH -> {
                OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData();
                data.topics().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC).setPartitions(List.of(
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0))));
                yield data;
            }
            case CREATE_TOPICS -> {
                CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(5000);
                data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(fresh).setNumPartitions(1).setReplicationFactor((short) 1));
                yield data;
            }
            case DELETE_TOPICS -> {
                DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(5000);
                if (version >= 6) {
                    data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("no-such-topic"));
                } else {
                    data.topicNames().add("no-such-topic");
                }
                yield data;
            }
            case CREATE_PARTITIONS -> {
                CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(5000).setValidateOnly(true);
                data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("grows").setCount(2).setAssignments(null));
                yield data;
            }
            case DELETE_RECORDS -> {
                DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000);
                data.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC).setPartitions(List.of(
                    new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(0))));
                yield data;
            }
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData().setTransactionTimeoutMs(60000).setProducerId(-1).setProducerEpoch((short) -1);
            case DESCRIBE_CONFIGS -> {
                DescribeConfigsRequestData data = new DescribeConfigsRequestData();
                data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                    .setResourceName(TOPIC).setConfigurationKeys(null));
                data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 4)
                    .setResourceName(String.valueOf(brokerId())).setConfigurationKeys(List.of("log.retention.hours")));
                yield data;
            }
            case ALTER_CONFIGS -> {
                AlterConfigsRequestData data = new AlterConfigsRequestData();
                AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType((byte) 2).setResourceName(TOPIC);
                resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("86400000"));
                data.resources().add(resource);
                yield data;
            }
            case INCREMENTAL_ALTER_CONFIGS -> {
                IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
                IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType((byte) 2).setResourceName(TOPIC);
                resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
                    .setConfigOperation((byte) 0).setValue("86400000"));
                data.resources().add(resource);
                yield data;
            }
            case DESCRIBE_TOPIC_PARTITIONS -> new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(100).setTopics(List.of(
                new DescribeTopicPartitionsRequestData.TopicRequest().setName(TOPIC)));
            default -> {
                ApiMessage empty = api.messageType.newRequest();
                yield empty;
            }
        };
    }

    private static int brokerId() {
        return broker.broker().config().nodeId();
    }

    private static MetadataRequestData metadata(short version) {
        if (version < 4) {
            // Before v4 every named topic may be created automatically; only ask for one that exists.
            return new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)));
        }
        return new MetadataRequestData().setAllowAutoTopicCreation(false).setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName(TOPIC),
            new MetadataRequestData.MetadataRequestTopic().setName("does-not-exist")));
    }

    private static ProduceRequestData produce(short version) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(System.currentTimeMillis(), "k".getBytes(StandardCharsets.UTF_8), ("v" + version).getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(records)));
        if (version >= 13) {
            topic.setTopicId(topicId);
        } else {
            topic.setName(TOPIC);
        }
        data.topicData().add(topic);
        return data;
    }

    private static FetchRequestData fetch(short version) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
            .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 16),
            new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(0).setPartitionMaxBytes(1 << 16)));
        if (version >= 13) {
            topic.setTopicId(topicId);
        } else {
            topic.setTopic(TOPIC);
        }
        data.topics().add(topic);
        return data;
    }
}
