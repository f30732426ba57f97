package io.samsa.server;

import io.samsa.log.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The broker's background thread: retention, flushes, delayed file deletion. */
final class BrokerScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerScheduler.class);
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "samsa-scheduler");
        t.setDaemon(true);
        return t;
    });

    BrokerScheduler() {
        // Pending file deletions need not delay shutdown: recovery removes leftover .deleted files.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public void schedule(String name, Runnable task, long delayMs) {
        if (executor.isShutdown()) {
            task.run();
            return;
        }
        executor.schedule(guarded(name, task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    void schedulePeriodically(String name, Runnable task, long periodMs) {
        if (periodMs <= 0 || periodMs == Long.MAX_VALUE) {
            return;
        }
        executor.scheduleWithFixedDelay(guarded(name, task), periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Background task {} failed", name, e);
            }
        };
    }

        @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
