package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.FilterResult;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one log: keeps the latest record per key in everything before the first uncleanable
 * offset, without changing any offset.
 *
 * <ol>
 *   <li>The dirty part ({@link CleanableRange}) is read in offset order into an
 *       {@link OffsetMap} of key to latest offset. When the map fills up, mapping stops at the
 *       first record that found no room and this pass compacts only up to there; the next pass
 *       continues from it.</li>
 *   <li>Every segment below that point, clean part included (a new value may supersede an old
 *       one there), is rewritten with kafka-clients' {@link MemoryRecords#filterTo}: a record
 *       stays when no later offset of its key was mapped; a batch keeps its base and last offset
 *       (v2 batches may have gaps), its producer id, epoch and sequences; a batch left without
 *       records goes, unless it is the newest batch of a producer the log still tracks, which
 *       stays as an empty batch (as in Kafka) so producer state survives a rebuild from the log;
 *       records without a key go; transaction markers stay.</li>
 *   <li>Tombstones (null values) stay until their batch's delete horizon, which
 *       {@code filterTo} stamps into the batch (KIP-534) the first time the cleaner keeps
 *       it: {@code delete.retention.ms} after that pass. A later pass drops them.</li>
 *   <li>Consecutive segments are rewritten together into one {@code .cleaned} segment while
 *       their sizes add up to at most {@code segment.bytes} and their indexes to
 *       {@code segment.index.bytes}; each group is fsynced and swapped in on its own by
 *       {@link Log#replaceSegments}, so a crash loses at most the group being written.</li>
 *   <li>The cleaner checkpoint moves to the end of the mapped part.</li>
 * </ol>
 *
 * <p>Source batches are CRC-checked before they are mapped or rewritten, so corruption is never
 * re-stamped with a fresh CRC. The work happens outside the log's lock; if retention,
 * DeleteRecords, truncation or close removed a source segment meanwhile, the swap is refused and
 * the pass ends early, to be planned afresh.
 *
 * <p>Not thread-safe: each cleaner thread owns one, with its map and buffers.
 */
final class LogCompactor {

    private static final Logger LOG = LoggerFactory.getLogger(LogCompactor.class);
    private static final int MAX_DECOMPRESSED_BYTES = Integer.MAX_VALUE - 8;

    /** What one pass did; {@code completed} is false when the log changed under it and it stopped early. */
    record Result(long bytesRead, long bytesWritten, int segmentsCleaned, long cleanedUpTo,
                  long earliestTombstoneHorizonMs, boolean completed) {
    }

    private final long offsetMapBytes;
    private final int ioBufferBytes;
    private final Time time;
    private final BooleanSupplier stopping;
    private final BufferSupplier decompression = BufferSupplier.create();
    // Allocated by the first compaction, not at construction: a broker starts its cleaner threads at
    // start-up, and most brokers never compact (MD5 provider lookup, a 16K-slot table, two I/O buffers).
    private OffsetMap map;
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;

    /**
     * @param offsetMapBytes memory the offset map may grow to
     * @param ioBufferBytes initial size of the read and the write buffer; both grow for larger batches
     * @param stopping polled between batches; when true the pass is abandoned
     */
    LogCompactor(long offsetMapBytes, int ioBufferBytes, Time time, BooleanSupplier stopping) {
        this.offsetMapBytes = offsetMapBytes;
        this.ioBufferBytes = ioBufferBytes;
        this.time = time;
        this.stopping = stopping;
    }

    private void allocateOnFirstUse() {
        if (map == null) {
            map = new OffsetMap(offsetMapBytes);
            readBuffer = ByteBuffer.allocate(ioBufferBytes);
            writeBuffer = ByteBuffer.allocate(ioBufferBytes);
        }
    }

    /**
     * Compacts {@code range.log()} as planned in {@code range}.
     *
     * @throws CancellationException when {@code stopping} turned true
     * @throws IOException reading or writing segment files failed (nothing was swapped in for the
     *     group being written)
     */
    Result compact(CleanableRange range) throws IOException {
        Log log = range.log();
        LogConfig config = log.config();
        long startNs = time.nanoseconds();
        long now = time.milliseconds();
        allocateOnFirstUse();
        try {
            map.clear();
            long mapEnd = buildOffsetMap(range);
            Map<Long, Long> lastOffsetByProducer = new HashMap<>();
            log.producerState().activeProducers().forEach((producerId, entry) -> {
                if (!entry.batches().isEmpty()) {
                    lastOffsetByProducer.put(producerId, entry.batches().get(entry.batches().size() - 1).lastOffset());
                }
            });
            CompactionFilter filter = new CompactionFilter(map, mapEnd, now, config.deleteRetentionMs(),
                lastOffsetByProducer);
            long read = 0;
            long written = 0;
            int cleanedSegments = 0;
            for (List<LogSegment> group : groups(range.segments(), mapEnd, config)) {
                LogSegment cleaned = LogSegment.openCleaned(log.dir(), group.get(0).baseOffset(), config, now);
                boolean swapped = false;
                try {
                    long lastModified = 0;
                    for (LogSegment source : group) {
                        cleanInto(source, cleaned, filter, config.indexIntervalBytes(), now);
                        read += source.size();
                        lastModified = Math.max(lastModified, source.lastModifiedMs());
                    }
                    cleaned.onBecomeInactive();
                    cleaned.flush();
                    // As in Kafka: retention ages a segment without timestamps by its file's mtime.
                    cleaned.setLastModifiedMs(lastModified);
                    swapped = log.replaceSegments(group, cleaned);
                } finally {
                    if (!swapped) {
                        cleaned.closeAndDelete();
                    }
                }
                if (!swapped) {
                    LOG.info("{}: compaction stopped: the log changed while segment {} was cleaned",
                        log.topicPartition(), cleaned.baseOffset());
                    return new Result(read, written, cleanedSegments, log.cleanerCheckpoint(), Long.MAX_VALUE, false);
                }
                written += cleaned.size();
                cleanedSegments += group.size();
            }
            log.updateCleanerCheckpoint(mapEnd);
            LOG.info("{}: compacted {} segment(s) up to offset {}, {} bytes to {}, in {} ms", log.topicPartition(),
                cleanedSegments, mapEnd, read, written, (time.nanoseconds() - startNs) / 1_000_000);
            return new Result(read, written, cleanedSegments, mapEnd, filter.earliestTombstoneHorizonMs, true);
        } finally {
            restoreBuffers();
        }
    }

    /**
     * Maps key to latest offset over the dirty part.
     *
     * @return the offset below which every keyed record of the dirty part was mapped: the first
     *     uncleanable offset, or less when the map filled up
     */
    private long buildOffsetMap(CleanableRange range) throws IOException {
        long firstDirty = range.firstDirtyOffset();
        long firstUncleanable = range.firstUncleanableOffset();
        List<LogSegment> segments = range.segments();
        for (int i = 0; i < segments.size() - 1; i++) {
            LogSegment segment = segments.get(i);
            if (segment.baseOffset() >= firstUncleanable) {
                break;
            }
            if (segments.get(i + 1).baseOffset() <= firstDirty) {
                continue;
            }
            FileRecords records = segment.records();
            int position = 0;
            while (position < records.sizeInBytes()) {
                MemoryRecords chunk = readChunk(records, position);
                int consumed = 0;
                for (MutableRecordBatch batch : chunk.batches()) {
                    consumed += batch.sizeInBytes();
                    if (batch.lastOffset() < firstDirty || batch.isControlBatch()) {
                        continue;
                    }
                    ensureValid(batch, segment);
                    long unmapped = mapRecords(batch, firstDirty);
                    if (unmapped >= 0) {
                        return unmapped;
                    }
                }
                position += consumed;
            }
        }
        return Math.max(firstDirty, firstUncleanable);
    }

    /**
     * Puts the batch's keyed records from {@code firstDirty} on.
     *
     * @return the offset of the first record for which the map had no room, where this pass's
     *     mapped part ends, or -1 when all went in. Records after it that did go in only make
     *     older values go, and they themselves stay (at or past the end nothing is removed).
     */
    private long mapRecords(RecordBatch batch, long firstDirty) {
        long firstUnmapped = -1;
        try (CloseableIterator<Record> records = batch.streamingIterator(decompression)) {
            while (records.hasNext()) {
                Record record = records.next();
                if (record.offset() >= firstDirty && record.hasKey() && !map.put(record.key(), record.offset())
                    && firstUnmapped < 0) {
                    firstUnmapped = record.offset();
                }
            }
        }
        return firstUnmapped;
    }

    /**
     * The inactive segments below {@code mapEnd} in runs that fit one segment: sizes adding up to
     * at most {@code segment.bytes}, indexes to {@code segment.index.bytes}, and offsets within
     * the 32-bit range relative to the run's base.
     */
    static List<List<LogSegment>> groups(List<LogSegment> segments, long mapEnd, LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> group = new ArrayList<>();
        long bytes = 0;
        long offsetIndexBytes = 0;
        long timeIndexBytes = 0;
        for (int i = 0; i < segments.size() - 1 && segments.get(i).baseOffset() < mapEnd; i++) {
            LogSegment segment = segments.get(i);
            long lastOffset = segments.get(i + 1).baseOffset() - 1;
            boolean fits = !group.isEmpty()
                && bytes + segment.size() <= config.segmentBytes()
                && offsetIndexBytes + segment.offsetIndex().sizeInBytes() <= config.segmentIndexBytes()
                && timeIndexBytes + segment.timeIndex().sizeInBytes() <= config.segmentIndexBytes()
                && lastOffset - group.get(0).baseOffset() <= Integer.MAX_VALUE;
            if (!fits && !group.isEmpty()) {
                groups.add(group);
                group = new ArrayList<>();
                bytes = 0;
                offsetIndexBytes = 0;
                timeIndexBytes = 0;
            }
            group.add(segment);
            bytes += segment.size();
            offsetIndexBytes += segment.offsetIndex().sizeInBytes();
            timeIndexBytes += segment.timeIndex().sizeInBytes();
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    /** Appends what the filter keeps of {@code source} to {@code cleaned}, chunk by chunk. */
    private void cleanInto(LogSegment source, LogSegment cleaned, CompactionFilter filter, int indexIntervalBytes,
                           long now) throws IOException {
        FileRecords records = source.records();
        filter.source = source;
        int position = 0;
        while (position < records.sizeInBytes()) {
            MemoryRecords chunk = readChunk(records, position);
            writeBuffer.clear();
            FilterResult result = chunk.filterTo(filter, writeBuffer, decompression, MAX_DECOMPRESSED_BYTES);
            position += result.bytesRead();
            ByteBuffer output = result.outputBuffer();
            if (output != writeBuffer) {
                // filterTo grew the buffer for a batch that got larger; keep it for the next ones.
                writeBuffer = output;
            }
            if (output.position() > 0) {
                output.flip();
                cleaned.append(MemoryRecords.readableRecords(output), indexIntervalBytes, now);
            }
        }
    }

    /**
     * Reads whole batches from {@code position} into the read buffer, growing it when the next
     * batch does not fit.
     */
    private MemoryRecords readChunk(FileRecords records, int position) throws IOException {
        if (stopping.getAsBoolean()) {
            throw new CancellationException("The log cleaner is stopping");
        }
        int remaining = records.sizeInBytes() - position;
        while (true) {
            readBuffer.clear();
            readBuffer.limit(Math.min(readBuffer.capacity(), remaining));
            records.readInto(readBuffer, position);
            MemoryRecords chunk = MemoryRecords.readableRecords(readBuffer);
            Integer firstBatchSize = chunk.firstBatchSize();
            if (firstBatchSize != null && firstBatchSize <= readBuffer.limit()) {
                return chunk;
            }
            if (readBuffer.limit() == remaining || (firstBatchSize != null && firstBatchSize > remaining)) {
                throw new CorruptRecordException("Segment file " + records.file() + " ends in a partial batch at "
                    + position);
            }
            int needed = firstBatchSize == null ? 0 : firstBatchSize;
            readBuffer = ByteBuffer.allocate(Math.max(needed, readBuffer.capacity() * 2));
        }
    }

    private void restoreBuffers() {
        if (readBuffer.capacity() > ioBufferBytes) {
            readBuffer = ByteBuffer.allocate(ioBufferBytes);
        }
        if (writeBuffer.capacity() > ioBufferBytes) {
            writeBuffer = ByteBuffer.allocate(ioBufferBytes);
        }
    }

    private static void ensureValid(RecordBatch batch, LogSegment segment) {
        if (!batch.isValid()) {
            throw new CorruptRecordException("Batch at offset " + batch.baseOffset() + " of segment "
                + segment.records().file() + " fails its CRC check; not compacting it");
        }
    }

    /** Kafka's compaction rules as a {@link RecordFilter} for {@link MemoryRecords#filterTo}. */
    private static final class CompactionFilter extends RecordFilter {

        private final OffsetMap map;
        private final long mapEnd;
        private final Map<Long, Long> lastOffsetByProducer;
        private LogSegment source;
        private long earliestTombstoneHorizonMs = Long.MAX_VALUE;

        CompactionFilter(OffsetMap map, long mapEnd, long now, long deleteRetentionMs,
                         Map<Long, Long> lastOffsetByProducer) {
            // filterTo stamps now + deleteRetentionMs into the batch: keep the sum from overflowing.
            super(now, Math.min(deleteRetentionMs, Long.MAX_VALUE - Math.max(now, 0)));
            this.map = map;
            this.mapEnd = mapEnd;
            this.lastOffsetByProducer = lastOffsetByProducer;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            ensureValid(batch, source);
            Long producersLast = batch.hasProducerId() ? lastOffsetByProducer.get(batch.producerId()) : null;
            boolean newestOfProducer = producersLast != null && producersLast == batch.lastOffset();
            return new BatchRetentionResult(newestOfProducer ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY,
                false);
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (batch.isControlBatch()) {
                return true;
            }
            boolean mapped = record.offset() < mapEnd;
            if (mapped && (!record.hasKey() || record.offset() < map.get(record.key()))) {
                return false;
            }
            if (record.hasValue()) {
                return true;
            }
            long horizon = batch.deleteHorizonMs().orElse(currentTime + deleteRetentionMs);
            if (mapped && batch.deleteHorizonMs().isPresent() && currentTime >= horizon) {
                return false;
            }
            earliestTombstoneHorizonMs = Math.min(earliestTombstoneHorizonMs, horizon);
            return true;
        }
    }
}
