package io.samsa.group;

import org.apache.kafka.common.utils.Time;

import java.util.concurrent.TimeUnit;

/** Wall-clock time that a test can move forward, for retention; timers still run on the real clock. */
final class TestTime implements Time {
    private volatile long offsetMs;

    void advance(long ms) {
        offsetMs += ms;
    }

    @Override
    public long milliseconds() {
        return System.currentTimeMillis() + offsetMs;
    }

    @Override
    public long nanoseconds() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(offsetMs);
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }
}
