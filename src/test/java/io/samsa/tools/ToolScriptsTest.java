package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.BrokerProcess;
import io.samsa.testing.ScriptProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real bin/kafka-*.sh scripts as a person runs them: separate processes, stdin, exit codes, signals. */
class ToolScriptsTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ScriptProcess start(String script, String stdin, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("bin", script).toAbsolutePath().toString());
        command.addAll(List.of(args));
        return ScriptProcess.start(command, stdin);
    }

    @Test
    void topicsProducerAndConsumerScriptsWorkTogetherAndSigtermPrintsTheTotal() throws Exception {
        String bs = broker.bootstrapServers();
        ScriptProcess create = start("kafka-topics.sh", "", "--bootstrap-server", bs, "--create", "--topic", "scripted", "--partitions", "1");
        assertThat(create.waitFor()).isZero();
        assertThat(create.stdout()).isEqualTo("Created topic scripted.\n");

        ScriptProcess produce = start("kafka-console-producer.sh", "one\ntwo\nthree\n", "--bootstrap-server", bs, "--topic", "scripted");
        assertThat(produce.waitFor()).as(produce.stderr()).isZero();

        ScriptProcess consume = start("kafka-console-consumer.sh", "", "--bootstrap-server", bs, "--topic", "scripted",
            "--partition", "0", "--offset", "earliest");
        await().atMost(Duration.ofSeconds(30)).until(() -> consume.stdout().equals("one\ntwo\nthree\n"));
        consume.process().toHandle().destroy();

        assertThat(consume.waitFor()).isEqualTo(143);
        await().atMost(Duration.ofSeconds(30)).until(() -> consume.stderr().endsWith("Processed a total of 3 messages\n"));
    }

    @Test
    void unreachableBrokerAndBadOptionsEndWithOneLineAndExitCodeOne() throws Exception {
        String nowhere = "127.0.0.1:" + BrokerProcess.freePort();
        long start = System.nanoTime();
        ScriptProcess list = start("kafka-topics.sh", "", "--bootstrap-server", nowhere, "--list");
        ScriptProcess configs = start("kafka-configs.sh", "", "--bootstrap-server", broker.bootstrapServers(), "--describe");

        assertThat(list.waitFor()).isEqualTo(1);
        // Bounded by the tool's own connect timeout, not by the machine's speed: without it the tool would retry for
        // Admin's default of a minute. The tool's start-up time is measured in bench/tool-startup.sh.
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(45).toNanos());
        assertThat(list.stdout()).isEmpty();
        assertThat(list.stderr()).isEqualTo("could not reach " + nowhere + " (Connection refused): is a broker running there?\n");
        assertThat(configs.waitFor()).isEqualTo(1);
        assertThat(configs.stderr()).isEqualTo("At least one entity type must be specified\n");
    }

    @Test
    void theMetadataQuorumAndBrokerApiVersionsScriptsRunTheirTools() throws Exception {
        ScriptProcess quorumHelp = start("kafka-metadata-quorum.sh", "", "--help");
        assertThat(quorumHelp.waitFor()).as(quorumHelp.stderr()).isZero();
        assertThat(quorumHelp.stdout()).startsWith("Usage: kafka-metadata-quorum.sh");

        ScriptProcess versions = start("kafka-broker-api-versions.sh", "", "--bootstrap-server", broker.bootstrapServers());
        assertThat(versions.waitFor()).as(versions.stderr()).isZero();
        assertThat(versions.stdout()).contains(":" + broker.port() + " (id: 1 rack: null isFenced: false) -> (\n")
            .contains("\tProduce(0): 3 to 13 [usable: 13],\n").endsWith("\n)\n");
    }
}
