package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Group requests in the wrong order or with the wrong identity, on a raw connection: each gets Kafka's
 * error, and the group keeps working for a real consumer afterwards.
 */
class GroupProtocolWireTest {
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "2"));
        Clients.createTopic(broker.bootstrapServers(), "committed", 1, Map.of());
        // As a client's FindCoordinator would: the offsets topic exists and its partitions are loaded before the
        // requests below, which go to the coordinator directly.
        broker.broker().groups().ensureOffsetsTopic().get(10, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.broker().groups().isLoaded());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void outOfOrderAndMisaddressedRequestsGetKafkasErrorsAndTheGroupStillWorks() {
        String group = "wire-group";
        try (WireClient a = new WireClient("127.0.0.1", broker.port()); WireClient b = new WireClient("127.0.0.1", broker.port())) {
            HeartbeatResponse unknownGroup = a.send(heartbeat("no-such-group", "m", 1));
            assertThat(unknownGroup.error()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

            JoinGroupResponse first = a.send(join(group, ""));
            assertThat(first.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            String memberA = first.data().memberId();
            assertThat(memberA).startsWith("wire-test-");

            SyncGroupResponse syncBeforeJoin = a.send(sync(group, memberA, 0, List.of()));
            assertThat(syncBeforeJoin.error()).as("SyncGroup before the join completed").isEqualTo(Errors.UNKNOWN_MEMBER_ID);

            JoinGroupResponse joined = a.send(join(group, memberA));
            assertThat(joined.error()).isEqualTo(Errors.NONE);
            assertThat(joined.data().generationId()).isEqualTo(1);
            assertThat(joined.data().leader()).isEqualTo(memberA);
            assertThat(joined.data().protocolName()).isEqualTo("range");
            assertThat(joined.data().members()).extracting(JoinGroupResponseData.JoinGroupResponseMember::memberId).containsExactly(memberA);

            assertThat(a.<HeartbeatResponse>send(heartbeat(group, memberA, 7)).error()).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(a.<HeartbeatResponse>send(heartbeat(group, "ghost", 1)).error()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            assertThat(a.<SyncGroupResponse>send(sync(group, memberA, 2, List.of())).error()).isEqualTo(Errors.ILLEGAL_GENERATION);
            assertThat(a.<SyncGroupResponse>send(sync(group, "ghost", 1, List.of())).error()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

            byte[] assignment = "all-yours".getBytes(StandardCharsets.UTF_8);
            SyncGroupResponse synced = a.send(sync(group, memberA, 1,
                List.of(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberA).setAssignment(assignment))));
            assertThat(synced.error()).isEqualTo(Errors.NONE);
            assertThat(synced.data().assignment()).isEqualTo(assignment);
            assertThat(a.<HeartbeatResponse>send(heartbeat(group, memberA, 1)).error()).isEqualTo(Errors.NONE);

            assertThat(a.<OffsetCommitResponse>send(commit(group, memberA, 5)).errorCounts()).containsOnlyKeys(Errors.ILLEGAL_GENERATION);
            assertThat(a.<OffsetCommitResponse>send(commit(group, "ghost", 1)).errorCounts()).containsOnlyKeys(Errors.UNKNOWN_MEMBER_ID);
            assertThat(a.<OffsetCommitResponse>send(commit(group, "", -1)).errorCounts())
                .as("a simple commit into a group with members").containsOnlyKeys(Errors.UNKNOWN_MEMBER_ID);
            assertThat(a.<OffsetCommitResponse>send(commit("never-joined", "m", 3)).errorCounts()).containsOnlyKeys(Errors.GROUP_ID_NOT_FOUND);
            assertThat(a.<OffsetCommitResponse>send(commit("never-joined", "m", 3), (short) 8).errorCounts())
                .containsOnlyKeys(Errors.ILLEGAL_GENERATION);

            assertThat(a.<JoinGroupResponse>send(new JoinGroupRequest.Builder(joinData(group, "").setSessionTimeoutMs(1000))).error())
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
            assertThat(a.<JoinGroupResponse>send(new JoinGroupRequest.Builder(joinData(group, memberA).setProtocolType("connect"))).error())
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);

            // A second member joins: the group rebalances and waits for A to rejoin.
            String memberB = b.<JoinGroupResponse>send(join(group, "")).data().memberId();
            JoinGroupRequest joinB = join(group, memberB).build(ApiKeys.JOIN_GROUP.latestVersion());
            int joinBId = b.sendOnly(joinB);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(a.<HeartbeatResponse>send(heartbeat(group, memberA, 1)).error()).isEqualTo(Errors.REBALANCE_IN_PROGRESS));
            assertThat(a.<SyncGroupResponse>send(sync(group, memberA, 1, List.of())).error())
                .as("SyncGroup while the next join is under way").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
            assertThat(a.<OffsetCommitResponse>send(commit(group, memberA, 1)).errorCounts())
                .as("a member of the old generation may still commit while the group prepares").containsOnlyKeys(Errors.NONE);
            JoinGroupResponse rejoinA = a.send(join(group, memberA));
            JoinGroupResponse joinedB = (JoinGroupResponse) b.receive(ApiKeys.JOIN_GROUP, joinB.version(), joinBId);
            assertThat(rejoinA.data().generationId()).isEqualTo(2);
            assertThat(joinedB.data().generationId()).isEqualTo(2);
            assertThat(rejoinA.data().members()).hasSize(2);
            assertThat(joinedB.data().members()).as("only the leader gets the members").isEmpty();

            DeleteGroupsResponse notEmpty = a.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                .setGroupsNames(List.of(group, "no-such-group"))));
            assertThat(notEmpty.data().results().find(group).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
            assertThat(notEmpty.data().results().find("no-such-group").errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

            LeaveGroupResponse leaveUnknown = a.send(new LeaveGroupRequest.Builder(group,
                List.of(new MemberIdentity().setMemberId("ghost"), new MemberIdentity().setMemberId(memberB))));
            assertThat(leaveUnknown.memberResponses()).extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID, Errors.NONE);
            LeaveGroupResponse leaveV0 = a.send(new LeaveGroupRequest.Builder(group, List.of(new MemberIdentity().setMemberId("ghost"))), (short) 0);
            assertThat(leaveV0.error()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            LeaveGroupResponse leaveA = a.send(new LeaveGroupRequest.Builder(group, List.of(new MemberIdentity().setMemberId(memberA))));
            assertThat(leaveA.error()).isEqualTo(Errors.NONE);
        }

        // The group, emptied, serves a real consumer.
        String topic = "after-wire";
        Clients.createTopic(broker.bootstrapServers(), topic, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, new byte[] {(byte) i}));
            }
            producer.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrapServers(), Map.of("group.id", group,
            "group.protocol", "classic", "auto.offset.reset", "earliest"))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= 10;
            });
            consumer.commitSync();
            assertThat(records).hasSize(10);
        }
    }

    @Test
    void simpleConsumerCommitsWithoutJoiningAndFetchesItsOffsetsWithMetadata() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            Clients.createTopic(broker.bootstrapServers(), "simple-topic", 1, Map.of());
            OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("simple").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("simple-topic")
                    .setPartitions(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
                            .setCommittedOffset(42).setCommittedLeaderEpoch(3).setCommittedMetadata("hello"),
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(9).setCommittedOffset(1)))));
            OffsetCommitResponse committed = client.send(OffsetCommitRequest.Builder.forTopicNames(data), (short) 9);
            assertThat(committed.data().topics().get(0).partitions()).extracting(p -> Errors.forCode(p.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION);

            for (short version : new short[] {1, 7, 9}) {
                OffsetFetchRequestData fetch = new OffsetFetchRequestData().setGroups(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("simple").setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("simple-topic").setPartitionIndexes(List.of(0))))));
                OffsetFetchResponse fetched = client.send(OffsetFetchRequest.Builder.forTopicNames(fetch, false), version);
                var partition = fetched.group("simple").topics().get(0).partitions().get(0);
                assertThat(partition.committedOffset()).as("v" + version).isEqualTo(42);
                assertThat(partition.metadata()).isEqualTo("hello");
                if (version >= 5) {
                    assertThat(partition.committedLeaderEpoch()).isEqualTo(3);
                }
            }
            OffsetFetchResponse none = client.send(OffsetFetchRequest.Builder.forTopicNames(new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("nobody").setTopics(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("simple-topic").setPartitionIndexes(List.of(0)))))), false));
            assertThat(none.group("nobody").topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1);
        }
    }

    @Test
    void findCoordinatorNamesThisBrokerForEveryGroupAndRefusesOtherKeyTypes() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            FindCoordinatorResponse batched = client.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id()).setCoordinatorKeys(List.of("g1", "g2"))));
            assertThat(batched.data().coordinators()).hasSize(2).allSatisfy(c -> {
                assertThat(c.errorCode()).isZero();
                assertThat(c.port()).isEqualTo(broker.port());
                assertThat(c.nodeId()).isEqualTo(1);
            });
            FindCoordinatorResponse single = client.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKey("g1").setKeyType((byte) 0)), (short) 3);
            assertThat(single.data().errorCode()).isZero();
            assertThat(single.data().port()).isEqualTo(broker.port());
            FindCoordinatorResponse transaction = client.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id()).setCoordinatorKeys(List.of("tx"))));
            assertThat(transaction.data().coordinators().get(0).errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
            FindCoordinatorResponse share = client.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.SHARE.id()).setCoordinatorKeys(List.of("s:topic:0"))));
            assertThat(share.data().coordinators().get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        }
    }

    @Test
    void describingAnUnknownGroupGivesGroupIdNotFoundFromVersionSixAndDeadBefore() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            DescribeGroupsRequestData data = new DescribeGroupsRequestData().setGroups(List.of("unknown-group"));
            DescribeGroupsResponse v6 = client.send(new DescribeGroupsRequest.Builder(data), (short) 6);
            assertThat(v6.data().groups().get(0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
            DescribeGroupsResponse v5 = client.send(new DescribeGroupsRequest.Builder(data), (short) 5);
            assertThat(v5.data().groups().get(0).errorCode()).isZero();
            assertThat(v5.data().groups().get(0).groupState()).isEqualTo("Dead");
        }
    }

    @Test
    void listGroupsFiltersByStateFromVersionFourAndByTypeFromVersionFive() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            client.<OffsetCommitResponse>send(commit("listed-simple", "", -1));
            JoinGroupResponse pending = client.send(join("listed-active", ""));
            client.<JoinGroupResponse>send(join("listed-active", pending.data().memberId()));

            ListGroupsResponse all = client.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()));
            assertThat(all.data().groups()).extracting(ListGroupsResponseData.ListedGroup::groupId)
                .contains("listed-simple", "listed-active");
            ListGroupsResponse empty = client.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
                .setStatesFilter(List.of("empty"))), (short) 4);
            assertThat(empty.data().groups()).extracting(ListGroupsResponseData.ListedGroup::groupId)
                .contains("listed-simple").doesNotContain("listed-active");
            assertThat(empty.data().groups()).filteredOn(g -> g.groupId().equals("listed-simple"))
                .singleElement().satisfies(g -> {
                    assertThat(g.groupState()).isEqualTo("Empty");
                    assertThat(g.protocolType()).isEmpty();
                });
            ListGroupsResponse classic = client.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
                .setTypesFilter(List.of("Classic"))), (short) 5);
            assertThat(classic.data().groups()).extracting(ListGroupsResponseData.ListedGroup::groupType).containsOnly("classic");
            ListGroupsResponse consumer = client.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
                .setTypesFilter(List.of("consumer"))), (short) 5);
            assertThat(consumer.data().groups()).as("no KIP-848 groups here").isEmpty();
        }
    }

    @Test
    void offsetsAreCommittedAndFetchedByTopicIdFromVersionTen() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port());
             org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                 Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Uuid topicId = admin.describeTopics(List.of("committed")).allTopicNames().get().get("committed").topicId();
            // As every client does before committing: FindCoordinator, which creates __consumer_offsets if needed.
            client.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id()).setCoordinatorKeys(List.of("by-id"))));
            OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("by-id").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(
                    new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(topicId).setPartitions(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(11)
                            .setCommittedMetadata("by id"))),
                    new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(Uuid.randomUuid()).setPartitions(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1)))));
            OffsetCommitResponse committed = client.send(OffsetCommitRequest.Builder.forTopicIdsOrNames(data), (short) 10);
            assertThat(committed.data().topics()).extracting(t -> Errors.forCode(t.partitions().get(0).errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_ID);
            assertThat(committed.data().topics().get(0).topicId()).isEqualTo(topicId);

            OffsetFetchResponse byId = client.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(new OffsetFetchRequestData()
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("by-id").setTopics(List.of(
                    new OffsetFetchRequestData.OffsetFetchRequestTopics().setTopicId(topicId).setPartitionIndexes(List.of(0)))))),
                false), (short) 10);
            var topic = byId.group("by-id").topics().get(0);
            assertThat(topic.topicId()).isEqualTo(topicId);
            assertThat(topic.partitions().get(0).committedOffset()).isEqualTo(11);
            assertThat(topic.partitions().get(0).metadata()).isEqualTo("by id");

            OffsetFetchResponse all = client.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(new OffsetFetchRequestData()
                .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("by-id").setTopics(null))),
                false), (short) 10);
            assertThat(all.group("by-id").topics()).singleElement().satisfies(t -> assertThat(t.topicId()).isEqualTo(topicId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void offsetDeleteRemovesOffsetsOfAnEmptyGroupAndRefusesUnknownGroups() {
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            client.<OffsetCommitResponse>send(commit("deletable", "", -1));
            OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
            topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("committed").setPartitions(List.of(
                new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0),
                new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(5))));
            OffsetDeleteResponse deleted = client.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
                .setGroupId("deletable").setTopics(topics)));
            assertThat(deleted.data().errorCode()).isZero();
            var partitions = deleted.data().topics().find("committed").partitions();
            assertThat(partitions.find(0).errorCode()).isZero();
            assertThat(partitions.find(5).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            OffsetFetchResponse fetched = client.send(OffsetFetchRequest.Builder.forTopicNames(new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("deletable").setTopics(null))), false));
            assertThat(fetched.group("deletable").topics()).isEmpty();

            OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection again = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
            again.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("committed").setPartitions(List.of(
                new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
            OffsetDeleteResponse unknown = client.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
                .setGroupId("never-existed").setTopics(again)));
            assertThat(unknown.data().errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        }
    }

    @Test
    void offsetsTopicIsCompactedAndInternal() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                 Map.of("bootstrap.servers", broker.bootstrapServers()));
             WireClient client = new WireClient("127.0.0.1", broker.port())) {
            client.<FindCoordinatorResponse>send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                .setKeyType((byte) 0).setCoordinatorKeys(List.of("any"))));
            var description = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get().get("__consumer_offsets");
            assertThat(description.isInternal()).isTrue();
            assertThat(description.partitions()).hasSize(2);
            assertThat(admin.listTopics().names().get()).doesNotContain("__consumer_offsets");
            assertThat(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get())
                .contains("__consumer_offsets");
            var resource = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "__consumer_offsets");
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                .isEqualTo("compact");
        }
    }

    @Test
    void everyAdvertisedVersionOfTheGroupApisIsAnsweredInItsOwnFormat() throws Exception {
        Uuid topicId;
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                 Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            topicId = admin.describeTopics(List.of("committed")).allTopicNames().get().get("committed").topicId();
        }
        try (WireClient client = new WireClient("127.0.0.1", broker.port())) {
            for (short v = 0; v <= 6; v++) {
                FindCoordinatorRequestData data = v >= 4
                    ? new FindCoordinatorRequestData().setCoordinatorKeys(List.of("versions")) : new FindCoordinatorRequestData().setKey("versions");
                FindCoordinatorResponse r = client.send(new FindCoordinatorRequest.Builder(data), v);
                assertThat(v >= 4 ? r.data().coordinators().get(0).errorCode() : r.data().errorCode()).as("FindCoordinator v%d", v).isZero();
            }
            for (short v = 0; v <= 9; v++) {
                String group = "versions-" + v;
                JoinGroupResponse first = client.send(join(group, ""), v);
                if (v >= 4) {
                    assertThat(first.error()).as("JoinGroup v%d", v).isEqualTo(Errors.MEMBER_ID_REQUIRED);
                    first = client.send(join(group, first.data().memberId()), v);
                }
                assertThat(first.error()).as("JoinGroup v%d", v).isEqualTo(Errors.NONE);
                String member = first.data().memberId();
                JoinGroupResponse refused = client.send(new JoinGroupRequest.Builder(joinData(group + "-x", "").setSessionTimeoutMs(1)), v);
                assertThat(refused.error()).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
                if (v <= 5) {
                    SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(group).setMemberId(member).setGenerationId(1)
                        .setAssignments(List.of());
                    if (v == 5) {
                        sync.setProtocolType("consumer").setProtocolName("range");
                    }
                    assertThat(client.<SyncGroupResponse>send(new SyncGroupRequest.Builder(sync), v).error()).as("SyncGroup v%d", v)
                        .isEqualTo(Errors.NONE);
                }
                if (v <= 4) {
                    assertThat(client.<HeartbeatResponse>send(heartbeat(group, member, 1), v).error()).as("Heartbeat v%d", v)
                        .isEqualTo(Errors.NONE);
                }
                if (v <= 5) {
                    LeaveGroupResponse left = client.send(new LeaveGroupRequest.Builder(group, List.of(new MemberIdentity().setMemberId(member))), v);
                    assertThat(left.error()).as("LeaveGroup v%d", v).isEqualTo(Errors.NONE);
                }
            }
            for (short v = 2; v <= 10; v++) {
                OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId("versions-commit").setGenerationIdOrMemberEpoch(-1)
                    .setMemberId("").setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("committed")
                        .setTopicId(topicId).setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                            .setPartitionIndex(0).setCommittedOffset(v).setCommittedMetadata("v" + v)))));
                OffsetCommitResponse committed = client.send(OffsetCommitRequest.Builder.forTopicIdsOrNames(data), v);
                assertThat(committed.errorCounts()).as("OffsetCommit v%d", v).containsOnlyKeys(Errors.NONE);
            }
            for (short v = 1; v <= 10; v++) {
                OffsetFetchRequestData.OffsetFetchRequestTopics topic = new OffsetFetchRequestData.OffsetFetchRequestTopics()
                    .setName("committed").setTopicId(topicId).setPartitionIndexes(List.of(0));
                OffsetFetchResponse fetched = client.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(new OffsetFetchRequestData()
                    .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("versions-commit")
                        .setTopics(List.of(topic)))), false), v);
                var partition = fetched.group("versions-commit").topics().get(0).partitions().get(0);
                assertThat(partition.committedOffset()).as("OffsetFetch v%d", v).isEqualTo(10);
                assertThat(partition.metadata()).isEqualTo("v10");
            }
            for (short v = 0; v <= 5; v++) {
                ListGroupsResponse listed = client.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()), v);
                assertThat(listed.data().groups()).as("ListGroups v%d", v).extracting(ListGroupsResponseData.ListedGroup::groupId)
                    .contains("versions-commit");
            }
            for (short v = 0; v <= 6; v++) {
                DescribeGroupsResponse described = client.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                    .setGroups(List.of("versions-0")).setIncludeAuthorizedOperations(v >= 3)), v);
                assertThat(described.data().groups().get(0).groupState()).as("DescribeGroups v%d", v).isEqualTo("Empty");
            }
            for (short v = 0; v <= 3; v++) {
                DeleteGroupsResponse deleted = client.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                    .setGroupsNames(List.of("versions-" + v))), v);
                assertThat(deleted.data().results().find("versions-" + v).errorCode()).as("DeleteGroups v%d", v).isZero();
            }
        }
    }

    private static HeartbeatRequest.Builder heartbeat(String group, String member, int generation) {
        return new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group).setMemberId(member).setGenerationId(generation));
    }

    private static JoinGroupRequest.Builder join(String group, String member) {
        return new JoinGroupRequest.Builder(joinData(group, member));
    }

    private static JoinGroupRequestData joinData(String group, String member) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1, 2, 3}));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(member)
            .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    private static SyncGroupRequest.Builder sync(String group, String member, int generation,
                                                 List<SyncGroupRequestData.SyncGroupRequestAssignment> assignments) {
        return new SyncGroupRequest.Builder(new SyncGroupRequestData().setGroupId(group).setMemberId(member)
            .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range").setAssignments(assignments));
    }

    private static OffsetCommitRequest.Builder commit(String group, String member, int generation) {
        return OffsetCommitRequest.Builder.forTopicNames(new OffsetCommitRequestData().setGroupId(group).setMemberId(member)
            .setGenerationIdOrMemberEpoch(generation).setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                .setName("committed").setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                    .setPartitionIndex(0).setCommittedOffset(1))))));
    }
}
