package io.samsa.server;

import io.samsa.log.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

/** The broker's background thread: retention, flushes, delayed file deletion. */
final class BrokerScheduler implements Scheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerScheduler.class);
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "samsa-scheduler");
        t.setDaemon(true);
        return t;
    });

    /**
     * This broker's own flusher threads, rather than the JVM-wide pool, so that closing the broker ends them: a
     * JVM that starts and closes many brokers keeps none of their threads. Idle threads end after a minute.
     */
    private final ThreadPoolExecutor flushers = newFlushers();
    private static final AtomicInteger FLUSHER_COUNT = new AtomicInteger();
    private static final int FLUSHER_THREADS = 8;
    private static final long FLUSHER_CLOSE_WAIT_SECONDS = 30;

    private static ThreadPoolExecutor newFlushers() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(FLUSHER_THREADS, FLUSHER_THREADS, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "samsa-log-flusher-" + FLUSHER_COUNT.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
        // A flush asked for while the broker closes its logs runs on the asking thread, never dropped.
        pool.setRejectedExecutionHandler((task, executor) -> task.run());
        return pool;
    }

    @Override
    public Executor flushExecutor() {
        return flushers;
    }

    /** Ends the flusher threads once the logs are closed, after the flushes already asked for. */
    void closeFlushers() {
        flushers.shutdown();
        try {
            if (!flushers.awaitTermination(FLUSHER_CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("Log flushes still running after {} s at close", FLUSHER_CLOSE_WAIT_SECONDS);
                flushers.shutdownNow();
            }
        } catch (InterruptedException e) {
            flushers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

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
