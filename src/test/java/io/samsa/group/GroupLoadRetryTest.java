package io.samsa.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A coordinator whose stored records cannot be read keeps answering COORDINATOR_LOAD_IN_PROGRESS and retries,
 * instead of serving empty groups that have forgotten their committed offsets.
 */
class GroupLoadRetryTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);
    private static final TopicCatalog NO_TOPICS = new TopicCatalog() {
        @Override
        public Topic byName(String name) {
            return null;
        }

        @Override
        public Topic byId(Uuid id) {
            return null;
        }

        @Override
        public Collection<String> names() {
            return List.of();
        }
    };

    private final MemoryGroupLog groupLog = new MemoryGroupLog();
    private final List<GroupCoordinator> coordinators = new ArrayList<>();
    private final List<Thread> loaders = new ArrayList<>();

    private GroupCoordinator coordinator() {
        GroupConfig config = new GroupConfig(100, 60_000, 10, 0, 300_000, 60_000L, 4096, 1, (short) 1, 1 << 20, 1 << 20);
        GroupCoordinator c = new GroupCoordinator(config, groupLog, new TestTime());
        coordinators.add(c);
        return c;
    }

    private Thread loadInBackground(GroupCoordinator c) {
        Thread loader = new Thread(c::load, "test-group-loader");
        loader.setDaemon(true);
        loader.start();
        loaders.add(loader);
        return loader;
    }

    @AfterEach
    void close() throws InterruptedException {
        coordinators.forEach(GroupCoordinator::close);
        for (Thread t : loaders) {
            t.join(30_000);
        }
    }

    /** A broker that ran before: group "g" committed offsets 10 and 20. */
    private void previouslyCommitted() {
        GroupCoordinator before = coordinator();
        before.load();
        assertThat(before.commitOffsets("g", "", null, -1, (short) 9,
            Map.of(T0, new CommittedOffset(10, -1, "", -1), T1, new CommittedOffset(20, -1, "", -1))).join())
            .containsOnly(Map.entry(T0, Errors.NONE), Map.entry(T1, Errors.NONE));
        before.close();
    }

    @Test
    void failedLoadsAreRetriedAndGroupRequestsWaitWithLoadInProgressUntilTheOffsetsAreBack() {
        previouslyCommitted();
        groupLog.failLoads(true);
        GroupCoordinator c = coordinator();
        loadInBackground(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> groupLog.loadAttempts.get() >= 3);

        assertThat(c.isLoaded()).isFalse();
        assertThat(c.fetchOffsets("g", null, false).error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(c.validateOffsetFetch("g", "member", 1)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(c.commitOffsets("g", "", null, -1, (short) 9, Map.of(T0, new CommittedOffset(99, -1, "", -1))).join())
            .containsOnly(Map.entry(T0, Errors.COORDINATOR_LOAD_IN_PROGRESS));
        assertThat(c.joinGroup(join("g"), "client", "/host", (short) 9).join().errorCode())
            .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(c.syncGroup(new SyncGroupRequestData().setGroupId("g").setMemberId("m").setGenerationId(1)).join()
            .errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(c.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m")
            .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(List.of("t"))
            .setTopicPartitions(List.of()), (short) 1, "client", "/host", NO_TOPICS).join().errorCode())
            .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(c.describeGroups(List.of("g"), (short) 5, false).get(0).errorCode())
            .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(c.consumerGroupDescribe(List.of("g"), false, NO_TOPICS).get(0).errorCode())
            .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(c.listGroups(List.of(), List.of()).error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(c.deleteGroups(List.of("g")).join()).containsEntry("g", Errors.COORDINATOR_LOAD_IN_PROGRESS);
        // As Kafka: a heartbeat during loading is answered NONE, so members are not sent to rejoin.
        assertThat(c.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId("m").setGenerationId(1)))
            .isEqualTo(Errors.NONE);

        groupLog.failLoads(false);
        await().atMost(Duration.ofSeconds(60)).until(c::isLoaded);
        GroupCoordinator.FetchResult fetched = c.fetchOffsets("g", null, false);
        assertThat(fetched.error()).isEqualTo(Errors.NONE);
        assertThat(fetched.offsets()).containsOnlyKeys(T0, T1);
        assertThat(fetched.offsets().get(T0).offset()).isEqualTo(10);
        assertThat(fetched.offsets().get(T1).offset()).isEqualTo(20);
        assertThat(c.listGroups(List.of(), List.of()).groups()).hasSize(1);
    }

    @Test
    void closingTheCoordinatorEndsALoadThatKeepsFailing() throws InterruptedException {
        previouslyCommitted();
        groupLog.failLoads(true);
        GroupCoordinator c = coordinator();
        Thread loader = loadInBackground(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> groupLog.loadAttempts.get() >= 2);

        c.close();
        loader.join(30_000);

        assertThat(loader.isAlive()).isFalse();
        assertThat(c.isLoaded()).isFalse();
        int attempts = groupLog.loadAttempts.get();
        Thread.sleep(3 * CoordinatedPartitions.FIRST_LOAD_RETRY_MS);
        assertThat(groupLog.loadAttempts.get()).as("no attempt after close").isEqualTo(attempts);
    }

    private static JoinGroupRequestData join(String group) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return new JoinGroupRequestData().setGroupId(group).setMemberId("").setSessionTimeoutMs(10_000)
            .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }
}
