package io.samsa.it.admin;

import io.samsa.testing.WireClient;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DescribeConfigs, IncrementalAlterConfigs and AlterConfigs for topics and the broker, as the Java Admin sees them. */
class ConfigAdminTest {
    private static EmbeddedBroker broker;
    private static Admin admin;
    private static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "1");
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("log.retention.hours", "100", "log.segment.bytes", "536870912", "num.partitions", "2"));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void removeDynamicBrokerConfigs() throws Exception {
        for (ConfigResource resource : List.of(BROKER, CLUSTER_DEFAULT)) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("log.retention.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("message.max.bytes", null), AlterConfigOp.OpType.DELETE)))).all().get();
        }
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
            .all().get().get(resource);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static AlterConfigOp op(String name, String value, AlterConfigOp.OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static Throwable failure(org.apache.kafka.common.KafkaFuture<?> future) {
        try {
            future.get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected the future to fail");
    }

    private static List<String> synonyms(ConfigEntry entry) {
        return entry.synonyms().stream().map(s -> s.name() + "=" + s.value() + "@" + s.source()).toList();
    }

    @Test
    void topicConfigsShowBuiltInDefaultsAsDefaultConfig() throws Exception {
        admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1))).all().get();

        Config config = describe(topic("plain"));

        ConfigEntry maxBytes = config.get("max.message.bytes");
        assertThat(maxBytes.value()).isEqualTo("1048588");
        assertThat(maxBytes.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(maxBytes.isDefault()).isTrue();
        assertThat(maxBytes.isReadOnly()).isFalse();
        assertThat(synonyms(maxBytes)).containsExactly("message.max.bytes=1048588@DEFAULT_CONFIG");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
        assertThat(config.entries()).noneMatch(e -> e.name().startsWith("internal."));
    }

    /**
     * Non-Java tools print configs in the order the broker sends them; Apache Kafka's own LogConfig is the
     * reference for that order. (The Java Admin re-hashes them into its own map.)
     */
    @Test
    void topicConfigsGoOnTheWireInApacheKafkasOrder() throws Exception {
        admin.createTopics(List.of(new NewTopic("ordered", 1, (short) 1))).all().get();
        List<String> kafkaOrder = new ArrayList<>(
            new org.apache.kafka.storage.internals.log.LogConfig(new java.util.Properties()).nonInternalValues().keySet());
        DescribeConfigsRequestData data = new DescribeConfigsRequestData();
        data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
            .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("ordered").setConfigurationKeys(null));

        DescribeConfigsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new DescribeConfigsRequest.Builder(data).build((short) 4));
        }

        List<String> ours = response.data().results().get(0).configs().stream().map(c -> c.name()).toList();
        assertThat(kafkaOrder).containsAll(ours);
        kafkaOrder.retainAll(ours);
        assertThat(ours).containsExactlyElementsOf(kafkaOrder);
    }

    @Test
    void topicConfigsShowServerPropertiesAsStaticBrokerConfig() throws Exception {
        admin.createTopics(List.of(new NewTopic("static-segment", 1, (short) 1))).all().get();

        ConfigEntry segmentBytes = describe(topic("static-segment")).get("segment.bytes");

        assertThat(segmentBytes.value()).isEqualTo("536870912");
        assertThat(segmentBytes.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(synonyms(segmentBytes)).containsExactly(
            "log.segment.bytes=536870912@STATIC_BROKER_CONFIG", "log.segment.bytes=1073741824@DEFAULT_CONFIG");
    }

    /** Kafka lists a topic config's synonyms from its primary broker key on: log.retention.hours alone is not one. */
    @Test
    void retentionSetOnlyInHoursIsInForceButReportedAsADefaultAsKafkaDoes() throws Exception {
        admin.createTopics(List.of(new NewTopic("static-retention", 1, (short) 1))).all().get();

        ConfigEntry retention = describe(topic("static-retention")).get("retention.ms");

        assertThat(retention.value()).isEqualTo(String.valueOf(100 * 3_600_000L));
        assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(retention.synonyms()).isEmpty();
    }

    @Test
    void topicOverrideIsDynamicTopicConfigAheadOfItsSynonyms() throws Exception {
        admin.createTopics(List.of(new NewTopic("overridden", 1, (short) 1)
            .configs(Map.of("segment.bytes", "2097152", "retention.ms", "5000")))).all().get();

        Config config = describe(topic("overridden"));

        ConfigEntry segmentBytes = config.get("segment.bytes");
        assertThat(segmentBytes.value()).isEqualTo("2097152");
        assertThat(segmentBytes.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(synonyms(segmentBytes)).containsExactly("segment.bytes=2097152@DYNAMIC_TOPIC_CONFIG",
            "log.segment.bytes=536870912@STATIC_BROKER_CONFIG", "log.segment.bytes=1073741824@DEFAULT_CONFIG");
        assertThat(synonyms(config.get("retention.ms"))).containsExactly("retention.ms=5000@DYNAMIC_TOPIC_CONFIG");
    }

    @Test
    void describeConfigsForSomeKeysReturnsOnlyThem() throws Exception {
        admin.createTopics(List.of(new NewTopic("some-keys", 1, (short) 1))).all().get();
        ConfigResource resource = topic("some-keys");

        Collection<ConfigEntry> entries = admin.describeConfigs(List.of(resource)).all().get().get(resource).entries();

        assertThat(entries).extracting(ConfigEntry::name).contains("retention.ms", "cleanup.policy");
        assertThat(entries).allSatisfy(e -> assertThat(e.synonyms()).isEmpty());
    }

    @Test
    void describeConfigsOfMissingTopicFailsWithUnknownTopicOrPartition() {
        assertThat(failure(admin.describeConfigs(List.of(topic("no-such-topic"))).all()))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void describeConfigsOfAnIllegalTopicNameFailsWithInvalidTopic() {
        assertThat(failure(admin.describeConfigs(List.of(topic("bad/name"))).all()))
            .isInstanceOf(org.apache.kafka.common.errors.InvalidTopicException.class);
    }

    @Test
    void brokerConfigsShowStaticAndDefaultSources() throws Exception {
        Config config = describe(BROKER);

        ConfigEntry hours = config.get("log.retention.hours");
        assertThat(hours.value()).isEqualTo("100");
        assertThat(hours.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(synonyms(hours)).containsExactly("log.retention.hours=100@STATIC_BROKER_CONFIG", "log.retention.hours=168@DEFAULT_CONFIG");
        ConfigEntry partitions = config.get("num.partitions");
        assertThat(partitions.value()).isEqualTo("2");
        assertThat(partitions.isReadOnly()).isTrue();
        ConfigEntry maxBytes = config.get("message.max.bytes");
        assertThat(maxBytes.value()).isEqualTo("1048588");
        assertThat(maxBytes.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(maxBytes.isReadOnly()).isFalse();
    }

    @Test
    void describeConfigsOfAnotherBrokerIdIsAnInvalidRequest() throws Exception {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData();
        data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
            .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("7").setConfigurationKeys(null));

        DescribeConfigsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new DescribeConfigsRequest.Builder(data).build((short) 4));
        }

        assertThat(response.data().results()).singleElement()
            .satisfies(r -> assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
    }

    @Test
    void incrementalSetAndDeleteChangeATopicOverride() throws Exception {
        admin.createTopics(List.of(new NewTopic("altered", 1, (short) 1))).all().get();

        alter(topic("altered"), op("retention.ms", "60000", AlterConfigOp.OpType.SET),
            op("max.message.bytes", "2048", AlterConfigOp.OpType.SET));

        Config config = describe(topic("altered"));
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("max.message.bytes").value()).isEqualTo("2048");

        alter(topic("altered"), op("retention.ms", null, AlterConfigOp.OpType.DELETE));

        config = describe(topic("altered"));
        assertThat(config.get("retention.ms").value()).isEqualTo(String.valueOf(100 * 3_600_000L));
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("max.message.bytes").value()).isEqualTo("2048");
    }

    @Test
    void incrementalAppendAndSubtractEditCleanupPolicyAsAList() throws Exception {
        admin.createTopics(List.of(new NewTopic("policy", 1, (short) 1))).all().get();

        alter(topic("policy"), op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        assertThat(describe(topic("policy")).get("cleanup.policy").value()).isEqualTo("delete,compact");

        alter(topic("policy"), op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        assertThat(describe(topic("policy")).get("cleanup.policy").value()).isEqualTo("delete,compact");

        alter(topic("policy"), op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT));
        assertThat(describe(topic("policy")).get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void incrementalAppendOnANonListConfigFails() throws Exception {
        admin.createTopics(List.of(new NewTopic("append-scalar", 1, (short) 1))).all().get();

        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("append-scalar"),
            List.of(op("retention.ms", "5", AlterConfigOp.OpType.APPEND)))).all()))
            .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void incrementalAlterRejectsUnknownKeysAndBadValuesAndChangesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("strict", 1, (short) 1))).all().get();

        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("strict"),
            List.of(op("no.such.config", "1", AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOf(InvalidConfigurationException.class);
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("strict"),
            List.of(op("retention.ms", "abc", AlterConfigOp.OpType.SET), op("segment.ms", "1000", AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("retention.ms");
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("strict"),
            List.of(op("cleanup.policy", "shred", AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOf(InvalidConfigurationException.class);

        Config config = describe(topic("strict"));
        assertThat(config.get("segment.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void incrementalAlterWithARepeatedKeyOrANullSetIsAnInvalidRequest() throws Exception {
        admin.createTopics(List.of(new NewTopic("malformed-alter", 1, (short) 1))).all().get();

        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("malformed-alter"), List.of(
            op("retention.ms", "1000", AlterConfigOp.OpType.SET), op("retention.ms", null, AlterConfigOp.OpType.DELETE)))).all()))
            .isInstanceOf(InvalidRequestException.class)
            .hasMessageContaining("duplicate config keys");
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("malformed-alter"), List.of(
            op("retention.ms", null, AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOf(InvalidRequestException.class)
            .hasMessageContaining("Null value not supported");
        assertThat(describe(topic("malformed-alter")).get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void incrementalAlterOfMissingTopicFailsWithUnknownTopicOrPartition() {
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic("alter-missing"),
            List.of(op("retention.ms", "1", AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void validateOnlyIncrementalAlterChangesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("validated-alter", 1, (short) 1))).all().get();

        admin.incrementalAlterConfigs(Map.of(topic("validated-alter"), List.of(op("retention.ms", "1234", AlterConfigOp.OpType.SET))),
            new AlterConfigsOptions().validateOnly(true)).all().get();

        assertThat(describe(topic("validated-alter")).get("retention.ms").value()).isNotEqualTo("1234");
    }

    /** The legacy AlterConfigs (the Java Admin of Kafka 4 no longer sends it, other clients still do). */
    private static AlterConfigsResponseData.AlterConfigsResourceResponse legacyAlter(String topic, Map<String, String> configs)
        throws Exception {
        AlterConfigsRequestData data = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
            .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(topic);
        configs.forEach((k, v) -> resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName(k).setValue(v)));
        data.resources().add(resource);
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            AlterConfigsResponse response = raw.send(new AlterConfigsRequest(data, (short) 2));
            return response.data().responses().get(0);
        }
    }

    @Test
    void legacyAlterConfigsReplacesAllTopicOverrides() throws Exception {
        admin.createTopics(List.of(new NewTopic("legacy", 1, (short) 1)
            .configs(Map.of("retention.ms", "5000", "segment.ms", "7000")))).all().get();

        assertThat(legacyAlter("legacy", Map.of("max.message.bytes", "4096")).errorCode()).isEqualTo(Errors.NONE.code());

        Config config = describe(topic("legacy"));
        assertThat(config.get("max.message.bytes").value()).isEqualTo("4096");
        assertThat(config.get("max.message.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("segment.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void legacyAlterConfigsRejectsBadValuesAndMissingTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic("legacy-bad", 1, (short) 1))).all().get();

        assertThat(legacyAlter("legacy-bad", Map.of("retention.ms", "abc")).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(legacyAlter("legacy-missing", Map.of("retention.ms", "1")).errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        java.util.HashMap<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("retention.ms", null);
        assertThat(legacyAlter("legacy-bad", nullValue).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void perBrokerDynamicConfigBecomesTheTopicDefault() throws Exception {
        admin.createTopics(List.of(new NewTopic("follows-broker", 1, (short) 1))).all().get();

        alter(BROKER, op("log.retention.ms", "7200000", AlterConfigOp.OpType.SET));

        ConfigEntry brokerEntry = describe(BROKER).get("log.retention.ms");
        assertThat(brokerEntry.value()).isEqualTo("7200000");
        assertThat(brokerEntry.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        ConfigEntry topicEntry = describe(topic("follows-broker")).get("retention.ms");
        assertThat(topicEntry.value()).isEqualTo("7200000");
        assertThat(topicEntry.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
        assertThat(synonyms(topicEntry)).containsExactly("log.retention.ms=7200000@DYNAMIC_BROKER_CONFIG",
            "log.retention.hours=100@STATIC_BROKER_CONFIG", "log.retention.hours=168@DEFAULT_CONFIG");
        assertThat(broker.broker().partitions().partition(new TopicPartition("follows-broker", 0)).log().config().retentionMs())
            .isEqualTo(7_200_000L);

        alter(BROKER, op("log.retention.ms", null, AlterConfigOp.OpType.DELETE));

        assertThat(describe(topic("follows-broker")).get("retention.ms").value()).isEqualTo(String.valueOf(100 * 3_600_000L));
        assertThat(broker.broker().partitions().partition(new TopicPartition("follows-broker", 0)).log().config().retentionMs())
            .isEqualTo(100 * 3_600_000L);
    }

    @Test
    void clusterDefaultDynamicConfigIsDescribedOnItsOwnResource() throws Exception {
        alter(CLUSTER_DEFAULT, op("message.max.bytes", "2000000", AlterConfigOp.OpType.SET));

        Config defaults = describe(CLUSTER_DEFAULT);
        assertThat(defaults.entries()).extracting(ConfigEntry::name).containsExactly("message.max.bytes");
        assertThat(defaults.get("message.max.bytes").value()).isEqualTo("2000000");
        assertThat(defaults.get("message.max.bytes").source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);

        ConfigEntry onBroker = describe(BROKER).get("message.max.bytes");
        assertThat(onBroker.value()).isEqualTo("2000000");
        assertThat(onBroker.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    }

    @Test
    void staticBrokerConfigCannotBeAlteredDynamically() {
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(BROKER,
            List.of(op("log.dirs", "/tmp/elsewhere", AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOfAny(InvalidConfigurationException.class, InvalidRequestException.class);
    }

    @Test
    void badBrokerConfigValueIsRejected() {
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(BROKER,
            List.of(op("log.retention.ms", "soon", AlterConfigOp.OpType.SET)))).all()))
            .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void topicConfigChangeReachesThePartitionLog() throws Exception {
        admin.createTopics(List.of(new NewTopic("reaches-log", 2, (short) 1))).all().get();

        alter(topic("reaches-log"), op("retention.ms", "123456", AlterConfigOp.OpType.SET),
            op("cleanup.policy", "compact", AlterConfigOp.OpType.SET));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int p = 0; p < 2; p++) {
                var log = broker.broker().partitions().partition(new TopicPartition("reaches-log", p)).log();
                assertThat(log.config().retentionMs()).isEqualTo(123456L);
                assertThat(log.config().cleanupPolicyCompact()).isTrue();
            }
        });
    }
}
