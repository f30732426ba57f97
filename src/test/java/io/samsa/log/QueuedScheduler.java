package io.samsa.log;

import java.util.ArrayList;
import java.util.List;

/** Holds scheduled tasks until a test runs those due at a given time. */
final class QueuedScheduler implements Scheduler {

    record Task(String name, Runnable task, long dueMs) {
    }

    private final ManualTime time;
    private final List<Task> tasks = new ArrayList<>();

    QueuedScheduler(ManualTime time) {
        this.time = time;
    }

    @Override
    public synchronized void schedule(String name, Runnable task, long delayMs) {
        tasks.add(new Task(name, task, time.milliseconds() + delayMs));
    }

    /** Runs and forgets every task due by now. */
    void runDue() {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            tasks.removeIf(t -> {
                if (t.dueMs() <= time.milliseconds()) {
                    due.add(t);
                    return true;
                }
                return false;
            });
        }
        due.forEach(t -> t.task().run());
    }

    synchronized List<String> pendingNames() {
        return tasks.stream().map(Task::name).toList();
    }
}
