package io.samsa.log;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs work later on behalf of a {@link Log}: deleting segment files after
 * {@code file.delete.delay.ms}; and, on {@link #flushExecutor()}, the fsyncs, which must run
 * neither on a network thread nor under the log's lock.
 *
 * <p>Implementations must be thread-safe; tasks may run on any thread.
 */
@FunctionalInterface
public interface Scheduler {

    /** Runs {@code task} once, no earlier than {@code delayMs} from now. */
    void schedule(String name, Runnable task, long delayMs);

    /**
     * Where a log's fsyncs run: by default a small pool of daemon threads
     * ({@code samsa-log-flusher-N}) shared by every log. A log has at most one flush running, so
     * a stalled disk ties up one thread per stalled partition, not the pool.
     */
    default Executor flushExecutor() {
        return FlushThreads.POOL;
    }

    /**
     * A scheduler that runs every task, fsyncs included, at once on the calling thread; for tests
     * and tools that want a log's effects visible when the call returns.
     */
    static Scheduler immediate() {
        return new Scheduler() {
            @Override
            public void schedule(String name, Runnable task, long delayMs) {
                task.run();
            }

            @Override
            public Executor flushExecutor() {
                return Runnable::run;
            }
        };
    }

    /**
     * One daemon thread shared by every log opened without a scheduler of its own; started on
     * first use.
     */
    static Scheduler shared() {
        return SharedScheduler.INSTANCE;
    }

    /** Adapts an executor the broker already runs. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (name, task, delayMs) -> executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Holder so the thread starts only when {@link #shared()} is first called. */
    final class SharedScheduler {
        private static final Scheduler INSTANCE = of(Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "samsa-log-scheduler");
            thread.setDaemon(true);
            return thread;
        }));

        private SharedScheduler() {
        }
    }

    /** Holder of the flusher pool, started on first use; idle threads end after a minute. */
    final class FlushThreads {
        private static final int THREADS = 8;
        private static final AtomicInteger COUNT = new AtomicInteger();
        private static final Executor POOL = newPool();

        private FlushThreads() {
        }

        private static Executor newPool() {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "samsa-log-flusher-" + COUNT.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }
}
