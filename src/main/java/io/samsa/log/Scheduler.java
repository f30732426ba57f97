package io.samsa.log;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs work later on behalf of a {@link Log}: deleting segment files after
 * {@code file.delete.delay.ms} and flushing a segment that just stopped being active.
 *
 * <p>Implementations must be thread-safe; tasks may run on any thread.
 */
@FunctionalInterface
public interface Scheduler {

    /** Runs {@code task} once, no earlier than {@code delayMs} from now. */
    void schedule(String name, Runnable task, long delayMs);

    /** A scheduler that runs every task at once on the calling thread; for tests and tools. */
    static Scheduler immediate() {
        return (name, task, delayMs) -> task.run();
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
}
