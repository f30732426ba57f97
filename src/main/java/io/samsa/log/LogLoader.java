package io.samsa.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory and brings it to a consistent state: the recovery that runs before
 * a {@link Log} takes appends.
 *
 * <ol>
 *   <li>A segment swap the cleaner had begun ({@code <base>.log.swap}, see
 *       {@link Log#replaceSegments}) is completed: the swap file was complete and fsynced
 *       before it got that name, so the old segment files it replaces are deleted and it
 *       becomes {@code <base>.log}, with its indexes rebuilt. A swap file that does not read
 *       as whole batches (only a disk that lost fsynced data can leave one) is deleted instead,
 *       keeping whichever old segments are still there.</li>
 *   <li>Leftovers of interrupted work ({@code .deleted}, {@code .cleaned}, index
 *       {@code .swap} files, {@code .tmp}) and index files without a segment are removed.</li>
 *   <li>Without the clean-shutdown marker, every segment that may hold data after the recovery
 *       point (the offset up to which data was fsynced) is scanned batch by batch; the first
 *       invalid or partial batch and everything after it are cut, later segments included,
 *       and the indexes of scanned segments are rebuilt. Segments before the recovery point
 *       were fsynced whole and are trusted, as in Kafka. With the default flush policy the
 *       recovery point advances when a segment rolls, so normally only the active segment is
 *       scanned.</li>
 *   <li>An index that is not whole entries or not sorted is rebuilt from its segment.</li>
 *   <li>The log start offset, leader epochs and producer state are reconciled with what is on
 *       disk: producer state comes from the newest snapshot plus a replay of the batch headers
 *       after it.</li>
 * </ol>
 *
 * <p>Not thread-safe; runs once, before the log is shared.
 */
final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);
    private static final List<String> LEFTOVER_SUFFIXES = List.of(".deleted", ".cleaned", ".swap", ".tmp");

    private LogLoader() {
    }

    /** The recovered state a {@link Log} starts from. */
    record Loaded(ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset, long logEndOffset,
                  LeaderEpochCache epochCache, ProducerStateManager producerState) {
    }

    static Loaded load(Path dir, TopicPartition tp, LogConfig config, Time time) throws IOException {
        Files.createDirectories(dir);
        Set<Long> swappedIn = completeInterruptedSwaps(dir, tp);
        TreeSet<Long> bases = removeLeftoversAndListSegments(dir);
        boolean clean = Files.exists(dir.resolve(Log.CLEAN_SHUTDOWN_FILE));
        long recoveryPoint = clean ? Long.MAX_VALUE
            : CheckpointFile.readOffset(dir.resolve(Log.RECOVERY_POINT_FILE)).orElse(0L);
        OptionalLong checkpointedStart = CheckpointFile.readOffset(dir.resolve(Log.LOG_START_OFFSET_FILE));
        LeaderEpochCache epochCache = LeaderEpochCache.load(dir);
        long now = time.milliseconds();
        if (bases.isEmpty()) {
            bases.add(checkpointedStart.orElse(0L));
        }

        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        List<LogSegment> recovered = new ArrayList<>();
        boolean[] epochsAssigned = {false};
        List<Long> ordered = new ArrayList<>(bases);
        for (int i = 0; i < ordered.size(); i++) {
            long base = ordered.get(i);
            boolean last = i == ordered.size() - 1;
            LogSegment segment = LogSegment.open(dir, base, config, now, rollJitterMs(config), last);
            segments.put(base, segment);
            boolean mayHoldUnflushed = last || ordered.get(i + 1) > recoveryPoint;
            boolean indexesSound = segment.offsetIndex().isConsistent(segment.size())
                && segment.timeIndex().isConsistent(segment.size());
            if ((!clean && mayHoldUnflushed) || !indexesSound || swappedIn.contains(base)) {
                int cut = segment.recover(last ? config.segmentIndexBytes() : 0, config.indexIntervalBytes(),
                    batch -> epochsAssigned[0] |= epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset()));
                recovered.add(segment);
                if (cut > 0) {
                    LOG.warn("{}: cut {} invalid bytes from the end of segment {}", tp, cut, base);
                    if (!last) {
                        deleteSegmentsAfter(segments, ordered.subList(i + 1, ordered.size()), dir, config, now);
                        segment.resizeIndexes(config.segmentIndexBytes());
                        break;
                    }
                }
                if (!last) {
                    segment.onBecomeInactive();
                }
            } else if (segment.maxTimestampSoFar() < 0 && segment.size() > 0) {
                segment.loadMaxTimestampFromBatches();
            }
        }

        LogSegment active = segments.lastEntry().getValue();
        long logEndOffset = active.readNextOffset();
        long logStartOffset = Math.max(checkpointedStart.orElse(0L), segments.firstKey());
        if (logStartOffset > logEndOffset) {
            // The data DeleteRecords left behind was lost in the crash: start over where it pointed.
            LOG.warn("{}: log start offset {} is beyond the recovered end {}; emptying the log", tp,
                logStartOffset, logEndOffset);
            for (LogSegment segment : segments.values()) {
                segment.closeAndDelete();
            }
            segments.clear();
            recovered.clear();
            segments.put(logStartOffset,
                LogSegment.open(dir, logStartOffset, config, now, rollJitterMs(config), true));
            logEndOffset = logStartOffset;
        }
        if (!epochCache.loadedFromFile()) {
            assignEpochsFromBatches(epochCache, segments);
        }
        if (epochsAssigned[0] || !epochCache.loadedFromFile()) {
            persistEpochsOrForgetFile(tp, dir, epochCache);
        }
        epochCache.truncateFromEnd(logEndOffset);
        epochCache.truncateFromStart(logStartOffset);

        ProducerStateManager producerState = new ProducerStateManager(dir);
        rebuildProducerState(producerState, segments, logEndOffset);

        for (LogSegment segment : recovered) {
            segment.flush();
        }
        if (!clean) {
            // Left behind on a full disk, the old recovery point only makes the next recovery scan more.
            long recoveredEnd = logEndOffset;
            unlessOutOfSpace(tp, () -> CheckpointFile.writeOffset(dir.resolve(Log.RECOVERY_POINT_FILE), recoveredEnd),
                Log.RECOVERY_POINT_FILE);
        }
        return new Loaded(segments, logStartOffset, logEndOffset, epochCache, producerState);
    }

    private interface FileWrite {
        void run() throws IOException;
    }

    /**
     * Runs a write whose result recovery can do without, so the broker starts on a full disk: the file on disk
     * keeps its older content, which the next recovery redoes from the segments.
     */
    private static void unlessOutOfSpace(TopicPartition tp, FileWrite write, String what) throws IOException {
        try {
            write.run();
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            LOG.warn("{}: no space to write {} during recovery; the older file is kept", tp, what);
        }
    }

    /**
     * Writes the recovered leader epochs. On a full disk the older checkpoint would miss epochs that the recovery
     * point, once the flusher advances it, no longer lets a recovery find again; so it is deleted instead (that
     * frees space), and the next start rebuilds the epochs from the batch headers as after a lost checkpoint.
     */
    private static void persistEpochsOrForgetFile(TopicPartition tp, Path dir, LeaderEpochCache epochCache)
        throws IOException {
        try {
            epochCache.persist();
        } catch (IOException e) {
            if (!LogDirFailures.isOutOfSpace(e)) {
                throw e;
            }
            Files.deleteIfExists(dir.resolve(LeaderEpochCache.FILE_NAME));
            LOG.warn("{}: no space to write the leader-epoch checkpoint during recovery; deleted the older one, "
                + "the next start rebuilds it from the batches", tp);
        }
    }

    /** Kafka's segment.jitter.ms: a random reduction of segment.ms so partitions do not roll together. */
    static long rollJitterMs(LogConfig config) {
        long bound = Math.min(config.segmentJitterMs(), config.segmentMs());
        return bound > 0 ? ThreadLocalRandom.current().nextLong(bound) : 0;
    }

    /**
     * Completes the swaps a crash interrupted, as described in the class comment.
     *
     * @return base offsets of the segments swapped in, whose indexes must be rebuilt
     */
    static Set<Long> completeInterruptedSwaps(Path dir, TopicPartition tp) throws IOException {
        String swapSuffix = LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX;
        TreeSet<Long> swaps = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + swapSuffix)) {
            for (Path file : files) {
                parseBase(file.getFileName().toString(), swapSuffix).ifPresent(swaps::add);
            }
        }
        Set<Long> completed = new HashSet<>();
        for (long base : swaps) {
            Path swap = dir.resolve(LogSegment.fileName(base, swapSuffix));
            OptionalLong end = endOfWholeSegment(swap, base);
            if (end.isEmpty()) {
                LOG.error("{}: swap file {} is not whole; deleting it and keeping the segments it was to replace",
                    tp, swap.getFileName());
                Files.delete(swap);
                continue;
            }
            deleteSegmentFilesBetween(dir, base, end.getAsLong());
            Utils.atomicMoveWithFallback(swap, dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)), false);
            LOG.info("{}: completed the interrupted swap of cleaned segment {}", tp, base);
            completed.add(base);
        }
        if (!swaps.isEmpty()) {
            Utils.flushDir(dir);
        }
        return completed;
    }

    /** The offset after the last batch of a file that is whole, valid batches; empty if it is not. */
    private static OptionalLong endOfWholeSegment(Path file, long base) throws IOException {
        try (FileRecords records = FileRecords.open(file.toFile(), false)) {
            long next = base;
            int bytes = 0;
            for (FileChannelRecordBatch batch : records.batches()) {
                if (!LogSegment.isWellFormed(batch, next)) {
                    return OptionalLong.empty();
                }
                next = batch.nextOffset();
                bytes += batch.sizeInBytes();
            }
            return bytes == records.sizeInBytes() ? OptionalLong.of(next) : OptionalLong.empty();
        } catch (CorruptRecordException e) {
            return OptionalLong.empty();
        }
    }

    /** Deletes the {@code .log}, {@code .index} and {@code .timeindex} files of segments based in [from, to). */
    private static void deleteSegmentFilesBetween(Path dir, long from, long to) throws IOException {
        List<String> suffixes = List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                for (String suffix : suffixes) {
                    Optional<Long> base = name.endsWith(suffix) ? parseBase(name, suffix) : Optional.empty();
                    if (base.isPresent() && base.get() >= from && base.get() < to) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    private static TreeSet<Long> removeLeftoversAndListSegments(Path dir) throws IOException {
        TreeSet<Long> bases = new TreeSet<>();
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (LEFTOVER_SUFFIXES.stream().anyMatch(name::endsWith)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                    parseBase(name, LogSegment.LOG_SUFFIX).ifPresent(bases::add);
                } else if (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)) {
                    indexes.add(file);
                }
            }
        }
        for (Path index : indexes) {
            String name = index.getFileName().toString();
            String suffix = name.endsWith(LogSegment.INDEX_SUFFIX) ? LogSegment.INDEX_SUFFIX
                : LogSegment.TIME_INDEX_SUFFIX;
            Optional<Long> base = parseBase(name, suffix);
            if (base.isPresent() && !bases.contains(base.get())) {
                Files.deleteIfExists(index);
            }
        }
        return bases;
    }

    private static Optional<Long> parseBase(String name, String suffix) {
        try {
            return Optional.of(Long.parseLong(name.substring(0, name.length() - suffix.length())));
        } catch (NumberFormatException foreign) {
            return Optional.empty();
        }
    }

    private static void deleteSegmentsAfter(ConcurrentSkipListMap<Long, LogSegment> segments, List<Long> later,
                                            Path dir, LogConfig config, long now) throws IOException {
        for (long base : later) {
            LogSegment segment = segments.remove(base);
            if (segment == null) {
                segment = LogSegment.open(dir, base, config, now, 0, false);
            }
            segment.closeAndDelete();
        }
    }

    /** Reads every batch header for its leader epoch; only when the checkpoint was lost. */
    private static void assignEpochsFromBatches(LeaderEpochCache epochCache, NavigableMap<Long, LogSegment> segments) {
        for (LogSegment segment : segments.values()) {
            for (FileChannelRecordBatch batch : segment.records().batches()) {
                epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
        }
    }

    /** Loads the newest usable snapshot and replays the batch headers after it. */
    static void rebuildProducerState(ProducerStateManager producerState, NavigableMap<Long, LogSegment> segments,
                                     long logEndOffset) throws IOException {
        Optional<Long> snapshot = producerState.loadLatestSnapshot(logEndOffset);
        long from = snapshot.orElse(segments.firstKey());
        if (snapshot.isEmpty()) {
            producerState.clear(from);
        }
        if (from >= logEndOffset) {
            return;
        }
        Long firstBase = segments.floorKey(from);
        Map<Long, LogSegment> toReplay = firstBase == null ? segments : segments.tailMap(firstBase);
        for (LogSegment segment : toReplay.values()) {
            // Headers only: FileChannelRecordBatch reads the 61-byte header, never the records.
            for (FileChannelRecordBatch batch : segment.records().batches()) {
                if (batch.baseOffset() >= from) {
                    producerState.update(batch);
                }
            }
        }
    }
}
