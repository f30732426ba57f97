package io.samsa.metadata;

import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import io.samsa.metadata.MetadataRecord.BrokerFenceRecord;
import io.samsa.metadata.MetadataRecord.RegisterBrokerRecord;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's elections when brokers are fenced and come back: a new leader only from the ISR (unclean only
 * where the topic allows it), a new leader epoch each time, and the last ISR member kept in the ISR.
 */
class LeaderElectionTest {
    @TempDir
    Path dir;
    private LocalMetadataLog log;
    private Controller controller;

    @BeforeEach
    void start() throws Exception {
        log = LocalMetadataLog.open(dir);
        List<MetadataRecord> records = new ArrayList<>();
        for (int node = 1; node <= 3; node++) {
            records.add(new RegisterBrokerRecord(node, Uuid.randomUuid(), node, List.of(new Endpoint("PLAINTEXT", "PLAINTEXT",
                "127.0.0.1", 9090 + node)), null));
            records.add(new BrokerFenceRecord(node, node, false));
        }
        log.commit(records).get(10, TimeUnit.SECONDS);
        controller = new Controller(log, new ServerConfig(Map.of()), () -> {
            Set<Integer> unfenced = new TreeSet<>();
            log.image().brokers().values().forEach(b -> {
                if (!b.fenced()) {
                    unfenced.add(b.nodeId());
                }
            });
            return unfenced;
        }, image -> CompletableFuture.completedFuture(null));
    }

    @AfterEach
    void stop() {
        controller.close();
        log.close();
    }

    private TopicImage.PartitionImage partition(String topic) {
        return log.image().topic(topic).partition(0);
    }

    private void create(String topic, Map<String, String> configs) throws Exception {
        assertThat(controller.createTopic(topic, -1, (short) -1, Map.of(0, List.of(1, 2, 3)), configs, false)
            .get(10, TimeUnit.SECONDS).error().isSuccess()).isTrue();
    }

    private boolean fence(int node) throws Exception {
        return controller.fenceBroker(node, node).get(10, TimeUnit.SECONDS);
    }

    private boolean unfence(int node) throws Exception {
        return controller.unfenceBroker(node, node).get(10, TimeUnit.SECONDS);
    }

    @Test
    void leadershipMovesWithinTheIsrAndTheLastMemberStaysInIt() throws Exception {
        create("clean", Map.of());
        assertThat(partition("clean").leader()).isEqualTo(1);
        int epoch = partition("clean").leaderEpoch();

        assertThat(fence(1)).isTrue();
        assertThat(partition("clean").leader()).isEqualTo(2);
        assertThat(partition("clean").isr()).containsExactly(2, 3);
        assertThat(partition("clean").leaderEpoch()).isEqualTo(epoch + 1);

        fence(2);
        assertThat(partition("clean").leader()).isEqualTo(3);
        assertThat(partition("clean").isr()).containsExactly(3);

        fence(3);
        assertThat(partition("clean").leader()).as("no in-sync replica left").isEqualTo(-1);
        assertThat(partition("clean").isr()).as("the last member is kept").containsExactly(3);
        assertThat(partition("clean").leaderEpoch()).isEqualTo(epoch + 3);

        unfence(1);
        assertThat(partition("clean").leader()).as("node 1 is not in the ISR: no unclean election").isEqualTo(-1);
        unfence(3);
        assertThat(partition("clean").leader()).isEqualTo(3);
        assertThat(partition("clean").leaderEpoch()).isEqualTo(epoch + 4);
        assertThat(fence(3)).isTrue();
        assertThat(fence(3)).as("fencing twice changes nothing").isFalse();
    }

    @Test
    void aBrokerThatRegistersAgainLosesItsLeadershipsToTheOtherInSyncReplicasFirst() throws Exception {
        create("restarted", Map.of());
        controller.createTopic("single", -1, (short) -1, Map.of(0, List.of(1)), Map.of(), false).get(10, TimeUnit.SECONDS);
        int epoch = partition("restarted").leaderEpoch();
        // Node 1 restarts faster than its session times out: a new incarnation registers while the old one leads.
        long newEpoch = controller.registerBroker(1, Uuid.randomUuid(), List.of(new Endpoint("PLAINTEXT", "PLAINTEXT",
            "127.0.0.1", 9091)), null).get(10, TimeUnit.SECONDS);
        assertThat(log.image().broker(1).brokerEpoch()).isEqualTo(newEpoch);
        assertThat(log.image().broker(1).fenced()).isFalse();
        assertThat(partition("restarted").leader()).as("its log may have lost records: another ISR member leads").isEqualTo(2);
        assertThat(partition("restarted").isr()).containsExactly(2, 3);
        assertThat(partition("restarted").leaderEpoch()).isEqualTo(epoch + 1);
        // The only replica of a partition leads it again, in a new epoch.
        assertThat(partition("single").leader()).isEqualTo(1);
        assertThat(partition("single").leaderEpoch()).isEqualTo(2);
    }

    @Test
    void replicasOnAFailedLogDirectoryStopLeadingAndLeaveTheIsrOnlyForThosePartitions() throws Exception {
        create("failed-dir", Map.of());
        create("healthy-dir", Map.of());
        Uuid failed = log.image().topic("failed-dir").topicId();
        int epoch = partition("failed-dir").leaderEpoch();
        int changed = controller.replicasOffline(1, Set.of(new org.apache.kafka.common.TopicIdPartition(failed, 0, "failed-dir")))
            .get(10, TimeUnit.SECONDS);
        assertThat(changed).isEqualTo(1);
        assertThat(partition("failed-dir").leader()).isEqualTo(2);
        assertThat(partition("failed-dir").isr()).containsExactly(2, 3);
        assertThat(partition("failed-dir").leaderEpoch()).isEqualTo(epoch + 1);
        assertThat(partition("healthy-dir").leader()).as("another directory's partition is left alone").isEqualTo(1);
        assertThat(partition("healthy-dir").isr()).containsExactly(1, 2, 3);
        assertThat(log.image().broker(1).fenced()).as("the broker itself keeps serving").isFalse();
    }

    @Test
    void aTopicThatAllowsUncleanElectionTakesAnOutOfSyncReplicaAsLeader() throws Exception {
        create("unclean", Map.of("unclean.leader.election.enable", "true"));
        fence(1);
        fence(2);
        fence(3);
        assertThat(partition("unclean").leader()).isEqualTo(-1);
        assertThat(partition("unclean").isr()).containsExactly(3);

        unfence(1);
        assertThat(partition("unclean").leader()).isEqualTo(1);
        assertThat(partition("unclean").isr()).containsExactly(1);
    }

    @Test
    void anIsrChangeFromAStaleLeaderEpochOrAStaleIsrIsRefused() throws Exception {
        create("isr", Map.of());
        Uuid id = log.image().topic("isr").topicId();
        int epoch = partition("isr").leaderEpoch();
        assertThat(controller.alterPartitionIsr(id, 0, 1, epoch, List.of(1, 2, 3), List.of(1, 2)).get(10, TimeUnit.SECONDS))
            .isEqualTo(org.apache.kafka.common.protocol.Errors.NONE);
        assertThat(partition("isr").isr()).containsExactly(1, 2);
        assertThat(controller.alterPartitionIsr(id, 0, 1, epoch, List.of(1, 2, 3), List.of(1)).get(10, TimeUnit.SECONDS))
            .isEqualTo(org.apache.kafka.common.protocol.Errors.INVALID_UPDATE_VERSION);
        assertThat(controller.alterPartitionIsr(id, 0, 1, epoch - 1, List.of(1, 2), List.of(1)).get(10, TimeUnit.SECONDS))
            .isEqualTo(org.apache.kafka.common.protocol.Errors.FENCED_LEADER_EPOCH);
        assertThat(controller.alterPartitionIsr(id, 0, 2, epoch, List.of(1, 2), List.of(2)).get(10, TimeUnit.SECONDS))
            .isEqualTo(org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER);
        fence(3);
        assertThat(controller.alterPartitionIsr(id, 0, 1, epoch, List.of(1, 2), List.of(1, 2, 3)).get(10, TimeUnit.SECONDS))
            .as("a fenced broker does not join the ISR").isEqualTo(org.apache.kafka.common.protocol.Errors.INELIGIBLE_REPLICA);
    }
}
