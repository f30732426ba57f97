package io.samsa.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Samsa's __consumer_offsets records are byte-for-byte what Kafka's group coordinator reads and writes. */
class GroupRecordsTest {

    @Test
    void kafkaReadsSamsasOffsetCommitRecords() {
        TopicPartition tp = new TopicPartition("orders", 7);
        GroupRecords.Entry entry = GroupRecords.offsetCommit("g1", tp, new CommittedOffset(1234, 9, "meta ✓", 1_700_000_000_000L));

        ByteBuffer key = ByteBuffer.wrap(entry.key());
        short keyVersion = key.getShort();
        OffsetCommitKey kafkaKey = new OffsetCommitKey(new ByteBufferAccessor(key), keyVersion);
        assertThat(keyVersion).isEqualTo((short) 1);
        assertThat(kafkaKey.group()).isEqualTo("g1");
        assertThat(kafkaKey.topic()).isEqualTo("orders");
        assertThat(kafkaKey.partition()).isEqualTo(7);

        ByteBuffer value = ByteBuffer.wrap(entry.value());
        short valueVersion = value.getShort();
        OffsetCommitValue kafkaValue = new OffsetCommitValue(new ByteBufferAccessor(value), valueVersion);
        assertThat(kafkaValue.offset()).isEqualTo(1234);
        assertThat(kafkaValue.leaderEpoch()).isEqualTo(9);
        assertThat(kafkaValue.metadata()).isEqualTo("meta ✓");
        assertThat(kafkaValue.commitTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(value.hasRemaining()).isFalse();
    }

    @Test
    void offsetWithAnExpiryIsWrittenAsValueVersionOneWhichKafkaReads() {
        GroupRecords.Entry entry = GroupRecords.offsetCommit("g1", new TopicPartition("t", 0),
            new CommittedOffset(8, -1, "m", 100L, 5_000L));
        ByteBuffer value = ByteBuffer.wrap(entry.value());
        short version = value.getShort();
        assertThat(version).isEqualTo((short) 1);
        OffsetCommitValue kafkaValue = new OffsetCommitValue(new ByteBufferAccessor(value), version);
        assertThat(kafkaValue.offset()).isEqualTo(8);
        assertThat(kafkaValue.expireTimestamp()).isEqualTo(5_000L);
        GroupRecords.OffsetRecord back = (GroupRecords.OffsetRecord) GroupRecords.decode(ByteBuffer.wrap(entry.key()),
            ByteBuffer.wrap(entry.value()));
        assertThat(back.offset()).isEqualTo(new CommittedOffset(8, -1, "m", 100L, 5_000L));
    }

    @Test
    void kafkaReadsSamsasGroupMetadataRecords() {
        ClassicGroup group = new ClassicGroup("g2", 42L);
        group.restore("consumer", 3, "range", "m-1", 42L, true);
        GroupMember member = new GroupMember("m-1", "static-1", "client-1", "/10.0.0.1", 30_000, 10_000, "consumer",
            List.of(new GroupMember.Protocol("range", new byte[] {1, 2})));
        group.add(member, null);
        GroupRecords.Entry entry = GroupRecords.groupMetadata(group, Map.of("m-1", new byte[] {9}));

        ByteBuffer key = ByteBuffer.wrap(entry.key());
        assertThat(key.getShort()).isEqualTo((short) 2);
        assertThat(new GroupMetadataKey(new ByteBufferAccessor(key), (short) 2).group()).isEqualTo("g2");

        ByteBuffer value = ByteBuffer.wrap(entry.value());
        short version = value.getShort();
        GroupMetadataValue kafkaValue = new GroupMetadataValue(new ByteBufferAccessor(value), version);
        assertThat(kafkaValue.protocolType()).isEqualTo("consumer");
        assertThat(kafkaValue.generation()).isEqualTo(3);
        assertThat(kafkaValue.protocol()).isEqualTo("range");
        assertThat(kafkaValue.leader()).isEqualTo("m-1");
        assertThat(kafkaValue.currentStateTimestamp()).isEqualTo(42L);
        GroupMetadataValue.MemberMetadata m = kafkaValue.members().get(0);
        assertThat(m.memberId()).isEqualTo("m-1");
        assertThat(m.groupInstanceId()).isEqualTo("static-1");
        assertThat(m.clientId()).isEqualTo("client-1");
        assertThat(m.clientHost()).isEqualTo("/10.0.0.1");
        assertThat(m.rebalanceTimeout()).isEqualTo(30_000);
        assertThat(m.sessionTimeout()).isEqualTo(10_000);
        assertThat(m.subscription()).containsExactly(1, 2);
        assertThat(m.assignment()).containsExactly(9);
    }

    @Test
    void samsaReadsKafkasRecordsOfOlderValueVersions() {
        ByteBuffer key = MessageUtil.toVersionPrefixedByteBuffer((short) 1,
            new OffsetCommitKey().setGroup("g3").setTopic("t").setPartition(2));
        ByteBuffer value = MessageUtil.toVersionPrefixedByteBuffer((short) 1,
            new OffsetCommitValue().setOffset(55).setMetadata("old").setCommitTimestamp(7).setExpireTimestamp(99));
        GroupRecords.OffsetRecord record = (GroupRecords.OffsetRecord) GroupRecords.decode(key, value);
        assertThat(record.groupId()).isEqualTo("g3");
        assertThat(record.partition()).isEqualTo(new TopicPartition("t", 2));
        assertThat(record.offset()).isEqualTo(new CommittedOffset(55, -1, "old", 7, 99));

        ByteBuffer groupKey = MessageUtil.toVersionPrefixedByteBuffer((short) 2, new GroupMetadataKey().setGroup("g3"));
        ByteBuffer groupValue = MessageUtil.toVersionPrefixedByteBuffer((short) 2, new GroupMetadataValue()
            .setProtocolType("consumer").setGeneration(4).setProtocol("range").setLeader("a").setCurrentStateTimestamp(5)
            .setMembers(List.of(new GroupMetadataValue.MemberMetadata().setMemberId("a").setClientId("c").setClientHost("h")
                .setRebalanceTimeout(100).setSessionTimeout(50).setSubscription(new byte[] {1}).setAssignment(new byte[] {2}))));
        GroupRecords.GroupRecord group = (GroupRecords.GroupRecord) GroupRecords.decode(groupKey, groupValue);
        assertThat(group.snapshot().generation()).isEqualTo(4);
        assertThat(group.snapshot().members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo("a");
            assertThat(m.groupInstanceId()).isNull();
            assertThat(m.rebalanceTimeoutMs()).isEqualTo(100);
            assertThat(m.assignment()).containsExactly(2);
        });
    }

    @Test
    void nullValuesAreTombstonesAndUnknownKeyVersionsAreSkipped() {
        GroupRecords.Entry tombstone = GroupRecords.groupTombstone("gone");
        assertThat(((GroupRecords.GroupRecord) GroupRecords.decode(ByteBuffer.wrap(tombstone.key()), null)).snapshot()).isNull();
        ByteBuffer memberMetadataKey = ByteBuffer.allocate(4).putShort((short) 5).putShort((short) 0).flip();
        assertThat(GroupRecords.decode(memberMetadataKey, ByteBuffer.allocate(0))).isNull();
    }

    @Test
    void consumerGroupEpochRecordsRoundTripAndHaveTombstones() {
        GroupRecords.Entry entry = GroupRecords.consumerGroupMetadata("kip848", 17);
        assertThat(GroupRecords.decode(ByteBuffer.wrap(entry.key()), ByteBuffer.wrap(entry.value())))
            .isEqualTo(new GroupRecords.ConsumerGroupRecord("kip848", 17));
        GroupRecords.Entry tombstone = GroupRecords.consumerGroupTombstone("kip848");
        assertThat(GroupRecords.decode(ByteBuffer.wrap(tombstone.key()), null))
            .isEqualTo(new GroupRecords.ConsumerGroupRecord("kip848", null));
    }
}
