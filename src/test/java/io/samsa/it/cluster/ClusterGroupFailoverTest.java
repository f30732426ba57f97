package io.samsa.it.cluster;

import io.samsa.testing.Clients;
import io.samsa.testing.ClusterProcesses;
import io.samsa.testing.DeliveryChecker;
import io.samsa.testing.WireClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group coordination across three `samsa server` processes: the coordinator of a group is the leader of its
 * {@code __consumer_offsets} partition, and when that broker is SIGKILLed the partition's new leader takes the
 * group over with every acknowledged commit.
 */
class ClusterGroupFailoverTest {
    private static final int OFFSETS_PARTITIONS = 6;
    private static final String TOPIC = "orders";
    private static final int FIRST_RECORDS = 1200;
    private static final int LATER_RECORDS = 300;

    /** Short timeouts (Kafka's meanings) so that a dead broker is fenced and a group moves within seconds. */
    private static final Map<String, String> FAST = Map.ofEntries(
        Map.entry("broker.session.timeout.ms", "4000"),
        Map.entry("broker.heartbeat.interval.ms", "500"),
        Map.entry("replica.lag.time.max.ms", "3000"),
        Map.entry("offsets.topic.num.partitions", String.valueOf(OFFSETS_PARTITIONS)),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("group.consumer.min.heartbeat.interval.ms", "500"),
        Map.entry("group.consumer.heartbeat.interval.ms", "500"),
        Map.entry("group.consumer.min.session.timeout.ms", "6000"),
        Map.entry("group.consumer.session.timeout.ms", "6000"));

    private ClusterProcesses cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClassicGroupKeepsConsumingAndItsCommitsWhenTheCoordinatorIsKilled() throws Exception {
        consumeThroughCoordinatorFailover("classic", "classic-readers");
    }

    @Test
    void aConsumerProtocolGroupKeepsConsumingAndItsCommitsWhenTheCoordinatorIsKilled() throws Exception {
        consumeThroughCoordinatorFailover("consumer", "kip848-readers");
    }

    private void consumeThroughCoordinatorFailover(String protocol, String group) throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(FAST).start();
        int offsetsPartition = Utils.abs(group.hashCode()) % OFFSETS_PARTITIONS;
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all().get(30, TimeUnit.SECONDS);
            DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
            produce(acks, "first", FIRST_RECORDS);

            DeliveryChecker.Reads reads = new DeliveryChecker.Reads();
            GroupReader first = new GroupReader(protocol, group, "earliest", "first", reads);
            first.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> reads.count() >= 200);

            // The group's coordinator is the leader of its offsets partition, created with three replicas.
            TopicDescription offsets = describe(admin, Topic.GROUP_METADATA_TOPIC_NAME);
            assertThat(offsets.partitions()).hasSize(OFFSETS_PARTITIONS)
                .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            int coordinator = offsets.partitions().get(offsetsPartition).leader().id();
            assertThat(coordinatorOf(admin, group)).as("FindCoordinator before the kill").isEqualTo(coordinator);

            cluster.kill(coordinator);
            long commitsAtKill = first.commits.get();
            long killedAt = System.nanoTime();
            // FindCoordinator moves to the partition's new leader, and the consumer commits through it.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                int leader = describe(admin, Topic.GROUP_METADATA_TOPIC_NAME).partitions().get(offsetsPartition).leader().id();
                assertThat(leader).isNotEqualTo(coordinator);
                assertThat(coordinatorOf(admin, group)).as("FindCoordinator after the kill").isEqualTo(leader);
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> first.commits.get() > commitsAtKill + 3);
            System.out.printf("%s group: coordinator %d SIGKILLed -> commits through the new coordinator after %d ms%n",
                protocol, coordinator, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            cluster.restart(coordinator);

            // It keeps consuming to the end, and commits it.
            await().atMost(Duration.ofSeconds(30)).until(() -> distinct(reads) >= FIRST_RECORDS);
            first.stopAndJoin();
            assertThat(first.failure.get()).as("consumer failure").isNull();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            Map<TopicPartition, Long> ends = endOffsets();
            assertThat(committed.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().offset()))).as("committed offsets after the failover").isEqualTo(ends);

            // A new member of the group starts exactly at the committed offsets: nothing skipped, nothing again.
            produce(acks, "later", LATER_RECORDS);
            GroupReader second = new GroupReader(protocol, group, "none", "second", reads);
            second.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> distinct(reads) >= FIRST_RECORDS + LATER_RECORDS);
            second.stopAndJoin();
            assertThat(second.failure.get()).as("second consumer failure").isNull();
            assertThat(second.firstOffsets).as("where the new member began").isEqualTo(ends);

            List<DeliveryChecker.Logged> log = DeliveryChecker.readFinalLog(cluster.bootstrapServers(), TOPIC,
                Duration.ofSeconds(30));
            DeliveryChecker.check(acks.all(), reads.all(), log).assertClean();
            assertThat(log).hasSize(FIRST_RECORDS + LATER_RECORDS);
            Set<String> read = new HashSet<>();
            reads.all().forEach(r -> read.add(r.partition() + "@" + r.offset()));
            assertThat(log).as("every record of the log was read").allSatisfy(l ->
                assertThat(read).contains(l.partition() + "@" + l.offset()));
        }
    }

    /**
     * As an acks=all produce: a commit on a replicated offsets partition is answered only once every in-sync
     * replica has it, and is not visible before. With both followers stopped it is never acknowledged (the
     * leader answers COORDINATOR_NOT_AVAILABLE after offsets.commit.timeout.ms, as Kafka maps a timed-out append).
     */
    @Test
    void anOffsetCommitIsAcknowledgedAndVisibleOnlyOnceTheInSyncReplicasHaveIt() throws Exception {
        Map<String, String> props = new HashMap<>(FAST);
        props.put("offsets.commit.timeout.ms", "2000");
        cluster = ClusterProcesses.builder().nodes(3).properties(props).start();
        String group = "held";
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (Admin admin = admin(); KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrapServers(),
            Map.of("group.id", group, "enable.auto.commit", false, "default.api.timeout.ms", 20_000))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            consumer.assign(List.of(tp));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(5)), Duration.ofSeconds(10)));
            TopicDescription offsets = describe(admin, Topic.GROUP_METADATA_TOPIC_NAME);
            TopicPartitionInfo partition =
                offsets.partitions().get(Utils.abs(group.hashCode()) % OFFSETS_PARTITIONS);
            int leader = partition.leader().id();
            List<Integer> followers = partition.replicas().stream().map(Node::id).filter(id -> id != leader).toList();
            assertThat(followers).hasSize(2);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> assertThat(
                describe(admin, Topic.GROUP_METADATA_TOPIC_NAME).partitions().get(partition.partition()).isr()).hasSize(3));

            followers.forEach(cluster::pause);
            try (WireClient wire = WireClient.connect(cluster.bootstrapServer(leader))) {
                long start = System.nanoTime();
                OffsetCommitResponse response = (OffsetCommitResponse)
                    wire.sendData(ApiKeys.OFFSET_COMMIT, (short) 8, commit(group, tp, 7));
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(response.data().topics().get(0).partitions().get(0).errorCode())
                    .as("a commit the followers cannot have").isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
                assertThat(tookMs).as("answered after waiting offsets.commit.timeout.ms for the replicas").isGreaterThanOrEqualTo(1_900);
            }
            assertThat(consumer.committed(Set.of(tp), Duration.ofSeconds(10)).get(tp).offset())
                .as("the unreplicated commit is not visible").isEqualTo(5);

            followers.forEach(cluster::resume);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(9)), Duration.ofSeconds(10)));
            assertThat(consumer.committed(Set.of(tp), Duration.ofSeconds(10)).get(tp).offset()).isEqualTo(9);
        }
    }

    /**
     * offsets.topic.replication.factor (3 by default, as Kafka's): with one of three brokers fenced the offsets
     * topic cannot be created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE; once the third is back it is
     * created with three replicas and the group has a coordinator.
     */
    @Test
    void theOffsetsTopicWaitsUntilAsManyBrokersAsItsReplicationFactorAreUnfenced() throws Exception {
        cluster = ClusterProcesses.builder().nodes(3).properties(FAST).start();
        try (Admin admin = admin()) {
            cluster.kill(3);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 2));
            for (int attempt = 0; attempt < 3; attempt++) {
                assertThat(findCoordinator(1, "waiting").errorCode()).as("FindCoordinator with two brokers")
                    .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
                Thread.sleep(200);
            }
            assertThat(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names().get(10, TimeUnit.SECONDS)).doesNotContain(Topic.GROUP_METADATA_TOPIC_NAME);

            cluster.restart(3);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                FindCoordinatorResponseData.Coordinator found = findCoordinator(1, "waiting");
                assertThat(found.errorCode()).isZero();
                assertThat(found.nodeId()).isBetween(1, 3);
                assertThat(found.port()).isEqualTo(cluster.clientPort(found.nodeId()));
            });
            assertThat(describe(admin, Topic.GROUP_METADATA_TOPIC_NAME).partitions())
                .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
        }
    }

    private FindCoordinatorResponseData.Coordinator findCoordinator(int node, String group) {
        try (WireClient wire = WireClient.connect(cluster.bootstrapServer(node))) {
            FindCoordinatorResponse response = (FindCoordinatorResponse) wire.sendData(ApiKeys.FIND_COORDINATOR, (short) 4,
                new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of(group)));
            return response.data().coordinators().get(0);
        }
    }

    private static OffsetCommitRequestData commit(String group, TopicPartition tp, long offset) {
        OffsetCommitRequestData.OffsetCommitRequestTopic topic =
            new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(tp.topic());
        topic.partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
            .setPartitionIndex(tp.partition()).setCommittedOffset(offset).setCommittedMetadata(""));
        return new org.apache.kafka.common.message.OffsetCommitRequestData().setGroupId(group)
            .setGenerationIdOrMemberEpoch(-1).setMemberId("").setTopics(List.of(topic));
    }

    private Admin admin() {
        // Short request timeouts: a killed node must not hold a call for long; awaits retry elsewhere.
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
    }

    /** The coordinator FindCoordinator names (the admin client asks it before describing the group). */
    private static int coordinatorOf(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(15, TimeUnit.SECONDS)
            .coordinator().id();
    }

    private void produce(DeliveryChecker.Acks acks, String producer, int count) {
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(cluster.bootstrapServers(),
            Map.of("acks", "all", "enable.idempotence", true, "request.timeout.ms", 5_000))) {
            for (int seq = 0; seq < count; seq++) {
                String value = DeliveryChecker.value(producer, seq);
                // Keyed, so that every partition gets records of both rounds.
                p.send(new ProducerRecord<>(TOPIC, String.valueOf(seq).getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)), acks.callback(value));
            }
            p.flush();
        }
        assertThat(acks.failures()).as("failed sends").isZero();
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(cluster.bootstrapServers(), Map.of())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                new TopicPartition(TOPIC, 2));
            return new HashMap<>(c.endOffsets(partitions, Duration.ofSeconds(15)));
        }
    }

    private static long distinct(DeliveryChecker.Reads reads) {
        return reads.all().stream().map(r -> r.partition() + "@" + r.offset()).distinct().count();
    }

    /**
     * One member of the group on its own thread: reads a few records at a time and commits them synchronously
     * after each poll, as an at-least-once consumer does. Each new assignment starts a new checker session (the
     * position may go back to the committed offset then).
     */
    private final class GroupReader {
        final AtomicLong commits = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<TopicPartition, Long> firstOffsets = new ConcurrentHashMap<>();
        private final AtomicInteger session = new AtomicInteger();
        private final Thread thread;

        GroupReader(String protocol, String group, String reset, String name, DeliveryChecker.Reads reads) {
            Map<String, Object> config = new HashMap<>(Map.of("group.id", group, "group.protocol", protocol,
                "auto.offset.reset", reset, "enable.auto.commit", false, "max.poll.records", 10,
                "request.timeout.ms", 5_000, "default.api.timeout.ms", 20_000, "retry.backoff.ms", 100));
            if (protocol.equals("classic")) {
                config.put("session.timeout.ms", 6_000);
                config.put("heartbeat.interval.ms", 500);
            }
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrapServers(), config)) {
                    consumer.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                            session.incrementAndGet();
                        }
                    });
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            firstOffsets.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                            reads.record(name + "-" + session.get(), r);
                        }
                        try {
                            consumer.commitSync(Duration.ofSeconds(15));
                            commits.incrementAndGet();
                        } catch (KafkaException e) {
                            // During the failover: the next poll and commit try again (reads since the last
                            // commit may be read again, in a new session).
                            System.out.printf("%s: commit failed: %s%n", name, e);
                        }
                        Thread.sleep(30);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "group-reader-" + name);
        }

        void start() {
            thread.start();
        }

        void stopAndJoin() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
            assertThat(thread.isAlive()).as("reader thread stopped").isFalse();
        }
    }
}
