package io.samsa.it.cluster;

import io.samsa.testing.ClusterProcesses;
import io.samsa.testing.Clients;
import io.samsa.testing.DeliveryChecker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A three-node cluster of separate `samsa server` processes: replication, failover, and the safety checker over both. */
class ClusterReplicationTest {
    /** Short timeouts so that failures are detected within seconds; the meanings are Kafka's. */
    private static final Map<String, String> FAST = Map.of(
        "broker.session.timeout.ms", "4000",
        "broker.heartbeat.interval.ms", "500",
        "replica.lag.time.max.ms", "3000");

    private ClusterProcesses cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Admin admin() {
        // Short request timeouts: a paused or killed node must not hold a call for long; awaits retry elsewhere.
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /**
     * Partition 0's ISR in the metadata of one broker, asked directly: an admin client bootstrapped with every node
     * may spend its time on paused ones.
     */
    private List<Integer> isrSeenBy(int node, String topic) {
        try (io.samsa.testing.WireClient wire = io.samsa.testing.WireClient.connect(cluster.bootstrapServer(node))) {
            org.apache.kafka.common.message.MetadataRequestData request = new org.apache.kafka.common.message.MetadataRequestData()
                .setTopics(List.of(new org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic().setName(topic)));
            org.apache.kafka.common.requests.MetadataResponse response = (org.apache.kafka.common.requests.MetadataResponse)
                wire.sendData(org.apache.kafka.common.protocol.ApiKeys.METADATA, (short) 12, request);
            return response.data().topics().find(topic).partitions().get(0).isrNodes();
        }
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
    }

    @Test
    void threeProcessesFormOneClusterWithOneIdAndReplicateEveryRecordToEveryReplica() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(FAST).start();
        try (Admin admin = admin()) {
            DescribeClusterResult described = admin.describeCluster();
            assertThat(described.nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(described.controller().get().id()).isBetween(1, 3);
            String clusterId = described.clusterId().get();
            for (int n = 1; n <= 3; n++) {
                Properties meta = new Properties();
                try (var reader = Files.newBufferedReader(cluster.dataDir(n).resolve("meta.properties"))) {
                    meta.load(reader);
                }
                assertThat(meta.getProperty("cluster.id")).as("node %d's meta.properties", n).isEqualTo(clusterId);
            }

            admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServer(2),
                Map.of("acks", "all", "enable.idempotence", true))) {
                for (int seq = 0; seq < 600; seq++) {
                    String value = DeliveryChecker.value("p", seq);
                    producer.send(new ProducerRecord<>("replicated", value.getBytes(StandardCharsets.UTF_8)), acks.callback(value));
                }
                producer.flush();
            }
            assertThat(acks.count()).isEqualTo(600);
            List<DeliveryChecker.Logged> log = DeliveryChecker.readFinalLog(cluster.bootstrapServer(3), "replicated",
                Duration.ofSeconds(30));
            DeliveryChecker.check(acks.all(), List.of(), log).assertClean();

            TopicDescription topic = describe(admin, "replicated");
            for (TopicPartitionInfo p : topic.partitions()) {
                assertThat(p.replicas()).hasSize(3);
                assertThat(p.isr()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
            }
            // Every replica holds the same bytes: the followers' logs end where the leader's does.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (int p = 0; p < 3; p++) {
                    Set<Long> sizes = new java.util.HashSet<>();
                    for (int n = 1; n <= 3; n++) {
                        sizes.add(Files.size(cluster.dataDir(n).resolve("replicated-" + p).resolve("00000000000000000000.log")));
                    }
                    assertThat(sizes).as("partition %d's log sizes on the three nodes", p).hasSize(1);
                }
            });
        }
    }

    @Test
    void killingThePartitionLeaderRepeatedlyLosesNoAcknowledgedRecordAndTheBrokerRejoinsTheIsr() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(FAST).start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("failover", 1, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producerThread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServers(),
                    Map.of("acks", "all", "enable.idempotence", true, "delivery.timeout.ms", 120_000,
                        "request.timeout.ms", 5_000, "linger.ms", 5))) {
                    long seq = 0;
                    while (producing.get()) {
                        String value = DeliveryChecker.value("p", seq++);
                        producer.send(new ProducerRecord<>("failover", value.getBytes(StandardCharsets.UTF_8)), acks.callback(value));
                        if (seq % 50 == 0) {
                            Thread.sleep(20);
                        }
                    }
                    producer.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "checked-producer");
            producerThread.start();
            for (int round = 0; round < 3; round++) {
                long before = acks.count();
                await().atMost(Duration.ofSeconds(30)).until(() -> acks.count() > before + 200);
                int leader = describe(admin, "failover").partitions().get(0).leader().id();
                cluster.kill(leader);
                long atKill = acks.count();
                long killedAt = System.nanoTime();
                // Another in-sync replica takes over and acknowledged writes continue.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> acks.count() > atKill + 1);
                System.out.printf("failover: leader %d SIGKILLed -> first acknowledged produce after %d ms"
                    + " (broker.session.timeout.ms=%s)%n", leader, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt),
                    FAST.get("broker.session.timeout.ms"));
                await().atMost(Duration.ofSeconds(30)).until(() -> acks.count() > atKill + 100);
                cluster.restart(leader);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(describe(admin, "failover").partitions().get(0).isr()).extracting(Node::id)
                        .containsExactlyInAnyOrder(1, 2, 3));
            }
            producing.set(false);
            producerThread.join(60_000);
            assertThat(acks.failures()).as("sends that failed").isZero();

            List<DeliveryChecker.Logged> log = DeliveryChecker.readFinalLog(cluster.bootstrapServers(), "failover",
                Duration.ofSeconds(60));
            DeliveryChecker.check(acks.all(), List.of(), log).assertClean();
            assertThat(log).hasSize(acks.count());
            // Every replica holds the same log in the end: what a dead leader had appended beyond the new leader's
            // log was cut when it came back as a follower.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Set<Long> sizes = new java.util.HashSet<>();
                for (int n = 1; n <= 3; n++) {
                    try (var files = Files.list(cluster.dataDir(n).resolve("failover-0"))) {
                        sizes.add(files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum());
                    }
                }
                assertThat(sizes).as("the three replicas' log sizes").hasSize(1);
            });
        }
    }

    @Test
    void killingTheActiveControllerLetsAnotherTakeOverAndTopicsCanBeCreatedAgain() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(FAST).start();
        try (Admin admin = admin()) {
            int controller = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
            cluster.kill(controller);
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic("after-controller-" + System.nanoTime(), 1, (short) 2)))
                    .all().get(10, TimeUnit.SECONDS);
                return true;
            });
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(tookMs).as("time until a topic could be created again").isLessThan(30_000);
            int newController = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
            assertThat(newController).isNotEqualTo(controller).isBetween(1, 3);
        }
    }

    /**
     * Five voters, so that with two nodes stopped the quorum still has a majority and can shrink the ISR (with
     * three nodes, two stopped leave no quorum: nothing is acknowledged then either, the produce times out).
     */
    @Test
    void withOneFollowerStoppedAcksAllWorksAndWithTwoItAnswersNotEnoughReplicas() throws Exception {
        cluster = ClusterProcesses.builder().nodes(5).controllers(5).properties(FAST).start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("min-isr", 1, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            TopicPartitionInfo p = describe(admin, "min-isr").partitions().get(0);
            int leader = p.leader().id();
            List<Integer> followers = p.replicas().stream().map(Node::id).filter(id -> id != leader).toList();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServer(leader),
                Map.of("acks", "all", "enable.idempotence", false, "retries", 0, "request.timeout.ms", 30_000,
                    "delivery.timeout.ms", 40_000))) {
                producer.send(new ProducerRecord<>("min-isr", "warm".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);

                cluster.pause(followers.get(0));
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(isrSeenBy(leader, "min-isr")).hasSize(2));
                assertThat(producer.send(new ProducerRecord<>("min-isr", "isr-2".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS).offset()).isEqualTo(1);

                cluster.pause(followers.get(1));
                // Sent before the ISR shrinks: appended, then the ISR drops below the minimum while it waits.
                Future<?> afterAppend = producer.send(new ProducerRecord<>("min-isr", "after-append".getBytes(StandardCharsets.UTF_8)));
                assertThatThrownBy(() -> afterAppend.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotEnoughReplicasAfterAppendException.class);
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(isrSeenBy(leader, "min-isr")).containsExactly(leader));
                Future<?> refused = producer.send(new ProducerRecord<>("min-isr", "isr-1".getBytes(StandardCharsets.UTF_8)));
                assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotEnoughReplicasException.class);
            } finally {
                followers.forEach(f -> {
                    if (cluster.isPaused(f)) {
                        cluster.resume(f);
                    }
                });
            }
            List<DeliveryChecker.Logged> log = DeliveryChecker.readFinalLog(cluster.bootstrapServers(), "min-isr",
                Duration.ofSeconds(30));
            // NOT_ENOUGH_REPLICAS_AFTER_APPEND means written but not acknowledged (Kafka's meaning): the record stays.
            assertThat(log).extracting(DeliveryChecker.Logged::value).containsExactly("warm", "isr-2", "after-append");
        }
    }

    @Test
    void aBrokerWhoseDataWasWipedReplicatesEverythingAgainAndRejoinsTheIsr() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(FAST).start();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("rebuilt", 2, (short) 3))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServers(), Map.of("acks", "all"))) {
                for (int i = 0; i < 500; i++) {
                    producer.send(new ProducerRecord<>("rebuilt", ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            cluster.stop(3);
            cluster.wipe(3);
            cluster.restart(3);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                for (TopicPartitionInfo p : describe(admin, "rebuilt").partitions()) {
                    assertThat(p.isr()).extracting(Node::id).contains(3);
                }
            });
            // Its copy is whole: byte for byte the size of the others'.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                for (int p = 0; p < 2; p++) {
                    long leaderSize = Files.size(cluster.dataDir(1).resolve("rebuilt-" + p).resolve("00000000000000000000.log"));
                    assertThat(Files.size(cluster.dataDir(3).resolve("rebuilt-" + p).resolve("00000000000000000000.log")))
                        .as("partition %d on the wiped node", p).isEqualTo(leaderSize);
                }
            });
            assertThat(DeliveryChecker.readFinalLog(cluster.bootstrapServer(3), "rebuilt", Duration.ofSeconds(30))).hasSize(500);
        }
    }
}
