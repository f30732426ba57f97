package io.samsa.group;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The {@code __consumer_offsets} partitions this broker leads, whose groups it coordinates, and the loading and
 * unloading of those groups as leadership moves. A partition is elected (this broker became its leader: its
 * groups answer COORDINATOR_LOAD_IN_PROGRESS while its records are replayed), loaded (served), or not owned (its
 * groups answer NOT_COORDINATOR; a resigned partition's groups are dropped from memory, their parked JoinGroup
 * and SyncGroup requests answered NOT_COORDINATOR and their timers cancelled).
 *
 * <p>Thread-safe: ownership is a concurrent map read by request threads; elections and resignations arrive on the
 * partition-changes thread and are carried out one at a time, in that order, on the loader thread.
 */
final class CoordinatedPartitions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatedPartitions.class);
    /** The pause after a failed load, doubled after each further failure up to the maximum. */
    static final long FIRST_LOAD_RETRY_MS = 100;
    static final long MAX_LOAD_RETRY_MS = 10_000;

    private final GroupLog groupLog;
    private final GroupRegistry groups;
    private final RebalanceProtocol protocol;
    private final Time time;
    /** The offsets partitions this broker leads, each loading or loaded; any other partition's groups are not ours. */
    private final Map<Integer, OwnedPartition> owned = new ConcurrentHashMap<>();
    /** Loads and unloads partitions one at a time, in the order leadership changed. */
    private final ExecutorService loader = Executors.newSingleThreadExecutor(
        new DefaultThreadFactory("samsa-group-loader", true));
    /** Released by {@link #close()}: ends the wait between load attempts. */
    private final CountDownLatch closing = new CountDownLatch(1);

    /** One led partition: a new object for each election, so a load never completes a later election's state. */
    private static final class OwnedPartition {
        volatile boolean loaded;
    }

    CoordinatedPartitions(GroupLog groupLog, GroupRegistry groups, RebalanceProtocol protocol, Time time) {
        this.groupLog = groupLog;
        this.groups = groups;
        this.protocol = protocol;
        this.time = time;
    }

    /** Whether every offsets partition this broker leads is loaded (true while it leads none). */
    boolean isLoaded() {
        for (int partition : groupLog.ledPartitions()) {
            OwnedPartition o = owned.get(partition);
            if (o == null || !o.loaded) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads every offsets partition this broker leads now, on the calling thread (tests, and a caller that has
     * nothing to serve before); returns once they are loaded or the coordinator was closed.
     */
    void load() {
        for (int partition : groupLog.ledPartitions()) {
            OwnedPartition o = new OwnedPartition();
            OwnedPartition existing = owned.putIfAbsent(partition, o);
            loadPartition(partition, existing != null ? existing : o);
        }
    }

    /**
     * Starts coordinating the groups of every offsets partition this broker leads now, loading them in the
     * background (the broker at start-up); later changes come through {@link #partitionElected} and
     * {@link #partitionResigned}.
     */
    void startLoading() {
        for (int partition : groupLog.ledPartitions()) {
            partitionElected(partition);
        }
    }

    /**
     * This broker became the leader of an offsets partition: its groups answer COORDINATOR_LOAD_IN_PROGRESS from
     * now until the loader thread has replayed its records. Called on the partition-changes thread.
     */
    void partitionElected(int partition) {
        OwnedPartition o = new OwnedPartition();
        if (owned.putIfAbsent(partition, o) == null) {
            log.info("Elected coordinator of {}-{}: loading its groups", OffsetsTopic.NAME, partition);
            submit(() -> loadPartition(partition, o));
        }
    }

    /**
     * This broker no longer leads an offsets partition (or it was deleted): its groups answer NOT_COORDINATOR
     * from now, and the loader thread drops them from memory. Called on the partition-changes thread.
     */
    void partitionResigned(int partition) {
        if (owned.remove(partition) != null) {
            log.info("Resigned as coordinator of {}-{}: unloading its groups", OffsetsTopic.NAME, partition);
            submit(() -> unloadPartition(partition));
        }
    }

    private void submit(Runnable task) {
        try {
            loader.execute(task);
        } catch (RejectedExecutionException closed) {
            log.debug("Closed: a group load or unload is not run");
        }
    }

    /**
     * Replays one partition's stored records into memory, then arms the session timers of its loaded members,
     * and from then on serves its groups. Gives up when the partition is resigned meanwhile or the coordinator
     * closes.
     *
     * <p>A replay that fails is retried with a growing pause (an ERROR line each time) rather than given up:
     * serving with the groups half loaded would answer OffsetFetch with no offsets and consumers would
     * restart from their reset policy. Until a replay succeeds every request for the partition's groups but
     * Heartbeat gets COORDINATOR_LOAD_IN_PROGRESS, which clients retry.
     */
    private void loadPartition(int partition, OwnedPartition o) {
        long start = time.milliseconds();
        long pauseMs = FIRST_LOAD_RETRY_MS;
        for (int attempt = 1; ; attempt++) {
            if (owned.get(partition) != o || closing.getCount() == 0) {
                return;
            }
            if (!groupLog.isLeader(partition)) {
                // Resigned before the load began: the resignation's own notice may have raced with the election.
                owned.remove(partition, o);
                return;
            }
            // Whatever an earlier leadership of this partition left in memory is replaced by the stored records.
            dropGroupsOf(partition, Errors.NOT_COORDINATOR);
            if (replayStoredRecords(partition, attempt, pauseMs)) {
                break;
            }
            if (awaitClose(pauseMs)) {
                return;
            }
            pauseMs = Math.min(pauseMs * 2, MAX_LOAD_RETRY_MS);
        }
        int loadedGroups = 0;
        for (ClassicGroup group : groupsOf(partition)) {
            group.lock.lock();
            try {
                for (GroupMember m : group.members()) {
                    protocol.scheduleHeartbeat(group, m.memberId(), m.sessionTimeoutMs());
                }
                loadedGroups++;
            } finally {
                group.lock.unlock();
            }
        }
        o.loaded = true;
        if (owned.get(partition) != o) {
            // Resigned while loading: the unload queued behind this load drops the groups again.
            o.loaded = false;
            return;
        }
        log.info("Loaded {} consumer group(s) of {}-{} in {} ms", loadedGroups, OffsetsTopic.NAME, partition,
            time.milliseconds() - start);
    }

    /** One replay of the stored records of a partition; false (logged, partial state dropped) when it failed. */
    private boolean replayStoredRecords(int partition, int attempt, long retryInMs) {
        try {
            groupLog.load(partition, groups::replay);
            return true;
        } catch (RuntimeException e) {
            // What was replayed before the failure is dropped: the next attempt replays from the start.
            dropGroupsOf(partition, Errors.COORDINATOR_LOAD_IN_PROGRESS);
            log.error("Loading the consumer groups of {}-{} failed (attempt {}); their requests get "
                + "COORDINATOR_LOAD_IN_PROGRESS until a retry succeeds, the next in {} ms", OffsetsTopic.NAME,
                partition, attempt, retryInMs, e);
            return false;
        }
    }

    /** Drops the groups of a partition this broker no longer leads, unless it leads it again meanwhile. */
    private void unloadPartition(int partition) {
        if (owned.containsKey(partition)) {
            return;
        }
        int dropped = dropGroupsOf(partition, Errors.NOT_COORDINATOR);
        log.info("Unloaded {} consumer group(s) of {}-{}", dropped, OffsetsTopic.NAME, partition);
    }

    /** The groups in memory whose records belong to the partition. */
    private List<ClassicGroup> groupsOf(int partition) {
        List<ClassicGroup> result = new ArrayList<>();
        for (ClassicGroup group : groups.all()) {
            int p = groupLog.partitionFor(group.groupId());
            if (p == partition || p < 0) {
                result.add(group);
            }
        }
        return result;
    }

    /**
     * Forgets the partition's groups: parked JoinGroup and SyncGroup requests get {@code error}, timers stop.
     * Returns how many groups went.
     */
    private int dropGroupsOf(int partition, Errors error) {
        int dropped = 0;
        for (ClassicGroup group : groupsOf(partition)) {
            group.lock.lock();
            try {
                answerParked(group, error);
                if (!group.is(GroupState.DEAD)) {
                    groups.markDead(group);
                }
                dropped++;
            } finally {
                group.lock.unlock();
            }
        }
        return dropped;
    }

    /** Answers the group's parked JoinGroup and SyncGroup requests with an error. The caller holds its lock. */
    static void answerParked(ClassicGroup group, Errors error) {
        for (GroupMember m : group.members()) {
            group.completeJoin(m, RebalanceProtocol.joinError(m.memberId(), error));
            m.completeSync(RebalanceProtocol.syncError(error));
        }
    }

    /** Waits up to {@code ms} for {@link #close()}; true when it came. */
    private boolean awaitClose(long ms) {
        try {
            return closing.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * NONE when this broker coordinates the group and has loaded its partition; else NOT_COORDINATOR (another
     * broker leads the partition), COORDINATOR_LOAD_IN_PROGRESS (loading) or COORDINATOR_NOT_AVAILABLE (the
     * offsets topic does not exist yet: its creation is started).
     */
    Errors coordinatorError(String groupId) {
        int partition = groupLog.partitionFor(groupId);
        if (partition < 0) {
            groupLog.ensureReady();
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        OwnedPartition o = owned.get(partition);
        if (o == null) {
            // Leading it with the election not yet taken up (its notice is queued, or start-up has not begun the
            // loads) is loading too.
            return groupLog.isLeader(partition) ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NOT_COORDINATOR;
        }
        return o.loaded ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    /** Whether a partition this broker leads is still being loaded. */
    boolean anyLoading() {
        return owned.values().stream().anyMatch(o -> !o.loaded);
    }

    /**
     * Ends loads under way (and their retries) and stops taking elections. No interrupt: a load reading a log through
     * its FileChannel would have the channel closed under it (ClosedByInterruptException), which counts as a disk
     * error; the loads see {@code closing} instead.
     */
    @Override
    public void close() {
        closing.countDown();
        loader.shutdown();
    }
}
