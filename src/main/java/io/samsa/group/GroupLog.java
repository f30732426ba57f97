package io.samsa.group;

import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Where group metadata and committed offsets become durable: the {@code __consumer_offsets} topic
 * ({@link OffsetsTopic}) on a broker, a list in unit tests. The storage is split in partitions; a group's
 * records all go to one ({@link #partitionFor}), and the broker leading that partition coordinates the group.
 * The coordinator appends a group's records under the group's lock, so records of one group are stored in
 * the order its state changed.
 */
interface GroupLog {

    /**
     * Creates the storage if it does not exist yet, off the calling thread; completes with false when it
     * cannot be created now.
     */
    CompletableFuture<Boolean> ensureReady();

    /** The partition holding a group's records; -1 while the storage does not exist. */
    int partitionFor(String groupId);

    /** Whether this broker leads the partition now (and so coordinates its groups). */
    boolean isLeader(int partition);

    /** The partitions this broker leads now. */
    List<Integer> ledPartitions();

    /** The broker leading the group's partition (its coordinator), -1 when there is none or no storage yet. */
    int coordinatorOf(String groupId);

    /**
     * Appends the records atomically (one batch) to the group's partition. The future completes with NONE once
     * the records are durable as the storage defines it (on a replicated partition: every in-sync replica has
     * them), or with the error to give the client (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
     * UNKNOWN_SERVER_ERROR as Kafka maps them). A failed local append completes it before this returns; it
     * is completed later only while replicas catch up, never by blocking the caller.
     */
    CompletableFuture<Errors> append(String groupId, List<GroupRecords.Entry> entries);

    /** Replays every stored record (key, value or null) of one partition in log order. */
    void load(int partition, BiConsumer<ByteBuffer, ByteBuffer> replay);

    /** Stops delivering append outcomes (the broker is stopping). */
    default void close() {
    }

    /** The local outcome of an append: its error when it already failed, else NONE (it may still be replicating). */
    static Errors appendedLocally(CompletableFuture<Errors> append) {
        return append.getNow(Errors.NONE);
    }
}
