package io.samsa.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Hands out producer ids from blocks reserved in the metadata log, so a restart never reuses one. Taking an id
 * from the current block is immediate; when it runs out, one reservation is made for every caller waiting, and
 * each gets its id when the block is committed. A failed reservation fails the callers waiting on it, and the
 * next call tries again. Thread-safe; never blocks.
 */
final class ProducerIdBlocks {
    private final int blockSize;
    private final IntFunction<CompletableFuture<Long>> reserve;
    private long next;
    private long end;
    /** The reservation under way, or null. */
    private CompletableFuture<Long> reserving;

    /** @param reserve reserves a block of the given size and completes with its first id */
    ProducerIdBlocks(int blockSize, IntFunction<CompletableFuture<Long>> reserve) {
        this.blockSize = blockSize;
        this.reserve = reserve;
    }

    CompletableFuture<Long> nextId() {
        CompletableFuture<Long> block;
        synchronized (this) {
            if (next < end) {
                return CompletableFuture.completedFuture(next++);
            }
            if (reserving == null) {
                CompletableFuture<Long> reservation = new CompletableFuture<>();
                reserving = reservation;
                // Waiters depend on the stage that installs the block, so each finds it in place when it runs.
                reserve.apply(blockSize).whenComplete((start, failure) -> {
                    installed(reservation, start);
                    if (failure != null) {
                        reservation.completeExceptionally(failure);
                    } else {
                        reservation.complete(start);
                    }
                });
                block = reservation;
            } else {
                block = reserving;
            }
        }
        return block.thenCompose(start -> nextId());
    }

    private synchronized void installed(CompletableFuture<Long> reservation, Long start) {
        if (reserving != reservation) {
            return;
        }
        reserving = null;
        if (start != null) {
            next = start;
            end = start + blockSize;
        }
    }
}
