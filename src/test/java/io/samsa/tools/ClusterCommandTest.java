package io.samsa.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code samsa cluster start}'s plan and the server.properties it writes; no node is started here. */
class ClusterCommandTest {

    @Test
    void threeNodesAreCombinedVotersOnConsecutivePortPairs(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        ClusterCommand.writeConfigs(ClusterCommand.plan(3, data, 9092));

        String voters = "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097";
        for (int n = 1; n <= 3; n++) {
            int client = 9090 + 2 * n;
            Properties p = load(data.resolve("node-" + n).resolve("server.properties"));
            assertThat(p).hasSize(9)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", Integer.toString(n))
                .containsEntry("controller.quorum.voters", voters)
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:" + client + ",CONTROLLER://127.0.0.1:" + (client + 1))
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + client)
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT")
                .containsEntry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT")
                .containsEntry("log.dirs", data.resolve("node-" + n).resolve("logs").toAbsolutePath().toString());
        }
        assertThat(data.resolve("node-4")).doesNotExist();
    }

    @Test
    void nodesPastTheThirdAreBrokersOnlyAndTheVotersStayTheFirstThree(@TempDir Path dir) throws IOException {
        ClusterCommand.writeConfigs(ClusterCommand.plan(5, dir, 9092));

        for (int n = 4; n <= 5; n++) {
            Properties p = load(dir.resolve("node-" + n).resolve("server.properties"));
            assertThat(p).containsEntry("process.roles", "broker")
                .containsEntry("node.id", Integer.toString(n))
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:" + (9090 + 2 * n))
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        }
    }

    @Test
    void aSingleNodeIsItsOwnQuorum(@TempDir Path dir) throws IOException {
        ClusterCommand.writeConfigs(ClusterCommand.plan(1, dir, 9092));

        assertThat(load(dir.resolve("node-1").resolve("server.properties")))
            .containsEntry("process.roles", "broker,controller")
            .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093");
    }

    @Test
    void theBasePortMovesEveryPortAndARestartRewritesTheFiles(@TempDir Path dir) throws IOException {
        ClusterCommand.writeConfigs(ClusterCommand.plan(3, dir, 9092));
        ClusterCommand.writeConfigs(ClusterCommand.plan(2, dir, 19092));

        Properties second = load(dir.resolve("node-2").resolve("server.properties"));
        assertThat(second).containsEntry("listeners", "PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095")
            .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093,2@127.0.0.1:19095");
        assertThat(Files.readString(dir.resolve("node-2").resolve("server.properties")))
            .startsWith("# node-2 of a 2-node cluster");
    }

    @Test
    void thePlanRejectsNoBrokersAndPortsPastTheRange() {
        assertThatThrownBy(() -> ClusterCommand.plan(0, Path.of("d"), 9092)).hasMessageContaining("--brokers");
        assertThatThrownBy(() -> ClusterCommand.plan(3, Path.of("d"), 65532)).hasMessageContaining("--base-port");
        assertThat(ClusterCommand.plan(3, Path.of("d"), 65530)).last()
            .satisfies(node -> assertThat(node.controllerPort()).isEqualTo(65535));
    }

    @Test
    void theUpLineNamesTheNodeItsAddressesAndItsDirectory() {
        List<ClusterCommand.Node> nodes = ClusterCommand.plan(4, Path.of("./data"), 9092);

        assertThat(ClusterCommand.upLine(nodes.get(0)))
            .isEqualTo("node-1  PLAINTEXT 127.0.0.1:9092  CONTROLLER 127.0.0.1:9093  data ./data/node-1");
        assertThat(ClusterCommand.upLine(nodes.get(3)))
            .isEqualTo("node-4  PLAINTEXT 127.0.0.1:9098  (broker only)  data ./data/node-4");
    }

    @Test
    void startRefusesTheDataDirectoryOfASingleBrokerAndWritesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");
        ClusterCommand.Start start = parseStart("cluster", "start", "--data", dir.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = start.run(new ToolIo(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("single broker's data directory").contains("--data");
        assertThat(dir.resolve("node-1")).doesNotExist();
    }

    @Test
    void samsaClusterStartParsesItsOptionsWithKafkaLikeDefaults() {
        ClusterCommand.Start defaults = parseStart("cluster", "start");
        ClusterCommand.Start given = parseStart("cluster", "start", "--brokers", "5", "--data", "/tmp/c", "--base-port", "10000");

        assertThat(defaults.brokers).isEqualTo(3);
        assertThat(defaults.data).isEqualTo(Path.of("./data"));
        assertThat(defaults.basePort).isEqualTo(9092);
        assertThat(given.brokers).isEqualTo(5);
        assertThat(given.data).isEqualTo(Path.of("/tmp/c"));
        assertThat(given.basePort).isEqualTo(10000);
    }

    @Test
    void aNodeStartsWithThisInstallationsLauncher() {
        Path file = Path.of("/tmp/x/node-1/server.properties");

        List<String> command = ClusterCommand.serverCommand(file);

        String home = System.getenv("SAMSA_HOME");
        Path expected = home != null && !home.isBlank() ? Path.of(home, "bin", "samsa") : Path.of("bin", "samsa").toAbsolutePath();
        assertThat(Path.of(command.get(0))).as("bin/samsa of SAMSA_HOME, else of the checkout holding target/classes")
            .isEqualTo(expected);
        assertThat(command.subList(command.size() - 2, command.size())).containsExactly("server", file.toString());
    }

    private static ClusterCommand.Start parseStart(String... args) {
        CommandLine.ParseResult parsed = new CommandLine(new SamsaCommand()).parseArgs(args);
        return (ClusterCommand.Start) parsed.subcommand().subcommand().commandSpec().userObject();
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        }
        return p;
    }
}
