package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.BrokerProcess;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsCommandTest {
    private static EmbeddedBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ToolRun topics(String... args) {
        return ToolRun.of(TopicsCommand::run, args);
    }

    private static ToolRun kafkaTopics(String... args) {
        return ToolRun.kafka(TopicCommand::main, args);
    }

    private static String[] withBootstrap(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    @Test
    void createPrintsCreatedTopicAndDescribeShowsPartitionsAndConfigs() {
        ToolRun created = topics(withBootstrap("--create", "--topic", "orders", "--partitions", "3",
            "--replication-factor", "1", "--config", "retention.ms=60000", "--config", "cleanup.policy=compact"));

        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).isEqualTo("Created topic orders.\n");
        ToolRun described = topics(withBootstrap("--describe", "--topic", "orders"));
        assertThat(described.exitCode()).isZero();
        assertThat(described.outLines()).hasSize(4);
        assertThat(described.outLines().get(0))
            .matches("Topic: orders\tTopicId: \\S{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: .*")
            .contains("retention.ms=60000").contains("cleanup.policy=compact");
        assertThat(described.outLines().get(1)).startsWith("\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: ");
    }

    @Test
    void describeOutputIsKafkasToolsLineForLine() {
        topics(withBootstrap("--create", "--topic", "same-a", "--partitions", "2", "--config", "segment.bytes=1048576"));
        topics(withBootstrap("--create", "--topic", "same-b"));

        for (String[] args : new String[][] {
            {"--describe"},
            {"--describe", "--topic", "same-.*"},
            {"--describe", "--topic", "same-a,same-b"},
            {"--describe", "--topics-with-overrides"},
            {"--describe", "--under-replicated-partitions"},
            {"--describe", "--unavailable-partitions"},
            {"--describe", "--at-min-isr-partitions"},
            {"--describe", "--exclude-internal"},
            {"--list"},
            {"--list", "--topic", "same-.*"},
            {"--list", "--exclude-internal"},
        }) {
            ToolRun ours = topics(withBootstrap(args));
            ToolRun kafkas = kafkaTopics(withBootstrap(args));
            // Kafka's tool prints topics in the hash order of a map; Samsa's sorts them by name.
            assertThat(topicBlocks(ours.out())).as(String.join(" ", args)).isSorted()
                .containsExactlyInAnyOrderElementsOf(topicBlocks(kafkas.out()));
            assertThat(ours.exitCode()).as(String.join(" ", args) + kafkas).isEqualTo(kafkas.exitCode()).isZero();
        }
    }

    /** The output cut into one string per topic: its topic line and the partition lines under it. */
    private static List<String> topicBlocks(String out) {
        List<String> blocks = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (line.startsWith("\t") && !blocks.isEmpty() && !blocks.get(blocks.size() - 1).startsWith("\t")) {
                blocks.set(blocks.size() - 1, blocks.get(blocks.size() - 1) + "\n" + line);
            } else {
                blocks.add(line);
            }
        }
        return blocks;
    }

    @Test
    void listPrintsMatchingTopicsSorted() {
        topics(withBootstrap("--create", "--topic", "list-b"));
        topics(withBootstrap("--create", "--topic", "list-a"));
        topics(withBootstrap("--create", "--topic", "other-list"));

        ToolRun listed = topics(withBootstrap("--list", "--topic", "list-.*"));

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.outLines()).containsExactly("list-a", "list-b");
    }

    @Test
    void createExistingTopicFailsWithKafkasMessageUnlessIfNotExists() {
        topics(withBootstrap("--create", "--topic", "twice"));

        ToolRun again = topics(withBootstrap("--create", "--topic", "twice"));
        ToolRun tolerated = topics(withBootstrap("--create", "--topic", "twice", "--if-not-exists"));

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("Error while executing topic command : Topic 'twice' already exists.\n");
        assertThat(tolerated.exitCode()).isZero();
        assertThat(tolerated.out()).isEmpty();
        assertThat(tolerated.err()).isEmpty();
    }

    @Test
    void illegalTopicNameIsRefusedInOneLine() {
        ToolRun run = topics(withBootstrap("--create", "--topic", "bad name"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("Error while executing topic command : Topic name is invalid: 'bad name' contains one or more "
            + "characters other than ASCII alphanumerics, '.', '_' and '-'\n");
    }

    @Test
    void topicNameWithPeriodAndUnderscoreWarnsAboutMetricCollisions() {
        ToolRun run = topics(withBootstrap("--create", "--topic", "a.b_c"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("WARNING: Due to limitations in metric names, topics with a period ('.') or "
            + "underscore ('_') could collide. To avoid issues it is best to use either, but not both.", "Created topic a.b_c.");
    }

    @Test
    void replicaAssignmentSetsPartitionCountAndRejectsDuplicates() {
        ToolRun created = topics(withBootstrap("--create", "--topic", "assigned", "--replica-assignment", "1,1,1"));
        ToolRun duplicate = topics(withBootstrap("--create", "--topic", "assigned-dup", "--replica-assignment", "1:1"));
        ToolRun withPartitions = topics(withBootstrap("--create", "--topic", "x", "--replica-assignment", "1", "--partitions", "2"));

        assertThat(created.exitCode()).isZero();
        assertThat(topics(withBootstrap("--describe", "--topic", "assigned")).outLines().get(0)).contains("\tPartitionCount: 3\t");
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.err()).isEqualTo("Error while executing topic command : Partition replica lists may not contain duplicate entries: 1\n");
        assertThat(withPartitions.exitCode()).isEqualTo(1);
        assertThat(withPartitions.err()).isEqualTo("Option \"[replica-assignment]\" can't be used with option \"[partitions]\"\n");
    }

    @Test
    void replicationFactorBeyondTheBrokerCountFailsWithTheBrokersReason() {
        ToolRun run = topics(withBootstrap("--create", "--topic", "rf3", "--replication-factor", "3"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("Error while executing topic command : ").contains("replication factor");
    }

    @Test
    void describeOrDeleteOfUnknownTopicFailsUnlessIfExists() {
        ToolRun describe = topics(withBootstrap("--describe", "--topic", "missing"));
        ToolRun delete = topics(withBootstrap("--delete", "--topic", "missing"));
        ToolRun alter = topics(withBootstrap("--alter", "--topic", "missing", "--partitions", "2"));
        ToolRun describeIfExists = topics(withBootstrap("--describe", "--topic", "missing", "--if-exists"));
        ToolRun deleteIfExists = topics(withBootstrap("--delete", "--topic", "missing", "--if-exists"));

        for (ToolRun run : new ToolRun[] {describe, delete, alter}) {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("Error while executing topic command : Topic 'missing' does not exist as expected\n");
        }
        assertThat(describeIfExists.exitCode()).isZero();
        assertThat(describeIfExists.out()).isEmpty();
        assertThat(deleteIfExists.exitCode()).isZero();
    }

    @Test
    void alterIncreasesPartitionsAndRefusesToShrink() {
        topics(withBootstrap("--create", "--topic", "grow", "--partitions", "2"));

        ToolRun grow = topics(withBootstrap("--alter", "--topic", "grow", "--partitions", "4"));
        ToolRun shrink = topics(withBootstrap("--alter", "--topic", "grow", "--partitions", "1"));

        assertThat(grow.exitCode()).isZero();
        assertThat(grow.out()).isEmpty();
        assertThat(topics(withBootstrap("--describe", "--topic", "grow")).outLines().get(0)).contains("\tPartitionCount: 4\t");
        assertThat(shrink.exitCode()).isEqualTo(1);
        assertThat(shrink.err()).startsWith("Error while executing topic command : ").contains("4").contains("1");
    }

    @Test
    void deleteRemovesTheTopic() {
        topics(withBootstrap("--create", "--topic", "doomed"));

        ToolRun deleted = topics(withBootstrap("--delete", "--topic", "doomed"));

        assertThat(deleted.exitCode()).isZero();
        assertThat(topics(withBootstrap("--list")).outLines()).doesNotContain("doomed");
    }

    @Test
    void commandConfigFileIsPassedToTheAdminClient(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("admin.properties");
        Files.writeString(config, "client.id=topics-test\nrequest.timeout.ms=20000\n");
        topics(withBootstrap("--create", "--topic", "configured"));

        ToolRun listed = topics(withBootstrap("--list", "--topic", "configured", "--command-config", config.toString()));
        ToolRun missingFile = topics(withBootstrap("--list", "--command-config", dir.resolve("nope.properties").toString()));

        assertThat(listed.outLines()).containsExactly("configured");
        assertThat(missingFile.exitCode()).isEqualTo(1);
        assertThat(missingFile.err()).startsWith("Cannot read " + dir.resolve("nope.properties"));
    }

    @Test
    void commandLineMistakesAreOneLineWithExitCodeOne() {
        assertThat(topics(withBootstrap("--topic", "t"))).isEqualTo(new ToolRun(1, "",
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete\n"));
        assertThat(topics("--list")).isEqualTo(new ToolRun(1, "", "--bootstrap-server must be specified\n"));
        assertThat(topics(withBootstrap("--create"))).isEqualTo(new ToolRun(1, "", "Missing required argument \"[topic]\"\n"));
        assertThat(topics(withBootstrap("--list", "--partitionz", "3"))).isEqualTo(new ToolRun(1, "", "Unknown options: '--partitionz', '3'\n"));
        assertThat(topics(withBootstrap("--create", "--topic", "t", "--partitions", "many")).err())
            .isEqualTo("Invalid value for option '--partitions': 'many' is not an int\n");
        assertThat(topics(withBootstrap("--create", "--topic", "zero", "--partitions", "0")))
            .isEqualTo(new ToolRun(1, "", "Error while executing topic command : The partitions must be greater than 0\n"));
    }

    @Test
    void helpPrintsUsageAndNoArgumentsIsAnError() {
        ToolRun help = topics("--help");
        ToolRun none = topics();

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: kafka-topics.sh").contains("--bootstrap-server", "--replica-assignment", "--if-not-exists");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).startsWith("Usage: kafka-topics.sh");
    }

    @Test
    void unreachableBootstrapServerFailsFastWithOneLine() {
        int port = BrokerProcess.freePort();
        long start = System.nanoTime();

        ToolRun run = topics("--bootstrap-server", "127.0.0.1:" + port, "--list");

        assertThat(System.nanoTime() - start).isLessThan(6_000_000_000L);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("could not reach 127.0.0.1:" + port + " (Connection refused): is a broker running there?\n");
    }
}
