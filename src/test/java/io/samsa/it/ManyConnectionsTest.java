package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hundreds of open connections are served side by side. */
class ManyConnectionsTest {

    @Test
    void threeHundredOpenConnectionsAreEachAnswered() {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            List<WireClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    clients.add(new WireClient("127.0.0.1", broker.port()));
                }
                for (WireClient client : clients) {
                    ApiVersionsResponse versions = client.send(new ApiVersionsRequest.Builder(), (short) 4);
                    assertThat(versions.data().errorCode()).isEqualTo(Errors.NONE.code());
                }
                for (WireClient client : clients) {
                    MetadataResponse metadata = client.send(MetadataRequest.Builder.allTopics());
                    assertThat(metadata.brokers()).hasSize(1);
                }
            } finally {
                clients.forEach(WireClient::close);
            }
        }
    }
}
