package io.samsa.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * Which segments may be deleted, by Kafka's rules. Every rule yields a prefix of the segment
 * list (oldest first): deletion never leaves a gap. A segment qualifies only if all its records
 * lie below an upper bound (the high watermark, so unreplicated data is never deleted), and an
 * empty active segment never qualifies.
 *
 * <p>Stateless and thread-safe; callers hold the log's lock so the segment list is stable.
 */
final class RetentionRules {

    private RetentionRules() {
    }

    /** Segments whose successor starts at or below the log start offset (DeleteRecords). */
    static List<LogSegment> belowLogStart(Collection<LogSegment> segments, long logEndOffset, long upperBound,
                                          long logStartOffset) {
        return prefix(segments, logEndOffset, upperBound,
            (segment, next) -> next != null && next.baseOffset() <= logStartOffset);
    }

    /** Segments whose newest record is more than {@code retention.ms} old. */
    static List<LogSegment> expiredByTime(Collection<LogSegment> segments, long logEndOffset, long upperBound,
                                          long nowMs, long retentionMs) {
        if (retentionMs < 0) {
            return List.of();
        }
        return prefix(segments, logEndOffset, upperBound,
            (segment, next) -> nowMs - largestTimestamp(segment) > retentionMs);
    }

    /** The oldest segments whose removal keeps the log at or above {@code retention.bytes}. */
    static List<LogSegment> overSize(Collection<LogSegment> segments, long logEndOffset, long upperBound,
                                     long retentionBytes) {
        if (retentionBytes < 0) {
            return List.of();
        }
        long size = 0;
        for (LogSegment segment : segments) {
            size += segment.size();
        }
        long[] excess = {size - retentionBytes};
        return prefix(segments, logEndOffset, upperBound, (segment, next) -> {
            if (excess[0] - segment.size() >= 0) {
                excess[0] -= segment.size();
                return true;
            }
            return false;
        });
    }

    private static List<LogSegment> prefix(Collection<LogSegment> segments, long logEndOffset, long upperBound,
                                           BiPredicate<LogSegment, LogSegment> rule) {
        List<LogSegment> all = new ArrayList<>(segments);
        List<LogSegment> result = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LogSegment segment = all.get(i);
            LogSegment next = i + 1 < all.size() ? all.get(i + 1) : null;
            long endOffset = next != null ? next.baseOffset() : logEndOffset;
            boolean emptyActive = next == null && segment.size() == 0;
            if (emptyActive || endOffset > upperBound || !rule.test(segment, next)) {
                break;
            }
            result.add(segment);
        }
        return result;
    }

    private static long largestTimestamp(LogSegment segment) {
        try {
            return segment.largestTimestamp();
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot read the age of " + segment, e);
        }
    }
}
