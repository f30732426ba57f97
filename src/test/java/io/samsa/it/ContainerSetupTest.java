package io.samsa.it;

import io.samsa.testing.BrokerProcess;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container files without a container engine: the compose file names the service and container
 * `kafka` with the two listeners, and the image's entrypoint script starts a broker that answers as
 * the tutorials expect.
 */
class ContainerSetupTest {

    @Test
    void composeFileNamesServiceAndContainerKafkaAndPublishesTheExternalListener() throws Exception {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        assertThat(compose).contains("services:\n  kafka:\n").contains("container_name: kafka").contains("\"9094:9094\"");
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("USER samsa").contains("VOLUME /var/lib/samsa")
            .contains("ENTRYPOINT [\"/opt/samsa/docker/entrypoint.sh\"]");
        assertThat(Files.readString(Path.of("docker/server.properties")))
            .contains("listeners=INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9094");
    }

    @Test
    void entrypointStartsTheBrokerAdvertisingTheExternalHost(@TempDir Path dir) throws Exception {
        int internal = BrokerProcess.freePort();
        int external = BrokerProcess.freePort();
        ProcessBuilder builder = new ProcessBuilder(List.of("docker/entrypoint.sh",
            "--override", "listeners=INTERNAL://127.0.0.1:" + internal + ",EXTERNAL://127.0.0.1:" + external,
            "--override", "log.dirs=" + dir))
            .redirectErrorStream(true);
        builder.environment().put("SAMSA_HOME", Path.of("").toAbsolutePath().toString());
        builder.environment().put("SAMSA_EXTERNAL_HOST", "teacher.example");
        builder.environment().put("SAMSA_SKIP_BUILD", "1");
        builder.environment().put("SAMSA_HEAP_OPTS", "-Xmx256m");
        Process process = builder.start();
        try {
            CompletableFuture<String> startLine = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.contains(" serving ")) {
                            return line;
                        }
                    }
                    return "exited";
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            assertThat(startLine.get(60, TimeUnit.SECONDS)).contains("serving").contains(dir.toString());
            try (WireClient client = new WireClient("127.0.0.1", external)) {
                MetadataResponse response = client.send(MetadataRequest.Builder.allTopics());
                Node node = response.brokers().iterator().next();
                assertThat(node.host() + ":" + node.port()).isEqualTo("teacher.example:9094");
            }
        } finally {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
