package io.samsa.group;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of groups (member sessions, rebalance and sync timeouts) on one timer wheel. Each timer
 * has a key within its group; scheduling a key again replaces the earlier deadline. A deadline runs its
 * action holding the group's lock, and only if it is still the group's current timer for that key, so a
 * heartbeat that re-armed the session in the meantime always wins.
 *
 * <p>Callers schedule and cancel while holding the group's lock.
 */
final class GroupTimers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupTimers.class);

    private final HashedWheelTimer wheel = new HashedWheelTimer(new DefaultThreadFactory("samsa-group-timer", true),
        10, TimeUnit.MILLISECONDS, 512);

    void schedule(ClassicGroup group, String key, long delayMs, Runnable action) {
        Timeout timeout;
        try {
            timeout = wheel.newTimeout(t -> fire(group, key, t, action), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException stopped) {
            return;
        }
        Timeout previous = group.timeouts.put(key, timeout);
        if (previous != null) {
            previous.cancel();
        }
    }

    void cancel(ClassicGroup group, String key) {
        Timeout timeout = group.timeouts.remove(key);
        if (timeout != null) {
            timeout.cancel();
        }
    }

    void cancelAll(ClassicGroup group) {
        for (Timeout t : new ArrayList<>(group.timeouts.values())) {
            t.cancel();
        }
        group.timeouts.clear();
    }

    private static void fire(ClassicGroup group, String key, Timeout timeout, Runnable action) {
        group.lock.lock();
        try {
            if (group.timeouts.get(key) != timeout) {
                return;
            }
            group.timeouts.remove(key);
            action.run();
        } catch (RuntimeException e) {
            log.error("Timer {} of group {} failed", key, group.groupId(), e);
        } finally {
            group.lock.unlock();
        }
    }

    @Override
    public void close() {
        wheel.stop();
    }
}
