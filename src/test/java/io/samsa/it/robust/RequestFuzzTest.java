package io.samsa.it.robust;

import ch.qos.logback.classic.Level;
import io.netty.util.ResourceLeakDetector;
import io.samsa.server.EmbeddedBroker;
import io.samsa.partition.PartitionManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Thousands of mutated requests (flipped bytes, cut or extended bodies, lying sizes) on fresh connections.
 * Afterwards the broker still serves real clients, everything acknowledged before is still there, nothing
 * it accepted is unreadable, and it logged no error (an error log means a handler failed on input).
 */
class RequestFuzzTest {
    private static final long SEED = Long.getLong("samsa.fuzz.seed", 20261125L);
    private static final int CASES = Integer.getInteger("samsa.fuzz.cases", 10_000);
    private static final String PRECIOUS = "precious";
    private static final String TARGET = "fuzz-target";
    private static final int PRECIOUS_RECORDS = 300;

    private static ResourceLeakDetector.Level leakLevel;
    private static Path dataDir;
    private static EmbeddedBroker broker;
    private static LogCapture samsaLogs;
    private static LogCapture nettyLogs;

    private record Template(String name, byte[] frame) {
    }

    @BeforeAll
    static void start() throws Exception {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        dataDir = Files.createTempDirectory("samsa-fuzz-");
        broker = EmbeddedBroker.start(Map.of("socket.request.max.bytes", String.valueOf(1 << 20), "log.dirs", dataDir.toString()));
        samsaLogs = LogCapture.of("io.samsa");
        nettyLogs = LogCapture.of("io.netty");
    }

    @AfterAll
    static void stop() {
        samsaLogs.close();
        nettyLogs.close();
        broker.close();
        PartitionManager.deleteDirectory(dataDir);
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @Test
    void mutatedRequestsNeitherKillTheBrokerNorLoseAcknowledgedRecords() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(PRECIOUS, 3, (short) 1), new NewTopic(TARGET, 2, (short) 1))).all().get();
        }
        Map<String, String> acknowledged = produceAcknowledged();

        Uuid targetId;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            targetId = admin.describeTopics(List.of(TARGET)).allTopicNames().get().get(TARGET).topicId();
        }
        List<Template> templates = templates(targetId);
        Random random = new Random(SEED);
        long start = System.nanoTime();
        int answered = 0;
        for (int i = 0; i < CASES; i++) {
            int frames = 1 + random.nextInt(3);
            ByteBuffer wire = ByteBuffer.allocate(1 << 16);
            List<String> names = new ArrayList<>();
            for (int f = 0; f < frames; f++) {
                Template template = templates.get(random.nextInt(templates.size()));
                byte[] bytes = random.nextInt(8) == 0 ? sized(template.frame()) : mutate(template.frame(), random);
                if (wire.remaining() < bytes.length) {
                    break;
                }
                wire.put(bytes);
                names.add(template.name());
            }
            String description = "case " + i + " (seed " + SEED + ", " + names + ")";
            if (exchange(Arrays.copyOf(wire.array(), wire.position()), description) > 0) {
                answered++;
            }
        }
        long fuzzMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%d fuzz cases in %d ms, %d got at least one response%n", CASES, fuzzMs, answered);

        assertStillServesClients();
        assertThat(consumeAll(PRECIOUS)).as("records acknowledged before the fuzzing").containsAllEntriesOf(acknowledged)
            .hasSize(acknowledged.size());
        consumeAll(TARGET);
        System.gc();
        assertStillServesClients();
        assertThat(samsaLogs.messages(Level.ERROR)).as("errors logged by the broker").isEmpty();
        assertThat(nettyLogs.messages(Level.ERROR)).as("buffer leaks and other Netty errors").isEmpty();

        // What the fuzzing left on disk does not stand in the way of a restart, and nothing acknowledged is lost.
        Map<String, Object> settings = broker.settings();
        broker.close();
        broker = EmbeddedBroker.startOn(dataDir, settings);
        assertThat(consumeAll(PRECIOUS)).as("acknowledged records after a restart").isEqualTo(acknowledged);
        consumeAll(TARGET);
        assertStillServesClients();
    }

    @Test
    void batchesWithAMatchingCrcButMutatedRecordsAreRefusedOrReadable() throws Exception {
        String topic = "crc-valid-fuzz";
        Compression[] codecs = {Compression.NONE, Compression.gzip().build(), Compression.snappy().build(),
            Compression.lz4().build(), Compression.zstd().build()};
        Random random = new Random(SEED);
        int accepted = 0;
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.createTopic(topic, 1, Map.of());
            for (int i = 0; i < CASES / 4; i++) {
                MemoryRecords records = MemoryRecords.withRecords(codecs[i % codecs.length], records());
                ByteBuffer buffer = records.buffer();
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    int position = ATTRIBUTES_OFFSET + random.nextInt(buffer.limit() - ATTRIBUTES_OFFSET);
                    buffer.put(position, (byte) (buffer.get(position) ^ (1 + random.nextInt(255))));
                }
                buffer.putInt(CRC_OFFSET, (int) Crc32C.compute(buffer, ATTRIBUTES_OFFSET, buffer.limit() - ATTRIBUTES_OFFSET));
                ProduceRequestData request = produce(records);
                request.topicData().iterator().next().setName(topic).partitionData().get(0).setIndex(0);
                connection.sendFrame(RawConnection.frame(ApiKeys.PRODUCE, request, (short) 9, i));
                RawConnection.Reply reply = connection.receive(ApiKeys.PRODUCE, (short) 9);
                short error = ((ProduceResponse) reply.body()).data().responses().iterator().next().partitionResponses().get(0).errorCode();
                if (error == 0) {
                    accepted++;
                }
            }
        }
        System.out.printf("%d of %d batches with mutated records and a matching CRC were accepted%n", accepted, CASES / 4);
        // Whatever was accepted, a consumer that checks CRCs reads to the end without an error.
        consumeAll(topic);
        assertThat(samsaLogs.messages(Level.ERROR)).as("errors logged by the broker").isEmpty();
    }

    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;

    /** Sends the bytes, ends our side of the stream and reads until the broker closes; returns the bytes read. */
    private static long exchange(byte[] bytes, String description) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
                socket.shutdownOutput();
            } catch (SocketException e) {
                return 0; // closed by the broker before it read everything: allowed
            }
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            long read = 0;
            try {
                for (int n = in.read(sink); n >= 0; n = in.read(sink)) {
                    read += n; // responses are dropped: what matters is that the broker lives on
                }
            } catch (SocketTimeoutException e) {
                fail("The broker neither answered nor closed the connection within 10 s: " + description);
            } catch (SocketException e) {
                // reset by the broker
            }
            return read;
        }
    }

    private static byte[] mutate(byte[] frame, Random random) {
        byte[] body = frame.clone();
        Integer sizeOverride = null;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(9)) {
                case 0, 1 -> {
                    for (int n = 1 + random.nextInt(4); n > 0 && body.length > 0; n--) {
                        body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case 2 -> {
                    if (body.length > 0) {
                        byte[] interesting = {0, -1, 0x7f, (byte) 0x80, 1};
                        body[random.nextInt(body.length)] = interesting[random.nextInt(interesting.length)];
                    }
                }
                case 3 -> {
                    if (body.length >= 4) {
                        int[] interesting = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 20, 65535, 2};
                        ByteBuffer.wrap(body).putInt(random.nextInt(body.length - 3), interesting[random.nextInt(interesting.length)]);
                    }
                }
                case 4 -> body = Arrays.copyOf(body, random.nextInt(body.length + 1));
                case 5 -> {
                    byte[] extended = Arrays.copyOf(body, body.length + 1 + random.nextInt(64));
                    for (int k = body.length; k < extended.length; k++) {
                        extended[k] = (byte) random.nextInt(256);
                    }
                    body = extended;
                }
                case 6 -> sizeOverride = body.length + random.nextInt(17) - 8;
                case 7 -> sizeOverride = random.nextInt();
                default -> {
                    if (body.length > 8) {
                        // Cut out a slice from the middle, as a length field that lies about its contents would.
                        int from = random.nextInt(body.length - 4);
                        int to = Math.min(body.length, from + 1 + random.nextInt(8));
                        byte[] shorter = new byte[body.length - (to - from)];
                        System.arraycopy(body, 0, shorter, 0, from);
                        System.arraycopy(body, to, shorter, from, body.length - to);
                        body = shorter;
                    }
                }
            }
        }
        ByteBuffer buffer = ByteBuffer.allocate(4 + body.length);
        buffer.putInt(sizeOverride == null ? body.length : sizeOverride).put(body);
        return buffer.array();
    }

    private static byte[] sized(byte[] frame) {
        return ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
    }

    private static List<Template> templates(Uuid targetId) {
        List<Template> templates = new ArrayList<>();
        ProduceRequestData byId = produce(MemoryRecords.withRecords(Compression.zstd().build(), records()));
        byId.topicData().iterator().next().setName("").setTopicId(targetId);
        add(templates, ApiKeys.PRODUCE, (short) 13, byId);
        FetchRequestData fetchById = fetch(50, 1);
        fetchById.topics().get(0).setTopic("").setTopicId(targetId);
        fetchById.forgottenTopicsData().add(new FetchRequestData.ForgottenTopic().setTopicId(Uuid.randomUuid()).setPartitions(List.of(0)));
        add(templates, ApiKeys.FETCH, (short) 17, fetchById);
        add(templates, ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName(null).setTopicId(targetId))));
        add(templates, ApiKeys.DESCRIBE_TOPIC_PARTITIONS, (short) 0, new DescribeTopicPartitionsRequestData()
            .setResponsePartitionLimit(10).setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(TARGET))));
        DeleteTopicsRequestData delete = new DeleteTopicsRequestData().setTimeoutMs(5000);
        delete.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("fuzz-created"));
        add(templates, ApiKeys.DELETE_TOPICS, (short) 6, delete);
        OffsetForLeaderEpochRequestData epochs = new OffsetForLeaderEpochRequestData();
        epochs.topics().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TARGET).setPartitions(List.of(
            new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(0))));
        add(templates, ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 4, epochs);
        DeleteRecordsRequestData deleteRecords = new DeleteRecordsRequestData().setTimeoutMs(5000);
        deleteRecords.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TARGET).setPartitions(List.of(
            new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(0))));
        add(templates, ApiKeys.DELETE_RECORDS, (short) 2, deleteRecords);
        IncrementalAlterConfigsRequestData alter = new IncrementalAlterConfigsRequestData().setValidateOnly(true);
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData.AlterConfigsResource()
            .setResourceType((byte) 2).setResourceName(TARGET);
        resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
            .setConfigOperation((byte) 0).setValue("86400000"));
        alter.resources().add(resource);
        add(templates, ApiKeys.INCREMENTAL_ALTER_CONFIGS, (short) 1, alter);
        add(templates, ApiKeys.DESCRIBE_LOG_DIRS, (short) 4, new DescribeLogDirsRequestData().setTopics(null));
        add(templates, ApiKeys.DESCRIBE_CLUSTER, (short) 1, new DescribeClusterRequestData());
        add(templates, ApiKeys.API_VERSIONS, (short) 0, new ApiVersionsRequestData());
        add(templates, ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()
            .setClientSoftwareName("fuzz").setClientSoftwareVersion("1.0"));
        add(templates, ApiKeys.METADATA, (short) 1, new MetadataRequestData().setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName(TARGET))));
        add(templates, ApiKeys.METADATA, (short) 12, new MetadataRequestData().setAllowAutoTopicCreation(false).setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName(TARGET), new MetadataRequestData.MetadataRequestTopic().setName("fuzz-x"))));
        add(templates, ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
        for (short version : new short[]{3, 9}) {
            add(templates, ApiKeys.PRODUCE, version, produce(MemoryRecords.withRecords(Compression.NONE, records())));
        }
        add(templates, ApiKeys.PRODUCE, (short) 9, produce(MemoryRecords.withRecords(Compression.gzip().build(), records())));
        add(templates, ApiKeys.PRODUCE, (short) 9, produce(MemoryRecords.withRecords(Compression.lz4().build(), records())));
        for (short version : new short[]{4, 12}) {
            add(templates, ApiKeys.FETCH, version, fetch(0, 0));
            add(templates, ApiKeys.FETCH, version, fetch(100, 1));
        }
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(5000);
        create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("fuzz-created").setNumPartitions(1)
            .setReplicationFactor((short) 1).setConfigs(new CreateTopicsRequestData.CreatableTopicConfigCollection(List.of(
                new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue("60000")).iterator())));
        add(templates, ApiKeys.CREATE_TOPICS, (short) 2, create);
        add(templates, ApiKeys.CREATE_TOPICS, (short) 7, create.duplicate().setValidateOnly(true));
        CreatePartitionsRequestData grow = new CreatePartitionsRequestData().setTimeoutMs(5000).setValidateOnly(true);
        grow.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(TARGET).setCount(3).setAssignments(null));
        add(templates, ApiKeys.CREATE_PARTITIONS, (short) 3, grow);
        DescribeConfigsRequestData describe = new DescribeConfigsRequestData();
        describe.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
            .setResourceName(TARGET).setConfigurationKeys(null));
        add(templates, ApiKeys.DESCRIBE_CONFIGS, (short) 4, describe);
        ListOffsetsRequestData list = new ListOffsetsRequestData().setReplicaId(-1);
        list.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName(TARGET).setPartitions(List.of(
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1),
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1).setTimestamp(-2))));
        add(templates, ApiKeys.LIST_OFFSETS, (short) 1, list);
        add(templates, ApiKeys.LIST_OFFSETS, (short) 7, list);
        add(templates, ApiKeys.INIT_PRODUCER_ID, (short) 4, new InitProducerIdRequestData().setTransactionTimeoutMs(60000)
            .setProducerId(-1).setProducerEpoch((short) -1));
        return templates;
    }

    private static void add(List<Template> templates, ApiKeys api, short version, ApiMessage body) {
        templates.add(new Template(api + " v" + version, RawConnection.frame(api, body, version, templates.size() + 1)));
    }

    private static SimpleRecord[] records() {
        return new SimpleRecord[]{
            new SimpleRecord(1_700_000_000_000L, "k1".getBytes(StandardCharsets.UTF_8), "v1".getBytes(StandardCharsets.UTF_8)),
            new SimpleRecord(1_700_000_000_001L, null, "value two".getBytes(StandardCharsets.UTF_8)),
            new SimpleRecord(1_700_000_000_002L, "k3".getBytes(StandardCharsets.UTF_8), null)};
    }

    private static ProduceRequestData produce(MemoryRecords records) {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000);
        request.topicData().add(new ProduceRequestData.TopicProduceData().setName(TARGET).setPartitionData(List.of(
            new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(records))));
        return request;
    }

    private static FetchRequestData fetch(int maxWaitMs, int minBytes) {
        FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(minBytes)
            .setMaxBytes(1 << 20).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(TARGET).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 16),
            new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(2).setPartitionMaxBytes(1 << 16))));
        return fetch;
    }

    private static Map<String, String> produceAcknowledged() throws Exception {
        Map<String, String> acknowledged = new HashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < PRECIOUS_RECORDS; i++) {
                String key = "key-" + i;
                String value = "value-" + i + "-" + "x".repeat(i % 50);
                sends.add(producer.send(new ProducerRecord<>(PRECIOUS, key, value)));
                acknowledged.put(key, value);
            }
            for (Future<?> send : sends) {
                send.get();
            }
        }
        return acknowledged;
    }

    private static void assertStillServesClients() throws Exception {
        String topic = "after-fuzz-" + System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
        assertThat(consumeAll(topic)).hasSize(10).containsEntry("k9", "v9");
    }

    /** Reads every partition of the topic from its start to its end offset, as a consumer that checks CRCs. */
    private static Map<String, String> consumeAll(String topic) {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.CHECK_CRCS_CONFIG, true,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, String> values = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("Could not read " + topic + " to its end " + end);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null) {
                        values.put(record.key(), record.value());
                    }
                }
            }
        }
        return values;
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    }
}
