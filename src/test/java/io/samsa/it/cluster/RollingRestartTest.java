package io.samsa.it.cluster;

import io.samsa.testing.ClusterProcesses;
import io.samsa.testing.Clients;
import io.samsa.testing.DeliveryChecker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart (SIGTERM, one broker at a time, each back in the ISR before the next) while a producer and a
 * consumer run: the clients see only retriable errors, nothing acknowledged is lost, duplicated or reordered, and
 * what the consumer read is what the logs hold.
 */
class RollingRestartTest {
    private ClusterProcesses cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            // What the brokers said that went wrong, for the report of a failed run.
            for (int n = 1; n <= cluster.size(); n++) {
                for (String line : cluster.output(n)) {
                    if (line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("\tat ") || line.contains("Exception")) {
                        System.out.println("[node-" + n + "] " + line);
                    }
                }
            }
            cluster.close();
        }
    }

    @Test
    void aRollingRestartShowsClientsOnlyRetriableErrorsAndLosesNothing() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(Map.of(
            "broker.session.timeout.ms", "4000",
            "broker.heartbeat.interval.ms", "500",
            "replica.lag.time.max.ms", "3000")).start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            admin.createTopics(List.of(new NewTopic("rolling", 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(30, TimeUnit.SECONDS);

            DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
            DeliveryChecker.Reads reads = new DeliveryChecker.Reads();
            Queue<Exception> nonRetriable = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread producer = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> p = Clients.producer(cluster.bootstrapServers(), Map.of(
                    "acks", "all", "enable.idempotence", true, "linger.ms", 5, "request.timeout.ms", 5_000,
                    "delivery.timeout.ms", 120_000))) {
                    long seq = 0;
                    while (running.get()) {
                        String value = DeliveryChecker.value("p", seq++);
                        p.send(new ProducerRecord<>("rolling", value.getBytes(StandardCharsets.UTF_8)), (metadata, error) -> {
                            if (error == null) {
                                acks.record(metadata, value);
                            } else if (!(error instanceof RetriableException)) {
                                nonRetriable.add(error);
                            }
                        });
                        if (seq % 20 == 0) {
                            Thread.sleep(10);
                        }
                    }
                    p.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    nonRetriable.add(e);
                }
            }, "rolling-producer");
            Thread consumer = new Thread(() -> {
                // Assigned partitions, no group: the group coordinator's move is another test's subject.
                try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(cluster.bootstrapServers(),
                    Map.of("auto.offset.reset", "earliest", "enable.auto.commit", false))) {
                    List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(i -> new TopicPartition("rolling", i)).toList();
                    c.assign(partitions);
                    c.seekToBeginning(partitions);
                    while (running.get()) {
                        reads.record("consumer", c.poll(Duration.ofMillis(200)));
                    }
                } catch (RuntimeException e) {
                    nonRetriable.add(e);
                }
            }, "rolling-consumer");
            producer.start();
            consumer.start();
            try {
            for (int node = 1; node <= 3; node++) {
                long before = acks.count();
                await().atMost(Duration.ofSeconds(30)).until(() -> acks.count() > before + 200);
                assertThat(cluster.stop(node)).as("exit code of node %d after SIGTERM", node).isEqualTo(143);
                cluster.restart(node);
                int restarted = node;
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(admin.describeTopics(List.of("rolling")).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get("rolling").partitions()).allSatisfy(p ->
                        assertThat(p.isr()).extracting(Node::id).as("ISR after node %d restarted", restarted).contains(restarted)));
            }
            long atEnd = acks.count();
            await().atMost(Duration.ofSeconds(30)).until(() -> acks.count() > atEnd + 100);
            } finally {
                // Also when the run fails: no client thread may outlive the test.
                running.set(false);
                producer.join(60_000);
                consumer.join(30_000);
            }

            assertThat(nonRetriable).as("errors the clients could not retry").isEmpty();
            List<DeliveryChecker.Logged> log = DeliveryChecker.readFinalLog(cluster.bootstrapServers(), "rolling",
                Duration.ofSeconds(60));
            DeliveryChecker.check(acks.all(), reads.all(), log).assertClean();
            assertThat(log).hasSize(acks.count());
        }
    }
}
