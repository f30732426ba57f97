package io.samsa.it;

import io.samsa.testing.BrokerProcess;
import io.samsa.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The `samsa server` command as a user runs it: start-up line, clean SIGTERM, bad settings refused. */
class ServerProcessTest {

    @Test
    void startUpPrintsListenerAndDataDirOnOneLineAndSigtermStopsCleanly(@TempDir Path dir) throws Exception {
        int port = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(dir, port)) {
            assertThat(broker.output()).anyMatch(line -> line.contains("serving") && line.contains("127.0.0.1:" + port)
                && line.contains(dir.toAbsolutePath().toString()));
            Clients.createTopic(broker.bootstrapServers(), "t", 1, Map.of());
            int exit = broker.stop();
            assertThat(exit).as("JVM exit after SIGTERM").isEqualTo(143);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(broker.output()).anyMatch(line -> line.contains("Samsa stopped")));
        }
        // A clean stop leaves nothing to recover.
        try (BrokerProcess again = BrokerProcess.start(dir, port)) {
            assertThat(again.output()).noneMatch(line -> line.contains("invalid bytes"));
        }
    }

    @Test
    void badConfigValueStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        Result result = run("server", "--override", "log.dirs=" + dir, "--override", "num.partitions=abc");
        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("num.partitions");
    }

    @Test
    void unknownKeyIsWarnedAboutButDoesNotStopStartUp(@TempDir Path dir) throws Exception {
        int port = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(dir, port, "no.such.setting=1")) {
            assertThat(broker.output()).anyMatch(line -> line.contains("WARN") && line.contains("no.such.setting"));
        }
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        Result result = run("version");
        assertThat(result.exitCode).isZero();
        assertThat(result.output).startsWith("Samsa ");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "io.samsa.tools.SamsaCommand"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("samsa " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
