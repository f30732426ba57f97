package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The leader epochs a partition's log has seen and the offset at which each began, persisted in
 * {@code leader-epoch-checkpoint} in Kafka's text layout (a version line {@code 0}, a count line,
 * then one {@code epoch startOffset} line per epoch).
 *
 * <p>Entries strictly increase in both epoch and start offset. An entry is added the first time
 * a batch of a newer epoch is appended; it is dropped when the log is cut below its start
 * (recovery) and moved up when the log start offset passes it (retention, DeleteRecords).
 *
 * <p>Thread-safety: all methods are synchronized; the entry map is small (one per leader change).
 */
final class LeaderEpochCache {

    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final int VERSION = 0;

    private final Path file;
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();
    private boolean loadedFromFile;
    /** The file was written by {@link #persistWithoutFsync()} and not fsynced since. */
    private boolean unsynced;

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    /** Loads the checkpoint in {@code dir}; a missing or malformed file yields an empty cache. */
    static LeaderEpochCache load(Path dir) throws IOException {
        LeaderEpochCache cache = new LeaderEpochCache(dir.resolve(FILE_NAME));
        Optional<List<String>> lines = CheckpointFile.read(cache.file);
        if (lines.isPresent()) {
            try {
                cache.parse(lines.get());
                cache.loadedFromFile = true;
            } catch (RuntimeException malformed) {
                // A torn or foreign file: rebuild from the batches instead of trusting part of it.
                cache.epochs.clear();
            }
        }
        return cache;
    }

    /** False when the checkpoint was missing or malformed, so the epochs must come from the batches. */
    boolean loadedFromFile() {
        return loadedFromFile;
    }

    private void parse(List<String> lines) {
        if (Integer.parseInt(lines.get(0).trim()) != VERSION) {
            throw new IllegalArgumentException("Unknown leader epoch checkpoint version " + lines.get(0));
        }
        int count = Integer.parseInt(lines.get(1).trim());
        for (int i = 0; i < count; i++) {
            String[] parts = lines.get(2 + i).trim().split("\\s+");
            epochs.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset} if it is newer than every known
     * epoch. Only in memory: the caller persists with {@link #persist()} when this returns true.
     */
    synchronized boolean assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return false;
        }
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && (epoch <= latest.getKey() || startOffset < latest.getValue())) {
            return false;
        }
        epochs.put(epoch, startOffset);
        return true;
    }

    synchronized Optional<Integer> latestEpoch() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.lastKey());
    }

    /** The newest epoch, or -1 when none is known; allocation-free for the append path. */
    synchronized int latestEpochOrUndefined() {
        return epochs.isEmpty() ? RecordBatch.NO_PARTITION_LEADER_EPOCH : epochs.lastKey();
    }

    /**
     * The epoch of the batch at {@code offset}: the latest epoch starting at or before it. Empty
     * when every known epoch starts after it (batches written without an epoch) or none is known.
     */
    synchronized Optional<Integer> epochForOffset(long offset) {
        Integer found = null;
        for (Map.Entry<Integer, Long> entry : epochs.entrySet()) {
            if (entry.getValue() > offset) {
                break;
            }
            found = entry.getKey();
        }
        return Optional.ofNullable(found);
    }

    /**
     * OffsetForLeaderEpoch (KIP-101/279): the largest epoch not above {@code requested} and the
     * start offset of the epoch after it, or {@code logEndOffset} for the latest epoch. Empty
     * when {@code requested} is newer than every known epoch or nothing is known.
     */
    synchronized Optional<EpochEndOffset> endOffsetFor(int requested, long logEndOffset) {
        if (requested < 0 || epochs.isEmpty()) {
            return Optional.empty();
        }
        if (requested == epochs.lastKey()) {
            return Optional.of(new EpochEndOffset(requested, logEndOffset));
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requested);
        if (higher == null) {
            return Optional.empty();
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requested);
        // An epoch older than all known ones ends where the oldest known one begins.
        int epoch = floor == null ? requested : floor.getKey();
        return Optional.of(new EpochEndOffset(epoch, higher.getValue()));
    }

    /** Forgets epochs that start at or after {@code endOffset}, after the log was cut there. */
    synchronized void truncateFromEnd(long endOffset) throws IOException {
        boolean changed = epochs.values().removeIf(start -> start >= endOffset);
        if (changed) {
            persist();
        }
    }

    /** Moves the epoch covering {@code startOffset} up to it and forgets older ones. */
    synchronized void truncateFromStart(long startOffset) throws IOException {
        Map.Entry<Integer, Long> covering = null;
        List<Integer> older = new ArrayList<>();
        for (Map.Entry<Integer, Long> entry : epochs.entrySet()) {
            if (entry.getValue() <= startOffset) {
                if (covering != null) {
                    older.add(covering.getKey());
                }
                covering = entry;
            }
        }
        if (covering == null || (older.isEmpty() && covering.getValue() == startOffset)) {
            return;
        }
        older.forEach(epochs::remove);
        epochs.put(covering.getKey(), startOffset);
        persist();
    }

    /** Forgets every epoch and persists the empty list. */
    synchronized void clear() throws IOException {
        epochs.clear();
        persist();
    }

    synchronized Map<Integer, Long> entries() {
        return new TreeMap<>(epochs);
    }

    /** Writes the checkpoint file and fsyncs it. */
    synchronized void persist() throws IOException {
        CheckpointFile.write(file, lines());
        unsynced = false;
    }

    /**
     * Writes the checkpoint file without fsync, for the append path, which runs on network threads; the
     * next flush of the log makes it durable ({@link #fsyncIfWritten()}) before the recovery point moves
     * past the new epoch's batches, so a crash before that leaves those batches to recovery, which takes
     * their epochs from them again.
     */
    synchronized void persistWithoutFsync() throws IOException {
        CheckpointFile.writeWithoutFsync(file, lines());
        unsynced = true;
    }

    /**
     * Fsyncs what {@link #persistWithoutFsync()} wrote, if anything; on a flusher thread. The fsync runs
     * outside this cache's monitor, which appends take: a write meanwhile marks the file unsynced again.
     */
    void fsyncIfWritten() throws IOException {
        synchronized (this) {
            if (!unsynced) {
                return;
            }
            unsynced = false;
        }
        try {
            CheckpointFile.fsync(file);
        } catch (IOException e) {
            synchronized (this) {
                unsynced = true;
            }
            throw e;
        }
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>(epochs.size() + 2);
        lines.add(Integer.toString(VERSION));
        lines.add(Integer.toString(epochs.size()));
        epochs.forEach((epoch, start) -> lines.add(epoch + " " + start));
        return lines;
    }
}
