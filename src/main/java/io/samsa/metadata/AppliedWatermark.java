package io.samsa.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * How far a metadata listener that does its work on a thread of its own has applied the committed images,
 * counted as {@link MetadataImage#recordCount()}, with futures that complete when it reaches a given image.
 * Thread-safe; the futures complete on the thread that advances the mark, outside the lock.
 */
public final class AppliedWatermark {
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
    private long applied;
    /** The newest image applied: what this broker actually hosts, which may trail the committed one. */
    private volatile MetadataImage appliedImage = MetadataImage.EMPTY;
    private RuntimeException closedWith;

    /** Completes once the image (and every one before it) is applied. */
    public synchronized CompletableFuture<Void> whenApplied(MetadataImage image) {
        long count = image.recordCount();
        if (count <= applied) {
            return CompletableFuture.completedFuture(null);
        }
        if (closedWith != null) {
            return CompletableFuture.failedFuture(closedWith);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        waiting.computeIfAbsent(count, c -> new ArrayList<>()).add(future);
        return future;
    }

    /** The newest image applied so far ({@link MetadataImage#EMPTY} before the first). Never blocks. */
    public MetadataImage appliedImage() {
        return appliedImage;
    }

    /** Marks every image up to this one applied. */
    public void advanceTo(MetadataImage image) {
        List<CompletableFuture<Void>> reached = new ArrayList<>();
        synchronized (this) {
            if (image.recordCount() >= applied) {
                appliedImage = image;
            }
            applied = Math.max(applied, image.recordCount());
            Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(applied, true);
            head.values().forEach(reached::addAll);
            head.clear();
        }
        reached.forEach(f -> f.complete(null));
    }

    /** Fails every future still waiting, and those asked for later, with this reason: the images will not come. */
    public void close(RuntimeException reason) {
        List<CompletableFuture<Void>> abandoned = new ArrayList<>();
        synchronized (this) {
            closedWith = reason;
            waiting.values().forEach(abandoned::addAll);
            waiting.clear();
        }
        abandoned.forEach(f -> f.completeExceptionally(reason));
    }
}
