package io.samsa.partition;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where waiting operations are parked, watched by the partitions whose changes could satisfy them, with a
 * timer-wheel deadline. Nothing here blocks a thread: an append calls {@link #checkAndComplete} for its
 * partition, the wheel fires the deadline.
 *
 * <p>An operation leaves every key it watches, and its deadline is cancelled, as soon as it completes; a key
 * whose last watcher left is removed, so the map holds only partitions that someone waits on now, not every
 * partition ever fetched with a wait. Adding a watcher and removing an emptied key both run inside the map's
 * per-key {@code compute}, so a watcher is never added to a set that has just left the map.
 */
public final class DelayedOperationPurgatory implements AutoCloseable {
    private final Map<TopicPartition, Set<Watch>> watchers = new ConcurrentHashMap<>();
    private final HashedWheelTimer timer = new HashedWheelTimer(new DefaultThreadFactory("samsa-delayed-ops", true),
        5, TimeUnit.MILLISECONDS, 512);

    /** One parked operation: the keys it watches and its deadline, so that completion can undo both. */
    private static final class Watch {
        final DelayedOperation operation;
        final Collection<TopicPartition> keys;
        volatile Timeout deadline;

        Watch(DelayedOperation operation, Collection<TopicPartition> keys) {
            this.operation = operation;
            this.keys = keys;
        }
    }

    /**
     * Tries the operation once; if it is not satisfied, watches it on the given partitions and arms its
     * deadline. Returns true when it completed at once.
     */
    public boolean tryCompleteElseWatch(DelayedOperation operation, Collection<TopicPartition> keys, long timeoutMs) {
        if (operation.tryComplete()) {
            return true;
        }
        Watch watch = new Watch(operation, List.copyOf(keys));
        for (TopicPartition key : watch.keys) {
            watchers.compute(key, (k, set) -> {
                Set<Watch> ops = set != null ? set : ConcurrentHashMap.newKeySet();
                ops.add(watch);
                return ops;
            });
        }
        // An append may have slipped in between the first check and the watch.
        if (operation.tryComplete()) {
            unwatch(watch);
            return true;
        }
        watch.deadline = timer.newTimeout(t -> {
            operation.forceComplete();
            unwatch(watch);
        }, Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        if (operation.isCompleted()) {
            // Completed by an append while the deadline was being armed; that append may not have seen it.
            finished(watch);
        }
        return false;
    }

    /** Re-checks the operations watching a partition after it changed. */
    public void checkAndComplete(TopicPartition key) {
        Set<Watch> ops = watchers.get(key);
        if (ops == null) {
            return;
        }
        for (Watch watch : ops) {
            if (watch.operation.isCompleted() || watch.operation.tryComplete()) {
                finished(watch);
            }
        }
    }

    /** How many operations wait, counted once per key each watches. */
    public int watched() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** How many keys have at least one watcher. */
    int watchedKeys() {
        return watchers.size();
    }

    private void finished(Watch watch) {
        Timeout deadline = watch.deadline;
        if (deadline != null) {
            deadline.cancel();
        }
        unwatch(watch);
    }

    private void unwatch(Watch watch) {
        for (TopicPartition key : watch.keys) {
            watchers.computeIfPresent(key, (k, ops) -> {
                ops.remove(watch);
                return ops.isEmpty() ? null : ops;
            });
        }
    }

    @Override
    public void close() {
        for (Set<Watch> ops : watchers.values()) {
            for (Watch watch : ops) {
                watch.operation.forceComplete();
            }
        }
        watchers.clear();
        timer.stop();
    }
}
