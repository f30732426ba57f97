package io.samsa.group;

import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** A {@link GroupLog} in a list, for unit tests; it can be told to fail appends and loads. */
final class MemoryGroupLog implements GroupLog {
    final List<GroupRecords.Entry> entries = new ArrayList<>();
    private volatile Errors failWith = Errors.NONE;
    private volatile boolean failLoads;
    private volatile boolean leads = true;
    final AtomicInteger loadAttempts = new AtomicInteger();

    /** While set, a load replays the first half of the records and then throws, as a read error would. */
    void failLoads(boolean fail) {
        failLoads = fail;
    }

    /** Whether this broker leads the one partition (it does unless told otherwise). */
    void leads(boolean leader) {
        leads = leader;
    }

    void failAppendsWith(Errors error) {
        failWith = error;
    }

    @Override
    public CompletableFuture<Boolean> ensureReady() {
        return CompletableFuture.completedFuture(true);
    }

    /** One partition, led here unless {@link #leads} said otherwise. */
    @Override
    public int partitionFor(String groupId) {
        return 0;
    }

    @Override
    public boolean isLeader(int partition) {
        return partition == 0 && leads;
    }

    @Override
    public List<Integer> ledPartitions() {
        return leads ? List.of(0) : List.of();
    }

    @Override
    public int coordinatorOf(String groupId) {
        return 0;
    }

    @Override
    public synchronized CompletableFuture<Errors> append(String groupId, List<GroupRecords.Entry> batch) {
        if (failWith != Errors.NONE) {
            return CompletableFuture.completedFuture(failWith);
        }
        entries.addAll(batch);
        return CompletableFuture.completedFuture(Errors.NONE);
    }

    @Override
    public synchronized void load(int partition, BiConsumer<ByteBuffer, ByteBuffer> replay) {
        loadAttempts.incrementAndGet();
        for (int i = 0; i < entries.size(); i++) {
            if (failLoads && i >= entries.size() / 2) {
                throw new IllegalStateException("simulated read failure of the offsets topic");
            }
            GroupRecords.Entry e = entries.get(i);
            replay.accept(ByteBuffer.wrap(e.key()), e.value() == null ? null : ByteBuffer.wrap(e.value()));
        }
    }
}
