package io.samsa.group;

import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The records of {@code __consumer_offsets}, in Kafka's own binary layout so Kafka's tools can read them:
 * <ul>
 *   <li>committed offset: key {@code [int16 version=1][string group][string topic][int32 partition]}, value
 *       {@code [int16 version=3][int64 offset][int32 leaderEpoch][string metadata][int64 commitTimestamp]}, or
 *       version 1 {@code [int64 offset][string metadata][int64 commitTimestamp][int64 expireTimestamp]} for an
 *       offset committed with an explicit retention time;</li>
 *   <li>group metadata: key {@code [int16 version=2][string group]}, value {@code [int16 version=3][string
 *       protocolType][int32 generation][nullable string protocol][nullable string leader][int64
 *       currentStateTimestamp][int32 count] members}, each member {@code [string memberId][nullable string
 *       groupInstanceId][string clientId][string clientHost][int32 rebalanceTimeout][int32 sessionTimeout][bytes
 *       subscription][bytes assignment]};</li>
 *   <li>consumer group (KIP-848) metadata: key {@code [int16 version=3][string group]}, value {@code [int16
 *       version=0][int32 groupEpoch][int8 0]} (Kafka's ConsumerGroupMetadataValue with no tagged fields); Samsa
 *       keeps only the group's existence, type and epoch — members join again after a restart;</li>
 *   <li>a null value is a tombstone: the offset or the group is gone.</li>
 * </ul>
 * Strings are an int16 length and UTF-8 bytes (-1 for null), byte arrays an int32 length and the bytes.
 * Reading also accepts Kafka's older value versions 0–2; unknown key versions are skipped by the caller.
 */
final class GroupRecords {
    static final short OFFSET_KEY_VERSION = 1;
    static final short GROUP_KEY_VERSION = 2;
    static final short OFFSET_VALUE_VERSION = 3;
    static final short GROUP_VALUE_VERSION = 3;
    static final short CONSUMER_GROUP_KEY_VERSION = 3;

    private GroupRecords() {
    }

    /** A key and a value (null for a tombstone) ready to append. */
    record Entry(byte[] key, byte[] value) {
    }

    /** A member as a group metadata record keeps it. */
    record MemberSnapshot(String memberId, String groupInstanceId, String clientId, String clientHost,
                          int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** A group as a group metadata record keeps it: the last stable generation. */
    record GroupSnapshot(String protocolType, int generation, String protocol, String leader, long stateTimestampMs,
                         List<MemberSnapshot> members) {
    }

    /** A decoded record. */
    sealed interface Decoded permits OffsetRecord, GroupRecord, ConsumerGroupRecord {
        String groupId();
    }

    /** A committed offset, or its tombstone ({@code offset == null}). */
    record OffsetRecord(String groupId, TopicPartition partition, CommittedOffset offset) implements Decoded {
    }

    /** A group's metadata, or its tombstone ({@code snapshot == null}). */
    record GroupRecord(String groupId, GroupSnapshot snapshot) implements Decoded {
    }

    /** A consumer-protocol group's epoch, or its tombstone ({@code epoch == null}). */
    record ConsumerGroupRecord(String groupId, Integer epoch) implements Decoded {
    }

    static Entry consumerGroupMetadata(String groupId, int epoch) {
        Writer w = new Writer();
        w.int16((short) 0).int32(epoch);
        byte[] value = w.bytes();
        byte[] withTags = java.util.Arrays.copyOf(value, value.length + 1);
        return new Entry(consumerGroupKey(groupId), withTags);
    }

    static Entry consumerGroupTombstone(String groupId) {
        return new Entry(consumerGroupKey(groupId), null);
    }

    private static byte[] consumerGroupKey(String groupId) {
        Writer w = new Writer();
        w.int16(CONSUMER_GROUP_KEY_VERSION).string(groupId);
        return w.bytes();
    }

    static Entry offsetCommit(String groupId, TopicPartition tp, CommittedOffset offset) {
        return new Entry(offsetKey(groupId, tp), offsetValue(offset));
    }

    static Entry offsetTombstone(String groupId, TopicPartition tp) {
        return new Entry(offsetKey(groupId, tp), null);
    }

    static Entry groupMetadata(ClassicGroup group, Map<String, byte[]> assignment) {
        return new Entry(groupKey(group.groupId()), groupValue(group, assignment));
    }

    static Entry groupTombstone(String groupId) {
        return new Entry(groupKey(groupId), null);
    }

    static byte[] offsetKey(String groupId, TopicPartition tp) {
        Writer w = new Writer();
        w.int16(OFFSET_KEY_VERSION).string(groupId).string(tp.topic()).int32(tp.partition());
        return w.bytes();
    }

    static byte[] offsetValue(CommittedOffset offset) {
        Writer w = new Writer();
        if (offset.expireTimestampMs() >= 0) {
            // Only value version 1 has an explicit expiry (OffsetCommit v2-v4 with a retention time), as in Kafka.
            w.int16((short) 1).int64(offset.offset()).string(offset.metadata()).int64(offset.commitTimestampMs())
                .int64(offset.expireTimestampMs());
            return w.bytes();
        }
        w.int16(OFFSET_VALUE_VERSION).int64(offset.offset()).int32(offset.leaderEpoch()).string(offset.metadata())
            .int64(offset.commitTimestampMs());
        return w.bytes();
    }

    static byte[] groupKey(String groupId) {
        Writer w = new Writer();
        w.int16(GROUP_KEY_VERSION).string(groupId);
        return w.bytes();
    }

    static byte[] groupValue(ClassicGroup group, Map<String, byte[]> assignment) {
        Writer w = new Writer();
        w.int16(GROUP_VALUE_VERSION)
            .string(group.protocolType() == null ? "" : group.protocolType())
            .int32(group.generationId())
            .string(group.protocolName())
            .string(group.leaderId())
            .int64(group.stateTimestampMs())
            .int32(group.size());
        for (GroupMember m : group.members()) {
            byte[] assigned = assignment.get(m.memberId());
            w.string(m.memberId()).string(m.groupInstanceId()).string(m.clientId()).string(m.clientHost())
                .int32(m.rebalanceTimeoutMs()).int32(m.sessionTimeoutMs())
                .bytes(group.protocolName() == null ? new byte[0] : m.metadata(group.protocolName()))
                .bytes(assigned == null ? GroupMember.EMPTY_ASSIGNMENT : assigned);
        }
        return w.bytes();
    }

    /**
     * Decodes one record; returns null for a key version this broker does not know (records of newer
     * group types), which loading skips.
     *
     * @throws IllegalArgumentException when the bytes are malformed
     */
    static Decoded decode(ByteBuffer key, ByteBuffer value) {
        if (key == null) {
            throw new IllegalArgumentException("Record without a key");
        }
        try {
            short keyVersion = key.getShort();
            if (keyVersion == 0 || keyVersion == 1) {
                String group = readString(key);
                TopicPartition tp = new TopicPartition(readString(key), key.getInt());
                return new OffsetRecord(group, tp, value == null ? null : decodeOffset(value));
            }
            if (keyVersion == GROUP_KEY_VERSION) {
                String group = readString(key);
                return new GroupRecord(group, value == null ? null : decodeGroup(value));
            }
            if (keyVersion == CONSUMER_GROUP_KEY_VERSION) {
                String group = readString(key);
                if (value == null) {
                    return new ConsumerGroupRecord(group, null);
                }
                short valueVersion = value.getShort();
                if (valueVersion < 0) {
                    throw new IllegalArgumentException("Unknown consumer group metadata value version " + valueVersion);
                }
                return new ConsumerGroupRecord(group, value.getInt());
            }
            return null;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated group record", e);
        }
    }

    private static CommittedOffset decodeOffset(ByteBuffer value) {
        short version = value.getShort();
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("Unknown offset commit value version " + version);
        }
        long offset = value.getLong();
        int leaderEpoch = version >= 3 ? value.getInt() : -1;
        String metadata = readString(value);
        long commitTimestamp = value.getLong();
        long expireTimestamp = version == 1 ? value.getLong() : -1;
        return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
    }

    private static GroupSnapshot decodeGroup(ByteBuffer value) {
        short version = value.getShort();
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("Unknown group metadata value version " + version);
        }
        String protocolType = readString(value);
        int generation = value.getInt();
        String protocol = readString(value);
        String leader = readString(value);
        long stateTimestamp = version >= 2 ? value.getLong() : -1;
        int count = value.getInt();
        List<MemberSnapshot> members = new ArrayList<>(Math.max(0, count));
        for (int i = 0; i < count; i++) {
            String memberId = readString(value);
            String instanceId = version >= 3 ? readString(value) : null;
            String clientId = readString(value);
            String clientHost = readString(value);
            int rebalanceTimeout = version >= 1 ? value.getInt() : -1;
            int sessionTimeout = value.getInt();
            byte[] subscription = readBytes(value);
            byte[] assignment = readBytes(value);
            members.add(new MemberSnapshot(memberId, instanceId, clientId, clientHost,
                rebalanceTimeout == -1 ? sessionTimeout : rebalanceTimeout, sessionTimeout, subscription, assignment));
        }
        return new GroupSnapshot(protocolType, generation, protocol, leader, stateTimestamp, members);
    }

    private static String readString(ByteBuffer buffer) {
        short length = buffer.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return new byte[0];
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** A growing big-endian buffer. */
    private static final class Writer {
        private ByteBuffer buffer = ByteBuffer.allocate(128);

        private void ensure(int n) {
            if (buffer.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        Writer int16(short v) {
            ensure(2);
            buffer.putShort(v);
            return this;
        }

        Writer int32(int v) {
            ensure(4);
            buffer.putInt(v);
            return this;
        }

        Writer int64(long v) {
            ensure(8);
            buffer.putLong(v);
            return this;
        }

        Writer string(String s) {
            if (s == null) {
                return int16((short) -1);
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + bytes.length + " bytes is too long for a group record");
            }
            int16((short) bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
            return this;
        }

        Writer bytes(byte[] bytes) {
            int32(bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
            return this;
        }

        byte[] bytes() {
            byte[] result = new byte[buffer.position()];
            buffer.flip();
            buffer.get(result);
            return result;
        }
    }
}
