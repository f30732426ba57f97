package io.samsa.it.robust;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The first request of every connection: what ApiVersions says and how it says it (KIP-511, KIP-714). */
class ApiVersionsContractTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "ApiVersions v{0}")
    @ValueSource(shorts = {0, 1, 2, 3, 4})
    void responseHeaderIsV0ForEveryRequestVersion(short version) throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.send(new ApiVersionsRequest.Builder(version).build(version), 42);
            ByteBuffer frame = ByteBuffer.wrap(connection.receiveFrame());

            // Header v0 is the correlation id alone: the error code follows at once, with no tagged-field byte.
            assertThat(frame.getInt(0)).isEqualTo(42);
            assertThat(frame.getShort(4)).isEqualTo(Errors.NONE.code());
            ResponseHeader header = ResponseHeader.parse(frame, (short) 0);
            ApiVersionsResponse body = ApiVersionsResponse.parse(new ByteBufferAccessor(frame), version);
            assertThat(header.correlationId()).isEqualTo(42);
            assertThat(frame.remaining()).as("bytes after the body").isZero();
            assertThat(body.data().apiKeys().find(ApiKeys.API_VERSIONS.id)).isNotNull();
        }
    }

    @Test
    void newerApiVersionsThanSupportedGetsUnsupportedVersionInV0BodyListingTheRanges() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            // What a future client sends: its newest ApiVersions (flexible header and body), here numbered 127.
            byte[] frame = RawConnection.frame(new ApiVersionsRequest.Builder((short) 4).build((short) 4), 7);
            ByteBuffer.wrap(frame).putShort(2, (short) 127);
            connection.sendFrame(frame);

            ByteBuffer response = ByteBuffer.wrap(connection.receiveFrame());
            ResponseHeader header = ResponseHeader.parse(response, (short) 0);
            ApiVersionsResponseData body = ApiVersionsResponse.parse(new ByteBufferAccessor(response), (short) 0).data();
            assertThat(header.correlationId()).isEqualTo(7);
            assertThat(response.remaining()).as("bytes after a v0 body").isZero();
            assertThat(Errors.forCode(body.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            ApiVersion apiVersions = body.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(apiVersions).isNotNull();
            assertThat(apiVersions.maxVersion()).isGreaterThanOrEqualTo((short) 3);

            // The client retries at the highest version we listed, on the same connection.
            short retry = apiVersions.maxVersion();
            RawConnection.Reply reply = connection.roundTrip(new ApiVersionsRequest.Builder(retry).build(retry), 8);
            assertThat(((ApiVersionsResponse) reply.body()).data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void advertisedRangesAreWithinWhatKafkaClientsKnowsAndExcludeTelemetry() throws Exception {
        List<ApiVersion> advertised = advertised();
        assertThat(advertised).isNotEmpty();
        Set<ApiKeys> keys = EnumSet.noneOf(ApiKeys.class);
        for (ApiVersion v : advertised) {
            assertThat(ApiKeys.hasId(v.apiKey())).as("api key %d is known", v.apiKey()).isTrue();
            ApiKeys api = ApiKeys.forId(v.apiKey());
            keys.add(api);
            assertThat(v.minVersion()).as("%s min", api).isGreaterThanOrEqualTo(api.oldestVersion());
            assertThat(v.maxVersion()).as("%s max", api).isLessThanOrEqualTo(api.latestVersion()).isGreaterThanOrEqualTo(v.minVersion());
        }
        assertThat(keys).doesNotContain(ApiKeys.GET_TELEMETRY_SUBSCRIPTIONS, ApiKeys.PUSH_TELEMETRY);
        assertThat(keys).contains(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH,
            ApiKeys.LIST_OFFSETS, ApiKeys.INIT_PRODUCER_ID);
    }

    @Test
    void everyAdvertisedVersionIsAnsweredByAHandler() throws Exception {
        List<String> unanswered = new ArrayList<>();
        try (RawConnection connection = RawConnection.open(broker.port())) {
            int correlationId = 100;
            for (ApiVersion v : advertised()) {
                ApiKeys api = ApiKeys.forId(v.apiKey());
                for (short version = v.minVersion(); version <= v.maxVersion(); version++) {
                    ApiMessage body = emptyRequest(api);
                    connection.sendFrame(RawConnection.frame(api, body, version, ++correlationId));
                    RawConnection.Reply reply = connection.receive(api, version);
                    assertThat(reply.correlationId()).isEqualTo(correlationId);
                    if (reply.body().errorCounts().containsKey(Errors.UNSUPPORTED_VERSION)) {
                        unanswered.add(api + " v" + version);
                    }
                }
            }
        }
        assertThat(unanswered).as("advertised but answered UNSUPPORTED_VERSION").isEmpty();
    }

    @Test
    void knownApiWithoutHandlerGetsUnsupportedVersionInAWellFormedResponse() throws Exception {
        Set<Short> advertised = new java.util.HashSet<>();
        advertised().forEach(v -> advertised.add(v.apiKey()));
        int correlationId = 1000;
        List<String> checked = new ArrayList<>();
        for (ApiKeys api : ApiKeys.values()) {
            if (advertised.contains(api.id) || !api.hasValidVersion()) {
                continue;
            }
            for (short version : new short[]{api.oldestVersion(), api.latestVersion()}) {
                if (!parsesAsAValidRequest(api, version)) {
                    continue;
                }
                try (RawConnection connection = RawConnection.open(broker.port())) {
                    connection.sendFrame(RawConnection.frame(api, emptyRequest(api), version, ++correlationId));
                    RawConnection.Reply reply = connection.receive(api, version);
                    assertThat(reply.correlationId()).as("%s v%d", api, version).isEqualTo(correlationId);
                    // Errors that are per item (OffsetCommit's per partition) have no place in an empty request's
                    // answer, so an empty answer is all some APIs can say.
                    assertThat(reply.body().errorCounts().keySet()).as("%s v%d", api, version)
                        .isSubsetOf(Errors.UNSUPPORTED_VERSION, Errors.NONE);
                    if (reply.body().errorCounts().containsKey(Errors.UNSUPPORTED_VERSION)) {
                        checked.add(api + " v" + version);
                    }
                    // The connection stays usable.
                    RawConnection.Reply next = connection.roundTrip(new ApiVersionsRequest.Builder().build((short) 3), ++correlationId);
                    assertThat(next.body().errorCounts()).containsOnlyKeys(Errors.NONE);
                }
            }
        }
        assertThat(checked).contains("END_TXN v0", "SASL_HANDSHAKE v0");
    }

    /** kafka-clients rejects some empty requests (DescribeAcls with UNKNOWN filters); a broker may close on those. */
    private static boolean parsesAsAValidRequest(ApiKeys api, short version) {
        byte[] frame = RawConnection.frame(api, emptyRequest(api), version, 0);
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        RequestHeader.parse(buffer);
        try {
            AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static ApiMessage emptyRequest(ApiKeys api) {
        ApiMessage body = api.messageType.newRequest();
        if (body instanceof ProduceRequestData produce) {
            produce.setAcks((short) -1).setTimeoutMs(1000);
        }
        return body;
    }

    private static List<ApiVersion> advertised() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            RawConnection.Reply reply = connection.roundTrip(new ApiVersionsRequest.Builder((short) 3).build((short) 3), 1);
            return new ArrayList<>(((ApiVersionsResponse) reply.body()).data().apiKeys());
        }
    }
}
