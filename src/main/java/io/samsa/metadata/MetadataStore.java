package io.samsa.metadata;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where metadata records become durable and ordered. One broker keeps them in a local file
 * ({@link LocalMetadataLog}); a cluster replicates them through a Raft quorum. Either way every
 * listener sees every committed batch of records, in order, followed by the image they produced.
 */
public interface MetadataStore extends AutoCloseable {

    /** The image after the last committed record. */
    MetadataImage image();

    /** Makes the records durable as one atomic batch and applies them; returns the new image. */
    MetadataImage commit(List<MetadataRecord> records);

    /** Called after each committed batch with the image before and after it. */
    void addListener(Listener listener);

    @Override
    void close();

    @FunctionalInterface
    interface Listener {
        void onCommit(MetadataImage before, MetadataImage after, List<MetadataRecord> records);
    }

    /** A listener that only cares about the new image. */
    static Listener onImage(Consumer<MetadataImage> consumer) {
        return (before, after, records) -> consumer.accept(after);
    }
}
