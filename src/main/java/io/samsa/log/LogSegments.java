package io.samsa.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one log ordered by base offset, the newest being the active segment, and the
 * queries that span them: reads, timestamp lookups, sizes.
 *
 * <p>Thread-safety: mutators are called under the owning {@link Log}'s lock; queries take no lock
 * and see a consistent enough view because the map is a concurrent skip list and the active
 * segment reference is volatile. A query racing with a roll or deletion sees the segment set
 * either before or after it, never a half-built segment: a segment is added only once opened.
 */
final class LogSegments {

    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private volatile LogSegment active;

    LogSegments(ConcurrentSkipListMap<Long, LogSegment> loaded) {
        this.segments = loaded;
        this.active = loaded.lastEntry().getValue();
    }

    LogSegment active() {
        return active;
    }

    /** Adds a new newest segment, which takes over appends. */
    void addActive(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
        active = segment;
    }

    void remove(LogSegment segment) {
        segments.remove(segment.baseOffset());
    }

    /** Removes and returns the segments whose base offset is above {@code offset}; the last one left becomes active. */
    List<LogSegment> removeAbove(long offset) {
        List<LogSegment> removed = new ArrayList<>(segments.tailMap(offset, false).values());
        removed.forEach(this::remove);
        active = segments.lastEntry().getValue();
        return removed;
    }

    /** True when every one of {@code candidates} is still in place and none is the active segment. */
    boolean holdsInactive(List<LogSegment> candidates) {
        for (LogSegment segment : candidates) {
            if (segments.get(segment.baseOffset()) != segment || segment == active) {
                return false;
            }
        }
        return true;
    }

    /**
     * Puts {@code cleaned} in place of {@code replaced}, consecutive segments (checked with
     * {@link #holdsInactive}) the first of which has the cleaned segment's base offset. The
     * cleaned segment goes in first and the others come out after, oldest first, so a reader looking up any
     * offset they covered finds either an old segment or the cleaned one, never a hole, and a reader walking on
     * from one of them finds where to go on ({@link #following}).
     */
    void replace(List<LogSegment> replaced, LogSegment cleaned) {
        if (replaced.isEmpty() || replaced.get(0).baseOffset() != cleaned.baseOffset()) {
            throw new IllegalArgumentException("Cleaned segment " + cleaned + " does not start " + replaced);
        }
        segments.put(cleaned.baseOffset(), cleaned);
        for (LogSegment old : replaced.subList(1, replaced.size())) {
            segments.remove(old.baseOffset(), old);
        }
    }

    /** Replaces every segment with {@code fresh}; returns the removed ones. */
    List<LogSegment> replaceAll(LogSegment fresh) {
        List<LogSegment> removed = new ArrayList<>(segments.values());
        segments.clear();
        addActive(fresh);
        return removed;
    }

    /** All segments, oldest first; a live view. */
    Collection<LogSegment> all() {
        return segments.values();
    }

    NavigableMap<Long, LogSegment> byBaseOffset() {
        return segments;
    }

    long firstBaseOffset() {
        return segments.firstKey();
    }

    int count() {
        return segments.size();
    }

    List<Long> baseOffsets() {
        return List.copyOf(segments.keySet());
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    /** The segments that may hold offsets in [{@code fromOffset}, {@code toOffsetExclusive}). */
    List<LogSegment> between(long fromOffset, long toOffsetExclusive) {
        Long first = segments.floorKey(fromOffset);
        Map<Long, LogSegment> range = segments.subMap(first == null ? segments.firstKey() : first, true,
            toOffsetExclusive, false);
        return new ArrayList<>(range.values());
    }

    /**
     * Whole batches from the segment holding {@code startOffset} (or the next one with data),
     * as described at {@link Log#read}. The caller has checked the offset range.
     */
    LogReadInfo read(long startOffset, int maxBytes, long limit, boolean minOneMessage, long logStartOffset,
                     long logEndOffset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
        if (entry == null) {
            // Offsets below the first segment exist only as a gap; the data continues there.
            entry = segments.firstEntry();
        }
        while (entry != null && startOffset < logEndOffset) {
            SegmentSlice slice = entry.getValue().read(startOffset, maxBytes, limit, minOneMessage);
            if (slice != null) {
                return new LogReadInfo(slice, entry.getKey(), slice.position(), logStartOffset, logEndOffset);
            }
            entry = following(entry);
        }
        LogSegment newest = active;
        SegmentSlice end = newest.emptySliceAtEnd();
        return new LogReadInfo(end, newest.baseOffset(), end.position(), logStartOffset, logEndOffset);
    }

    /**
     * The segment to look in after {@code visited}, which held nothing at or after the offset sought. Compaction may
     * swap {@code visited} out meanwhile, together with the segments after it, for one cleaned segment at the base
     * offset of the first of them ({@link #replace}). That segment then holds the offsets of the later ones and is
     * the one to look in next: the next base offset in the map lies beyond them, and going there would skip records.
     *
     * <p>The next entry is taken first and {@code visited} checked to be in place after: a swap puts the cleaned
     * segment in before it takes any of the replaced ones out, and takes them out in order, so while
     * {@code visited} is still in place its successor taken before is one the swap has not taken out either. The walk
     * steps back only when the segment visited left the map, so it ends.
     */
    private Map.Entry<Long, LogSegment> following(Map.Entry<Long, LogSegment> visited) {
        Map.Entry<Long, LogSegment> next = segments.higherEntry(visited.getKey());
        Map.Entry<Long, LogSegment> now = segments.floorEntry(visited.getKey());
        if (now != null && now.getValue() != visited.getValue()) {
            return now;
        }
        return next;
    }

    /** The first record at or after {@code timestamp} with an offset at or above {@code logStartOffset}. */
    Optional<TimestampAndOffset> offsetForTimestamp(long timestamp, long logStartOffset) {
        // Walked as reads are, not with the map's iterator: that would step past a cleaned segment swapped in behind it.
        for (Map.Entry<Long, LogSegment> entry = segments.firstEntry(); entry != null; entry = following(entry)) {
            LogSegment segment = entry.getValue();
            if (segment.maxTimestampSoFar() >= timestamp) {
                Optional<TimestampAndOffset> found = segment.findOffsetByTimestamp(timestamp, logStartOffset);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The record with the largest timestamp, the earliest one on a tie. */
    Optional<TimestampAndOffset> maxTimestampAndOffset() {
        LogSegment newest = null;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestampSoFar() >= 0
                && (newest == null || segment.maxTimestampSoFar() > newest.maxTimestampSoFar())) {
                newest = segment;
            }
        }
        return newest == null ? Optional.empty() : newest.readMaxTimestampAndOffset();
    }
}
