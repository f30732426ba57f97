package io.samsa.cluster;

import io.samsa.config.ServerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka's KRaft settings as a node reads them: what makes a cluster, and what start-up refuses, naming the key. */
class QuorumConfigTest {
    private static final String VOTERS = "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097";

    private static Map<String, String> combined(int node, int controllerPort) {
        Map<String, String> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(node));
        p.put("controller.quorum.voters", VOTERS);
        p.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        return p;
    }

    private static QuorumConfig read(Map<String, String> props) {
        return QuorumConfig.from(new ServerConfig(props, false)).orElse(null);
    }

    @Test
    void aCombinedNodeOfAThreeVoterQuorumIsPartOfACluster() {
        QuorumConfig q = read(combined(1, 9093));
        assertThat(q).isNotNull();
        assertThat(q.isBroker()).isTrue();
        assertThat(q.isController()).isTrue();
        assertThat(q.voters()).containsOnlyKeys(1, 2, 3);
        assertThat(q.controllerListener().port()).isEqualTo(9093);
        assertThat(q.interBrokerListener()).isEqualTo("PLAINTEXT");
        assertThat(q.votersText()).isEqualTo(VOTERS);
    }

    @Test
    void kafkasSingleNodeQuickstartIsASingleBroker() {
        Map<String, String> one = new HashMap<>(combined(1, 9093));
        one.put("controller.quorum.voters", "1@localhost:9093");
        assertThat(read(one)).isNull();
        Map<String, String> bootstrap = new HashMap<>(combined(1, 9093));
        bootstrap.remove("controller.quorum.voters");
        bootstrap.put("controller.quorum.bootstrap.servers", "localhost:9093");
        assertThat(read(bootstrap)).isNull();
        assertThat(read(Map.of())).isNull();
    }

    @Test
    void brokerOnlyAndControllerOnlyNodesAreRecognised() {
        Map<String, String> broker = new HashMap<>();
        broker.put("process.roles", "broker");
        broker.put("node.id", "4");
        broker.put("controller.quorum.voters", VOTERS);
        broker.put("listeners", "PLAINTEXT://127.0.0.1:9099");
        broker.put("controller.listener.names", "CONTROLLER");
        QuorumConfig b = read(broker);
        assertThat(b.isBroker()).isTrue();
        assertThat(b.isController()).isFalse();
        assertThat(b.controllerListener()).isNull();

        Map<String, String> controller = new HashMap<>(combined(2, 9095));
        controller.put("process.roles", "controller");
        controller.put("listeners", "CONTROLLER://127.0.0.1:9095");
        QuorumConfig c = read(controller);
        assertThat(c.isController()).isTrue();
        assertThat(c.isBroker()).isFalse();
    }

    @Test
    void startUpRefusesContradictionsNamingTheKey() {
        Map<String, String> notAVoter = new HashMap<>(combined(7, 9093));
        assertThatThrownBy(() -> read(notAVoter)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("controller.quorum.voters").hasMessageContaining("must be one of the voters");

        Map<String, String> brokerVoter = new HashMap<>(combined(1, 9093));
        brokerVoter.put("process.roles", "broker");
        assertThatThrownBy(() -> read(brokerVoter)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("must include 'controller'");

        assertThatThrownBy(() -> read(combined(1, 9999))).isInstanceOf(ConfigException.class)
            .hasMessageContaining("differs from its controller listener");

        Map<String, String> noControllerListener = new HashMap<>(combined(1, 9093));
        noControllerListener.put("listeners", "PLAINTEXT://127.0.0.1:9092");
        assertThatThrownBy(() -> read(noControllerListener)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("must be one of the listeners");

        Map<String, String> badVoter = new HashMap<>(combined(1, 9093));
        badVoter.put("controller.quorum.voters", "1@127.0.0.1:9093,two@host:1");
        assertThatThrownBy(() -> read(badVoter)).isInstanceOf(ConfigException.class).hasMessageContaining("id@host:port");

        Map<String, String> dynamic = new HashMap<>(combined(1, 9093));
        dynamic.remove("controller.quorum.voters");
        dynamic.put("controller.quorum.bootstrap.servers", "a:9093,b:9093");
        assertThatThrownBy(() -> read(dynamic)).isInstanceOf(ConfigException.class).hasMessageContaining("KIP-853");

        Map<String, String> badRole = new HashMap<>(combined(1, 9093));
        badRole.put("process.roles", "broker,observer");
        assertThatThrownBy(() -> read(badRole)).isInstanceOf(ConfigException.class).hasMessageContaining("process.roles");

        Map<String, String> interBroker = new HashMap<>(combined(1, 9093));
        interBroker.put("inter.broker.listener.name", "CONTROLLER");
        assertThatThrownBy(() -> read(interBroker)).isInstanceOf(ConfigException.class)
            .hasMessageContaining("inter.broker.listener.name");
    }
}
