package io.samsa.testing;

import io.samsa.testing.DeliveryChecker.Ack;
import io.samsa.testing.DeliveryChecker.Logged;
import io.samsa.testing.DeliveryChecker.Read;
import io.samsa.testing.DeliveryChecker.Report;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.samsa.testing.DeliveryChecker.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delivery checker on made-up histories: each kind of violation is found, and a clean history passes. */
class DeliveryCheckerTest {
    private static final String T = "t";

    /** Two producers interleaved on two partitions; p0 holds a transaction marker's gap at offset 2. */
    private static List<Logged> cleanLog() {
        return List.of(
            new Logged(T, 0, 0, value("p1", 0)), new Logged(T, 0, 1, value("p2", 0)),
            new Logged(T, 0, 3, value("p1", 1)), new Logged(T, 0, 4, value("p2", 5)),
            new Logged(T, 1, 0, value("p2", 1)), new Logged(T, 1, 1, value("p1", 2) + " padding"));
    }

    private static List<Ack> acksOf(List<Logged> log) {
        return log.stream().map(r -> new Ack(r.topic(), r.partition(), r.offset(), r.value())).toList();
    }

    private static Read read(int partition, long offset, String value, String session) {
        return new Read(T, partition, offset, value, session);
    }

    @Test
    void aCleanHistoryPasses() {
        List<Read> reads = List.of(
            read(0, 0, value("p1", 0), "c1"), read(0, 1, value("p2", 0), "c1"),
            read(1, 1, value("p1", 2) + " padding", "c1"),
            read(0, 3, value("p1", 1), "c1"), read(0, 4, value("p2", 5), "c1"),
            read(0, 3, value("p1", 1), "c2"), read(0, 4, value("p2", 5), "c2"));

        Report report = DeliveryChecker.check(acksOf(cleanLog()), reads, cleanLog());

        assertThat(report.isClean()).as("%s", report).isTrue();
        assertThatCode(report::assertClean).doesNotThrowAnyException();
        assertThat(report.toString()).startsWith("delivery clean");
    }

    @Test
    void anAcknowledgedRecordMissingFromTheLogIsLost() {
        List<Ack> acks = new ArrayList<>(acksOf(cleanLog()));
        acks.add(new Ack(T, 1, 2, value("p1", 3)));

        Report report = DeliveryChecker.check(acks, List.of(), cleanLog());

        assertThat(report.lost()).extracting(l -> l.ack().value()).containsExactly(value("p1", 3));
        assertThat(report.misplaced()).isEmpty();
        assertThat(report.isClean()).isFalse();
    }

    @Test
    void anAcknowledgedRecordAtAnotherOffsetOrPartitionIsMisplaced() {
        List<Ack> acks = List.of(new Ack(T, 0, 1, value("p1", 1)), new Ack(T, 1, 0, value("p2", 0)),
            new Ack(T, 0, 0, value("p1", 0)));

        Report report = DeliveryChecker.check(acks, List.of(), cleanLog());

        assertThat(report.misplaced()).extracting(m -> m.ack().value()).containsExactly(value("p1", 1), value("p2", 0));
        assertThat(report.misplaced().get(0).foundAt()).containsExactly(new Logged(T, 0, 3, value("p1", 1)));
        assertThat(report.lost()).isEmpty();
    }

    @Test
    void anAckWithoutOffsetOnlyNeedsItsRecordInItsPartition() {
        Report present = DeliveryChecker.check(List.of(new Ack(T, 0, -1, value("p2", 5))), List.of(), cleanLog());
        Report elsewhere = DeliveryChecker.check(List.of(new Ack(T, 1, -1, value("p2", 5))), List.of(), cleanLog());

        assertThat(present.isClean()).as("%s", present).isTrue();
        assertThat(elsewhere.misplaced()).hasSize(1);
    }

    @Test
    void aValueAtTwoPlacesIsADuplicate() {
        List<Logged> log = new ArrayList<>(cleanLog());
        log.add(new Logged(T, 0, 5, value("p2", 5)));
        log.add(new Logged(T, 1, 2, value("p1", 0)));

        Report report = DeliveryChecker.check(acksOf(cleanLog()), List.of(), log);

        assertThat(report.duplicates()).extracting(DeliveryChecker.Duplicate::value)
            .containsExactlyInAnyOrder(value("p2", 5), value("p1", 0));
        assertThat(report.duplicates()).filteredOn(d -> d.value().equals(value("p1", 0))).singleElement()
            .satisfies(d -> assertThat(d.copies()).extracting(Logged::partition).containsExactly(0, 1));
        assertThat(report.lost()).isEmpty();
        assertThat(report.misplaced()).isEmpty();
    }

    @Test
    void aProducersSequenceGoingDownWithTheOffsetIsReordered() {
        List<Logged> log = List.of(
            new Logged(T, 0, 0, value("p1", 0)), new Logged(T, 0, 1, value("p2", 7)),
            new Logged(T, 0, 2, value("p1", 2)), new Logged(T, 0, 3, value("p1", 1)),
            new Logged(T, 0, 4, value("p2", 8)), new Logged(T, 1, 0, value("p1", 3)));

        Report report = DeliveryChecker.check(acksOf(log), List.of(), log);

        assertThat(report.reordered()).singleElement().satisfies(r -> {
            assertThat(r.partition()).isEqualTo(new TopicPartition(T, 0));
            assertThat(r.producer()).isEqualTo("p1");
            assertThat(r.earlierOffset()).isEqualTo(2);
            assertThat(r.earlierSeq()).isEqualTo(2);
            assertThat(r.offset()).isEqualTo(3);
            assertThat(r.seq()).isEqualTo(1);
        });
    }

    @Test
    void aReadTheFinalLogDoesNotHoldIsReported() {
        List<Read> reads = List.of(
            read(0, 0, value("p1", 0), "c1"),
            read(0, 1, value("p9", 0), "c1"),
            read(0, 5, value("p1", 9), "c1"),
            read(1, 0, value("p2", 1), "c2"));

        Report report = DeliveryChecker.check(acksOf(cleanLog()), reads, cleanLog());

        assertThat(report.readsNotInLog()).hasSize(2);
        assertThat(report.readsNotInLog().get(0).logValue()).contains(value("p2", 0));
        assertThat(report.readsNotInLog().get(0).offsetInLog()).isTrue();
        assertThat(report.readsNotInLog().get(1).logValue()).isEqualTo(Optional.empty());
        assertThat(report.readsNotInLog().get(1).offsetInLog()).as("read past the end of the final log").isFalse();
    }

    @Test
    void aSessionGoingBackwardsOrPassingOverARecordIsReported() {
        List<Read> reads = List.of(
            read(0, 0, value("p1", 0), "c1"),
            read(0, 3, value("p1", 1), "c1"),
            read(0, 1, value("p2", 0), "c1"),
            read(1, 0, value("p2", 1), "c2"),
            read(0, 4, value("p2", 5), "c2"));

        Report report = DeliveryChecker.check(acksOf(cleanLog()), reads, cleanLog());

        assertThat(report.sessionJumps()).hasSize(2);
        assertThat(report.sessionJumps().get(0)).satisfies(j -> {
            assertThat(j.session()).isEqualTo("c1");
            assertThat(j.previousOffset()).isEqualTo(0);
            assertThat(j.offset()).isEqualTo(3);
            assertThat(j.skipped()).as("offset 1 passed over; offset 2 is a gap in the log too").isEqualTo(1);
            assertThat(j.backwards()).isFalse();
        });
        assertThat(report.sessionJumps().get(1)).satisfies(j -> {
            assertThat(j.previousOffset()).isEqualTo(3);
            assertThat(j.offset()).isEqualTo(1);
            assertThat(j.backwards()).isTrue();
        });
        assertThat(report.readsNotInLog()).isEmpty();
    }

    @Test
    void assertCleanListsTheFirstTwentyProblemsOfEachKind() {
        List<Ack> acks = new ArrayList<>();
        for (int seq = 0; seq < 25; seq++) {
            acks.add(new Ack(T, 0, 100 + seq, value("lost", seq)));
        }
        Report report = DeliveryChecker.check(acks, List.of(read(0, 0, value("p1", 0), "c"), read(0, 0, value("p1", 0), "c")),
            cleanLog());

        assertThatThrownBy(report::assertClean).isInstanceOf(AssertionError.class)
            .hasMessageContaining("25 lost")
            .hasMessageContaining(value("lost", 19) + " acknowledged at t-0@119 is not in the log")
            .hasMessageNotContaining(value("lost", 20) + " ")
            .hasMessageContaining("and 5 more")
            .hasMessageContaining("1 consumer sessions going backwards or skipping")
            .hasMessageNotContaining("duplicated");
    }

    @Test
    void acksRecordSuccessfulSendsFromManyThreadsAndCountFailures() throws Exception {
        DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        RecordMetadata metadata = new RecordMetadata(new TopicPartition(T, thread), i, 0, 0L, 0, 0);
                        acks.callback(value("p" + thread, i)).onCompletion(metadata, null);
                    }
                    acks.callback("failed").onCompletion(null, new RuntimeException("timeout"));
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.shutdownNow();
        }

        assertThat(acks.count()).isEqualTo(threads * perThread);
        assertThat(acks.failures()).isEqualTo(threads);
        assertThat(acks.all()).contains(new Ack(T, 2, 17, value("p2", 17)));
    }

    @Test
    void anAckOfAcksZeroCarriesNoOffset() {
        DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
        acks.callback("v").onCompletion(new RecordMetadata(new TopicPartition(T, 0), -1, -1, 0L, 0, 1), null);

        assertThat(acks.all()).containsExactly(new Ack(T, 0, -1, "v"));
    }

    @Test
    void producerAndSequenceAreReadFromTheValueBeforeAnyPadding() {
        assertThat(DeliveryChecker.ProducerSeq.parse("p-1-42 xxxx"))
            .contains(new DeliveryChecker.ProducerSeq("p-1", 42));
        assertThat(DeliveryChecker.ProducerSeq.parse("no-number")).isEmpty();
        assertThat(DeliveryChecker.ProducerSeq.parse("plain")).isEmpty();
        assertThat(DeliveryChecker.ProducerSeq.parse(null)).isEmpty();
    }
}
