package io.samsa.group;

import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Where group metadata and committed offsets become durable: the {@code __consumer_offsets} topic
 * ({@link OffsetsTopic}) on a broker, a list in unit tests. The coordinator appends a group's records
 * under the group's lock, so records of one group are stored in the order its state changed.
 */
interface GroupLog {

    /**
     * Creates the storage if it does not exist yet, off the calling thread; completes with false when it
     * cannot be created now.
     */
    CompletableFuture<Boolean> ensureReady();

    /**
     * Appends the records atomically (one batch) to the group's partition; returns NONE, or the error to
     * give the client (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, UNKNOWN_SERVER_ERROR as Kafka maps them).
     */
    Errors append(String groupId, List<GroupRecords.Entry> entries);

    /** Replays every stored record (key, value or null) in log order, partition by partition. */
    void load(BiConsumer<ByteBuffer, ByteBuffer> replay);
}
