package io.samsa.it.cluster;

import io.samsa.testing.ClusterProcesses;
import io.samsa.testing.InProcessTool;
import io.samsa.testing.WireClient;
import io.samsa.tools.MetadataQuorumCommand;
import io.samsa.tools.TopicsCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.DescribeQuorumResponse;
import org.apache.kafka.tools.BrokerApiVersionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Apache Kafka's own tools (kafka-topics, kafka-metadata-quorum, kafka-broker-api-versions), Samsa's tools of the
 * same names, the admin client's DescribeCluster and librdkafka's kcat against one healthy three-node cluster of
 * separate processes.
 */
class ClusterToolsTest {
    private static ClusterProcesses cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster() {
        cluster = ClusterProcesses.builder().nodes(3).properties(Map.of(
            "broker.session.timeout.ms", "4000",
            "broker.heartbeat.interval.ms", "500",
            "replica.lag.time.max.ms", "3000")).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static InProcessTool.Result kafkaTopics(int node, String... args) {
        return InProcessTool.kafka(org.apache.kafka.tools.TopicCommand::main, withBootstrap(node, args));
    }

    private static InProcessTool.Result samsaTopics(int node, String... args) {
        return InProcessTool.samsa(TopicsCommand::run, withBootstrap(node, args));
    }

    private static String[] withBootstrap(int node, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrapServer(node)));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static QuorumInfo quorum() throws Exception {
        return admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
    }

    @Test
    void kafkaTopicsCreatesDescribesAndDeletesAReplicatedTopicAndSamsasToolPrintsTheSameLines() throws Exception {
        InProcessTool.Result created = kafkaTopics(1, "--create", "--topic", "tools-rf3", "--partitions", "3",
            "--replication-factor", "3");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("Created topic tools-rf3.\n");

        // Every follower joins the ISR once it has fetched; then the partition lines show three replicas in sync.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> partitions = kafkaTopics(2, "--describe", "--topic", "tools-rf3").lines().stream()
                .filter(l -> l.startsWith("\t")).toList();
            assertThat(partitions).hasSize(3);
            for (String line : partitions) {
                Matcher m = Pattern.compile("\tTopic: tools-rf3\tPartition: \\d\tLeader: ([1-3])\tReplicas: ([1-3],[1-3],[1-3])"
                    + "\tIsr: ([1-3],[1-3],[1-3])\tElr: \tLastKnownElr: ").matcher(line);
                assertThat(m.matches()).as(line).isTrue();
                assertThat(m.group(2).split(",")).containsExactlyInAnyOrder("1", "2", "3");
                assertThat(m.group(3).split(",")).containsExactlyInAnyOrder("1", "2", "3");
                assertThat(m.group(2)).startsWith(m.group(1)); // the first replica leads a new topic
            }
        });
        InProcessTool.Result described = kafkaTopics(3, "--describe", "--topic", "tools-rf3");
        assertThat(described.lines().get(0))
            .matches("Topic: tools-rf3\tTopicId: \\S{22}\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: .*");
        assertThat(samsaTopics(3, "--describe", "--topic", "tools-rf3").lines()).isEqualTo(described.lines());

        for (String filter : List.of("--under-replicated-partitions", "--unavailable-partitions")) {
            InProcessTool.Result kafkas = kafkaTopics(1, "--describe", filter);
            InProcessTool.Result ours = samsaTopics(1, "--describe", filter);
            assertThat(kafkas.exitCode()).as(kafkas.err()).isZero();
            assertThat(kafkas.out()).as("a healthy cluster has no " + filter).isEmpty();
            assertThat(ours.exitCode()).as(ours.err()).isZero();
            assertThat(ours.out()).isEmpty();
        }

        InProcessTool.Result deleted = kafkaTopics(2, "--delete", "--topic", "tools-rf3");
        assertThat(deleted.exitCode()).as(deleted.out() + deleted.err()).isZero();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
            assertThat(kafkaTopics(3, "--list").lines()).doesNotContain("tools-rf3"));
    }

    @Test
    void describeClusterListsEveryUnfencedBrokerAndTheRaftLeaderAsController() throws Exception {
        int leader = quorum().leaderId();
        for (int node = 1; node <= 3; node++) {
            try (Admin one = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServer(node)))) {
                DescribeClusterResult described = one.describeCluster();
                assertThat(described.nodes().get(20, TimeUnit.SECONDS)).extracting(Node::id, Node::port)
                    .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(1, cluster.clientPort(1)),
                        org.assertj.core.groups.Tuple.tuple(2, cluster.clientPort(2)),
                        org.assertj.core.groups.Tuple.tuple(3, cluster.clientPort(3)));
                assertThat(described.controller().get().id()).as("controller as node %d tells it", node).isEqualTo(leader);
            }
        }
    }

    @Test
    void everyBrokerAnswersDescribeQuorumWithTheRaftLeaderEpochAndEachVotersProgress() throws Exception {
        for (int node = 1; node <= 3; node++) {
            try (Admin one = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServer(node)))) {
                QuorumInfo quorum = one.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
                assertThat(quorum.leaderId()).isBetween(1, 3);
                assertThat(quorum.leaderEpoch()).isPositive();
                assertThat(quorum.highWatermark()).isPositive();
                assertThat(quorum.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactly(1, 2, 3);
                assertThat(quorum.observers()).isEmpty();
                QuorumInfo.ReplicaState leader = quorum.voters().stream()
                    .filter(v -> v.replicaId() == quorum.leaderId()).findFirst().orElseThrow();
                assertThat(leader.logEndOffset()).isGreaterThanOrEqualTo(quorum.highWatermark());
                for (QuorumInfo.ReplicaState voter : quorum.voters()) {
                    assertThat(voter.logEndOffset()).as("voter %d", voter.replicaId()).isBetween(1L, leader.logEndOffset());
                    assertThat(voter.lastFetchTimestamp()).isPresent();
                    assertThat(voter.lastFetchTimestamp().getAsLong())
                        .isBetween(System.currentTimeMillis() - 30_000, System.currentTimeMillis() + 1_000);
                }
                for (int voter = 1; voter <= 3; voter++) {
                    assertThat(quorum.nodes().get(voter).endpoints()).extracting(Object::toString)
                        .containsExactly("CONTROLLER://127.0.0.1:" + cluster.controllerPort(voter));
                }
            }
        }
    }

    @Test
    void describeQuorumAnswersEveryVersionForTheMetadataLogOnlyAndNamesTheVotersEndpointsFromV2() {
        try (WireClient wire = WireClient.connect(cluster.bootstrapServer(1))) {
            for (short version = 0; version <= 2; version++) {
                DescribeQuorumResponse response = (DescribeQuorumResponse) wire.sendData(ApiKeys.DESCRIBE_QUORUM, version,
                    DescribeQuorumRequest.singletonRequest(new TopicPartition("__cluster_metadata", 0)));
                assertThat(response.data().errorCode()).isZero();
                DescribeQuorumResponseData.PartitionData partition = response.data().topics().get(0).partitions().get(0);
                assertThat(partition.errorCode()).isZero();
                assertThat(partition.leaderId()).isBetween(1, 3);
                assertThat(partition.currentVoters()).hasSize(3);
                assertThat(response.data().nodes()).as("v%d", version).hasSize(version >= 2 ? 3 : 0);
            }
            DescribeQuorumResponse other = (DescribeQuorumResponse) wire.sendData(ApiKeys.DESCRIBE_QUORUM, (short) 2,
                DescribeQuorumRequest.singletonRequest(new TopicPartition("some-topic", 0)));
            assertThat(Errors.forCode(other.data().errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }

    @Test
    void kafkaMetadataQuorumDescribesStatusAndReplicationThroughAnyBrokerAndSamsasToolPrintsTheSame() throws Exception {
        int leader = quorum().leaderId();
        String voters = "[{\"id\": 1, \"endpoints\": [\"CONTROLLER://127.0.0.1:" + cluster.controllerPort(1) + "\"]}, "
            + "{\"id\": 2, \"endpoints\": [\"CONTROLLER://127.0.0.1:" + cluster.controllerPort(2) + "\"]}, "
            + "{\"id\": 3, \"endpoints\": [\"CONTROLLER://127.0.0.1:" + cluster.controllerPort(3) + "\"]}]";
        String clusterId = admin.describeCluster().clusterId().get();
        for (int node = 1; node <= 3; node++) {
            InProcessTool.Result kafkas = InProcessTool.kafka(org.apache.kafka.tools.MetadataQuorumCommand::main,
                "--bootstrap-server", cluster.bootstrapServer(node), "describe", "--status");
            InProcessTool.Result ours = InProcessTool.samsa(MetadataQuorumCommand::run,
                "--bootstrap-server", cluster.bootstrapServer(node), "describe", "--status");
            for (InProcessTool.Result run : List.of(kafkas, ours)) {
                assertThat(run.exitCode()).as(run.err()).isZero();
                List<String> lines = run.lines();
                assertThat(lines).hasSize(8);
                assertThat(lines.get(0)).isEqualTo("ClusterId:              " + clusterId);
                assertThat(lines.get(1)).isEqualTo("LeaderId:               " + leader);
                assertThat(lines.get(2)).matches("LeaderEpoch:            [1-9]\\d*");
                assertThat(lines.get(3)).matches("HighWatermark:          [1-9]\\d*");
                assertThat(lines.get(4)).matches("MaxFollowerLag:         \\d+");
                assertThat(lines.get(5)).matches("MaxFollowerLagTimeMs:   -?\\d+");
                assertThat(lines.get(6)).isEqualTo("CurrentVoters:          " + voters);
                assertThat(lines.get(7)).isEqualTo("CurrentObservers:       []");
            }
        }

        // The replication table: the leader first, then the other two voters, each caught up within a few entries.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int node = 1; node <= 3; node++) {
                InProcessTool.Result kafkas = InProcessTool.kafka(org.apache.kafka.tools.MetadataQuorumCommand::main,
                    "--bootstrap-server", cluster.bootstrapServer(node), "describe", "--replication");
                InProcessTool.Result ours = InProcessTool.samsa(MetadataQuorumCommand::run,
                    "--bootstrap-server", cluster.bootstrapServer(node), "describe", "--replication");
                for (InProcessTool.Result run : List.of(kafkas, ours)) {
                    assertThat(run.exitCode()).as(run.err()).isZero();
                    List<String> lines = run.lines();
                    assertThat(lines).hasSize(4);
                    assertThat(lines.get(0).split("\\s+")).containsExactly("NodeId", "DirectoryId", "LogEndOffset", "Lag",
                        "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status");
                    assertThat(lines.get(1)).matches(leader + "\\s+\tAAAAAAAAAAAAAAAAAAAAAA\t\\d+\\s*\t0\\s*\t\\d{13}\\s*\t\\d{13}\\s*\tLeader\\s*\t");
                    for (String follower : lines.subList(2, 4)) {
                        assertThat(follower).matches("[1-3]\\s+\tAAAAAAAAAAAAAAAAAAAAAA\t\\d+\\s*\t[0-5]\\s*\t\\d{13}\\s*\t\\d{13}\\s*\tFollower\t");
                    }
                    assertThat(lines.subList(1, 4)).extracting(l -> l.split("\\s+")[0])
                        .containsExactlyInAnyOrder("1", "2", "3");
                }
            }
        });
    }

    @Test
    void kafkaBrokerApiVersionsListsEveryBrokerWithDescribeQuorum() {
        InProcessTool.Result run = InProcessTool.kafka(BrokerApiVersionsCommand::main,
            "--bootstrap-server", cluster.bootstrapServers());
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (int node = 1; node <= 3; node++) {
            assertThat(run.out()).contains("127.0.0.1:" + cluster.clientPort(node) + " (id: " + node + " rack: null");
        }
        assertThat(run.out().split("DescribeQuorum\\(55\\): 0 to 2 \\[usable: 2]", -1)).hasSize(4);

        // Samsa's tool prints the same block per broker (Kafka's in the order of a hash map, Samsa's by node id).
        InProcessTool.Result ours = InProcessTool.samsa(io.samsa.tools.BrokerApiVersionsCommand::run,
            "--bootstrap-server", cluster.bootstrapServer(2));
        assertThat(ours.exitCode()).as(ours.err()).isZero();
        List<String> ourBlocks = List.of(ours.out().split("(?m)^(?=127\\.0\\.0\\.1:)"));
        assertThat(ourBlocks).hasSize(3).containsExactlyInAnyOrderElementsOf(
            List.of(run.out().split("(?m)^(?=127\\.0\\.0\\.1:)")));
        assertThat(ourBlocks.get(0)).startsWith("127.0.0.1:" + cluster.clientPort(1) + " (id: 1 rack: null");
    }

    @Test
    void kcatListsThreeBrokersAndAReplicatedTopicAndProducesAndConsumesThroughTheCluster() throws Exception {
        InProcessTool.Result created = kafkaTopics(1, "--create", "--topic", "kcat-rf3", "--partitions", "2",
            "--replication-factor", "3");
        assertThat(created.exitCode()).as(created.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Kcat.Result listed = Kcat.run(null, "-L", "-b", cluster.bootstrapServer(2), "-t", "kcat-rf3");
            assertThat(listed.exitCode()).as(listed.stderr()).isZero();
            assertThat(listed.stdout()).contains("3 brokers:")
                .contains("broker 1 at 127.0.0.1:" + cluster.clientPort(1))
                .contains("broker 2 at 127.0.0.1:" + cluster.clientPort(2))
                .contains("broker 3 at 127.0.0.1:" + cluster.clientPort(3))
                .contains("topic \"kcat-rf3\" with 2 partitions:")
                .containsPattern("partition 0, leader [1-3], replicas: [1-3],[1-3],[1-3], isrs: [1-3],[1-3],[1-3]")
                .containsPattern("partition 1, leader [1-3], replicas: [1-3],[1-3],[1-3], isrs: [1-3],[1-3],[1-3]");
        });

        Kcat.Result produced = Kcat.run("k1:one\nk2:two\nk3:three\nk4:four\n", "-P", "-b", cluster.bootstrapServer(3),
            "-t", "kcat-rf3", "-K:", "-X", "acks=all");
        assertThat(produced.exitCode()).as(produced.stderr()).isZero();
        Kcat.Result consumed = Kcat.run(null, "-C", "-b", cluster.bootstrapServer(1), "-t", "kcat-rf3", "-o", "beginning",
            "-e", "-f", "%k=%s\\n");
        assertThat(consumed.exitCode()).as(consumed.stderr()).isZero();
        assertThat(consumed.stdout().lines().toList()).containsExactlyInAnyOrder("k1=one", "k2=two", "k3=three", "k4=four");
    }

    /** kcat, as {@code io.samsa.it.kcat.KcatTest} runs it: a separate process with files for its streams. */
    static final class Kcat {
        record Result(int exitCode, String stdout, String stderr) {
        }

        static Result run(String stdin, String... args) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(find());
            command.addAll(List.of(args));
            Path dir = Files.createTempDirectory("samsa-kcat-");
            Path in = dir.resolve("stdin");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("kcat did not finish within 30 s: " + command + "\n" + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                for (Path p : List.of(in, out, err, dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }

        private static String find() {
            for (String name : List.of("kcat", "kafkacat")) {
                for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                    File candidate = new File(dir, name);
                    if (candidate.isFile() && candidate.canExecute()) {
                        return candidate.getAbsolutePath();
                    }
                }
            }
            throw new AssertionError("kcat is not installed (Debian package kcat): librdkafka against the cluster cannot be tested");
        }
    }
}
