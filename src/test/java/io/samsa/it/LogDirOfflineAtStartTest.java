package io.samsa.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log that fails to open at start-up with an I/O error (a directory where a segment file should be: opening it
 * fails with "Is a directory", also as root) takes only its own log directory offline, as in Kafka: the broker
 * starts, the partitions of the other directory are served, those of the failed one answer KAFKA_STORAGE_ERROR
 * and show no leader, DescribeLogDirs reports the directory's error. With every directory failed the broker
 * refuses to start, saying so in one line.
 */
class LogDirOfflineAtStartTest {

    private static final String TOPIC = "halves";

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void logThatFailsToOpenTakesOnlyItsLogDirOffline() throws Exception {
        Map<String, String> settings = Map.of("log.dirs", first + "," + second);
        Path failingDir;
        Path healthyDir;
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            Clients.createTopic(broker.bootstrapServers(), TOPIC, 2, Map.of());
            failingDir = broker.broker().partitions().partition(new TopicPartition(TOPIC, 0)).log().logDir();
            healthyDir = broker.broker().partitions().partition(new TopicPartition(TOPIC, 1)).log().logDir();
            assertThat(failingDir).isNotEqualTo(healthyDir);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, "a".getBytes())).get(10, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(TOPIC, 1, null, "b".getBytes())).get(10, TimeUnit.SECONDS);
            }
        }
        breakPartition(failingDir.resolve(TOPIC + "-0"));

        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            String bootstrap = broker.bootstrapServers();
            int nodeId = broker.broker().config().nodeId();
            assertThat(broker.broker().partitions().offlineLogDirs()).containsExactly(failingDir);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of());
                 WireClient wire = WireClient.connect(bootstrap);
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                assertThat(producer.send(new ProducerRecord<>(TOPIC, 1, null, "c".getBytes())).get(10, TimeUnit.SECONDS)
                    .offset()).as("the healthy directory takes produce").isEqualTo(1);
                assertThat(readHealthyPartition(bootstrap)).containsExactly("b", "c");

                assertThat(produceErrors(wire)).containsExactly(
                    Map.entry(0, Errors.KAFKA_STORAGE_ERROR), Map.entry(1, Errors.NONE));
                assertThat(fetchErrors(wire)).containsExactly(
                    Map.entry(0, Errors.KAFKA_STORAGE_ERROR), Map.entry(1, Errors.NONE));

                MetadataResponse metadata = (MetadataResponse) wire.sendData(ApiKeys.METADATA, (short) 12,
                    new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC))));
                MetadataResponsePartition offline = metadata.data().topics().find(TOPIC).partitions().stream()
                    .filter(p -> p.partitionIndex() == 0).findFirst().orElseThrow();
                assertThat(offline.leaderId()).isEqualTo(-1);
                assertThat(offline.offlineReplicas()).containsExactly(nodeId);

                Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(nodeId)).allDescriptions()
                    .get(10, TimeUnit.SECONDS).get(nodeId);
                assertThat(dirs.get(failingDir.toString()).error()).isInstanceOf(KafkaStorageException.class);
                assertThat(dirs.get(healthyDir.toString()).error()).isNull();
            }
        }
    }

    @Test
    void brokerRefusesToStartWhenEveryLogDirIsOffline() throws Exception {
        Map<String, String> settings = Map.of("log.dirs", first + "," + second);
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            Clients.createTopic(broker.bootstrapServers(), TOPIC, 2, Map.of());
        }
        breakPartition(first.resolve(TOPIC + "-0").toFile().exists() ? first.resolve(TOPIC + "-0") : second.resolve(TOPIC + "-0"));
        breakPartition(first.resolve(TOPIC + "-1").toFile().exists() ? first.resolve(TOPIC + "-1") : second.resolve(TOPIC + "-1"));

        Throwable refused = catchThrowable(() -> EmbeddedBroker.start(settings).close());
        assertThat(refused).isNotNull();
        Throwable root = refused;
        while (root.getCause() != null && !root.getMessage().contains("every log directory is offline")) {
            root = root.getCause();
        }
        assertThat(root.getMessage()).contains("every log directory is offline").doesNotContain("\n");
    }

    /** Partition 1's values from the beginning, read by a consumer assigned to it alone. */
    private static List<String> readHealthyPartition(String bootstrap) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            TopicPartition healthy = new TopicPartition(TOPIC, 1);
            consumer.assign(List.of(healthy));
            consumer.seekToBeginning(List.of(healthy));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** A directory where a segment file is expected: opening it fails with an IOException ("Is a directory"). */
    private static void breakPartition(Path partitionDir) throws Exception {
        Files.createDirectories(partitionDir.resolve("00000000000000100000.log"));
    }

    private static Map<Integer, Errors> produceErrors(WireClient wire) {
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        for (int partition = 0; partition < 2; partition++) {
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("w".getBytes()))));
        }
        produce.topicData().add(topic);
        ProduceResponse response = (ProduceResponse) wire.sendData(ApiKeys.PRODUCE, (short) 9, produce);
        Map<Integer, Errors> errors = new TreeMap<>();
        for (ProduceResponseData.PartitionProduceResponse p : response.data().responses().iterator().next()
            .partitionResponses()) {
            errors.put(p.index(), Errors.forCode(p.errorCode()));
        }
        return errors;
    }

    private static Map<Integer, Errors> fetchErrors(WireClient wire) {
        FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
            .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20),
            new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
        FetchResponse response = (FetchResponse) wire.sendData(ApiKeys.FETCH, (short) 12, fetch);
        Map<Integer, Errors> errors = new TreeMap<>();
        for (FetchResponseData.PartitionData p : response.data().responses().get(0).partitions()) {
            errors.put(p.partitionIndex(), Errors.forCode(p.errorCode()));
        }
        return errors;
    }
}
