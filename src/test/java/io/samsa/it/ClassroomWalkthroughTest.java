package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.ScriptProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the commands of docs/classroom.md's walkthrough as the page shows them, through the bin/ scripts,
 * against a real broker. The only change is the broker address: the page's localhost:9092 becomes the
 * test broker's ephemeral port.
 */
class ClassroomWalkthroughTest {

    /** The command lines between the walkthrough markers, in page order. */
    static List<String> walkthroughCommands() throws Exception {
        List<String> commands = new ArrayList<>();
        boolean inWalkthrough = false;
        boolean inShellBlock = false;
        for (String line : Files.readAllLines(Path.of("docs/classroom.md"))) {
            if (line.contains("<!-- walkthrough:begin -->")) {
                inWalkthrough = true;
            } else if (line.contains("<!-- walkthrough:end -->")) {
                inWalkthrough = false;
            } else if (inWalkthrough && line.startsWith("```")) {
                inShellBlock = !inShellBlock && line.equals("```sh");
            } else if (inWalkthrough && inShellBlock && !line.isBlank()) {
                commands.add(line.trim());
            }
        }
        return commands;
    }

    @Test
    void walkthroughCommandsWorkAsWritten() throws Exception {
        List<String> commands = walkthroughCommands();
        assertThat(commands).hasSize(6);
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            List<String> run = commands.stream().map(c -> c.replace("localhost:9092", broker.bootstrapServers())).toList();

            assertThat(finish(run.get(0), "").stdout()).isEqualTo("Created topic topic1.\n");
            assertThat(finish(run.get(1), "").stdout()).isEqualTo("Created topic smart-car.\n");
            assertThat(finish(run.get(2), "").stdout().lines()).contains("topic1", "smart-car");
            List<String> described = finish(run.get(3), "").stdout().lines().toList();
            assertThat(described.get(0)).startsWith("Topic: smart-car\tTopicId: ").contains("\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: ");
            assertThat(described.get(1)).startsWith("\tTopic: smart-car\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: ");

            // One person types ten lines into the console producer (--broker-list, as the notes have it) ...
            String typed = IntStream.rangeClosed(1, 10).mapToObj(i -> "message " + i).collect(Collectors.joining("\n", "", "\n"));
            ScriptProcess producer = ScriptProcess.bash(run.get(4), typed);
            assertThat(producer.waitFor()).as(producer.stderr()).isZero();

            // ... and a friend's console consumer prints them in order, until Ctrl-C.
            ScriptProcess consumer = ScriptProcess.bash(run.get(5), "");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> consumer.stdout().lines().count() >= 10);
                assertThat(consumer.stdout()).isEqualTo(typed);
            } finally {
                consumer.terminate();
            }
            consumer.waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stderr().contains("Processed a total of 10 messages"));
        }
    }

    private static ScriptProcess finish(String command, String stdin) throws Exception {
        ScriptProcess script = ScriptProcess.bash(command, stdin);
        assertThat(script.waitFor()).as(command + ": " + script.stderr()).isZero();
        return script;
    }
}
