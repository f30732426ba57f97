package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;

/**
 * Idempotent-producer state of one partition: per producer id the latest epoch and the last five
 * batches' sequence ranges and offsets, used to drop retried batches and reject out-of-order
 * ones (Kafka's rules, see {@link #checkSequence}).
 *
 * <p>The state is a function of the log: it can always be rebuilt by replaying batch headers. To
 * avoid replaying everything on start, a snapshot {@code <offset>.snapshot} (20-digit offset, the
 * state of all batches below it) is written on segment roll and clean close; on open the newest
 * snapshot not beyond the log end is loaded and only batches after it are replayed. The snapshot
 * is binary: version (int16), producer count (int32), per producer id (int64), epoch (int16),
 * batch count (int8) and per batch firstSeq, lastSeq (int32), firstOffset, lastOffset, timestamp
 * (int64); then a CRC-32C (int32) of everything before it.
 *
 * <p>A producer that has written nothing for {@code producer.id.expiration.ms} (measured from its
 * newest batch's max timestamp, as Kafka does) is forgotten by {@link #removeExpiredProducers}, which the
 * broker runs every {@code producer.id.expiration.check.interval.ms} and once when it opens the log, so the
 * state does not grow with every producer that ever wrote. A forgotten producer that comes back is treated as
 * one never seen: Kafka 4.x accepts its next batch at any sequence. (Samsa has no transactions yet, so there
 * is no ongoing transaction that would keep a producer, as there is in Kafka.)
 *
 * <p>Thread-safety: appends and replays mutate under the owning log's lock; lookups are safe from any
 * thread because entries are immutable values in a concurrent map. Expiry runs without the log's lock: it
 * removes an entry only if it is still the one it judged idle, so an append racing with it either finds the
 * entry gone (and starts a new one) or puts a newer entry that expiry leaves alone.
 */
public final class ProducerStateManager {

    static final String SNAPSHOT_SUFFIX = ".snapshot";
    private static final short SNAPSHOT_VERSION = 1;

    private final Path dir;
    private final Map<Long, ProducerStateEntry> producers = new ConcurrentHashMap<>();
    private volatile long mapEndOffset;

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    /** The state of {@code producerId}, if the log holds batches from it. */
    public Optional<ProducerStateEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** A copy of every producer's state. */
    public Map<Long, ProducerStateEntry> activeProducers() {
        return Map.copyOf(producers);
    }

    /** The offset below which every batch is reflected in this state. */
    public long mapEndOffset() {
        return mapEndOffset;
    }

    /** The state of {@code producerId} for an append to check against, or null when there is none. */
    ProducerStateEntry get(long producerId) {
        return producers.get(producerId);
    }

    /**
     * Kafka's idempotence rules for a batch from a client whose producer has state here. An older
     * epoch is fenced. A newer epoch must start at sequence 0 unless the producer's epoch was
     * unknown. Within an epoch the batch must continue right after the last sequence (wrapping
     * after {@code Integer.MAX_VALUE}). A producer id without state (never seen, or its batches
     * were deleted) may start anywhere, so it is not checked.
     */
    static void checkSequence(ProducerStateEntry entry, short epoch, int firstSeq) {
        long producerId = entry.producerId();
        if (epoch < entry.producerEpoch()) {
            throw new InvalidProducerEpochException("Epoch " + epoch + " of producer " + producerId
                + " is older than the last seen epoch " + entry.producerEpoch());
        }
        if (epoch != entry.producerEpoch()) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Producer " + producerId + " started epoch "
                    + epoch + " at sequence " + firstSeq + " instead of 0");
            }
            return;
        }
        int lastSeq = entry.lastSeq();
        boolean inSequence = lastSeq == RecordBatch.NO_SEQUENCE
            ? firstSeq == 0
            : firstSeq == (lastSeq == Integer.MAX_VALUE ? 0 : lastSeq + 1);
        if (!inSequence) {
            throw new OutOfOrderSequenceException("Producer " + producerId + " epoch " + epoch
                + " sent sequence " + firstSeq + " after " + lastSeq);
        }
    }

    /** Records a batch with assigned offsets, whether just appended or replayed from disk. */
    void update(RecordBatch batch) {
        long end = batch.nextOffset();
        if (batch.hasProducerId()) {
            long producerId = batch.producerId();
            ProducerStateEntry.BatchMetadata metadata = new ProducerStateEntry.BatchMetadata(
                batch.baseSequence(), batch.lastSequence(), batch.baseOffset(), batch.lastOffset(),
                batch.maxTimestamp());
            ProducerStateEntry current = producers.get(producerId);
            ProducerStateEntry next = current == null
                ? new ProducerStateEntry(producerId, batch.producerEpoch(), List.of(metadata))
                : current.withBatch(batch.producerEpoch(), metadata);
            producers.put(producerId, next);
        }
        if (end > mapEndOffset) {
            mapEndOffset = end;
        }
    }

    /**
     * Forgets the producers whose newest batch is at least {@code expirationMs} older than {@code nowMs}.
     *
     * @return how many were forgotten
     */
    public int removeExpiredProducers(long nowMs, long expirationMs) {
        int removed = 0;
        for (Map.Entry<Long, ProducerStateEntry> e : producers.entrySet()) {
            if (isExpired(e.getValue(), nowMs, expirationMs) && producers.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** Kafka's test: idle since the newest batch's timestamp for at least the expiration time. */
    static boolean isExpired(ProducerStateEntry entry, long nowMs, long expirationMs) {
        return nowMs - entry.lastTimestamp() >= expirationMs;
    }

    /** Drops all state, before a full replay. */
    void clear(long startOffset) {
        producers.clear();
        mapEndOffset = startOffset;
    }

    /**
     * Loads the newest valid snapshot at or below {@code logEndOffset}, deleting snapshots beyond
     * it and unreadable ones.
     *
     * @return the snapshot's offset, from which batches must be replayed, or empty when none loaded
     */
    Optional<Long> loadLatestSnapshot(long logEndOffset) throws IOException {
        TreeMap<Long, Path> snapshots = listSnapshots();
        for (Long offset : snapshots.descendingKeySet()) {
            Path file = snapshots.get(offset);
            if (offset > logEndOffset) {
                Files.deleteIfExists(file);
                continue;
            }
            Optional<Map<Long, ProducerStateEntry>> loaded = readSnapshot(file);
            if (loaded.isPresent()) {
                producers.clear();
                producers.putAll(loaded.get());
                mapEndOffset = offset;
                return Optional.of(offset);
            }
            Files.deleteIfExists(file);
        }
        return Optional.empty();
    }

    /** Writes the state as of {@link #mapEndOffset()} and removes older snapshots. */
    void takeSnapshot() throws IOException {
        long offset = mapEndOffset;
        Path file = dir.resolve(LogSegment.fileName(offset, SNAPSHOT_SUFFIX));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        ByteBuffer buffer = encode(List.copyOf(producers.values()));
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Utils.atomicMoveWithFallback(tmp, file, true);
        for (Map.Entry<Long, Path> old : listSnapshots().headMap(offset).entrySet()) {
            Files.deleteIfExists(old.getValue());
        }
    }

    /** Removes every snapshot, for a log that restarts empty. */
    void deleteAllSnapshots() throws IOException {
        for (Path snapshot : listSnapshots().values()) {
            Files.deleteIfExists(snapshot);
        }
    }

    private TreeMap<Long, Path> listSnapshots() throws IOException {
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                try {
                    snapshots.put(Long.parseLong(name.substring(0, name.length() - SNAPSHOT_SUFFIX.length())), file);
                } catch (NumberFormatException foreign) {
                    // Not one of ours; leave it alone.
                }
            }
        }
        return snapshots;
    }

    private static ByteBuffer encode(List<ProducerStateEntry> entries) {
        int size = 2 + 4 + 4;
        for (ProducerStateEntry entry : entries) {
            size += 8 + 2 + 1 + entry.batches().size() * (4 + 4 + 8 + 8 + 8);
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort(SNAPSHOT_VERSION);
        buffer.putInt(entries.size());
        for (ProducerStateEntry entry : entries) {
            buffer.putLong(entry.producerId());
            buffer.putShort(entry.producerEpoch());
            buffer.put((byte) entry.batches().size());
            for (ProducerStateEntry.BatchMetadata batch : entry.batches()) {
                buffer.putInt(batch.firstSeq());
                buffer.putInt(batch.lastSeq());
                buffer.putLong(batch.firstOffset());
                buffer.putLong(batch.lastOffset());
                buffer.putLong(batch.timestamp());
            }
        }
        buffer.putInt(crc(buffer.array(), buffer.position()));
        buffer.flip();
        return buffer;
    }

    private static Optional<Map<Long, ProducerStateEntry>> readSnapshot(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            int bodyLength = buffer.limit() - 4;
            if (buffer.getInt(bodyLength) != crc(buffer.array(), bodyLength)
                || buffer.getShort() != SNAPSHOT_VERSION) {
                return Optional.empty();
            }
            int count = buffer.getInt();
            Map<Long, ProducerStateEntry> loaded = new ConcurrentHashMap<>();
            for (int i = 0; i < count; i++) {
                long producerId = buffer.getLong();
                short epoch = buffer.getShort();
                int batchCount = buffer.get();
                List<ProducerStateEntry.BatchMetadata> batches = new ArrayList<>(batchCount);
                for (int b = 0; b < batchCount; b++) {
                    batches.add(new ProducerStateEntry.BatchMetadata(buffer.getInt(), buffer.getInt(),
                        buffer.getLong(), buffer.getLong(), buffer.getLong()));
                }
                loaded.put(producerId, new ProducerStateEntry(producerId, epoch, batches));
            }
            return Optional.of(loaded);
        } catch (RuntimeException truncated) {
            return Optional.empty();
        }
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
