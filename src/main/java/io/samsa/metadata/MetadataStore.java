package io.samsa.metadata;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where metadata records become durable and ordered. One broker keeps them in a local file
 * ({@link LocalMetadataLog}); a cluster replicates them through a Raft quorum. Either way a commit completes
 * later, on the store's own thread, and may fail; every listener sees every committed batch of records, in
 * commit order, followed by the image they produced.
 */
public interface MetadataStore extends AutoCloseable {

    /** The image after the last committed record. Never blocks; safe from any thread. */
    MetadataImage image();

    /**
     * Makes the records durable as one atomic batch and applies them. Returns at once; the future completes with
     * the new image after every listener has been told of it, or exceptionally when the batch cannot be made
     * durable ({@link org.apache.kafka.common.errors.KafkaStorageException} for an I/O error), in which case the
     * image is unchanged. Batches are applied in the order of the calls.
     */
    default CompletableFuture<MetadataImage> commit(List<MetadataRecord> records) {
        return commit(records, ANY_IMAGE);
    }

    /** For {@link #commit(List, long)}: apply whatever the latest image is. */
    long ANY_IMAGE = -1;

    /**
     * As {@link #commit(List)}, but only if the records are applied to the image with record count
     * {@code decidedAt} (the one they were decided against); otherwise nothing changes and the future fails with a
     * {@link StaleMetadataException}. Where several nodes decide changes (a cluster), this keeps each decision
     * valid: one made on an image that another change overtook is refused, not applied.
     */
    CompletableFuture<MetadataImage> commit(List<MetadataRecord> records, long decidedAt);

    /** The id of the node whose quorum leadership makes it the active controller, or -1 when there is none. */
    default int activeControllerId() {
        return -1;
    }

    /** Called after each committed batch with the image before and after it. */
    void addListener(Listener listener);

    @Override
    void close();

    /**
     * Told of each committed batch on the store's thread, before the commit's future completes. It must return
     * quickly and never block: a listener with disk work to do (opening logs, deleting them) hands the change to
     * a thread of its own.
     */
    @FunctionalInterface
    interface Listener {
        void onCommit(MetadataImage before, MetadataImage after, List<MetadataRecord> records);
    }

    /** A listener that only cares about the new image. */
    static Listener onImage(Consumer<MetadataImage> consumer) {
        return (before, after, records) -> consumer.accept(after);
    }
}
