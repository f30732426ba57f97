package io.samsa.partition;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An operation that waits for a condition (enough bytes to fetch) or a deadline, whichever comes first.
 * Completion happens exactly once, from whichever thread wins: an append that satisfies it, or the timer.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();

    /** Checks the condition; when it holds, completes the operation and returns true. */
    public final boolean tryComplete() {
        if (completed.get()) {
            return true;
        }
        if (!isSatisfied()) {
            return false;
        }
        return forceComplete();
    }

    /** Completes now, whatever the condition; returns false when another thread already did. */
    public final boolean forceComplete() {
        if (completed.compareAndSet(false, true)) {
            onComplete();
            return true;
        }
        return false;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    protected abstract boolean isSatisfied();

    protected abstract void onComplete();
}
