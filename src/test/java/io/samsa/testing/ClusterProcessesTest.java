package io.samsa.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test-side cluster launcher, on standalone brokers (no quorum settings) until the cluster lands, and its
 * generated files in quorum mode (written, not started).
 */
class ClusterProcessesTest {

    @Test
    void quorumModeWritesKafkaKraftSettingsForACombinedCluster() throws IOException {
        try (ClusterProcesses cluster = ClusterProcesses.builder().nodes(3).build()) {
            String voters = "1@127.0.0.1:" + cluster.controllerPort(1) + ",2@127.0.0.1:" + cluster.controllerPort(2)
                + ",3@127.0.0.1:" + cluster.controllerPort(3);
            for (int n = 1; n <= 3; n++) {
                Properties p = load(cluster.propertiesFile(n));
                int client = cluster.clientPort(n);
                int controller = cluster.controllerPort(n);
                assertThat(p).containsEntry("process.roles", "broker,controller")
                    .containsEntry("node.id", Integer.toString(n))
                    .containsEntry("controller.quorum.voters", voters)
                    .containsEntry("listeners", "PLAINTEXT://127.0.0.1:" + client + ",CONTROLLER://127.0.0.1:" + controller)
                    .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + client)
                    .containsEntry("controller.listener.names", "CONTROLLER")
                    .containsEntry("inter.broker.listener.name", "PLAINTEXT")
                    .containsEntry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT")
                    .containsEntry("log.dirs", cluster.dataDir(n).toString())
                    .hasSize(9);
                assertThat(cluster.dataDir(n).getFileName()).hasToString("node-" + n);
            }
            assertThat(cluster.bootstrapServers()).isEqualTo("127.0.0.1:" + cluster.clientPort(1) + ",127.0.0.1:"
                + cluster.clientPort(2) + ",127.0.0.1:" + cluster.clientPort(3));
            assertThat(List.of(cluster.clientPort(1), cluster.clientPort(2), cluster.clientPort(3),
                cluster.controllerPort(1), cluster.controllerPort(2), cluster.controllerPort(3))).doesNotHaveDuplicates();
            assertThat(cluster.isAlive(1)).isFalse();
        }
    }

    @Test
    void nodesAfterTheThirdAreBrokersOnlyAndPropertiesApplyToAllThenPerNode() throws IOException {
        try (ClusterProcesses cluster = ClusterProcesses.builder().nodes(4)
            .properties(Map.of("num.partitions", "3", "default.replication.factor", "3"))
            .nodeProperty(2, "num.partitions", "5")
            .nodeProperty(4, "inter.broker.listener.name", null)
            .build()) {
            Properties broker = load(cluster.propertiesFile(4));
            assertThat(broker).containsEntry("process.roles", "broker")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:" + cluster.clientPort(4))
                .containsEntry("controller.quorum.voters", load(cluster.propertiesFile(1)).getProperty("controller.quorum.voters"))
                .containsEntry("num.partitions", "3")
                .doesNotContainKey("inter.broker.listener.name");
            assertThat(broker.getProperty("controller.quorum.voters")).doesNotContain("4@");
            assertThat(load(cluster.propertiesFile(1))).containsEntry("num.partitions", "3")
                .containsEntry("default.replication.factor", "3");
            assertThat(load(cluster.propertiesFile(2))).containsEntry("num.partitions", "5");
        }
    }

    @Test
    void withoutQuorumAFileHasNoKraftSettings() throws IOException {
        try (ClusterProcesses cluster = ClusterProcesses.builder().nodes(1).withoutQuorum().build()) {
            assertThat(load(cluster.propertiesFile(1)))
                .containsOnlyKeys("node.id", "listeners", "advertised.listeners", "log.dirs")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:" + cluster.clientPort(1));
        }
    }

    @Test
    void recordsProducedBeforeASigkillAreReadAfterARestartOnTheSamePortAndData() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.singleBroker()) {
            String bootstrap = cluster.bootstrapServers();
            Clients.createTopic(bootstrap, "restart", 2, Map.of());
            produce(bootstrap, "restart", 0, 100);
            long firstPid = cluster.pid(1);

            cluster.kill(1);
            assertThat(cluster.isAlive(1)).isFalse();
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));

            cluster.restart(1);
            assertThat(cluster.isAlive(1)).isTrue();
            assertThat(cluster.pid(1)).isNotEqualTo(firstPid);
            assertThat(cluster.bootstrapServers()).isEqualTo(bootstrap);
            produce(bootstrap, "restart", 100, 100);

            List<String> values = Clients.readAll(bootstrap, "restart", 2, 200, Duration.ofSeconds(30)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                expected.add("v" + i);
            }
            assertThat(values).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(cluster.output(1)).as("both runs' start-up lines are kept")
                .filteredOn(line -> line.contains(" serving ")).hasSize(2);
        }
    }

    @Test
    void aPausedBrokerAnswersNothingUntilResumed() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.singleBroker();
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers(),
                 "request.timeout.ms", 1000, "default.api.timeout.ms", 2000))) {
            cluster.pause(1);
            // kill -STOP returns before the kernel has stopped every thread: the state turns to T shortly after.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(processState(cluster.pid(1))).as("state in /proc after SIGSTOP").isEqualTo('T'));
            assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(1500)).clusterId()
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);

            cluster.resume(1);
            assertThat(processState(cluster.pid(1))).isNotEqualTo('T');
            assertThat(admin.describeCluster(new DescribeClusterOptions().timeoutMs(10_000)).nodes().get(15, TimeUnit.SECONDS))
                .singleElement().satisfies(node -> assertThat(node.port()).isEqualTo(cluster.clientPort(1)));
        }
    }

    @Test
    void stopSendsSigtermAndTheBrokerShutsDownCleanly() {
        try (ClusterProcesses cluster = ClusterProcesses.singleBroker()) {
            int exitCode = cluster.stop(1);
            assertThat(exitCode).as("a JVM ended by SIGTERM").isEqualTo(143);
            assertThat(cluster.output(1)).contains("Samsa stopped");
            assertThat(cluster.isAlive(1)).isFalse();
        }
    }

    @Test
    void aPausedNodeStopsOnSigtermToo() {
        try (ClusterProcesses cluster = ClusterProcesses.singleBroker()) {
            cluster.pause(1);
            assertThat(cluster.stop(1)).isEqualTo(143);
            assertThat(cluster.output(1)).contains("Samsa stopped");
        }
    }

    @Test
    void wipeDeletesTheDataOfAStoppedNodeAndRefusesARunningOne() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.singleBroker()) {
            Clients.createTopic(cluster.bootstrapServers(), "wiped", 1, Map.of());
            assertThat(cluster.dataDir(1).resolve("wiped-0")).isDirectory();
            assertThatThrownBy(() -> cluster.wipe(1)).isInstanceOf(IllegalStateException.class);

            cluster.kill(1);
            cluster.wipe(1);
            assertThat(cluster.dataDir(1)).doesNotExist();

            cluster.restart(1);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("wiped");
            }
        }
    }

    @Test
    void closeKillsEveryProcessItStartedIncludingPausedOnesAndDeletesItsDirectory() {
        ClusterProcesses cluster = ClusterProcesses.builder().nodes(2).withoutQuorum().start();
        Path directory = cluster.dataDir(1).getParent();
        cluster.kill(2);
        cluster.restart(2);
        cluster.pause(1);
        List<Long> pids = cluster.pidsEverStarted();
        assertThat(pids).hasSize(3);

        cluster.close();

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty();
        }
        assertThat(directory).doesNotExist();
    }

    @Test
    void aNodeThatCannotStartFailsTheStartWithItsOutputAndLeavesNothingRunning() {
        Set<Long> before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
        ClusterProcesses.Builder builder = ClusterProcesses.builder().nodes(2).withoutQuorum()
            .nodeProperties(2, Map.of("num.partitions", "not-a-number"));

        assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("node 2 did not start").hasMessageContaining("num.partitions")
            .hasMessageNotContaining("node 1 did not start");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
            .filter(p -> !before.contains(p.pid()))).as("node 1, started, is killed").isEmpty();
    }

    @Test
    void pausingOrResumingANodeThatIsDownIsAnError() {
        try (ClusterProcesses cluster = ClusterProcesses.singleBroker()) {
            cluster.pause(1);
            assertThat(cluster.isPaused(1)).isTrue();
            cluster.kill(1);
            assertThat(cluster.isPaused(1)).isFalse();
            assertThatThrownBy(() -> cluster.resume(1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> cluster.pause(1)).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void produce(String bootstrap, String topic, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of("acks", "all"))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, ("v" + i).getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The state letter of a process in /proc/<pid>/stat: 'T' when stopped by a signal. */
    private static char processState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        }
        return p;
    }
}
