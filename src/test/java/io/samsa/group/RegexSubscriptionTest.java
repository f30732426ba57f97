package io.samsa.group;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer-protocol regex subscriptions in the coordinator: RE2/J syntax and linear-time matching, and
 * matching done before the group's lock is taken.
 */
class RegexSubscriptionTest {
    private final MemoryGroupLog groupLog = new MemoryGroupLog();
    private GroupCoordinator coordinator;

    private GroupCoordinator coordinator() {
        GroupConfig config = new GroupConfig(100, 60_000, 100, 0, 300_000, 60_000L, 4096, 1, (short) 1, 1 << 20, 1 << 20)
            .withConsumerTimings(100, 30_000, 100);
        coordinator = new GroupCoordinator(config, groupLog, new TestTime());
        coordinator.load();
        return coordinator;
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    /** Topics by name, with a hook to hold a heartbeat while it lists the names. */
    private static class Catalog implements TopicCatalog {
        final Map<String, Topic> topics = new LinkedHashMap<>();

        Catalog with(String name, int partitions) {
            topics.put(name, new Topic(name, Uuid.randomUuid(), partitions));
            return this;
        }

        @Override
        public Topic byName(String name) {
            return topics.get(name);
        }

        @Override
        public Topic byId(Uuid id) {
            return topics.values().stream().filter(t -> t.id().equals(id)).findFirst().orElse(null);
        }

        @Override
        public Collection<String> names() {
            return List.copyOf(topics.keySet());
        }
    }

    /** Names a backtracking matcher needs exponential time for with {@code (a+)+b}: long runs of 'a' and no 'b'. */
    private static Catalog pathologicalTopics() {
        Catalog catalog = new Catalog();
        for (int length = 100; length < 249; length++) {
            catalog.with("a".repeat(length), 1);
        }
        return catalog.with("aaab", 3).with("orders", 2);
    }

    @Test
    void aPathologicalRegexIsMatchedInLinearTimeAndItsMemberGetsItsAssignment() {
        GroupCoordinator c = coordinator();
        Catalog catalog = pathologicalTopics();
        CompletableFuture<ConsumerGroupHeartbeatResponseData> regexMember = CompletableFuture.supplyAsync(() ->
            c.consumerGroupHeartbeat(join("regex-group", "r1").setSubscribedTopicRegex("(a+)+b"), (short) 1, "client",
                "/127.0.0.1", catalog).join());

        // Another group is served meanwhile.
        ConsumerGroupHeartbeatResponseData other = c.consumerGroupHeartbeat(
            join("other-group", "o1").setSubscribedTopicNames(List.of("orders")), (short) 1, "client", "/127.0.0.1", catalog).join();
        assertThat(other.errorCode()).isZero();
        assertThat(partitions(other, catalog)).containsExactlyInAnyOrder("orders-0", "orders-1");

        ConsumerGroupHeartbeatResponseData response = await().atMost(Duration.ofSeconds(60))
            .until(() -> regexMember.getNow(null), r -> r != null);
        assertThat(response.errorCode()).isZero();
        assertThat(partitions(response, catalog)).containsExactlyInAnyOrder("aaab-0", "aaab-1", "aaab-2");
    }

    @Test
    void aRegexIsMatchedBeforeTheGroupIsLockedSoTheGroupsOtherMembersAreNotHeldUp() throws Exception {
        GroupCoordinator c = coordinator();
        Catalog plain = pathologicalTopics();
        ConsumerGroupHeartbeatResponseData namedJoined = c.consumerGroupHeartbeat(join("shared", "named")
            .setSubscribedTopicNames(List.of("orders")), (short) 1, "client", "/127.0.0.1", plain).join();
        assertThat(namedJoined.errorCode()).isZero();

        // The regex member's heartbeat stalls while it lists topic names, as a slow match would.
        CountDownLatch listing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Catalog slow = new Catalog() {
            @Override
            public Collection<String> names() {
                listing.countDown();
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.names();
            }
        };
        slow.topics.putAll(plain.topics);
        CompletableFuture<ConsumerGroupHeartbeatResponseData> regexMember = CompletableFuture.supplyAsync(() ->
            c.consumerGroupHeartbeat(join("shared", "regex").setSubscribedTopicRegex("aaa.*"), (short) 1, "client",
                "/127.0.0.1", slow).join());
        assertThat(listing.await(60, TimeUnit.SECONDS)).isTrue();
        try {
            // The same group's other member heartbeats meanwhile: the group is not locked by the regex.
            CompletableFuture<ConsumerGroupHeartbeatResponseData> named = CompletableFuture.supplyAsync(() ->
                c.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("shared").setMemberId("named")
                    .setMemberEpoch(namedJoined.memberEpoch()), (short) 1, "client", "/127.0.0.1", plain).join());
            ConsumerGroupHeartbeatResponseData answered = await().atMost(Duration.ofSeconds(60))
                .until(() -> named.getNow(null), r -> r != null);
            assertThat(answered.errorCode()).isZero();
            assertThat(regexMember).isNotDone();
        } finally {
            release.countDown();
        }
        ConsumerGroupHeartbeatResponseData joined = regexMember.get(60, TimeUnit.SECONDS);
        assertThat(joined.errorCode()).isZero();
        assertThat(c.consumerGroupDescribe(List.of("shared"), false, plain).get(0).members()).hasSize(2);
    }

    @Test
    void aRegexRe2jCannotCompileIsAnInvalidRegularExpression() {
        GroupCoordinator c = coordinator();
        Catalog catalog = pathologicalTopics();
        for (String invalid : List.of("(?<=x)orders", "(a)\\1", "orders[")) {
            ConsumerGroupHeartbeatResponseData response = c.consumerGroupHeartbeat(
                join("invalid-" + invalid.length(), "m").setSubscribedTopicRegex(invalid), (short) 1, "client",
                "/127.0.0.1", catalog).join();
            assertThat(Errors.forCode(response.errorCode())).as(invalid).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
            assertThat(response.errorMessage()).contains("is not a valid regular expression");
        }
    }

    @Test
    void aRegexIsMatchedAgainWhenTopicsChange() {
        GroupCoordinator c = coordinator();
        Catalog catalog = new Catalog().with("metrics-a", 1).with("logs", 1);
        ConsumerGroupHeartbeatResponseData first = c.consumerGroupHeartbeat(
            join("metrics", "m").setSubscribedTopicRegex("metrics-.*"), (short) 1, "client", "/127.0.0.1", catalog).join();
        assertThat(partitions(first, catalog)).containsExactly("metrics-a-0");

        catalog.with("metrics-b", 1);
        ConsumerGroupHeartbeatResponseData next = c.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
            .setGroupId("metrics").setMemberId("m").setMemberEpoch(first.memberEpoch()), (short) 1, "client",
            "/127.0.0.1", catalog).join();
        assertThat(partitions(next, catalog)).containsExactlyInAnyOrder("metrics-a-0", "metrics-b-0");
    }

    private static ConsumerGroupHeartbeatRequestData join(String group, String member) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(0)
            .setRebalanceTimeoutMs(30_000).setTopicPartitions(List.of());
    }

    private static List<String> partitions(ConsumerGroupHeartbeatResponseData response, TopicCatalog catalog) {
        List<String> result = new ArrayList<>();
        if (response.assignment() != null) {
            for (ConsumerGroupHeartbeatResponseData.TopicPartitions t : response.assignment().topicPartitions()) {
                t.partitions().forEach(p -> result.add(catalog.byId(t.topicId()).name() + "-" + p));
            }
        }
        return result;
    }
}
