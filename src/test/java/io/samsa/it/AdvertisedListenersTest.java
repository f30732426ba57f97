package io.samsa.it;

import io.samsa.config.Endpoint;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each listener tells its clients the address advertised for that listener, as Kafka does. */
class AdvertisedListenersTest {

    @Test
    void clientsOnEachListenerAreGivenThatListenersAdvertisedAddress() {
        Map<String, Object> settings = Map.of(
            "listeners", "INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0",
            "advertised.listeners", "INTERNAL://kafka:9092,EXTERNAL://teacher.example:9094",
            "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT");
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            Map<String, Endpoint> bound = new java.util.HashMap<>();
            broker.broker().boundEndpoints().forEach(e -> bound.put(e.listenerName(), e));
            assertThat(bound).containsOnlyKeys("INTERNAL", "EXTERNAL");
            assertThat(brokerSeenThrough(bound.get("INTERNAL"))).isEqualTo("kafka:9092");
            assertThat(brokerSeenThrough(bound.get("EXTERNAL"))).isEqualTo("teacher.example:9094");
        }
    }

    @Test
    void aListenerOnEveryInterfaceIsAdvertisedAsLocalhostWithoutAdvertisedListeners() {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("listeners", "PLAINTEXT://:0"))) {
            Endpoint bound = broker.broker().boundEndpoints().get(0);
            assertThat(brokerSeenThrough(new Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", bound.port())))
                .isEqualTo("localhost:" + bound.port());
        }
    }

    private static String brokerSeenThrough(Endpoint endpoint) {
        try (WireClient client = new WireClient("127.0.0.1", endpoint.port())) {
            MetadataResponse response = client.send(MetadataRequest.Builder.allTopics());
            Node node = response.brokers().iterator().next();
            return node.host() + ":" + node.port();
        }
    }
}
