package io.samsa.log;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Time;

/** A clock tests move by hand; {@link #sleep} advances it instead of blocking. */
final class ManualTime implements Time {

    private volatile long nowMs;

    ManualTime(long startMs) {
        this.nowMs = startMs;
    }

    void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return TimeUnit.MILLISECONDS.toNanos(nowMs);
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }
}
