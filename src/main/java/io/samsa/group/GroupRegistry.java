package io.samsa.group;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The groups the coordinator knows, by id, and how they come back from stored records. Finding a group
 * and locking it is one step ({@link #lock}), so a group deleted while a request waited for its lock is
 * never used. Thread-safe: a concurrent map; a group is removed only with its lock held and after it was
 * marked Dead.
 */
final class GroupRegistry {
    private static final Logger log = LoggerFactory.getLogger(GroupRegistry.class);

    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final GroupTimers timers;
    private final Time time;

    GroupRegistry(GroupTimers timers, Time time) {
        this.timers = timers;
        this.time = time;
    }

    /**
     * The group, locked by the calling thread, created (Empty) when absent and {@code create} is set;
     * null when absent. A group deleted while we waited for its lock is looked up again.
     */
    ClassicGroup lock(String groupId, boolean create) {
        while (true) {
            ClassicGroup group = create
                ? groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time.milliseconds()))
                : groups.get(groupId);
            if (group == null) {
                return null;
            }
            group.lock.lock();
            if (!group.is(GroupState.DEAD)) {
                return group;
            }
            group.lock.unlock();
            groups.remove(groupId, group);
        }
    }

    /** Every group, for scans that lock each in turn. */
    Collection<ClassicGroup> all() {
        return groups.values();
    }

    /** Deletes a group: its timers stop, it becomes Dead and leaves the registry. The caller holds its lock. */
    void markDead(ClassicGroup group) {
        timers.cancelAll(group);
        group.transitionTo(GroupState.DEAD, time.milliseconds());
        groups.remove(group.groupId(), group);
    }

    /** Applies one stored record (loading): a group's last generation, a committed offset, or a tombstone. */
    void replay(ByteBuffer key, ByteBuffer value) {
        GroupRecords.Decoded record;
        try {
            record = GroupRecords.decode(key, value);
        } catch (IllegalArgumentException e) {
            log.warn("Skipping an unreadable record of {}: {}", OffsetsTopic.NAME, e.getMessage());
            return;
        }
        if (record == null) {
            return;
        }
        long now = time.milliseconds();
        if (record instanceof GroupRecords.OffsetRecord o) {
            ClassicGroup group = groups.computeIfAbsent(o.groupId(), id -> new ClassicGroup(id, now));
            if (o.offset() == null) {
                group.offsets().remove(o.partition());
                if (group.isEmptyWithoutOffsets() && group.protocolType() == null) {
                    groups.remove(o.groupId());
                }
            } else {
                group.offsets().put(o.partition(), o.offset());
            }
        } else if (record instanceof GroupRecords.ConsumerGroupRecord c) {
            if (c.epoch() == null) {
                ClassicGroup group = groups.get(c.groupId());
                if (group != null) {
                    group.setConsumerGroup(null);
                    if (group.offsets().isEmpty() && group.protocolType() == null) {
                        groups.remove(c.groupId());
                    }
                }
                return;
            }
            ClassicGroup group = groups.computeIfAbsent(c.groupId(), id -> new ClassicGroup(id, now));
            ConsumerGroup consumer = new ConsumerGroup();
            consumer.groupEpoch = c.epoch();
            consumer.assignmentEpoch = c.epoch();
            group.setConsumerGroup(consumer);
        } else if (record instanceof GroupRecords.GroupRecord g) {
            if (g.snapshot() == null) {
                ClassicGroup group = groups.get(g.groupId());
                if (group != null) {
                    group.resetMembership(now);
                    if (group.offsets().isEmpty()) {
                        groups.remove(g.groupId());
                    }
                }
                return;
            }
            ClassicGroup group = groups.computeIfAbsent(g.groupId(), id -> new ClassicGroup(id, now));
            GroupRecords.GroupSnapshot s = g.snapshot();
            group.resetMembership(now);
            group.restore(s.protocolType(), s.generation(), s.protocol(), s.leader(), s.stateTimestampMs(),
                !s.members().isEmpty());
            for (GroupRecords.MemberSnapshot m : s.members()) {
                GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), s.protocolType(),
                    List.of(new GroupMember.Protocol(s.protocol() == null ? "" : s.protocol(), m.subscription())));
                member.setAssignment(m.assignment());
                group.add(member, null);
            }
        }
    }
}
