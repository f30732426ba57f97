package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Fetch long polling (fetch.min.bytes / fetch.max.wait.ms) and fetch sessions, on the wire. */
class FetchLongPollTest {
    /** The newest Fetch version Samsa advertises. */
    static final short FETCH_VERSION = 17;
    static EmbeddedBroker broker;
    static Uuid topicId;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start();
        Clients.createTopic(broker.bootstrapServers(), "poll", 1, Map.of());
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            MetadataResponse md = client.send(new MetadataRequest.Builder(List.of("poll"), false));
            topicId = md.topicMetadata().iterator().next().topicId();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static FetchRequest.Builder fetch(long offset, int minBytes, int maxWaitMs, FetchMetadata session) {
        Map<org.apache.kafka.common.TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
        partitions.put(new org.apache.kafka.common.TopicPartition("poll", 0),
            new FetchRequest.PartitionData(topicId, offset, -1, 1 << 20, Optional.empty()));
        return FetchRequest.Builder.forConsumer(FETCH_VERSION, maxWaitMs, minBytes, partitions)
            .isolationLevel(IsolationLevel.READ_UNCOMMITTED)
            .metadata(session);
    }

    private static long logEnd() {
        return broker.broker().partitions().partition(new org.apache.kafka.common.TopicPartition("poll", 0)).highWatermark();
    }

    private static void produce(int count, int valueBytes) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("poll", 0, null, new byte[valueBytes])).get();
            }
        }
    }

    @Test
    void fetchWaitsForMinBytesUntilMaxWait() {
        long end = logEnd();
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            long start = System.nanoTime();
            FetchResponse response = client.send(fetch(end, 1, 700, FetchMetadata.LEGACY));
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(response.error()).isEqualTo(Errors.NONE);
            assertThat(elapsedMs).as("waited for max.wait").isGreaterThanOrEqualTo(600);
            var data = response.responseData(Map.of(topicId, "poll"), FETCH_VERSION).values().iterator().next();
            assertThat(data.records().sizeInBytes()).isZero();
        }
    }

    @Test
    void fetchReturnsAsSoonAsMinBytesArrive() throws Exception {
        long end = logEnd();
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            long start = System.nanoTime();
            CompletableFuture<FetchResponse> pending = CompletableFuture.supplyAsync(
                () -> client.send(fetch(end, 2000, 20_000, FetchMetadata.LEGACY)));
            produce(3, 1000);
            FetchResponse response = pending.get(15, TimeUnit.SECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMs).as("answered long before max.wait").isLessThan(10_000);
            var data = response.responseData(Map.of(topicId, "poll"), FETCH_VERSION).values().iterator().next();
            assertThat(data.records().sizeInBytes()).isGreaterThanOrEqualTo(2000);
        }
    }

    @Test
    void fetchFromOffsetInsideBatchReturnsWholeBatch() throws Exception {
        long base = logEnd();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of("linger.ms", 100))) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("poll", 0, null, new byte[] {(byte) i}));
            }
            producer.flush();
        }
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            FetchResponse response = client.send(fetch(base + 5, 0, 0, FetchMetadata.LEGACY));
            var data = response.responseData(Map.of(topicId, "poll"), FETCH_VERSION).values().iterator().next();
            RecordBatch first = ((org.apache.kafka.common.record.internal.Records) data.records()).batches().iterator().next();
            assertThat(first.baseOffset()).isLessThanOrEqualTo(base + 5);
            assertThat(first.lastOffset()).isGreaterThanOrEqualTo(base + 5);
        }
    }

    @Test
    void incrementalFetchSessionSendsOnlyChangedPartitions() throws Exception {
        produce(1, 10);
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            long end = logEnd();
            FetchResponse full = client.send(fetch(end, 0, 0, FetchMetadata.INITIAL));
            assertThat(full.error()).isEqualTo(Errors.NONE);
            int sessionId = full.sessionId();
            assertThat(sessionId).isNotZero();
            assertThat(full.data().responses()).hasSize(1);

            // Nothing changed: the incremental response lists no partition.
            FetchRequest.Builder next = FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 0, new LinkedHashMap<>())
                .metadata(new FetchMetadata(sessionId, 1));
            FetchResponse quiet = client.send(next);
            assertThat(quiet.error()).isEqualTo(Errors.NONE);
            assertThat(quiet.data().responses()).isEmpty();

            // New data: the partition comes back.
            produce(1, 10);
            FetchResponse news = client.send(FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 0, new LinkedHashMap<>())
                .metadata(new FetchMetadata(sessionId, 2)));
            assertThat(news.data().responses()).hasSize(1);
            assertThat(news.data().responses().get(0).partitions().get(0).highWatermark()).isEqualTo(end + 1);

            // A wrong epoch is refused.
            FetchResponse stale = client.send(FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 0, new LinkedHashMap<>())
                .metadata(new FetchMetadata(sessionId, 7)));
            assertThat(stale.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
            FetchResponse unknown = client.send(FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 0, new LinkedHashMap<>())
                .metadata(new FetchMetadata(sessionId + 1, 1)));
            assertThat(unknown.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
    }

    @Test
    void fetchBeyondLogEndIsOffsetOutOfRange() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            FetchResponse response = client.send(fetch(logEnd() + 1000, 0, 0, FetchMetadata.LEGACY));
            var data = response.responseData(Map.of(topicId, "poll"), FETCH_VERSION).values().iterator().next();
            assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        }
    }

    @Test
    void fetchByUnknownTopicIdIsUnknownTopicId() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            Map<org.apache.kafka.common.TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
            Uuid stranger = Uuid.randomUuid();
            partitions.put(new org.apache.kafka.common.TopicPartition("nope", 0),
                new FetchRequest.PartitionData(stranger, 0, -1, 1024, Optional.empty()));
            FetchResponse response = client.send(FetchRequest.Builder.forConsumer(FETCH_VERSION, 0, 0, partitions));
            var data = response.responseData(Map.of(stranger, "nope"), FETCH_VERSION).values().iterator().next();
            assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        }
    }

}
