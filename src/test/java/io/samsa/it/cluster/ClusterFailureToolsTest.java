package io.samsa.it.cluster;

import io.samsa.testing.ClusterProcesses;
import io.samsa.testing.InProcessTool;
import io.samsa.testing.WireClient;
import io.samsa.tools.MetadataQuorumCommand;
import io.samsa.tools.TopicsCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster tools when something is wrong, on one three-node cluster of separate processes: a follower frozen
 * with SIGSTOP drops out of the ISR and kafka-topics lists its partition as under-replicated; a partition's leader
 * moves and the old leader's Produce and Fetch answers name the new one (KIP-951); a broker is killed and its
 * single-replica partition is listed as unavailable while the metadata quorum, two voters of three, still answers
 * DescribeQuorum. The tests run in this order, each leaving the cluster as the next one expects (the last kills a
 * node).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailureToolsTest {
    private static ClusterProcesses cluster;
    private static Admin admin;
    /** Admin settings for the tools: a frozen or dead broker must not hold a call for long. */
    private static Path toolConfig;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(Map.of(
            "broker.session.timeout.ms", "4000",
            "broker.heartbeat.interval.ms", "500",
            "replica.lag.time.max.ms", "3000")).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        toolConfig = Files.createTempFile("samsa-tool-", ".properties");
        Files.writeString(toolConfig, "request.timeout.ms=3000\ndefault.api.timeout.ms=15000\n");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (toolConfig != null) {
            Files.deleteIfExists(toolConfig);
        }
    }

    private static InProcessTool.Result kafkaTopics(int node, String... args) {
        return InProcessTool.kafka(TopicCommand::main, toolArgs(node, args));
    }

    private static InProcessTool.Result samsaTopics(int node, String... args) {
        return InProcessTool.samsa(TopicsCommand::run, toolArgs(node, args));
    }

    private static String[] toolArgs(int node, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServer(node),
            "--command-config", toolConfig.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static TopicPartitionInfo partition0(String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
        return d.partitions().get(0);
    }

    private static void createAndAwaitFullIsr(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
            assertThat(partition0(topic).isr()).hasSize(3));
    }

    private static int quorumLeader() throws Exception {
        return admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS).leaderId();
    }

    @Test
    @Order(1)
    void aFrozenFollowerLeavesTheIsrAndBothToolsListItsPartitionAsUnderReplicated() throws Exception {
        createAndAwaitFullIsr("lagging");
        TopicPartitionInfo p = partition0("lagging");
        int raftLeader = quorumLeader();
        // A follower of the partition that does not lead the metadata quorum: freezing it costs no election.
        int frozen = p.replicas().stream().map(Node::id).filter(id -> id != p.leader().id() && id != raftLeader)
            .findFirst().orElseThrow();
        cluster.pause(frozen);
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                InProcessTool.Result kafkas = kafkaTopics(p.leader().id(), "--describe", "--under-replicated-partitions");
                assertThat(kafkas.exitCode()).as(kafkas.err()).isZero();
                assertThat(kafkas.lines()).hasSize(1);
                assertThat(kafkas.lines().get(0)).startsWith("\tTopic: lagging\tPartition: 0\tLeader: " + p.leader().id()
                    + "\tReplicas: ").doesNotContain("Isr: " + frozen).doesNotContain("," + frozen + "\tElr");
                InProcessTool.Result ours = samsaTopics(p.leader().id(), "--describe", "--under-replicated-partitions");
                assertThat(ours.exitCode()).as(ours.err()).isZero();
                assertThat(ours.lines()).isEqualTo(kafkas.lines());
            });

            // The quorum's leader sees the frozen voter stop answering: its last fetch is seconds old.
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS);
            QuorumInfo.ReplicaState silent = quorum.voters().stream().filter(v -> v.replicaId() == frozen).findFirst().orElseThrow();
            assertThat(silent.lastFetchTimestamp()).isPresent();
            assertThat(System.currentTimeMillis() - silent.lastFetchTimestamp().getAsLong()).isGreaterThan(2_000);
        } finally {
            cluster.resume(frozen);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            InProcessTool.Result kafkas = kafkaTopics(1, "--describe", "--under-replicated-partitions");
            assertThat(kafkas.exitCode()).as(kafkas.err()).isZero();
            assertThat(kafkas.out()).isEmpty();
        });
    }

    @Test
    @Order(2)
    void theOldLeaderAnswersProduceAndFetchWithTheNewLeaderAndItsEndpoint() throws Exception {
        createAndAwaitFullIsr("moved");
        int oldLeader = partition0("moved").leader().id();
        // SIGTERM: a controlled shutdown moves the leadership away; the broker comes back as a follower.
        cluster.restart(oldLeader);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
            assertThat(partition0("moved").leader().id()).isNotEqualTo(oldLeader));

        try (WireClient wire = WireClient.connect(cluster.bootstrapServer(oldLeader))) {
            MetadataResponseData.MetadataResponsePartition now = await().atMost(Duration.ofSeconds(30)).until(() -> {
                MetadataRequestData request = new MetadataRequestData().setTopics(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName("moved")));
                MetadataResponse response = (MetadataResponse) wire.sendData(ApiKeys.METADATA, (short) 12, request);
                return response.data().topics().find("moved").partitions().get(0);
            }, m -> m.errorCode() == Errors.NONE.code() && m.leaderId() != oldLeader);
            int newLeader = now.leaderId();
            Uuid topicId = partition0Id("moved");

            ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000);
            produce.topicData().add(new ProduceRequestData.TopicProduceData().setName("moved").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.withRecords(
                    Compression.NONE, new SimpleRecord("v".getBytes(StandardCharsets.UTF_8)))))));
            ProduceResponse produced = (ProduceResponse) wire.sendData(ApiKeys.PRODUCE, (short) 12, produce);
            ProduceResponseData.PartitionProduceResponse refused =
                produced.data().responses().iterator().next().partitionResponses().get(0);
            assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(refused.currentLeader().leaderId()).isEqualTo(newLeader);
            assertThat(refused.currentLeader().leaderEpoch()).isEqualTo(now.leaderEpoch());
            assertThat(produced.data().nodeEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.nodeId()).isEqualTo(newLeader);
                assertThat(e.host()).isEqualTo("127.0.0.1");
                assertThat(e.port()).isEqualTo(cluster.clientPort(newLeader));
            });

            FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
                .setSessionId(0).setSessionEpoch(-1);
            fetch.replicaState().setReplicaId(-1);
            fetch.topics().add(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)
                    .setCurrentLeaderEpoch(-1))));
            FetchResponse fetched = (FetchResponse) wire.sendData(ApiKeys.FETCH, (short) 17, fetch);
            FetchResponseData.PartitionData notHere = fetched.data().responses().get(0).partitions().get(0);
            assertThat(Errors.forCode(notHere.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(notHere.currentLeader().leaderId()).isEqualTo(newLeader);
            assertThat(notHere.currentLeader().leaderEpoch()).isEqualTo(now.leaderEpoch());
            assertThat(fetched.data().nodeEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.nodeId()).isEqualTo(newLeader);
                assertThat(e.port()).isEqualTo(cluster.clientPort(newLeader));
            });
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
            assertThat(partition0("moved").isr()).hasSize(3));
    }

    private static Uuid partition0Id(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).topicId();
    }

    @Test
    @Order(3)
    void aSingleReplicaPartitionOfAKilledBrokerIsUnavailableAndTheQuorumStillDescribesItself() throws Exception {
        int raftLeader = quorumLeader();
        int doomed = raftLeader == 3 ? 2 : 3;
        int survivor = raftLeader;
        InProcessTool.Result created = kafkaTopics(survivor, "--create", "--topic", "lonely", "--replica-assignment",
            Integer.toString(doomed));
        assertThat(created.exitCode()).as(created.err()).isZero();
        // The admin client may ask a broker that has not applied the new topic yet (it then has no leader there):
        // every broker applies it within moments.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
            assertThat(kafkaTopics(survivor, "--describe", "--unavailable-partitions").out()).isEmpty());

        cluster.kill(doomed);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            InProcessTool.Result kafkas = kafkaTopics(survivor, "--describe", "--unavailable-partitions");
            assertThat(kafkas.exitCode()).as(kafkas.err()).isZero();
            assertThat(kafkas.lines()).singleElement().satisfies(line -> assertThat(line)
                .matches("\tTopic: lonely\tPartition: 0\tLeader: none\tReplicas: " + doomed + "\tIsr: " + doomed
                    + "?\tElr: \tLastKnownElr: "));
            InProcessTool.Result ours = samsaTopics(survivor, "--describe", "--unavailable-partitions");
            assertThat(ours.exitCode()).as(ours.err()).isZero();
            assertThat(ours.lines()).isEqualTo(kafkas.lines());
        });

        // The fenced broker is no longer listed by DescribeCluster; the controller is still the Raft leader.
        try (Admin survivorOnly = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServer(survivor)))) {
            List<Integer> alive = java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> id != doomed).boxed().toList();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(survivorOnly.describeCluster().nodes().get(15, TimeUnit.SECONDS)).extracting(Node::id)
                    .containsExactlyInAnyOrderElementsOf(alive));
            assertThat(survivorOnly.describeCluster().controller().get(15, TimeUnit.SECONDS).id()).isEqualTo(raftLeader);
        }

        // Two voters of three still form the quorum: both tools describe it through a surviving broker.
        for (var tool : List.<java.util.function.Function<String[], InProcessTool.Result>>of(
            args -> InProcessTool.kafka(org.apache.kafka.tools.MetadataQuorumCommand::main, args),
            args -> InProcessTool.samsa(MetadataQuorumCommand::run, args))) {
            InProcessTool.Result replication = tool.apply(new String[] {"--bootstrap-server", cluster.bootstrapServer(survivor),
                "--command-config", toolConfig.toString(), "describe", "--replication"});
            assertThat(replication.exitCode()).as(replication.err()).isZero();
            assertThat(replication.lines()).hasSize(4);
            assertThat(replication.lines().get(1)).startsWith(raftLeader + " ").endsWith("Leader  \t");
            assertThat(replication.lines().subList(2, 4)).anySatisfy(l -> assertThat(l).startsWith(doomed + " "));
        }
    }
}
