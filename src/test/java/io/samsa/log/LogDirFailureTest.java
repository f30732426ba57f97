package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.samsa.partition.PartitionManager;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed fsync takes its whole log directory offline, as in Kafka: every partition in it answers
 * KAFKA_STORAGE_ERROR to produce, fetch and ListOffsets, DescribeLogDirs reports the directory's
 * error, and the partitions of the other log directory keep serving.
 */
class LogDirFailureTest {

    private static final String TOPIC = "spread";
    /**
     * After KAFKA_STORAGE_ERROR the producer refreshes metadata, which shows the partition without a leader as
     * Kafka does ({@link OfflineLogDirMetadataTest}): a send it then holds for a leader ends in this timeout.
     */
    private static final Class<org.apache.kafka.common.errors.TimeoutException> LEADERLESS =
        org.apache.kafka.common.errors.TimeoutException.class;

    @TempDir
    Path first;
    @TempDir
    Path second;

    @AfterEach
    void removeHook() {
        Fsync.hook = Fsync.NONE;
    }

    @Test
    void failedFsyncTakesItsLogDirOfflineWhileTheOtherDirKeepsServing() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("log.dirs", first + "," + second))) {
            String bootstrap = broker.bootstrapServers();
            // Two partitions: one lands in each log dir (the emptier dir gets the next partition).
            Clients.createTopic(bootstrap, TOPIC, 2, Map.of("flush.messages", "1"));
            PartitionManager partitions = broker.broker().partitions();
            Path failingDir = partitions.partition(new TopicPartition(TOPIC, 0)).log().logDir();
            Path healthyDir = partitions.partition(new TopicPartition(TOPIC, 1)).log().logDir();
            assertThat(failingDir).isNotEqualTo(healthyDir);
            // A partition of another topic that shares the failing directory: it goes offline with it.
            Clients.createTopic(bootstrap, "neighbour", 2, Map.of());
            int neighbourInFailingDir =
                partitions.partition(new TopicPartition("neighbour", 0)).log().logDir().equals(failingDir) ? 0 : 1;
            assertThat(partitions.partition(new TopicPartition("neighbour", neighbourInFailingDir)).log().logDir())
                .isEqualTo(failingDir);

            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                     Map.of("linger.ms", 0, "retries", 0, "enable.idempotence", false,
                         "request.timeout.ms", 4000, "delivery.timeout.ms", 5000));
                 WireClient wire = WireClient.connect(bootstrap);
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, "kept".getBytes())).get(10, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(TOPIC, 1, null, "kept".getBytes())).get(10, TimeUnit.SECONDS);

                Fsync.hook = path -> {
                    if (path.toAbsolutePath().startsWith(failingDir)) {
                        throw new IOException("Input/output error (injected)");
                    }
                };
                Throwable failed = catchThrowable(() ->
                    producer.send(new ProducerRecord<>(TOPIC, 0, null, "lost".getBytes())).get(10, TimeUnit.SECONDS));
                assertThat(failed).isInstanceOf(ExecutionException.class).cause().isInstanceOf(KafkaStorageException.class);
                assertThat(partitions.offlineLogDirs()).containsExactly(failingDir);

                Fsync.hook = Fsync.NONE;
                Throwable again = catchThrowable(() ->
                    producer.send(new ProducerRecord<>(TOPIC, 0, null, "refused".getBytes())).get(10, TimeUnit.SECONDS));
                assertThat(again).as("no retry of a failed fsync: the dir stays offline")
                    .cause().isInstanceOfAny(KafkaStorageException.class, LEADERLESS);
                Throwable neighbour = catchThrowable(() -> producer.send(
                    new ProducerRecord<>("neighbour", neighbourInFailingDir, null, "x".getBytes())).get(10, TimeUnit.SECONDS));
                assertThat(neighbour).as("the whole directory is offline").cause()
                    .isInstanceOfAny(KafkaStorageException.class, LEADERLESS);
                assertThat(producer.send(new ProducerRecord<>("neighbour", 1 - neighbourInFailingDir, null,
                    "x".getBytes())).get(10, TimeUnit.SECONDS).offset()).isZero();
                assertThat(producer.send(new ProducerRecord<>(TOPIC, 1, null, "served".getBytes()))
                    .get(10, TimeUnit.SECONDS).offset()).isEqualTo(1);

                assertThat(fetchErrors(wire)).containsExactly(
                    Map.entry(0, Errors.KAFKA_STORAGE_ERROR), Map.entry(1, Errors.NONE));
                assertThat(listOffsetsErrors(wire)).containsExactly(
                    Map.entry(0, Errors.KAFKA_STORAGE_ERROR), Map.entry(1, Errors.NONE));

                int nodeId = broker.broker().config().nodeId();
                Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(nodeId)).allDescriptions()
                    .get(10, TimeUnit.SECONDS).get(nodeId);
                assertThat(dirs.get(failingDir.toString()).error()).isInstanceOf(KafkaStorageException.class);
                assertThat(dirs.get(healthyDir.toString()).error()).isNull();
            }
        }
    }

    private static Map<Integer, Errors> fetchErrors(WireClient wire) {
        FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
            .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20),
            new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
        FetchResponse response = (FetchResponse) wire.sendData(ApiKeys.FETCH, (short) 12, fetch);
        Map<Integer, Errors> errors = new java.util.TreeMap<>();
        for (FetchResponseData.PartitionData p : response.data().responses().get(0).partitions()) {
            errors.put(p.partitionIndex(), Errors.forCode(p.errorCode()));
        }
        return errors;
    }

    private static Map<Integer, Errors> listOffsetsErrors(WireClient wire) {
        ListOffsetsRequestData list = new ListOffsetsRequestData().setReplicaId(-1);
        list.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1),
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(1).setTimestamp(-1))));
        ListOffsetsResponse response = (ListOffsetsResponse) wire.sendData(ApiKeys.LIST_OFFSETS, (short) 7, list);
        Map<Integer, Errors> errors = new java.util.TreeMap<>();
        for (ListOffsetsResponseData.ListOffsetsPartitionResponse p : response.data().topics().get(0).partitions()) {
            errors.put(p.partitionIndex(), Errors.forCode(p.errorCode()));
        }
        return errors;
    }
}
