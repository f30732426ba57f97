package io.samsa.network;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.samsa.protocol.RequestDispatcher;
import io.samsa.protocol.Response;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol layer around Produce and Fetch, as the broker runs it: a request frame decoded by
 * {@link RequestDispatcher#dispatch} (header, kafka-clients message classes, handler call) and a
 * response encoded the way {@code ConnectionHandler.write} does (sizes with an
 * {@link ObjectSerializationCache}, then {@link ResponseWriter} into pooled direct buffers and, for
 * records in a segment file, a zero-copy file region). Handlers here do nothing, so only the codec is
 * measured. The shapes are those of the perf tools: one 16 KiB batch per produce, a consumer fetch
 * of 6 partitions and its response of 6 file ranges of 1 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestCodecBenchmark {

    private static final short PRODUCE_VERSION = 13;
    /** The newest Fetch that Samsa advertises, which the 4.4 consumer uses with it. */
    private static final short FETCH_VERSION = 17;
    private static final int PARTITIONS = 6;
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50000);

    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private RequestDispatcher dispatcher;
    private ApiMessage lastRequest;
    private ByteBuffer produceFrame;
    private ByteBuffer fetchFrame;
    private Response produceResponse;
    private Response fetchResponse;
    private Path dir;
    private FileRecords segment;

    @Setup
    public void prepare() throws Exception {
        dispatcher = new RequestDispatcher()
            .register(ApiKeys.PRODUCE, 3, 13, (context, request) -> done(request))
            .register(ApiKeys.FETCH, 4, 17, (context, request) -> done(request));
        Uuid topicId = Uuid.randomUuid();

        ProduceRequestData.TopicProduceDataCollection produceTopics = new ProduceRequestData.TopicProduceDataCollection();
        produceTopics.add(new ProduceRequestData.TopicProduceData().setTopicId(topicId).setName("bench")
            .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch()))));
        produceFrame = frame(ApiKeys.PRODUCE, PRODUCE_VERSION, new ProduceRequestData()
            .setAcks((short) -1).setTimeoutMs(30_000).setTopicData(produceTopics));

        List<FetchRequestData.FetchPartition> fetchPartitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            fetchPartitions.add(new FetchRequestData.FetchPartition().setPartition(p).setCurrentLeaderEpoch(0)
                .setFetchOffset(1_000_000L + p).setLogStartOffset(-1).setPartitionMaxBytes(1 << 20));
        }
        fetchFrame = frame(ApiKeys.FETCH, FETCH_VERSION, new FetchRequestData()
            .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(-1))
            .setMaxWaitMs(500).setMinBytes(1).setMaxBytes(50 << 20).setIsolationLevel((byte) 0)
            .setSessionId(0).setSessionEpoch(-1)
            .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(fetchPartitions)))
            .setForgottenTopicsData(List.of()).setRackId(""));

        ProduceResponseData.TopicProduceResponseCollection produceResponses = new ProduceResponseData.TopicProduceResponseCollection();
        produceResponses.add(new ProduceResponseData.TopicProduceResponse().setTopicId(topicId).setName("bench")
            .setPartitionResponses(List.of(new ProduceResponseData.PartitionProduceResponse().setIndex(0)
                .setBaseOffset(123_456_789L).setLogAppendTimeMs(-1).setLogStartOffset(0))));
        produceResponse = new Response(7, ApiKeys.PRODUCE.responseHeaderVersion(PRODUCE_VERSION), PRODUCE_VERSION,
            new ProduceResponseData().setResponses(produceResponses));

        // A segment file with 8 MiB of batches; each partition answers a 1 MiB range of it.
        dir = Files.createTempDirectory("samsa-jmh-codec");
        File file = dir.resolve("00000000000000000000.log").toFile();
        segment = FileRecords.open(file);
        while (segment.sizeInBytes() < 8 << 20) {
            segment.append(batch());
        }
        List<FetchResponseData.PartitionData> fetched = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            fetched.add(new FetchResponseData.PartitionData().setPartitionIndex(p).setHighWatermark(2_000_000L)
                .setLastStableOffset(2_000_000L).setLogStartOffset(0)
                .setRecords(new io.samsa.log.SegmentSlice(segment, p * (1 << 20), 1 << 20)));
        }
        fetchResponse = new Response(8, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION), FETCH_VERSION,
            new FetchResponseData().setSessionId(0)
                .setResponses(List.of(new FetchResponseData.FetchableTopicResponse().setTopicId(topicId)
                    .setPartitions(fetched))));
    }

    @TearDown
    public void close() throws Exception {
        segment.close();
        Files.deleteIfExists(dir.resolve("00000000000000000000.log"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public ApiMessage produceRequestDecode() {
        dispatcher.dispatch(produceFrame.duplicate(), "PLAINTEXT", CLIENT);
        return lastRequest;
    }

    @Benchmark
    public ApiMessage fetchRequestDecode() {
        dispatcher.dispatch(fetchFrame.duplicate(), "PLAINTEXT", CLIENT);
        return lastRequest;
    }

    @Benchmark
    public void produceResponseEncode(Blackhole bh) {
        encode(produceResponse, bh);
    }

    @Benchmark
    public void fetchResponseEncode(Blackhole bh) {
        encode(fetchResponse, bh);
    }

    private CompletableFuture<ApiMessage> done(ApiMessage request) {
        lastRequest = request;
        return CompletableFuture.completedFuture(null);
    }

    /** The steps of ConnectionHandler#write, then the release that Netty does after sending. */
    private void encode(Response response, Blackhole bh) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeader header = new ResponseHeader(response.correlationId(), response.headerVersion());
        int headerSize = header.data().size(cache, response.headerVersion());
        int bodySize = response.body().size(cache, response.apiVersion());
        int total = headerSize + bodySize;
        ResponseWriter writer = new ResponseWriter(allocator, Math.min(4 + total, 64 * 1024));
        writer.writeInt(total);
        header.data().write(writer, cache, response.headerVersion());
        response.body().write(writer, cache, response.apiVersion());
        List<Object> parts = writer.finish();
        bh.consume(parts.size());
        for (Object part : parts) {
            ReferenceCountUtil.release(part);
        }
    }

    private static ByteBuffer frame(ApiKeys api, short version, ApiMessage body) {
        RequestHeader header = new RequestHeader(api, version, "perf-producer-client", 42);
        return RequestUtils.serialize(header.data(), header.headerVersion(), body, version);
    }

    /** A ~16 KiB batch of 100-byte values, what ProducerPerformance sends per partition. */
    private static MemoryRecords batch() {
        Random random = new Random(3);
        SimpleRecord[] records = new SimpleRecord[150];
        for (int i = 0; i < records.length; i++) {
            byte[] value = new byte[100];
            random.nextBytes(value);
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, value);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }
}
