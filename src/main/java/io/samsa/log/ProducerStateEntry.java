package io.samsa.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What one idempotent producer has written to a partition: its current epoch and the metadata of
 * its last {@value #MAX_BATCHES} batches, newest last. Kafka clients have at most five requests in
 * flight per partition, so a retried batch is always among them.
 *
 * <p>Immutable: an append produces a new entry, so readers never see one half-updated.
 *
 * @param producerId the producer id
 * @param producerEpoch the latest epoch seen
 * @param batches up to five recent batches of that epoch, oldest first
 */
public record ProducerStateEntry(long producerId, short producerEpoch, List<BatchMetadata> batches) {

    static final int MAX_BATCHES = 5;

    /**
     * The sequence numbers and offsets of one batch.
     *
     * @param firstSeq first sequence number
     * @param lastSeq last sequence number
     * @param firstOffset offset of the first record
     * @param lastOffset offset of the last record
     * @param timestamp the batch's max timestamp as stored
     */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
    }

    public ProducerStateEntry {
        batches = Collections.unmodifiableList(batches);
    }

    /** The newest batch's last sequence, or {@link RecordBatch#NO_SEQUENCE} when none is known. */
    public int lastSeq() {
        return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.get(batches.size() - 1).lastSeq();
    }

    /** The stored batch with the same epoch and sequence range, if this batch is a retry. */
    Optional<BatchMetadata> findDuplicate(RecordBatch batch) {
        if (batch.producerEpoch() != producerEpoch) {
            return Optional.empty();
        }
        for (BatchMetadata stored : batches) {
            if (stored.firstSeq() == batch.baseSequence() && stored.lastSeq() == batch.lastSequence()) {
                return Optional.of(stored);
            }
        }
        return Optional.empty();
    }

    /** This entry with {@code batch} added; a new epoch starts a fresh batch list. */
    ProducerStateEntry withBatch(short epoch, BatchMetadata batch) {
        List<BatchMetadata> next = new ArrayList<>(MAX_BATCHES);
        if (epoch == producerEpoch) {
            int from = Math.max(0, batches.size() - (MAX_BATCHES - 1));
            next.addAll(batches.subList(from, batches.size()));
        }
        next.add(batch);
        return new ProducerStateEntry(producerId, epoch, next);
    }
}
