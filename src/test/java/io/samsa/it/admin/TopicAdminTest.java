package io.samsa.it.admin;

import io.samsa.testing.WireClient;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CreateTopics, ListTopics, DescribeTopics, DeleteTopics, CreatePartitions and DescribeCluster as the Java Admin sees them. */
class TopicAdminTest {
    private static EmbeddedBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
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

    private static void create(NewTopic topic) throws Exception {
        admin.createTopics(List.of(topic)).all().get();
    }

    private static TopicDescription describe(String name) throws Exception {
        return admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
    }

    private static Throwable causeOf(org.apache.kafka.common.KafkaFuture<?> future) {
        try {
            future.get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected the future to fail");
    }

    @Test
    void createTopicsReportsPartitionsReplicationFactorIdAndConfigs() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("created", 3, (short) 1)));
        result.all().get();

        assertThat(result.numPartitions("created").get()).isEqualTo(3);
        assertThat(result.replicationFactor("created").get()).isEqualTo(1);
        assertThat(result.topicId("created").get()).isNotEqualTo(Uuid.ZERO_UUID);
        Config config = result.config("created").get();
        assertThat(config.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
    }

    @Test
    void describeTopicsShowsEveryPartitionLedByThisBroker() throws Exception {
        Uuid id = admin.createTopics(List.of(new NewTopic("described", 4, (short) 1))).topicId("described").get();

        TopicDescription description = describe("described");

        assertThat(description.name()).isEqualTo("described");
        assertThat(description.topicId()).isEqualTo(id);
        assertThat(description.isInternal()).isFalse();
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3);
        for (TopicPartitionInfo partition : description.partitions()) {
            assertThat(partition.leader().id()).isEqualTo(1);
            assertThat(partition.replicas()).extracting(Node::id).containsExactly(1);
            assertThat(partition.isr()).extracting(Node::id).containsExactly(1);
            assertThat(partition.leader().port()).isEqualTo(broker.port());
        }
    }

    @Test
    void describeTopicsByIdFindsTheTopic() throws Exception {
        Uuid id = admin.createTopics(List.of(new NewTopic("described-by-id", 2, (short) 1))).topicId("described-by-id").get();

        TopicDescription description = admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds().get().get(id);

        assertThat(description.name()).isEqualTo("described-by-id");
        assertThat(description.partitions()).hasSize(2);
    }

    @Test
    void describeTopicsPagesThroughManyPartitions() throws Exception {
        create(new NewTopic("paged-a", 5, (short) 1));
        create(new NewTopic("paged-b", 5, (short) 1));

        Map<String, TopicDescription> described = admin.describeTopics(List.of("paged-a", "paged-b"),
            new org.apache.kafka.clients.admin.DescribeTopicsOptions().partitionSizeLimitPerResponse(3)).allTopicNames().get();

        assertThat(described.get("paged-a").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3, 4);
        assertThat(described.get("paged-b").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void describeTopicsPagesAroundAMissingTopic() throws Exception {
        create(new NewTopic("paged-x", 5, (short) 1));
        create(new NewTopic("paged-z", 4, (short) 1));

        var result = admin.describeTopics(List.of("paged-x", "paged-y-missing", "paged-z"),
            new org.apache.kafka.clients.admin.DescribeTopicsOptions().partitionSizeLimitPerResponse(2)).topicNameValues();

        assertThat(result.get("paged-x").get().partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3, 4);
        assertThat(result.get("paged-z").get().partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3);
        assertThat(causeOf(result.get("paged-y-missing"))).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void createTopicWithExplicitReplicaAssignmentUsesIt() throws Exception {
        create(new NewTopic("assigned", Map.of(0, List.of(1), 1, List.of(1), 2, List.of(1))));

        TopicDescription description = describe("assigned");

        assertThat(description.partitions()).hasSize(3);
        assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).extracting(Node::id).containsExactly(1));
    }

    @Test
    void createTopicWithAssignmentToUnknownBrokerFails() {
        Throwable error = causeOf(admin.createTopics(List.of(new NewTopic("assigned-badly", Map.of(0, List.of(7))))).all());

        assertThat(error).isInstanceOf(InvalidReplicaAssignmentException.class);
    }

    @Test
    void createTopicWithDefaultsUsesNumPartitionsAndDefaultReplicationFactor() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())));

        assertThat(result.numPartitions("defaults").get()).isEqualTo(1);
        assertThat(result.replicationFactor("defaults").get()).isEqualTo(1);
    }

    @Test
    void createTopicWithConfigsStoresThemAsTopicOverrides() throws Exception {
        create(new NewTopic("configured", 1, (short) 1).configs(Map.of("retention.ms", "1000", "cleanup.policy", "compact")));

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

        assertThat(config.get("retention.ms").value()).isEqualTo("1000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void validateOnlyCreateReportsTheTopicButDoesNotCreateIt() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("validated", 2, (short) 1)),
            new CreateTopicsOptions().validateOnly(true));

        result.all().get();
        assertThat(result.numPartitions("validated").get()).isEqualTo(2);
        assertThat(admin.listTopics().names().get()).doesNotContain("validated");
        assertThat(causeOf(admin.describeTopics(List.of("validated")).allTopicNames()))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void validateOnlyCreateStillReportsErrors() {
        Throwable error = causeOf(admin.createTopics(List.of(new NewTopic("validated-bad", 1, (short) 2)),
            new CreateTopicsOptions().validateOnly(true)).all());

        assertThat(error).isInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void listTopicsNamesEveryTopicWithItsId() throws Exception {
        Uuid id = admin.createTopics(List.of(new NewTopic("listed", 1, (short) 1))).topicId("listed").get();

        Map<String, TopicListing> listings = admin.listTopics().namesToListings().get();

        assertThat(listings).containsKey("listed");
        assertThat(listings.get("listed").topicId()).isEqualTo(id);
        assertThat(listings.get("listed").isInternal()).isFalse();
    }

    @Test
    void deleteTopicsByNameRemovesTheTopic() throws Exception {
        create(new NewTopic("deleted-by-name", 2, (short) 1));

        admin.deleteTopics(List.of("deleted-by-name")).all().get();

        assertThat(admin.listTopics().names().get()).doesNotContain("deleted-by-name");
        assertThat(causeOf(admin.describeTopics(List.of("deleted-by-name")).allTopicNames()))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void deleteTopicsByIdRemovesTheTopic() throws Exception {
        Uuid id = admin.createTopics(List.of(new NewTopic("deleted-by-id", 1, (short) 1))).topicId("deleted-by-id").get();

        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get();

        assertThat(admin.listTopics().names().get()).doesNotContain("deleted-by-id");
    }

    @Test
    void deletedTopicCanBeCreatedAgainWithANewId() throws Exception {
        Uuid first = admin.createTopics(List.of(new NewTopic("reborn", 1, (short) 1))).topicId("reborn").get();
        admin.deleteTopics(List.of("reborn")).all().get();

        Uuid second = admin.createTopics(List.of(new NewTopic("reborn", 2, (short) 1))).topicId("reborn").get();

        assertThat(second).isNotEqualTo(first);
        assertThat(describe("reborn").partitions()).hasSize(2);
    }

    @Test
    void aRecreatedTopicStartsEmpty() throws Exception {
        create(new NewTopic("recreated-empty", 1, (short) 1));
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("recreated-empty", "v" + i)).get();
            }
        }
        var tp = new org.apache.kafka.common.TopicPartition("recreated-empty", 0);
        assertThat(admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp).get().offset())
            .isEqualTo(5);

        admin.deleteTopics(List.of("recreated-empty")).all().get();
        create(new NewTopic("recreated-empty", 1, (short) 1));

        assertThat(admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp).get().offset())
            .isZero();
    }

    @Test
    void deleteMissingTopicFailsWithUnknownTopicOrPartition() {
        assertThat(causeOf(admin.deleteTopics(List.of("never-created")).all()))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void deleteMissingTopicIdFailsWithUnknownTopicId() {
        assertThat(causeOf(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid()))).all()))
            .isInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void describeMissingTopicFailsWithUnknownTopicOrPartition() {
        assertThat(causeOf(admin.describeTopics(List.of("never-described")).allTopicNames()))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void createPartitionsGrowsTheTopic() throws Exception {
        create(new NewTopic("grown", 1, (short) 1));

        admin.createPartitions(Map.of("grown", NewPartitions.increaseTo(3))).all().get();

        assertThat(describe("grown").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        assertThat(describe("grown").partitions()).allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(1));
        assertThat(broker.broker().partitions().partition(new org.apache.kafka.common.TopicPartition("grown", 2))).isNotNull();
    }

    @Test
    void createPartitionsWithAssignmentUsesIt() throws Exception {
        create(new NewTopic("grown-assigned", 1, (short) 1));

        admin.createPartitions(Map.of("grown-assigned", NewPartitions.increaseTo(3, List.of(List.of(1), List.of(1))))).all().get();

        assertThat(describe("grown-assigned").partitions()).hasSize(3);
    }

    @Test
    void createPartitionsValidateOnlyChangesNothing() throws Exception {
        create(new NewTopic("grown-validated", 1, (short) 1));

        admin.createPartitions(Map.of("grown-validated", NewPartitions.increaseTo(4)),
            new org.apache.kafka.clients.admin.CreatePartitionsOptions().validateOnly(true)).all().get();

        assertThat(describe("grown-validated").partitions()).hasSize(1);
    }

    @Test
    void createPartitionsRejectsShrinkingKeepingAndNonPositiveCounts() throws Exception {
        create(new NewTopic("not-shrunk", 3, (short) 1));

        for (int count : new int[] {2, 3, 0, -1}) {
            assertThat(causeOf(admin.createPartitions(Map.of("not-shrunk", NewPartitions.increaseTo(count))).all()))
                .as("increase to %d", count)
                .isInstanceOf(InvalidPartitionsException.class);
        }
        assertThat(describe("not-shrunk").partitions()).hasSize(3);
    }

    @Test
    void createPartitionsAnswersEveryTopicOfTheRequest() throws Exception {
        create(new NewTopic("grown-together", 1, (short) 1));

        var result = admin.createPartitions(Map.of(
            "grown-together", NewPartitions.increaseTo(2),
            "grown-missing", NewPartitions.increaseTo(2)));

        result.values().get("grown-together").get();
        assertThat(causeOf(result.values().get("grown-missing"))).isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(describe("grown-together").partitions()).hasSize(2);
    }

    @Test
    void createExistingTopicFailsWithTopicExists() throws Exception {
        create(new NewTopic("existing", 1, (short) 1));

        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("existing", 1, (short) 1))).all()))
            .isInstanceOf(TopicExistsException.class)
            .hasMessageContaining("existing");
    }

    @Test
    void createTopicWithZeroOrNegativePartitionsFailsWithInvalidPartitions() {
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("zero-partitions", 0, (short) 1))).all()))
            .isInstanceOf(InvalidPartitionsException.class)
            .hasMessage("Number of partitions was set to an invalid non-positive value.");
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("negative-partitions", -2, (short) 1))).all()))
            .isInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void createTopicWithUnreachableOrZeroReplicationFactorFails() {
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("rf-two", 1, (short) 2))).all()))
            .isInstanceOf(InvalidReplicationFactorException.class)
            .hasMessage("Unable to replicate the partition 2 time(s): The target replication factor of 2 cannot be reached "
                + "because only 1 broker(s) are registered.");
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("rf-zero", 1, (short) 0))).all()))
            .isInstanceOf(InvalidReplicationFactorException.class)
            .hasMessage("Replication factor must be larger than 0, or -1 to use the default value.");
    }

    @Test
    void createTopicWithIllegalNameFailsWithInvalidTopic() throws Exception {
        for (String name : List.of("", ".", "..", "x".repeat(250), "bad/name", "white space", "ümlaut")) {
            assertThat(causeOf(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all()))
                .as("topic name '%s'", name)
                .isInstanceOf(InvalidTopicException.class);
        }
        assertThat(admin.listTopics().names().get()).doesNotContain(".", "..", "bad/name");
    }

    @Test
    void theClusterMetadataTopicCannotBeCreatedByClients() throws Exception {
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("__cluster_metadata", 1, (short) 1))).all()))
            .isInstanceOf(org.apache.kafka.common.errors.InvalidRequestException.class)
            .hasMessage("Creation of internal topic __cluster_metadata is prohibited.");

        assertThat(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get())
            .doesNotContain("__cluster_metadata");
        create(new NewTopic("after-metadata-attempt", 1, (short) 1));
        assertThat(describe("after-metadata-attempt").partitions()).hasSize(1);
    }

    @Test
    void createTopicWithLongestLegalNameSucceeds() throws Exception {
        String name = "y".repeat(249);

        create(new NewTopic(name, 1, (short) 1));

        assertThat(admin.listTopics().names().get()).contains(name);
    }

    @Test
    void createTopicCollidingOnPeriodAndUnderscoreFailsWithInvalidTopic() throws Exception {
        create(new NewTopic("collide.me", 1, (short) 1));

        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("collide_me", 1, (short) 1))).all()))
            .isInstanceOf(InvalidTopicException.class)
            .hasMessageContaining("collide.me");
    }

    @Test
    void createTopicWithUnknownOrBadConfigFailsWithInvalidConfiguration() throws Exception {
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("unknown-config", 1, (short) 1)
            .configs(Map.of("no.such.config", "1")))).all()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("no.such.config");
        assertThat(causeOf(admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1)
            .configs(Map.of("retention.ms", "abc")))).all()))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining("retention.ms");
        assertThat(admin.listTopics().names().get()).doesNotContain("unknown-config", "bad-config");
    }

    @Test
    void oneFailedTopicDoesNotStopTheOthersInTheSameRequest() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(
            new NewTopic("batch-good", 1, (short) 1), new NewTopic("batch-bad", 1, (short) 5)));

        result.values().get("batch-good").get();
        assertThat(causeOf(result.values().get("batch-bad"))).isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(admin.listTopics().names().get()).contains("batch-good").doesNotContain("batch-bad");
    }

    @Test
    void duplicateTopicInOneCreateRequestIsRejectedAndNotCreated() throws Exception {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("dup-create").setNumPartitions(1).setReplicationFactor((short) 1));
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("dup-create").setNumPartitions(2).setReplicationFactor((short) 1));
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("dup-create-other").setNumPartitions(1).setReplicationFactor((short) 1));

        CreateTopicsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new CreateTopicsRequest.Builder(data).build((short) 7));
        }

        List<CreateTopicsResponseData.CreatableTopicResult> dup = response.data().topics().stream()
            .filter(t -> t.name().equals("dup-create")).toList();
        assertThat(dup).hasSize(1);
        assertThat(dup.get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(response.data().topics().find("dup-create-other").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(admin.listTopics().names().get()).doesNotContain("dup-create").contains("dup-create-other");
    }

    @Test
    void emptyTopicNameSentByARawClientIsAnInvalidTopic() throws Exception {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("").setNumPartitions(1).setReplicationFactor((short) 1));

        CreateTopicsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new CreateTopicsRequest.Builder(data).build((short) 7));
        }

        assertThat(response.data().topics()).hasSize(1);
        assertThat(response.data().topics().iterator().next().errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
    }

    @Test
    void duplicateTopicInOneCreatePartitionsRequestGetsOneInvalidRequestResult() throws Exception {
        create(new NewTopic("dup-grow", 1, (short) 1));
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("dup-grow").setCount(2).setAssignments(null));
        data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("dup-grow").setCount(3).setAssignments(null));

        CreatePartitionsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new CreatePartitionsRequest.Builder(data).build((short) 3));
        }

        assertThat(response.data().results()).hasSize(1);
        assertThat(response.data().results().get(0).name()).isEqualTo("dup-grow");
        assertThat(response.data().results().get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(describe("dup-grow").partitions()).hasSize(1);
    }

    @Test
    void createPartitionsRequestGetsOneResultPerTopic() throws Exception {
        create(new NewTopic("raw-grow", 1, (short) 1));
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("raw-grow").setCount(2).setAssignments(null));
        data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("raw-grow-missing").setCount(2).setAssignments(null));

        CreatePartitionsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new CreatePartitionsRequest.Builder(data).build((short) 3));
        }

        Map<String, Short> errors = response.data().results().stream()
            .collect(Collectors.toMap(r -> r.name(), r -> r.errorCode()));
        assertThat(errors).containsExactlyInAnyOrderEntriesOf(Map.of(
            "raw-grow", Errors.NONE.code(), "raw-grow-missing", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
    }

    @Test
    void duplicateTopicInOneDeleteRequestIsRejectedAndNotDeleted() throws Exception {
        create(new NewTopic("dup-delete", 1, (short) 1));
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("dup-delete"));
        data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("dup-delete"));

        DeleteTopicsResponse response;
        try (WireClient raw = WireClient.connect(broker.bootstrapServers())) {
            response = raw.send(new DeleteTopicsRequest.Builder(data).build((short) 6));
        }

        assertThat(response.data().responses()).hasSize(1);
        assertThat(response.data().responses().iterator().next().errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(admin.listTopics().names().get()).contains("dup-delete");
    }

    @Test
    void describeClusterNamesTheClusterControllerAndThisBroker() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();

        assertThat(cluster.clusterId().get()).isEqualTo(broker.broker().clusterId()).isNotBlank();
        assertThat(cluster.controller().get().id()).isEqualTo(1);
        assertThat(cluster.nodes().get()).singleElement().satisfies(node -> {
            assertThat(node.id()).isEqualTo(1);
            assertThat(node.port()).isEqualTo(broker.port());
        });
    }

    @Test
    void listTopicsWithoutInternalHidesNothingUserCreated() throws Exception {
        create(new NewTopic("visible", 1, (short) 1));

        Set<String> names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get();

        assertThat(names).contains("visible");
    }
}
