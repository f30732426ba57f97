package io.samsa.config;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {

    @Test
    void noSettingsGiveKafkasDefaults() {
        ServerConfig config = new ServerConfig(Map.of());

        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.listeners()).containsExactly(new Endpoint("PLAINTEXT", "PLAINTEXT", "localhost", 9092));
        assertThat(config.logDirs()).containsExactly(Path.of("./data"));
        assertThat(config.getInt(ServerConfig.NUM_PARTITIONS)).isEqualTo(1);
        assertThat(config.getBoolean(ServerConfig.AUTO_CREATE_TOPICS_ENABLE)).isTrue();
        assertThat(config.topicDefaults()).containsEntry("retention.ms", 168 * 3_600_000L);
        assertThat(config.unknownKeys()).isEmpty();
    }

    @Test
    void aNonNumericNumPartitionsIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> new ServerConfig(Map.of("num.partitions", "abc")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("num.partitions")
            .hasMessageContaining("abc");
    }

    @Test
    void aZeroNumPartitionsIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> new ServerConfig(Map.of("num.partitions", "0")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("num.partitions");
    }

    @Test
    void garbageListenersAreRejectedNamingTheKey() {
        for (String listeners : List.of("garbage", "PLAINTEXT://host", "PLAINTEXT://host:99999", "PLAINTEXT://:1,PLAINTEXT://:2")) {
            assertThatThrownBy(() -> new ServerConfig(Map.of("listeners", listeners)))
                .as(listeners)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listeners");
        }
    }

    @Test
    void garbageAdvertisedListenersAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> new ServerConfig(Map.of("advertised.listeners", "nope")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("advertised.listeners");
    }

    @Test
    void badBooleansAndBadTopicDefaultsAreRejectedNamingTheKey() {
        Map<String, String> bad = Map.of(
            "auto.create.topics.enable", "perhaps",
            "log.retention.hours", "a week",
            "log.cleanup.policy", "shred",
            "node.id", "-3",
            "message.max.bytes", "big");
        bad.forEach((key, value) -> assertThatThrownBy(() -> new ServerConfig(Map.of(key, value)))
            .as(key)
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(key));
    }

    @Test
    void unknownKeysAreCollectedNotRejected() {
        ServerConfig config = new ServerConfig(Map.of("num.partitions", "3", "no.such.setting", "x", "another.unknown", "y"));

        assertThat(config.unknownKeys()).containsExactly("another.unknown", "no.such.setting");
        assertThat(config.getInt(ServerConfig.NUM_PARTITIONS)).isEqualTo(3);
    }

    @Test
    void kafkaQuickstartServerPropertiesAreAllKnown() {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "localhost:9093");
        props.put("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("advertised.listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
        props.put("num.network.threads", "3");
        props.put("num.io.threads", "8");
        props.put("socket.send.buffer.bytes", "102400");
        props.put("socket.receive.buffer.bytes", "102400");
        props.put("socket.request.max.bytes", "104857600");
        props.put("log.dirs", "/tmp/kraft-combined-logs");
        props.put("num.partitions", "1");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("log.retention.hours", "168");
        props.put("log.segment.bytes", "1073741824");
        props.put("log.retention.check.interval.ms", "300000");

        ServerConfig config = new ServerConfig(props);

        assertThat(config.listeners()).extracting(Endpoint::listenerName).containsExactly("PLAINTEXT", "CONTROLLER");
        assertThat(config.unknownKeys()).isEmpty();
    }

    @Test
    void logRetentionMsWinsOverMinutesAndHours() {
        ServerConfig config = new ServerConfig(Map.of("log.retention.hours", "1", "log.retention.minutes", "2",
            "log.retention.ms", "3000"));

        assertThat(config.topicDefaults()).containsEntry("retention.ms", 3000L);
        assertThat(new ServerConfig(Map.of("log.retention.hours", "1", "log.retention.minutes", "2")).topicDefaults())
            .containsEntry("retention.ms", 120_000L);
        assertThat(new ServerConfig(Map.of("log.retention.hours", "-1")).topicDefaults()).containsEntry("retention.ms", -1L);
    }

    @Test
    void brokerIdIsAnOlderNameOfNodeId() {
        assertThat(new ServerConfig(Map.of("broker.id", "7")).nodeId()).isEqualTo(7);
        assertThatThrownBy(() -> new ServerConfig(Map.of("broker.id", "7", "node.id", "8")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("broker.id");
    }
}
