package io.samsa.tools;

import io.samsa.testing.ClusterProcesses;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kafka-storage.sh as a Kafka user's instructions run it: optional for Samsa, and the id it formats with is the cluster's. */
class StorageCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StorageCommand.run(args, new ToolIo(new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void randomUuidPrintsANewClusterIdEachTime() {
        Run first = run("random-uuid");
        Run second = run("random-uuid");
        assertThat(first.code()).isZero();
        assertThat(first.out().trim()).hasSize(22).isNotEqualTo(second.out().trim());
    }

    @Test
    void formatWritesTheIdIntoEachLogDirOnceAndRefusesASecondTimeUnlessIgnored() throws Exception {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "node.id=4\nlog.dirs=" + dir.resolve("a") + "," + dir.resolve("b") + "\n");
        Run formatted = run("format", "-t", "MkU3OEVBNTcwNTJENDM2Qg", "-c", config.toString());
        assertThat(formatted.code()).as(formatted.err()).isZero();
        for (String d : new String[] {"a", "b"}) {
            assertThat(Files.readString(dir.resolve(d).resolve("meta.properties")))
                .contains("cluster.id=MkU3OEVBNTcwNTJENDM2Qg").contains("node.id=4");
        }
        Run again = run("format", "-t", "MkU3OEVBNTcwNTJENDM2Qg", "-c", config.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is already formatted");
        assertThat(run("format", "-t", "MkU3OEVBNTcwNTJENDM2Qg", "-c", config.toString(), "--ignore-formatted").code()).isZero();
        assertThat(run("info", "-c", config.toString()).out()).contains("cluster.id=MkU3OEVBNTcwNTJENDM2Qg");
    }

    @Test
    void aClusterFormattedWithAnIdTakesThatId() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.builder().nodes(3).build()) {
            for (int n = 1; n <= 3; n++) {
                Run formatted = run("format", "-t", "Zm9ybWF0dGVkLWNsdXN0ZQ", "-c", cluster.propertiesFile(n).toString());
                assertThat(formatted.code()).as(formatted.err()).isZero();
            }
            cluster.startAll();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo("Zm9ybWF0dGVkLWNsdXN0ZQ");
            }
        }
    }
}
