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
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(broker.output()).anyMatch(line -> line.contains("Samsa stopped")));
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

    @Test
    void serverHelpPrintsTheUsageOfTheServerCommand() throws Exception {
        Result result = run("server", "--help");
        assertThat(result.exitCode).isZero();
        assertThat(result.output).contains("Usage: samsa server").contains("--override=key=value");
    }

    @Test
    void unknownServerOptionIsReportedWithTheUsage() throws Exception {
        Result result = run("server", "--no-such-option");
        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.output).contains("Unknown option: '--no-such-option'").contains("Usage: samsa server");
    }

    @Test
    void builtInLoggingPrintsTimeLevelLoggerAndMessageOnStderr(@TempDir Path dir) throws Exception {
        List<String> before = stderrUntilUnknownKeyWarning(dir, List.of());
        assertThat(before.get(before.size() - 1))
            .matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} WARN  ServerConfig - .*no\\.such\\.setting.*");
        // Preload threads start after logging is up, so SLF4J has no early calls to replay and warn about.
        assertThat(before).as("stderr up to the warning").noneMatch(l -> l.startsWith("SLF4J"));
    }

    @Test
    void explicitLogbackConfigurationFileReplacesBuiltInLogging(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("custom-logback.xml");
        java.nio.file.Files.writeString(config, """
            <configuration>
              <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder><pattern>custom|%level|%logger{0}|%msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="ERR"/></root>
            </configuration>
            """);
        List<String> before = stderrUntilUnknownKeyWarning(dir, List.of("-Dlogback.configurationFile=" + config));
        assertThat(before.get(before.size() - 1)).startsWith("custom|WARN|ServerConfig|").contains("no.such.setting");
        assertThat(before).noneMatch(l -> l.startsWith("SLF4J"));
    }

    /**
     * Starts {@code samsa server} on the main class path only (no logback-test.xml, so the broker's own logging
     * choice is in charge) with an unknown setting, and returns its stderr up to and including the line that
     * warns about that setting.
     */
    private static List<String> stderrUntilUnknownKeyWarning(Path dir, List<String> jvmOptions) throws Exception {
        String mainClassPath = String.join(java.io.File.pathSeparator,
            List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).stream()
                .filter(entry -> !entry.endsWith("test-classes")).toList());
        int port = BrokerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", mainClassPath, "io.samsa.tools.SamsaCommand", "server",
            "--override", "listeners=PLAINTEXT://127.0.0.1:" + port, "--override", "log.dirs=" + dir.resolve("data"),
            "--override", "no.such.setting=1"));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (var stderr = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = stderr.readLine()) != null) {
                lines.add(line);
                if (line.contains("no.such.setting")) {
                    return lines;
                }
            }
            throw new AssertionError("stderr ended without a warning about no.such.setting: " + lines);
        } finally {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
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
