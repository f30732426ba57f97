package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ApiVersions v5 (KIP-1242): a client aiming at another cluster or node is told to bootstrap again. */
class ApiVersionsClusterCheckTest {

    private static Errors ask(EmbeddedBroker broker, String clusterId, int nodeId) {
        ApiVersionsRequestData data = new ApiVersionsRequestData().setClientSoftwareName("test").setClientSoftwareVersion("1")
            .setClusterId(clusterId).setNodeId(nodeId);
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            ApiVersionsResponse response = client.send(new ApiVersionsRequest(data, (short) 5));
            return Errors.forCode(response.data().errorCode());
        }
    }

    @Test
    void matchingOrAbsentClusterAndNodeAreAccepted() {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            assertThat(ask(broker, null, -1)).isEqualTo(Errors.NONE);
            assertThat(ask(broker, broker.broker().clusterId(), 1)).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void anotherClusterOrNodeGetsRebootstrapRequired() {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            assertThat(ask(broker, "someOtherClusterId0000", -1)).isEqualTo(Errors.REBOOTSTRAP_REQUIRED);
            assertThat(ask(broker, broker.broker().clusterId(), 7)).isEqualTo(Errors.REBOOTSTRAP_REQUIRED);
        }
    }
}
