package io.samsa.group;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The server-side assignors alone: balance, stickiness, subscriptions that differ, contiguous ranges. */
class ServerAssignorTest {
    private static final TopicCatalog.Topic A = new TopicCatalog.Topic("a", Uuid.randomUuid(), 6);
    private static final TopicCatalog.Topic B = new TopicCatalog.Topic("b", Uuid.randomUuid(), 2);
    private static final Map<String, TopicCatalog.Topic> TOPICS = Map.of("a", A, "b", B);

    @Test
    void uniformSpreadsEvenlyAndKeepsPartitionsWhereTheyWereWhenAMemberLeaves() {
        UniformAssignor uniform = new UniformAssignor();
        Map<String, Map<Uuid, Set<Integer>>> three = uniform.assign(
            Map.of("m1", Set.of("a"), "m2", Set.of("a"), "m3", Set.of("a")), TOPICS, Map.of());
        assertThat(three.values()).allSatisfy(p -> assertThat(p.get(A.id())).hasSize(2));
        assertThat(union(three, A.id())).hasSize(6);

        Map<String, Map<Uuid, Set<Integer>>> previous = new HashMap<>(three);
        previous.remove("m3");
        Map<String, Map<Uuid, Set<Integer>>> two = uniform.assign(
            Map.of("m1", Set.of("a"), "m2", Set.of("a")), TOPICS, previous);
        assertThat(two.get("m1").get(A.id())).hasSize(3).containsAll(three.get("m1").get(A.id()));
        assertThat(two.get("m2").get(A.id())).hasSize(3).containsAll(three.get("m2").get(A.id()));
    }

    @Test
    void uniformBalancesMembersWithDifferentSubscriptions() {
        Map<String, Map<Uuid, Set<Integer>>> result = new UniformAssignor().assign(
            Map.of("both", Set.of("a", "b"), "onlyA", Set.of("a")), TOPICS, Map.of());
        assertThat(result.get("onlyA")).containsOnlyKeys(A.id());
        assertThat(result.get("both").get(B.id())).containsExactlyInAnyOrder(0, 1);
        assertThat(count(result.get("both"))).isEqualTo(4);
        assertThat(count(result.get("onlyA"))).isEqualTo(4);
    }

    @Test
    void rangeGivesEachSubscriberAContiguousRangeTheFirstOnesOneMore() {
        Map<String, Map<Uuid, Set<Integer>>> result = new RangeServerAssignor().assign(
            Map.of("m1", Set.of("a", "b"), "m2", Set.of("a", "b"), "m3", Set.of("a")), TOPICS, Map.of());
        assertThat(result.get("m1").get(A.id())).containsExactly(0, 1);
        assertThat(result.get("m2").get(A.id())).containsExactly(2, 3);
        assertThat(result.get("m3").get(A.id())).containsExactly(4, 5);
        assertThat(result.get("m1").get(B.id())).containsExactly(0);
        assertThat(result.get("m2").get(B.id())).containsExactly(1);
        assertThat(result.get("m3")).doesNotContainKey(B.id());
    }

    @Test
    void assignorsAreFoundByTheirKafkaNames() {
        assertThat(ServerAssignor.named("uniform")).isInstanceOf(UniformAssignor.class);
        assertThat(ServerAssignor.named("range")).isInstanceOf(RangeServerAssignor.class);
        assertThat(ServerAssignor.named("sticky")).isNull();
    }

    private static Set<Integer> union(Map<String, Map<Uuid, Set<Integer>>> assignment, Uuid topic) {
        Set<Integer> all = new HashSet<>();
        int total = 0;
        for (Map<Uuid, Set<Integer>> p : assignment.values()) {
            all.addAll(p.getOrDefault(topic, Set.of()));
            total += p.getOrDefault(topic, Set.of()).size();
        }
        assertThat(total).as("no partition twice").isEqualTo(all.size());
        return all;
    }

    private static int count(Map<Uuid, Set<Integer>> partitions) {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }
}
