package io.samsa.partition;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where waiting operations are parked, watched by the partitions whose changes could satisfy them, with a
 * timer-wheel deadline. Nothing here blocks a thread: an append calls {@link #checkAndComplete} for its
 * partition, the wheel fires the deadline.
 */
public final class DelayedOperationPurgatory implements AutoCloseable {
    private final Map<TopicPartition, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final HashedWheelTimer timer = new HashedWheelTimer(new DefaultThreadFactory("samsa-delayed-ops", true),
        5, TimeUnit.MILLISECONDS, 512);

    /**
     * Tries the operation once; if it is not satisfied, watches it on the given partitions and arms its
     * deadline. Returns true when it completed at once.
     */
    public boolean tryCompleteElseWatch(DelayedOperation operation, Collection<TopicPartition> keys, long timeoutMs) {
        if (operation.tryComplete()) {
            return true;
        }
        for (TopicPartition key : keys) {
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(operation);
        }
        // An append may have slipped in between the first check and the watch.
        if (operation.tryComplete()) {
            unwatch(operation, keys);
            return true;
        }
        Timeout timeout = timer.newTimeout(t -> {
            operation.forceComplete();
            unwatch(operation, keys);
        }, Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        if (operation.isCompleted()) {
            timeout.cancel();
        }
        return false;
    }

    /** Re-checks the operations watching a partition after it changed. */
    public void checkAndComplete(TopicPartition key) {
        Set<DelayedOperation> ops = watchers.get(key);
        if (ops == null || ops.isEmpty()) {
            return;
        }
        for (DelayedOperation op : ops) {
            if (op.isCompleted() || op.tryComplete()) {
                ops.remove(op);
            }
        }
    }

    public int watched() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    private void unwatch(DelayedOperation operation, Collection<TopicPartition> keys) {
        for (TopicPartition key : keys) {
            Set<DelayedOperation> ops = watchers.get(key);
            if (ops != null) {
                ops.remove(operation);
            }
        }
    }

    @Override
    public void close() {
        for (Set<DelayedOperation> ops : watchers.values()) {
            for (DelayedOperation op : ops) {
                op.forceComplete();
            }
        }
        watchers.clear();
        timer.stop();
    }
}
