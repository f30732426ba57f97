package io.samsa.it.admin;

import io.samsa.testing.WireClient;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every version of the admin APIs that Samsa advertises is answered in a well-formed response, not only the
 * newest one the Java client of today picks: older clients and librdkafka send older versions.
 */
class AdminApiVersionsTest {
    private static EmbeddedBroker broker;
    private static WireClient raw;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        raw = WireClient.connect(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        if (raw != null) {
            raw.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static short oldest(ApiKeys key) {
        return key.oldestVersion();
    }

    private static CreateTopicsResponse createTopic(String name, int partitions, short version) throws Exception {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(10_000);
        data.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
            .setReplicationFactor((short) 1));
        return raw.send(new CreateTopicsRequest.Builder(data).build(version));
    }

    @Test
    void everyCreateTopicsDeleteTopicsAndCreatePartitionsVersionWorks() throws Exception {
        for (short v = oldest(ApiKeys.CREATE_TOPICS); v <= ApiKeys.CREATE_TOPICS.latestVersion(); v++) {
            CreateTopicsResponse created = createTopic("create-v" + v, 1, v);
            assertThat(created.data().topics().find("create-v" + v).errorCode()).as("CreateTopics v%d", v).isZero();
        }
        for (short v = oldest(ApiKeys.CREATE_PARTITIONS); v <= ApiKeys.CREATE_PARTITIONS.latestVersion(); v++) {
            CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(10_000);
            data.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("create-v7").setCount(2 + v)
                .setAssignments(null));
            CreatePartitionsResponse response = raw.send(new CreatePartitionsRequest.Builder(data).build(v));
            assertThat(response.data().results()).as("CreatePartitions v%d", v).singleElement()
                .satisfies(r -> assertThat(r.errorCode()).isZero());
        }
        for (short v = oldest(ApiKeys.DELETE_TOPICS); v <= ApiKeys.DELETE_TOPICS.latestVersion(); v++) {
            String name = "create-v" + (v + 1);
            DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
            if (v >= 6) {
                data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
            } else {
                data.setTopicNames(List.of(name));
            }
            DeleteTopicsResponse response = raw.send(new DeleteTopicsRequest.Builder(data).build(v));
            assertThat(response.data().responses().find(name).errorCode()).as("DeleteTopics v%d", v).isZero();
        }
    }

    @Test
    void everyMetadataVersionDescribesATopic() throws Exception {
        createTopic("metadata-versions", 2, (short) 7);
        for (short v = oldest(ApiKeys.METADATA); v <= ApiKeys.METADATA.latestVersion(); v++) {
            MetadataRequestData data = new MetadataRequestData().setAllowAutoTopicCreation(v < 4);
            data.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("metadata-versions"));
            MetadataResponse response = raw.send(new MetadataRequest(data, v));
            MetadataResponse.TopicMetadata topic = response.topicMetadata().iterator().next();
            assertThat(topic.error()).as("Metadata v%d", v).isEqualTo(Errors.NONE);
            assertThat(topic.partitionMetadata()).as("Metadata v%d", v).hasSize(2);
            assertThat(response.brokers()).as("Metadata v%d", v).hasSize(1);
        }
    }

    @Test
    void everyDescribeClusterVersionNamesThisBroker() throws Exception {
        for (short v = oldest(ApiKeys.DESCRIBE_CLUSTER); v <= ApiKeys.DESCRIBE_CLUSTER.latestVersion(); v++) {
            DescribeClusterResponse response = raw.send(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()).build(v));
            assertThat(response.data().errorCode()).as("DescribeCluster v%d", v).isZero();
            assertThat(response.data().brokers()).as("DescribeCluster v%d", v).hasSize(1);
        }
    }

    @Test
    void everyConfigApiVersionWorks() throws Exception {
        createTopic("config-versions", 1, (short) 7);
        for (short v = oldest(ApiKeys.DESCRIBE_CONFIGS); v <= ApiKeys.DESCRIBE_CONFIGS.latestVersion(); v++) {
            DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(v >= 1);
            data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("config-versions").setConfigurationKeys(null));
            data.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("1").setConfigurationKeys(null));
            DescribeConfigsResponse response = raw.send(new DescribeConfigsRequest.Builder(data).build(v));
            assertThat(response.data().results()).as("DescribeConfigs v%d", v).hasSize(2)
                .allSatisfy(r -> assertThat(r.errorCode()).isZero())
                .allSatisfy(r -> assertThat(r.configs()).isNotEmpty());
        }
        for (short v = oldest(ApiKeys.ALTER_CONFIGS); v <= ApiKeys.ALTER_CONFIGS.latestVersion(); v++) {
            AlterConfigsRequestData data = new AlterConfigsRequestData();
            AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("config-versions");
            resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue(String.valueOf(1000 + v)));
            data.resources().add(resource);
            AlterConfigsResponse response = raw.send(new AlterConfigsRequest(data, v));
            assertThat(response.data().responses()).as("AlterConfigs v%d", v).singleElement()
                .satisfies(r -> assertThat(r.errorCode()).isZero());
        }
        for (short v = oldest(ApiKeys.INCREMENTAL_ALTER_CONFIGS); v <= ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion(); v++) {
            IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData();
            IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("config-versions");
            resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
                .setConfigOperation((byte) 0).setValue(String.valueOf(2000 + v)));
            data.resources().add(resource);
            IncrementalAlterConfigsResponse response = raw.send(new IncrementalAlterConfigsRequest.Builder(data).build(v));
            assertThat(response.data().responses()).as("IncrementalAlterConfigs v%d", v).singleElement()
                .satisfies(r -> assertThat(r.errorCode()).isZero());
        }
    }
}
