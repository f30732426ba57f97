package io.samsa.log;

import java.util.List;
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
        batches = List.copyOf(batches);
    }

    /** The newest batch's last sequence, or {@link RecordBatch#NO_SEQUENCE} when none is known. */
    public int lastSeq() {
        return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.get(batches.size() - 1).lastSeq();
    }

    /**
     * The max timestamp of the newest batch, or {@link RecordBatch#NO_TIMESTAMP} when none is known: what
     * Kafka measures a producer's idleness from ({@code producer.id.expiration.ms}).
     */
    public long lastTimestamp() {
        return batches.isEmpty() ? RecordBatch.NO_TIMESTAMP : batches.get(batches.size() - 1).timestamp();
    }

    /** The stored batch with this epoch and sequence range, if a batch carrying them is a retry; else null. */
    BatchMetadata findDuplicate(short epoch, int firstSeq, int lastSeq) {
        if (epoch != producerEpoch) {
            return null;
        }
        for (int i = 0; i < batches.size(); i++) {
            BatchMetadata stored = batches.get(i);
            if (stored.firstSeq() == firstSeq && stored.lastSeq() == lastSeq) {
                return stored;
            }
        }
        return null;
    }

    /** This entry with {@code batch} added; a new epoch starts a fresh batch list. */
    ProducerStateEntry withBatch(short epoch, BatchMetadata batch) {
        if (epoch != producerEpoch) {
            return new ProducerStateEntry(producerId, epoch, List.of(batch));
        }
        int keep = Math.min(batches.size(), MAX_BATCHES - 1);
        BatchMetadata[] next = new BatchMetadata[keep + 1];
        for (int i = 0; i < keep; i++) {
            next[i] = batches.get(batches.size() - keep + i);
        }
        next[keep] = batch;
        return new ProducerStateEntry(producerId, epoch, List.of(next));
    }
}
