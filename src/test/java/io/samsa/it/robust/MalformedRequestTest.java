package io.samsa.it.robust;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Frames a broker cannot or must not answer: each closes its connection with one WARN line naming the
 * client, and the broker goes on serving everyone else. Requests it can answer, it answers.
 */
class MalformedRequestTest {
    private static final int MAX_REQUEST_BYTES = 1024;
    private static EmbeddedBroker broker;
    private LogCapture logs;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("socket.request.max.bytes", String.valueOf(MAX_REQUEST_BYTES)));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.of("io.samsa");
    }

    @AfterEach
    void releaseLogs() {
        logs.close();
    }

    @Test
    void frameLargerThanSocketRequestMaxBytesClosesTheConnection() throws Exception {
        byte[] bytes = ByteBuffer.allocate(4 + 64).putInt(MAX_REQUEST_BYTES + 1).array();
        assertClosedWithOneWarning(bytes, "socket.request.max.bytes");
    }

    @Test
    void frameOfExactlySocketRequestMaxBytesIsRead() throws Exception {
        // A Metadata v0 request padded with ignored trailing bytes up to the limit is still a frame we read.
        byte[] request = RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 5);
        byte[] frame = Arrays.copyOf(request, MAX_REQUEST_BYTES);
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.sendFrame(frame);
            RawConnection.Reply reply = connection.receive(ApiKeys.API_VERSIONS, (short) 0);
            assertThat(reply.correlationId()).isEqualTo(5);
        }
        assertBrokerServes();
    }

    @Test
    void negativeFrameSizeClosesTheConnection() throws Exception {
        assertClosedWithOneWarning(ByteBuffer.allocate(8).putInt(-1).putInt(0).array(), "-1");
    }

    @Test
    void frameTooShortForARequestHeaderClosesTheConnection() throws Exception {
        assertClosedWithOneWarning(ByteBuffer.allocate(6).putInt(2).putShort((short) 18).array(), "too short");
    }

    @Test
    void unknownApiKeyClosesTheConnection() throws Exception {
        byte[] frame = RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 1);
        ByteBuffer.wrap(frame).putShort(0, (short) 9999);
        assertClosedWithOneWarning(sized(frame), "9999");
    }

    @Test
    void versionUnknownToKafkaClientsClosesTheConnection() throws Exception {
        byte[] frame = RawConnection.frame(ApiKeys.METADATA, new MetadataRequestData(), (short) 1, 1);
        ByteBuffer.wrap(frame).putShort(2, (short) 200);
        assertClosedWithOneWarning(sized(frame), "METADATA");
    }

    @Test
    void garbageBodyAfterAValidHeaderClosesTheConnection() throws Exception {
        byte[] frame = RawConnection.frame(ApiKeys.METADATA, new MetadataRequestData(), (short) 1, 1);
        // Metadata v1's body is a topic array; its length claims far more topics than the frame holds.
        ByteBuffer.wrap(frame).putInt(frame.length - 4, Integer.MAX_VALUE);
        assertClosedWithOneWarning(sized(frame), "METADATA");
    }

    @Test
    void requestCutShortInsideItsFrameClosesTheConnection() throws Exception {
        FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setReplicaId(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("t").setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1000))));
        byte[] frame = RawConnection.frame(ApiKeys.FETCH, fetch, (short) 12, 1);
        assertClosedWithOneWarning(sized(Arrays.copyOf(frame, frame.length - 7)), "FETCH");
    }

    @Test
    void framesPipelinedAfterABadOneAreNotHandled() throws Exception {
        byte[] bad = RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 1);
        ByteBuffer.wrap(bad).putShort(0, (short) 9999);
        byte[] alsoBad = bad.clone();
        ByteBuffer.wrap(alsoBad).putShort(0, (short) 9998);
        byte[] good = RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 2);
        ByteBuffer all = ByteBuffer.allocate(3 * 4 + bad.length + alsoBad.length + good.length);
        all.putInt(bad.length).put(bad).putInt(alsoBad.length).put(alsoBad).putInt(good.length).put(good);
        // One warning (for 9999): what follows a bad frame on the same connection is never looked at.
        assertClosedWithOneWarning(all.array(), "9999");
        assertThat(logs.warnings()).noneMatch(line -> line.contains("9998"));
    }

    @Test
    void truncatedFrameFollowedByCloseDoesNotHurt() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            byte[] frame = RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData(), (short) 0, 1);
            connection.sendRaw(Arrays.copyOf(sized(frame), 4 + frame.length / 2));
        }
        assertBrokerServes();
        assertThat(logs.messages(ch.qos.logback.classic.Level.ERROR)).isEmpty();
    }

    @Test
    void versionsKafkaClientsKnowAboveWhatIsAdvertisedGetUnsupportedVersionInAWellFormedResponse() throws Exception {
        List<String> answered = new ArrayList<>();
        int correlationId = 100;
        for (ApiVersion range : advertised()) {
            ApiKeys api = ApiKeys.forId(range.apiKey());
            if (api == ApiKeys.API_VERSIONS) {
                continue; // answered the KIP-511 way, below
            }
            for (short version = (short) (range.maxVersion() + 1); version <= api.latestVersion(); version++) {
                try (RawConnection connection = RawConnection.open(broker.port())) {
                    connection.sendFrame(RawConnection.frame(api, api.messageType.newRequest(), version, ++correlationId));
                    RawConnection.Reply reply = connection.receive(api, version);
                    assertThat(reply.correlationId()).isEqualTo(correlationId);
                    // An empty request has no items to hang per-item errors on; top-level errors must say it.
                    assertThat(reply.body().errorCounts().keySet()).as("%s v%d", api, version)
                        .isSubsetOf(Errors.UNSUPPORTED_VERSION, Errors.NONE);
                    if (api == ApiKeys.FETCH || api == ApiKeys.INIT_PRODUCER_ID) {
                        assertThat(reply.body().errorCounts()).as("%s v%d", api, version).containsKey(Errors.UNSUPPORTED_VERSION);
                    }
                    assertStillAnswers(connection);
                    answered.add(api + " v" + version);
                }
            }
        }
        System.out.println("Answered UNSUPPORTED_VERSION for " + answered);
        assertThat(logs.warnings()).isEmpty();
    }

    @Test
    void apiVersionsAboveWhatIsAdvertisedGetsTheKip511Answer() throws Exception {
        short advertisedMax = advertised().stream().filter(v -> v.apiKey() == ApiKeys.API_VERSIONS.id).findFirst()
            .orElseThrow().maxVersion();
        for (short version = (short) (advertisedMax + 1); version <= advertisedMax + 2; version++) {
            try (RawConnection connection = RawConnection.open(broker.port())) {
                // A newer client sends its newest ApiVersions: flexible header and body, as v3+.
                byte[] frame = RawConnection.frame(ApiKeys.API_VERSIONS, new ApiVersionsRequestData()
                    .setClientSoftwareName("test").setClientSoftwareVersion("1"), (short) 3, 6);
                ByteBuffer.wrap(frame).putShort(2, version);
                connection.sendFrame(frame);
                RawConnection.Reply reply = connection.receive(ApiKeys.API_VERSIONS, (short) 0);
                assertThat(reply.correlationId()).isEqualTo(6);
                ApiVersionsResponseData data = ((ApiVersionsResponse) reply.body()).data();
                assertThat(Errors.forCode(data.errorCode())).as("v%d", version).isEqualTo(Errors.UNSUPPORTED_VERSION);
                assertThat(data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo(advertisedMax);
                assertStillAnswers(connection);
            }
        }
    }

    private static List<ApiVersion> advertised() throws IOException {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            RawConnection.Reply reply = connection.roundTrip(new ApiVersionsRequest.Builder((short) 3).build((short) 3), 1);
            return new ArrayList<>(((ApiVersionsResponse) reply.body()).data().apiKeys());
        }
    }

    private void assertClosedWithOneWarning(byte[] bytes, String reasonFragment) throws Exception {
        int clientPort;
        try (RawConnection connection = RawConnection.open(broker.port())) {
            clientPort = connection.socket().getLocalPort();
            connection.sendRaw(bytes);
            assertThat(connection.closedByPeerWithin(Duration.ofSeconds(10))).as("broker closed the connection").isTrue();
        }
        String client = ":" + clientPort;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(logs.warnings()).filteredOn(line -> line.contains(client)).hasSize(1));
        assertThat(logs.warnings()).filteredOn(line -> line.contains(client)).singleElement()
            .satisfies(line -> assertThat(line).startsWith("WARN").contains(reasonFragment));
        assertBrokerServes();
    }

    private static void assertBrokerServes() throws IOException {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            assertStillAnswers(connection);
        }
    }

    private static void assertStillAnswers(RawConnection connection) throws IOException {
        RawConnection.Reply reply = connection.roundTrip(new ApiVersionsRequest.Builder((short) 3).build((short) 3), 77);
        assertThat(((ApiVersionsResponse) reply.body()).data().errorCode()).isEqualTo(Errors.NONE.code());
    }

    private static byte[] sized(byte[] frame) {
        return ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
    }
}
