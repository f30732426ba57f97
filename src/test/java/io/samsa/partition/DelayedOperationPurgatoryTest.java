package io.samsa.partition;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The purgatory forgets a partition once nobody waits on it, however its waiters finished. */
class DelayedOperationPurgatoryTest {
    private final DelayedOperationPurgatory purgatory = new DelayedOperationPurgatory();
    private final AtomicInteger completions = new AtomicInteger();

    @AfterEach
    void close() {
        purgatory.close();
    }

    /** A fetch-like wait that is satisfied once told so. */
    private final class Waiting extends DelayedOperation {
        volatile boolean satisfied;

        @Override
        protected boolean isSatisfied() {
            return satisfied;
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
        }
    }

    @Test
    void keysWhoseWaitersAllCompletedLeaveThePurgatory() {
        List<Waiting> parked = new ArrayList<>();
        for (int p = 0; p < 500; p++) {
            Waiting op = new Waiting();
            // Each waits on its own partition and a neighbour's, as a fetch of several partitions does.
            List<TopicPartition> keys = List.of(new TopicPartition("t", p), new TopicPartition("u", p % 7));
            assertThat(purgatory.tryCompleteElseWatch(op, keys, 600_000)).isFalse();
            parked.add(op);
        }
        assertThat(purgatory.watchedKeys()).isEqualTo(507);

        for (int p = 0; p < 500; p++) {
            parked.get(p).satisfied = true;
            purgatory.checkAndComplete(new TopicPartition("t", p));
        }

        assertThat(completions.get()).isEqualTo(500);
        assertThat(purgatory.watchedKeys()).as("no key is left behind, not even the neighbours'").isZero();
        assertThat(purgatory.watched()).isZero();
    }

    @Test
    void keysWhoseWaitersAllExpiredLeaveThePurgatory() {
        for (int p = 0; p < 200; p++) {
            purgatory.tryCompleteElseWatch(new Waiting(), List.of(new TopicPartition("expiring", p)), 20);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(completions.get()).isEqualTo(200);
            assertThat(purgatory.watchedKeys()).isZero();
        });
    }

    @Test
    void aKeyStaysWhileAnotherWaiterStillWaitsOnIt() {
        TopicPartition shared = new TopicPartition("shared", 0);
        Waiting first = new Waiting();
        Waiting second = new Waiting();
        purgatory.tryCompleteElseWatch(first, List.of(shared), 600_000);
        purgatory.tryCompleteElseWatch(second, List.of(shared), 600_000);

        first.satisfied = true;
        purgatory.checkAndComplete(shared);
        assertThat(purgatory.watchedKeys()).isEqualTo(1);
        assertThat(second.isCompleted()).isFalse();

        second.satisfied = true;
        purgatory.checkAndComplete(shared);
        assertThat(purgatory.watchedKeys()).isZero();
    }
}
