package io.samsa.it.robust;

import ch.qos.logback.classic.Level;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Well-formed requests with odd contents: negative partitions and offsets, unknown and invalid topic names,
 * random topic ids, absurd limits, invalid configs, unknown enum values, nulls where the protocol allows them.
 * Whatever kafka-clients can encode and decode, the broker must answer (never close the connection) without
 * an error in its own log.
 */
class StructuredRequestFuzzTest {
    private static final long SEED = Long.getLong("samsa.fuzz.seed", 20261125L);
    private static final int CASES = Integer.getInteger("samsa.fuzz.cases", 10_000) / 4;
    private static final String TOPIC = "structured";
    private static EmbeddedBroker broker;
    private static Uuid topicId;
    private static final Map<ApiKeys, ApiVersion> ADVERTISED = new EnumMap<>(ApiKeys.class);

    private static final String[] NAMES = {TOPIC, TOPIC, "missing", "", ".", "..", "bad name!", "x".repeat(250),
        "auto-created", "to-delete", "__consumer_offsets", "a.b_c"};
    private static final String[] CONFIG_NAMES = {"retention.ms", "cleanup.policy", "max.message.bytes", "segment.bytes",
        "min.insync.replicas", "message.timestamp.type", "unknown.config", "", "log.retention.hours", "compression.type"};
    private static final String[] CONFIG_VALUES = {"1", "-1", "0", "abc", "", "compact", "delete,compact", "bogus",
        "9223372036854775807", "LogAppendTime", "zstd", null};

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            topicId = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, "v" + i)).get();
            }
        }
        try (RawConnection connection = RawConnection.open(broker.port())) {
            RawConnection.Reply reply = connection.roundTrip(new ApiVersionsRequest.Builder((short) 3).build((short) 3), 1);
            for (ApiVersion v : ((ApiVersionsResponse) reply.body()).data().apiKeys()) {
                ADVERTISED.put(ApiKeys.forId(v.apiKey()), v);
            }
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void everyRequestKafkaClientsCanEncodeIsAnswered() throws Exception {
        Random random = new Random(SEED);
        List<ApiKeys> apis = new ArrayList<>(List.of(ApiKeys.FETCH, ApiKeys.PRODUCE, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA,
            ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.CREATE_PARTITIONS, ApiKeys.DELETE_RECORDS,
            ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.ALTER_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
            ApiKeys.INIT_PRODUCER_ID, ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.DESCRIBE_TOPIC_PARTITIONS, ApiKeys.DESCRIBE_CLUSTER));
        apis.removeIf(api -> !ADVERTISED.containsKey(api));
        int sent = 0;
        int unencodable = 0;
        int closedAfterSilentFailure = 0;
        try (LogCapture logs = LogCapture.of("io.samsa")) {
            RawConnection connection = RawConnection.open(broker.port());
            try {
                for (int i = 0; i < CASES; i++) {
                    ApiKeys api = apis.get(random.nextInt(apis.size()));
                    ApiVersion range = ADVERTISED.get(api);
                    short version = (short) (range.minVersion() + random.nextInt(range.maxVersion() - range.minVersion() + 1));
                    ApiMessage body = generate(api, version, random);
                    byte[] frame = encodable(api, body, version, i);
                    if (frame == null) {
                        unencodable++;
                        continue;
                    }
                    String description = "case " + i + " (seed " + SEED + "): " + api + " v" + version + " " + body;
                    connection.sendFrame(frame);
                    boolean silent = body instanceof ProduceRequestData produce && produce.acks() == 0;
                    if (silent) {
                        connection.sendFrame(RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, -i));
                    }
                    try {
                        RawConnection.Reply reply = silent ? connection.receive(ApiKeys.API_VERSIONS, (short) 0) : connection.receive(api, version);
                        assertThat(reply.correlationId()).as(description).isEqualTo(silent ? -i : i);
                    } catch (IOException e) {
                        if (!silent) {
                            fail("No answer to a well-formed request, " + description + ": " + e + "\n" + logs.warnings());
                        }
                        // As in Kafka, an acks=0 produce that fails for a partition closes the connection: the
                        // client's only way to learn of it. Go on over a new connection.
                        closedAfterSilentFailure++;
                        connection.close();
                        connection = RawConnection.open(broker.port());
                    }
                    sent++;
                }
            } finally {
                connection.close();
            }
            System.out.printf("%d structured requests answered, %d generated ones kafka-clients could not encode,"
                + " %d failed acks=0 produces closed their connection%n", sent, unencodable, closedAfterSilentFailure);
            assertThat(logs.messages(Level.ERROR)).as("errors logged by the broker").isEmpty();
            assertThat(logs.warnings()).as("connections closed").isEmpty();
        }
        assertThat(sent).isGreaterThan(CASES / 2);
    }

    /** The frame, or null when kafka-clients cannot write or read back this body at this version. */
    private static byte[] encodable(ApiKeys api, ApiMessage body, short version, int correlationId) {
        try {
            byte[] frame = RawConnection.frame(api, body, version, correlationId);
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            RequestHeader.parse(buffer);
            AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer));
            return frame;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ApiMessage generate(ApiKeys api, short version, Random r) {
        return switch (api) {
            case FETCH -> {
                FetchRequestData data = new FetchRequestData().setReplicaId(pick(r, -1, -1, 0, 1, 5))
                    .setMaxWaitMs(pick(r, -1, 0, 1, 10)).setMinBytes(pick(r, -1, 0, 1, 1000, Integer.MAX_VALUE))
                    .setMaxBytes(pick(r, -1, 0, 1, 100, Integer.MAX_VALUE)).setIsolationLevel((byte) pick(r, 0, 1, 2, -1))
                    .setSessionId(pick(r, 0, 0, -1, 1, r.nextInt())).setSessionEpoch(pick(r, -1, 0, 1, 2, Integer.MAX_VALUE));
                for (int t = r.nextInt(3); t > 0; t--) {
                    FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic();
                    if (version >= 13) {
                        topic.setTopicId(r.nextBoolean() ? topicId : Uuid.randomUuid());
                    } else {
                        topic.setTopic(name(r));
                    }
                    for (int p = r.nextInt(4); p > 0; p--) {
                        topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(partition(r))
                            .setFetchOffset(offset(r)).setPartitionMaxBytes(pick(r, -1, 0, 1, 10, 1 << 20, Integer.MAX_VALUE))
                            .setCurrentLeaderEpoch(pick(r, -1, 0, 1, 7)).setLastFetchedEpoch(pick(r, -1, 0, 3))
                            .setLogStartOffset(offset(r)));
                    }
                    data.topics().add(topic);
                }
                if (r.nextInt(4) == 0) {
                    FetchRequestData.ForgottenTopic forgotten = new FetchRequestData.ForgottenTopic().setPartitions(List.of(partition(r)));
                    if (version >= 13) {
                        forgotten.setTopicId(r.nextBoolean() ? topicId : Uuid.randomUuid());
                    } else {
                        forgotten.setTopic(name(r));
                    }
                    data.forgottenTopicsData().add(forgotten);
                }
                yield data;
            }
            case PRODUCE -> {
                ProduceRequestData data = new ProduceRequestData().setAcks((short) pick(r, -1, -1, 1, 1, 0, 2, -2))
                    .setTimeoutMs(pick(r, 0, 100, -1)).setTransactionalId(r.nextInt(6) == 0 ? "tx" : null);
                for (int t = 1 + r.nextInt(2); t > 0; t--) {
                    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
                    if (version >= 13) {
                        topic.setTopicId(r.nextBoolean() ? topicId : Uuid.randomUuid());
                    } else {
                        topic.setName(name(r));
                    }
                    List<ProduceRequestData.PartitionProduceData> partitions = new ArrayList<>();
                    for (int p = 1 + r.nextInt(2); p > 0; p--) {
                        partitions.add(new ProduceRequestData.PartitionProduceData().setIndex(partition(r)).setRecords(records(r)));
                    }
                    topic.setPartitionData(partitions);
                    if (data.topicData().find(topic.name(), topic.topicId()) == null) {
                        data.topicData().add(topic);
                    }
                }
                yield data;
            }
            case LIST_OFFSETS -> {
                ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(pick(r, -1, -1, -2, 0, 1))
                    .setIsolationLevel((byte) pick(r, 0, 1, 3)).setTimeoutMs(pick(r, 0, 100));
                for (int t = r.nextInt(3); t > 0; t--) {
                    ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic().setName(name(r));
                    for (int p = r.nextInt(4); p > 0; p--) {
                        topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(partition(r))
                            .setTimestamp(pickLong(r, -1, -2, -3, -4, -5, -6, -7, 0, System.currentTimeMillis(), Long.MAX_VALUE, Long.MIN_VALUE))
                            .setCurrentLeaderEpoch(pick(r, -1, 0, 1, 9)));
                    }
                    data.topics().add(topic);
                }
                yield data;
            }
            case METADATA -> {
                MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(r.nextBoolean());
                if (r.nextInt(4) == 0) {
                    data.setTopics(null);
                } else {
                    for (int t = r.nextInt(3); t > 0; t--) {
                        MetadataRequestData.MetadataRequestTopic topic = new MetadataRequestData.MetadataRequestTopic();
                        if (version >= 10 && r.nextBoolean()) {
                            topic.setName(null).setTopicId(r.nextBoolean() ? topicId : Uuid.randomUuid());
                        } else {
                            topic.setName(name(r));
                        }
                        data.topics().add(topic);
                    }
                }
                yield data;
            }
            case CREATE_TOPICS -> {
                CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(pick(r, 0, 1000, -1)).setValidateOnly(r.nextBoolean());
                for (int t = 1 + r.nextInt(2); t > 0; t--) {
                    CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic().setName(name(r))
                        .setNumPartitions(pick(r, -2, -1, 0, 1, 3, 10_001)).setReplicationFactor((short) pick(r, -2, -1, 0, 1, 2));
                    if (r.nextInt(3) == 0) {
                        for (int p = r.nextInt(3); p > 0; p--) {
                            topic.assignments().add(new CreateTopicsRequestData.CreatableReplicaAssignment()
                                .setPartitionIndex(pick(r, -1, 0, 1, 5)).setBrokerIds(brokerIds(r)));
                        }
                    }
                    for (int c = r.nextInt(3); c > 0; c--) {
                        topic.configs().add(new CreateTopicsRequestData.CreatableTopicConfig()
                            .setName(CONFIG_NAMES[r.nextInt(CONFIG_NAMES.length)]).setValue(CONFIG_VALUES[r.nextInt(CONFIG_VALUES.length)]));
                    }
                    if (data.topics().find(topic.name()) == null) {
                        data.topics().add(topic);
                    }
                }
                yield data;
            }
            case DELETE_TOPICS -> {
                DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(1000);
                String name = pickOf(r, "to-delete", "auto-created", "missing", "", "bad name!");
                if (version >= 6) {
                    data.topics().add(r.nextBoolean() ? new DeleteTopicsRequestData.DeleteTopicState().setName(name)
                        : new DeleteTopicsRequestData.DeleteTopicState().setName(null).setTopicId(Uuid.randomUuid()));
                } else {
                    data.topicNames().add(name);
                }
                yield data;
            }
            case CREATE_PARTITIONS -> {
                CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(1000).setValidateOnly(r.nextInt(4) != 0);
                CreatePartitionsRequestData.CreatePartitionsTopic topic = new CreatePartitionsRequestData.CreatePartitionsTopic()
                    .setName(pickOf(r, TOPIC, "auto-created", "missing", "")).setCount(pick(r, -1, 0, 1, 3, 4, 20_001, Integer.MAX_VALUE));
                if (r.nextBoolean()) {
                    topic.setAssignments(null);
                } else {
                    for (int a = r.nextInt(3); a > 0; a--) {
                        topic.assignments().add(new CreatePartitionsRequestData.CreatePartitionsAssignment().setBrokerIds(brokerIds(r)));
                    }
                }
                data.topics().add(topic);
                yield data;
            }
            case DELETE_RECORDS -> {
                DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(1000);
                data.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(pickOf(r, "auto-created", "missing", "", "to-delete"))
                    .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(partition(r))
                        .setOffset(pickLong(r, -1, -2, 0, 1, 5, Long.MAX_VALUE)))));
                yield data;
            }
            case OFFSET_FOR_LEADER_EPOCH -> {
                OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(pick(r, -1, -2, 0, 1));
                data.topics().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(name(r)).setPartitions(List.of(
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(partition(r))
                        .setLeaderEpoch(pick(r, -1, 0, 1, Integer.MAX_VALUE)).setCurrentLeaderEpoch(pick(r, -1, 0, 2)))));
                yield data;
            }
            case DESCRIBE_CONFIGS -> {
                DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(r.nextBoolean())
                    .setIncludeDocumentation(r.nextBoolean());
                for (int n = 1 + r.nextInt(2); n > 0; n--) {
                    data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(resourceType(r))
                        .setResourceName(resourceName(r)).setConfigurationKeys(r.nextBoolean() ? null
                            : List.of(CONFIG_NAMES[r.nextInt(CONFIG_NAMES.length)])));
                }
                yield data;
            }
            case ALTER_CONFIGS -> {
                AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(r.nextInt(3) != 0);
                AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(resourceType(r)).setResourceName(pickOf(r, "auto-created", "missing", "", "1", "0", "bad name!"));
                resource.configs().add(new AlterConfigsRequestData.AlterableConfig()
                    .setName(CONFIG_NAMES[r.nextInt(CONFIG_NAMES.length)]).setValue(CONFIG_VALUES[r.nextInt(CONFIG_VALUES.length)]));
                data.resources().add(resource);
                yield data;
            }
            case INCREMENTAL_ALTER_CONFIGS -> {
                IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(r.nextInt(3) != 0);
                IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                    .setResourceType(resourceType(r)).setResourceName(pickOf(r, "auto-created", "missing", "", "1", "0", "bad name!"));
                resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                    .setName(CONFIG_NAMES[r.nextInt(CONFIG_NAMES.length)]).setConfigOperation((byte) pick(r, 0, 1, 2, 3, 4, -1))
                    .setValue(CONFIG_VALUES[r.nextInt(CONFIG_VALUES.length)]));
                data.resources().add(resource);
                yield data;
            }
            case INIT_PRODUCER_ID -> new InitProducerIdRequestData().setTransactionalId(pickOf(r, null, null, "", "tx"))
                .setTransactionTimeoutMs(pick(r, -1, 0, 60_000, Integer.MAX_VALUE))
                .setProducerId(pickLong(r, -1, 0, 5, Long.MAX_VALUE)).setProducerEpoch((short) pick(r, -1, 0, 1, Short.MAX_VALUE));
            case DESCRIBE_LOG_DIRS -> {
                DescribeLogDirsRequestData data = new DescribeLogDirsRequestData();
                if (r.nextBoolean()) {
                    data.setTopics(null);
                } else {
                    data.topics().add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic(name(r))
                        .setPartitions(List.of(partition(r))));
                }
                yield data;
            }
            case DESCRIBE_TOPIC_PARTITIONS -> {
                DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                    .setResponsePartitionLimit(pick(r, -1, 0, 1, 2, Integer.MAX_VALUE));
                for (int t = r.nextInt(3); t > 0; t--) {
                    data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(name(r)));
                }
                if (r.nextBoolean()) {
                    data.setCursor(new DescribeTopicPartitionsRequestData.Cursor().setTopicName(name(r)).setPartitionIndex(partition(r)));
                }
                yield data;
            }
            case DESCRIBE_CLUSTER -> new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(r.nextBoolean())
                .setEndpointType((byte) pick(r, 1, 1, 2, 0, 7)).setIncludeFencedBrokers(r.nextBoolean());
            default -> throw new IllegalArgumentException(api.toString());
        };
    }

    private static MemoryRecords records(Random r) {
        Compression[] codecs = {Compression.NONE, Compression.gzip().build(), Compression.lz4().build(),
            Compression.snappy().build(), Compression.zstd().build()};
        SimpleRecord[] records = new SimpleRecord[1 + r.nextInt(3)];
        for (int i = 0; i < records.length; i++) {
            long timestamp = pickLong(r, System.currentTimeMillis(), System.currentTimeMillis(), -1, 0, Long.MAX_VALUE);
            records[i] = new SimpleRecord(timestamp, r.nextBoolean() ? null : ("k" + i).getBytes(StandardCharsets.UTF_8),
                r.nextInt(5) == 0 ? null : ("v" + r.nextInt()).getBytes(StandardCharsets.UTF_8));
        }
        long producerId = r.nextInt(3) == 0 ? pickLong(r, 0, 1, 1000, Long.MAX_VALUE) : RecordBatch.NO_PRODUCER_ID;
        short epoch = producerId == RecordBatch.NO_PRODUCER_ID ? RecordBatch.NO_PRODUCER_EPOCH : (short) pick(r, 0, 1, 7);
        int sequence = producerId == RecordBatch.NO_PRODUCER_ID ? RecordBatch.NO_SEQUENCE : pick(r, 0, 1, 5, Integer.MAX_VALUE);
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, codecs[r.nextInt(codecs.length)],
            r.nextInt(4) == 0 ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME, producerId, epoch, sequence,
            pick(r, -1, 0, 3), producerId != RecordBatch.NO_PRODUCER_ID && r.nextInt(4) == 0, records);
    }

    private static String name(Random r) {
        return NAMES[r.nextInt(NAMES.length)];
    }

    private static int partition(Random r) {
        return pick(r, 0, 0, 1, 2, 3, -1, 100, Integer.MAX_VALUE);
    }

    private static long offset(Random r) {
        return pickLong(r, 0, 0, 1, 5, 9, 10, 11, -1, -2, 1_000_000, Long.MAX_VALUE);
    }

    private static List<Integer> brokerIds(Random r) {
        List<Integer> ids = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            ids.add(pick(r, 1, 1, 0, -1, 2, 99));
        }
        return ids;
    }

    private static byte resourceType(Random r) {
        return (byte) pick(r, 2, 2, 4, 0, 1, 3, 8, 16, -1);
    }

    private static String resourceName(Random r) {
        return pickOf(r, TOPIC, "missing", "", "1", "0", "-1", "bad name!");
    }

    private static int pick(Random r, int... values) {
        return values[r.nextInt(values.length)];
    }

    private static long pickLong(Random r, long... values) {
        return values[r.nextInt(values.length)];
    }

    @SafeVarargs
    private static <T> T pickOf(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }
}
