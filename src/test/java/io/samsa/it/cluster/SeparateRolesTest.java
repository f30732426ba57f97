package io.samsa.it.cluster;

import io.samsa.testing.ClusterProcesses;
import io.samsa.testing.Clients;
import io.samsa.testing.DeliveryChecker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's isolated mode: three controller-only nodes (process.roles=controller, the quorum's voters, serving no
 * clients) and two broker-only nodes (process.roles=broker, following the metadata log without voting).
 */
class SeparateRolesTest {
    private ClusterProcesses cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void rewrite(Path file, Map<String, String> set, List<String> remove) throws Exception {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        remove.forEach(props::remove);
        props.putAll(set);
        try (Writer writer = Files.newBufferedWriter(file)) {
            props.store(writer, null);
        }
    }

    @Test
    void controllerOnlyAndBrokerOnlyNodesFormAClusterThatReplicatesAndSurvivesTheActiveControllersDeath() throws Exception {
        cluster = ClusterProcesses.builder().nodes(5).controllers(3).properties(Map.of(
            "broker.session.timeout.ms", "4000", "broker.heartbeat.interval.ms", "500")).build();
        for (int n = 1; n <= 3; n++) {
            rewrite(cluster.propertiesFile(n), Map.of("process.roles", "controller",
                "listeners", "CONTROLLER://127.0.0.1:" + cluster.controllerPort(n)),
                List.of("advertised.listeners", "inter.broker.listener.name"));
        }
        cluster.startAll();
        String brokers = cluster.bootstrapServer(4) + "," + cluster.bootstrapServer(5);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
                .as("only the broker-only nodes serve clients").containsExactlyInAnyOrder(4, 5);
            admin.createTopics(List.of(new NewTopic("isolated", 2, (short) 2))).all().get(30, TimeUnit.SECONDS);

            DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(brokers, Map.of("acks", "all"))) {
                for (int seq = 0; seq < 200; seq++) {
                    String value = DeliveryChecker.value("p", seq);
                    producer.send(new ProducerRecord<>("isolated", value.getBytes(StandardCharsets.UTF_8)), acks.callback(value));
                }
                producer.flush();
                assertThat(acks.count()).isEqualTo(200);

                // The active controller (a controller-only node) dies: another takes over, topics can be created.
                int activeController = -1;
                for (int n = 1; n <= 3; n++) {
                    int node = n;
                    if (cluster.output(n).stream().anyMatch(l -> l.contains("Node " + node + " is the active controller"))) {
                        activeController = n; // the last one to say so leads now (no election happened since)
                    }
                }
                int victim = activeController > 0 ? activeController : 1;
                cluster.kill(victim);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    admin.createTopics(List.of(new NewTopic("after-" + System.nanoTime(), 1, (short) 2))).all().get(10, TimeUnit.SECONDS);
                    return true;
                });
                for (int seq = 200; seq < 300; seq++) {
                    String value = DeliveryChecker.value("p", seq);
                    producer.send(new ProducerRecord<>("isolated", value.getBytes(StandardCharsets.UTF_8)), acks.callback(value));
                }
                producer.flush();
            }
            assertThat(acks.count()).isEqualTo(300);

            // A broker-only node that was down catches up with the metadata it missed and rejoins the ISRs.
            cluster.kill(5);
            admin.createTopics(List.of(new NewTopic("while-5-was-down", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            cluster.restart(5);
            try (Admin five = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServer(5)))) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(five.listTopics().names().get(10, TimeUnit.SECONDS)).contains("while-5-was-down", "isolated"));
            }
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(admin.describeTopics(List.of("isolated")).allTopicNames().get(10, TimeUnit.SECONDS).get("isolated")
                    .partitions()).allSatisfy(p -> assertThat(p.isr()).hasSize(2)));
            DeliveryChecker.check(acks.all(), List.of(),
                DeliveryChecker.readFinalLog(brokers, "isolated", Duration.ofSeconds(30))).assertClean();
        }
    }
}
