package io.samsa.cluster;

import io.samsa.config.Endpoint;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecord.ClusterIdRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import io.samsa.metadata.QuorumStatus;
import io.samsa.metadata.StaleMetadataException;
import io.samsa.testing.BrokerProcess;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Three Raft voters in this JVM (the store's own behaviour; broker clusters are tested with separate processes). */
class QuorumMetadataStoreTest {
    @TempDir
    Path dir;

    private final Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
    private final QuorumMetadataStore[] nodes = new QuorumMetadataStore[4];

    private QuorumConfig config(int nodeId) {
        InetSocketAddress a = voters.get(nodeId);
        return new QuorumConfig(nodeId, Set.of("broker", "controller"), voters,
            new Endpoint("CONTROLLER", "PLAINTEXT", "127.0.0.1", a.getPort()), "PLAINTEXT", null);
    }

    private void startAll() throws Exception {
        for (int id = 1; id <= 3; id++) {
            voters.put(id, InetSocketAddress.createUnresolved("127.0.0.1", BrokerProcess.freePort()));
        }
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
    }

    private void start(int id) throws Exception {
        nodes[id] = QuorumMetadataStore.start(config(id), dir.resolve("node-" + id), 30_000);
    }

    @AfterEach
    void closeAll() {
        for (QuorumMetadataStore node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        QuorumMetadataStore.SNAPSHOT_EVERY_ENTRIES = 4096;
    }

    @Test
    void aCommitFromAnyNodeIsAppliedByEveryNodeInTheSameOrder() throws Exception {
        startAll();
        MetadataImage afterFirst = nodes[2].commit(List.of(new ClusterIdRecord("first-cluster"))).join();
        assertThat(afterFirst.clusterId()).isEqualTo("first-cluster");
        for (int id = 1; id <= 3; id++) {
            nodes[id].commit(List.of(new TopicRecord("topic-" + id, Uuid.randomUuid()))).join();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int id = 1; id <= 3; id++) {
                MetadataImage image = nodes[id].image();
                assertThat(image.clusterId()).isEqualTo("first-cluster");
                assertThat(image.topics()).extracting(t -> t.name()).containsExactly("topic-1", "topic-2", "topic-3");
                assertThat(image.recordCount()).isEqualTo(4);
            }
        });
        assertThat(nodes[1].activeControllerId()).isBetween(1, 3);
        assertThat(nodes[2].activeControllerId()).isEqualTo(nodes[1].activeControllerId());
    }

    @Test
    void aChangeDecidedOnAnOvertakenImageIsRefusedOnEveryNode() throws Exception {
        startAll();
        long decidedAt = nodes[1].image().recordCount();
        nodes[1].commit(List.of(new ProducerIdsRecord(1000)), decidedAt).join();
        assertThatThrownBy(() -> nodes[3].commit(List.of(new ProducerIdsRecord(2000)), decidedAt).join())
            .isInstanceOf(CompletionException.class).hasCauseInstanceOf(StaleMetadataException.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int id = 1; id <= 3; id++) {
                assertThat(nodes[id].image().nextProducerId()).isEqualTo(1000);
            }
        });
    }

    @Test
    void aRecordThatContradictsTheImageIsRefusedNotApplied() throws Exception {
        startAll();
        nodes[1].commit(List.of(new ClusterIdRecord("one"))).join();
        assertThatThrownBy(() -> nodes[2].commit(List.of(new ClusterIdRecord("two"))).join())
            .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(nodes[2].image().clusterId()).isEqualTo("one");
    }

    @Test
    void aNodeBehindThePurgedLogCatchesUpFromASnapshotAndSurvivesARestart() throws Exception {
        QuorumMetadataStore.SNAPSHOT_EVERY_ENTRIES = 50;
        startAll();
        nodes[1].commit(List.of(new ClusterIdRecord("snap"))).join();
        nodes[3].close();
        nodes[3] = null;
        int survivor = nodes[1].activeControllerId() == 3 ? 2 : 1;
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            int leader = nodes[survivor].activeControllerId();
            return leader == 1 || leader == 2;
        });
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String name = "t" + i;
            names.add(name);
            nodes[survivor].commit(List.of(new TopicRecord(name, Uuid.randomUuid()))).join();
        }
        // The survivors took snapshots and purged the entries node 3 missed.
        Path leaderStorage = dir.resolve("node-" + survivor).resolve(QuorumMetadataStore.STORAGE_DIR);
        await().atMost(Duration.ofSeconds(20)).until(() -> snapshotCount(leaderStorage) > 0);

        start(3);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(nodes[3].image().topics()).hasSize(300));
        assertThat(nodes[3].image().clusterId()).isEqualTo("snap");
        assertThat(nodes[3].image().recordCount()).isEqualTo(nodes[survivor].image().recordCount());

        nodes[3].close();
        nodes[3] = null;
        start(3);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(nodes[3].image().topics()).extracting(t -> t.name()).containsExactlyInAnyOrderElementsOf(names));
    }

    private static QuorumStatus.Replica voter(QuorumStatus status, int nodeId) {
        return status.voters().stream().filter(v -> v.nodeId() == nodeId).findFirst().orElseThrow();
    }

    @Test
    void everyNodeDescribesTheQuorumAsTheLeaderSeesItWithEveryVoterCaughtUp() throws Exception {
        startAll();
        for (int i = 0; i < 5; i++) {
            nodes[1 + i % 3].commit(List.of(new TopicRecord("described-" + i, Uuid.randomUuid()))).join();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (int id = 1; id <= 3; id++) {
                QuorumStatus status = nodes[id].describeQuorum().get(10, TimeUnit.SECONDS);
                int leader = nodes[id].activeControllerId();
                assertThat(status.leaderId()).as("as node %d tells it", id).isEqualTo(leader);
                assertThat(status.leaderEpoch()).isPositive();
                assertThat(status.voters()).extracting(QuorumStatus.Replica::nodeId).containsExactly(1, 2, 3);
                assertThat(status.observers()).isEmpty();
                // Idle: everything appended is committed and every follower holds it.
                long end = voter(status, leader).logEndOffset();
                assertThat(status.highWatermark()).isEqualTo(end).isGreaterThan(5);
                for (QuorumStatus.Replica replica : status.voters()) {
                    assertThat(replica.logEndOffset()).as("voter %d", replica.nodeId()).isEqualTo(end);
                    assertThat(replica.lastFetchTimestamp()).isBetween(System.currentTimeMillis() - 10_000, System.currentTimeMillis());
                    assertThat(replica.lastCaughtUpTimestamp()).isBetween(System.currentTimeMillis() - 10_000, System.currentTimeMillis());
                }
                for (int voter = 1; voter <= 3; voter++) {
                    assertThat(status.voterEndpoints().get(voter))
                        .isEqualTo(new Endpoint("CONTROLLER", "PLAINTEXT", "127.0.0.1", voters.get(voter).getPort()));
                }
            }
        });
    }

    @Test
    void aStoppedFollowerFallsBehindAndItsLastFetchStaysWhenItStopped() throws Exception {
        startAll();
        nodes[1].commit(List.of(new ClusterIdRecord("lagging"))).join();
        int leader = nodes[1].activeControllerId();
        int stopped = leader == 3 ? 2 : 3;
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            QuorumStatus status = nodes[leader].describeQuorum().join();
            return voter(status, stopped).logEndOffset() == status.highWatermark();
        });
        nodes[stopped].close();
        nodes[stopped] = null;
        long stoppedAt = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) {
            nodes[leader].commit(List.of(new TopicRecord("behind-" + i, Uuid.randomUuid()))).join();
        }
        Thread.sleep(500);

        QuorumStatus status = nodes[leader].describeQuorum().join();
        QuorumStatus.Replica behind = voter(status, stopped);
        assertThat(behind.logEndOffset()).isPositive().isLessThanOrEqualTo(status.highWatermark() - 5);
        assertThat(behind.lastFetchTimestamp()).isPositive().isLessThanOrEqualTo(stoppedAt);
        assertThat(behind.lastCaughtUpTimestamp()).isPositive().isLessThanOrEqualTo(stoppedAt);
        assertThat(voter(status, leader).lastCaughtUpTimestamp()).isGreaterThan(stoppedAt);
    }

    @Test
    void theQuorumStatusIsAnsweredByTheStoreAndOtherControllerRequestsByTheLeadersHandler() throws Exception {
        startAll();
        nodes[1].commit(List.of(new ClusterIdRecord("routed"))).join();
        for (int id = 1; id <= 3; id++) {
            byte me = (byte) id;
            nodes[id].setControllerRequestHandler(request ->
                CompletableFuture.completedFuture(ByteBuffer.allocate(1).put(me).flip()));
        }
        int leader = nodes[1].activeControllerId();
        int follower = leader == 1 ? 2 : 1;
        ByteBuffer answer = nodes[follower].askController(ControllerRequests.heartbeat(follower, 1, false)).join();
        assertThat(answer.get()).isEqualTo((byte) leader);
        assertThat(nodes[follower].describeQuorum().join().leaderId()).isEqualTo(leader);
    }

    private static long snapshotCount(Path storage) throws Exception {
        if (!Files.exists(storage)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(storage)) {
            return files.filter(p -> p.getFileName().toString().startsWith("snapshot.")
                && !p.getFileName().toString().endsWith(".md5")).count();
        }
    }

}
