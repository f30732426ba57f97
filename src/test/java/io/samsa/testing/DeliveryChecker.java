package io.samsa.testing;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The safety check of a failover test: what producers were told was written, what consumers read, and the log as
 * it stands at the end must agree.
 *
 * <p>During the run producers record each acknowledged record in an {@link Acks} and consumers each record they
 * read in a {@link Reads}; afterwards {@link #readFinalLog} reads every partition from its start to its end, and
 * {@link #check} compares the three. Values must be unique and carry their producer and sequence number, as
 * {@link #value(String, long)} makes them: {@code <producer>-<seq>}, optionally followed by a space and padding.
 *
 * <p>A consumer session is a stretch of reading in which the consumer's position should move one record at a time
 * (one consumer between rebalances or seeks): a test starts a new session id whenever the position may jump.
 */
public final class DeliveryChecker {
    private static final int SHOWN_PER_KIND = 20;

    private DeliveryChecker() {
    }

    /** A record a producer was told is written at {@code offset} ({@code -1} when the ack carried no offset). */
    public record Ack(String topic, int partition, long offset, String value) {
        TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }
    }

    /** A record a consumer returned from poll, in session {@code session}. */
    public record Read(String topic, int partition, long offset, String value, String session) {
        TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }
    }

    /** A record of the final log. */
    public record Logged(String topic, int partition, long offset, String value) {
        TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }
    }

    /** A unique value for record {@code seq} of producer {@code producer}: {@code producer-seq}. */
    public static String value(String producer, long seq) {
        return producer + "-" + seq;
    }

    /** Thread-safe: every acknowledged send, recorded from the producer's callback thread. */
    public static final class Acks {
        private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        private final AtomicLong failures = new AtomicLong();

        /** A callback that records the send of {@code value} when it succeeds and counts it when it fails. */
        public Callback callback(String value) {
            return (metadata, error) -> {
                if (error == null) {
                    record(metadata, value);
                } else {
                    failures.incrementAndGet();
                }
            };
        }

        public void record(RecordMetadata metadata, String value) {
            acks.add(new Ack(metadata.topic(), metadata.partition(), metadata.hasOffset() ? metadata.offset() : -1, value));
        }

        public void record(Ack ack) {
            acks.add(ack);
        }

        public List<Ack> all() {
            return List.copyOf(acks);
        }

        public int count() {
            return acks.size();
        }

        /** Sends that failed: not a safety violation, since the producer was told. */
        public long failures() {
            return failures.get();
        }
    }

    /** Thread-safe: every record the consumers read, with the session that read it. */
    public static final class Reads {
        private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();

        public void record(String session, ConsumerRecords<?, ?> records) {
            records.forEach(r -> record(session, r));
        }

        public void record(String session, ConsumerRecord<?, ?> record) {
            reads.add(new Read(record.topic(), record.partition(), record.offset(), text(record.value()), session));
        }

        public void record(Read read) {
            reads.add(read);
        }

        public List<Read> all() {
            return List.copyOf(reads);
        }

        public int count() {
            return reads.size();
        }
    }

    /**
     * Every partition of {@code topic} from its beginning to the end offset it has when this starts, read with a
     * fresh consumer that joins no group. Throws if the end is not reached within {@code timeout}: a partial log
     * would be reported as lost records.
     */
    public static List<Logged> readFinalLog(String bootstrapServers, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Logged> log = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrapServers,
            Map.of("max.poll.records", 10_000, "enable.auto.commit", false, "auto.offset.reset", "earliest"))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " has no partitions");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, remaining(deadline)) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Did not reach the end offsets " + ends + " of " + topic
                        + " within " + timeout + "; read " + log.size() + " records");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
                        log.add(new Logged(r.topic(), r.partition(), r.offset(), text(r.value())));
                    }
                }
            }
        }
        return log;
    }

    /** Compares what producers were told and what consumers read with the final log. */
    public static Report check(Collection<Ack> acks, Collection<Read> reads, Collection<Logged> finalLog) {
        Map<TopicPartition, NavigableMap<Long, String>> log = new HashMap<>();
        Map<String, Map<String, List<Logged>>> copiesByTopic = new TreeMap<>();
        for (Logged r : finalLog) {
            log.computeIfAbsent(r.topicPartition(), tp -> new TreeMap<>()).put(r.offset(), r.value());
            if (r.value() != null) {
                copiesByTopic.computeIfAbsent(r.topic(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(r.value(), v -> new ArrayList<>()).add(r);
            }
        }
        List<Lost> lost = new ArrayList<>();
        List<Misplaced> misplaced = new ArrayList<>();
        for (Ack ack : acks) {
            List<Logged> copies = copiesByTopic.getOrDefault(ack.topic(), Map.of()).getOrDefault(ack.value(), List.of());
            boolean inItsPartition = copies.stream().anyMatch(c -> c.partition() == ack.partition());
            boolean atItsOffset = copies.stream().anyMatch(c -> c.partition() == ack.partition() && c.offset() == ack.offset());
            if (copies.isEmpty()) {
                lost.add(new Lost(ack));
            } else if (!inItsPartition || ack.offset() >= 0 && !atItsOffset) {
                misplaced.add(new Misplaced(ack, copies));
            }
        }
        List<Duplicate> duplicates = new ArrayList<>();
        copiesByTopic.values().forEach(values -> values.forEach((value, copies) -> {
            if (copies.size() > 1) {
                duplicates.add(new Duplicate(value, List.copyOf(copies)));
            }
        }));
        return new Report(lost, misplaced, duplicates, reordered(log), readsNotInLog(reads, log), sessionJumps(reads, log));
    }

    /** Per partition and producer, sequence numbers must increase with the offset. */
    private static List<Reordered> reordered(Map<TopicPartition, NavigableMap<Long, String>> log) {
        List<Reordered> found = new ArrayList<>();
        log.entrySet().stream().sorted(Comparator.comparing(e -> e.getKey().toString())).forEach(partition -> {
            Map<String, long[]> last = new HashMap<>(); // producer -> {offset, seq}
            partition.getValue().forEach((offset, value) -> {
                Optional<ProducerSeq> parsed = ProducerSeq.parse(value);
                if (parsed.isEmpty()) {
                    return;
                }
                long[] previous = last.get(parsed.get().producer());
                if (previous != null && parsed.get().seq() <= previous[1]) {
                    found.add(new Reordered(partition.getKey(), parsed.get().producer(), previous[0], previous[1],
                        offset, parsed.get().seq()));
                }
                last.put(parsed.get().producer(), new long[] {offset, parsed.get().seq()});
            });
        });
        return found;
    }

    private static List<ReadNotInLog> readsNotInLog(Collection<Read> reads, Map<TopicPartition, NavigableMap<Long, String>> log) {
        List<ReadNotInLog> found = new ArrayList<>();
        for (Read read : reads) {
            NavigableMap<Long, String> partition = log.getOrDefault(read.topicPartition(), new TreeMap<>());
            boolean present = partition.containsKey(read.offset());
            String logged = partition.get(read.offset());
            if (!present || !Objects.equals(logged, read.value())) {
                found.add(new ReadNotInLog(read, present ? Optional.ofNullable(logged) : Optional.empty(), present));
            }
        }
        return found;
    }

    /**
     * Within one session and partition each read must be the next record of the final log after the one before
     * (offsets may have gaps the log has too, such as transaction markers, but no record of the log is passed over).
     */
    private static List<SessionJump> sessionJumps(Collection<Read> reads, Map<TopicPartition, NavigableMap<Long, String>> log) {
        List<SessionJump> found = new ArrayList<>();
        Map<String, Map<TopicPartition, Long>> previous = new LinkedHashMap<>();
        for (Read read : reads) {
            Map<TopicPartition, Long> positions = previous.computeIfAbsent(read.session(), s -> new HashMap<>());
            Long before = positions.put(read.topicPartition(), read.offset());
            if (before == null) {
                continue;
            }
            if (read.offset() <= before) {
                found.add(new SessionJump(read.session(), read.topicPartition(), before, read.offset(), 0));
            } else {
                int passedOver = log.getOrDefault(read.topicPartition(), new TreeMap<>())
                    .subMap(before, false, read.offset(), false).size();
                if (passedOver > 0) {
                    found.add(new SessionJump(read.session(), read.topicPartition(), before, read.offset(), passedOver));
                }
            }
        }
        return found;
    }

    /** An acknowledged record that is not in the final log of its partition. */
    public record Lost(Ack ack) {
        @Override
        public String toString() {
            return ack.value() + " acknowledged at " + ack.topicPartition() + "@" + ack.offset() + " is not in the log";
        }
    }

    /** An acknowledged record that is in the final log of its topic, but not at the partition and offset its ack gave. */
    public record Misplaced(Ack ack, List<Logged> foundAt) {
        @Override
        public String toString() {
            return ack.value() + " acknowledged at " + ack.topicPartition() + "@" + ack.offset() + " is at " + places(foundAt);
        }
    }

    /** A value at more than one place (partition and offset) of a topic's final log. */
    public record Duplicate(String value, List<Logged> copies) {
        @Override
        public String toString() {
            return value + " appears at " + places(copies);
        }
    }

    /** A producer's record at a higher offset than a later record of the same producer. */
    public record Reordered(TopicPartition partition, String producer, long earlierOffset, long earlierSeq,
                            long offset, long seq) {
        @Override
        public String toString() {
            return partition + ": producer " + producer + " seq " + seq + " at offset " + offset + " follows seq "
                + earlierSeq + " at offset " + earlierOffset;
        }
    }

    /**
     * A record a consumer read that the final log does not hold at that offset: {@code logValue} is what the log
     * has there, empty when {@code offsetInLog} is false (no record at that offset).
     */
    public record ReadNotInLog(Read read, Optional<String> logValue, boolean offsetInLog) {
        @Override
        public String toString() {
            return "session " + read.session() + " read " + read.value() + " at " + read.topicPartition() + "@"
                + read.offset() + "; the log has " + (offsetInLog ? logValue.orElse("a null value") : "no record") + " there";
        }
    }

    /**
     * In one session, a read at {@code offset} right after one at {@code previousOffset}: backwards (offset not
     * above the previous) or passing over {@code skipped} records of the final log.
     */
    public record SessionJump(String session, TopicPartition partition, long previousOffset, long offset, int skipped) {
        public boolean backwards() {
            return offset <= previousOffset;
        }

        @Override
        public String toString() {
            return "session " + session + " on " + partition + " read offset " + offset + " after " + previousOffset
                + (backwards() ? " (backwards)" : " (skipped " + skipped + " records of the log)");
        }
    }

    /** Every violation found, per kind. */
    public record Report(List<Lost> lost, List<Misplaced> misplaced, List<Duplicate> duplicates,
                         List<Reordered> reordered, List<ReadNotInLog> readsNotInLog, List<SessionJump> sessionJumps) {
        public Report {
            lost = List.copyOf(lost);
            misplaced = List.copyOf(misplaced);
            duplicates = List.copyOf(duplicates);
            reordered = List.copyOf(reordered);
            readsNotInLog = List.copyOf(readsNotInLog);
            sessionJumps = List.copyOf(sessionJumps);
        }

        public boolean isClean() {
            return lost.isEmpty() && misplaced.isEmpty() && duplicates.isEmpty() && reordered.isEmpty()
                && readsNotInLog.isEmpty() && sessionJumps.isEmpty();
        }

        /** Throws an AssertionError listing up to 20 violations of each kind, unless there are none. */
        public void assertClean() {
            if (!isClean()) {
                throw new AssertionError(this);
            }
        }

        @Override
        public String toString() {
            if (isClean()) {
                return "delivery clean: nothing lost, misplaced, duplicated or reordered; every read is in the log";
            }
            StringBuilder s = new StringBuilder("delivery violations:");
            appendKind(s, "lost (acknowledged, not in the log)", lost);
            appendKind(s, "misplaced (in the log at another offset than acknowledged)", misplaced);
            appendKind(s, "duplicated", duplicates);
            appendKind(s, "reordered", reordered);
            appendKind(s, "read but not in the log", readsNotInLog);
            appendKind(s, "consumer sessions going backwards or skipping", sessionJumps);
            return s.toString();
        }

        private static void appendKind(StringBuilder s, String kind, List<?> problems) {
            if (problems.isEmpty()) {
                return;
            }
            s.append("\n  ").append(problems.size()).append(' ').append(kind).append(':');
            problems.stream().limit(SHOWN_PER_KIND).forEach(p -> s.append("\n    ").append(p));
            if (problems.size() > SHOWN_PER_KIND) {
                s.append("\n    … and ").append(problems.size() - SHOWN_PER_KIND).append(" more");
            }
        }
    }

    /** The producer and sequence number in a value made by {@link #value(String, long)}. */
    record ProducerSeq(String producer, long seq) {
        static Optional<ProducerSeq> parse(String value) {
            if (value == null) {
                return Optional.empty();
            }
            int space = value.indexOf(' ');
            String head = space < 0 ? value : value.substring(0, space);
            int dash = head.lastIndexOf('-');
            if (dash <= 0 || dash == head.length() - 1) {
                return Optional.empty();
            }
            try {
                return Optional.of(new ProducerSeq(head.substring(0, dash), Long.parseLong(head.substring(dash + 1))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private static String places(List<Logged> records) {
        return records.stream().map(r -> r.topicPartition() + "@" + r.offset()).toList().toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
