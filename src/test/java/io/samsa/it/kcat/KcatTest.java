package io.samsa.it.kcat;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * librdkafka, through kcat, against a real broker: metadata, keyed produce with headers under every
 * compression codec, and consume back. kcat must be installed (Debian package {@code kcat}; {@code .ci/run}
 * installs it): without it this test fails rather than silently skipping.
 */
class KcatTest {
    private static final long TIMEOUT_SECONDS = 30;
    private static String kcat;
    private static EmbeddedBroker broker;
    private static Path workDir;

    private record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void start() throws Exception {
        kcat = findKcat();
        broker = EmbeddedBroker.start();
        workDir = Files.createTempDirectory("samsa-kcat-");
    }

    @AfterAll
    static void stop() throws IOException {
        if (broker != null) {
            broker.close();
        }
        if (workDir != null) {
            try (var files = Files.list(workDir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(workDir);
        }
    }

    @Test
    void metadataListsTheBrokerAndTopics() throws Exception {
        createTopic("kcat-listed", 3);
        Result result = run(null, "-L", "-b", broker.bootstrapServers());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout())
            .contains("1 brokers:")
            .containsPattern("broker (\\d+) at [^ ]+:" + broker.port() + " \\(controller\\)")
            .contains("topic \"kcat-listed\" with 3 partitions:")
            .containsPattern("partition 2, leader (\\d+), replicas: \\1, isrs: \\1");
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void keyedMessagesWithHeadersComeBackUnchanged(String compression) throws Exception {
        String topic = "kcat-" + compression;
        createTopic(topic, 1);
        String input = "k1:v1\nk2:value two\nk3:" + "x".repeat(500) + "\n";
        Result produced = run(input, "-P", "-b", broker.bootstrapServers(), "-t", topic, "-K:", "-z", compression,
            "-H", "h1=v1", "-H", "h2=second", "-X", "api.version.request=true", "-X", "enable.idempotence=true");
        assertThat(produced.exitCode()).as(produced.stderr()).isZero();

        Result consumed = run(null, "-C", "-b", broker.bootstrapServers(), "-t", topic, "-o", "beginning", "-e",
            "-f", "%k=%s %h\\n", "-X", "api.version.request=true");
        assertThat(consumed.exitCode()).as(consumed.stderr()).isZero();
        assertThat(consumed.stdout().lines().toList()).containsExactly(
            "k1=v1 h1=v1,h2=second",
            "k2=value two h1=v1,h2=second",
            "k3=" + "x".repeat(500) + " h1=v1,h2=second");
    }

    @Test
    void offsetQueryReportsTheEndOfThePartition() throws Exception {
        String topic = "kcat-offsets";
        createTopic(topic, 1);
        Result produced = run("a\nb\nc\nd\n", "-P", "-b", broker.bootstrapServers(), "-t", topic);
        assertThat(produced.exitCode()).as(produced.stderr()).isZero();
        Result queried = run(null, "-Q", "-b", broker.bootstrapServers(), "-t", topic + ":0:-1");
        assertThat(queried.exitCode()).as(queried.stderr()).isZero();
        assertThat(queried.stdout()).contains(topic + " [0] offset 4");
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static Result run(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(kcat);
        command.addAll(List.of(args));
        Path in = Files.createTempFile(workDir, "stdin", ".txt");
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("kcat did not finish within " + TIMEOUT_SECONDS + " s: " + command + "\nstderr:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** kcat (or its old name, kafkacat) on the PATH; failing, not skipping, when it is absent. */
    private static String findKcat() {
        for (String name : List.of("kcat", "kafkacat")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                File candidate = new File(dir, name);
                if (candidate.isFile() && candidate.canExecute()) {
                    return candidate.getAbsolutePath();
                }
            }
        }
        return fail("kcat is not installed, so librdkafka compatibility cannot be tested. Install the Debian "
            + "package kcat (apt-get install kcat); .ci/run does this in CI.");
    }
}
