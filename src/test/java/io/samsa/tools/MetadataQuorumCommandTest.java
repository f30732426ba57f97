package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kafka-metadata-quorum.sh's command line, and its answer from a single broker, which has no quorum and so does not
 * offer DescribeQuorum. Its output against a cluster is tested in {@code io.samsa.it.cluster.ClusterToolsTest}.
 */
class MetadataQuorumCommandTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ToolRun quorum(String... args) {
        return ToolRun.of(MetadataQuorumCommand::run, args);
    }

    @Test
    void describeNeedsExactlyOneOfStatusOrReplicationWithKafkasMessages() {
        String bs = broker.bootstrapServers();
        assertThat(quorum("--bootstrap-server", bs, "describe")).isEqualTo(new ToolRun(1, "",
            "One of --status or --replication must be specified with describe sub-command\n"));
        assertThat(quorum("--bootstrap-server", bs, "describe", "--status", "--replication")).isEqualTo(new ToolRun(1, "",
            "Only one of --status or --replication should be specified with describe sub-command\n"));
        assertThat(quorum("--bootstrap-server", bs, "describe", "--status", "--human-readable")).isEqualTo(new ToolRun(1, "",
            "The option --human-readable is only supported along with --replication\n"));
        assertThat(quorum("describe", "--status")).isEqualTo(new ToolRun(1, "", "--bootstrap-server must be specified\n"));
        assertThat(quorum("--bootstrap-server", bs, "add-controller").err()).isEqualTo(
            "Unknown command 'add-controller': the command is describe\n");
        assertThat(quorum("--bootstrap-controller", bs, "describe", "--status").err())
            .startsWith("--bootstrap-controller is not supported");
    }

    @Test
    void aSingleBrokerHasNoQuorumToDescribeAndSaysSoInOneLine() {
        ToolRun run = quorum("--bootstrap-server", broker.bootstrapServers(), "describe", "--status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().toList()).singleElement().asString().containsIgnoringCase("DESCRIBE_QUORUM");
    }

    @Test
    void helpPrintsUsage() {
        ToolRun help = quorum("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: kafka-metadata-quorum.sh").contains("--status", "--replication");
    }
}
