package io.samsa.metadata;

/**
 * A metadata change was decided against an image that is no longer the latest: another change was committed in
 * between. The change was not applied; deciding it again against the newer image is safe.
 */
public final class StaleMetadataException extends RuntimeException {
    private final long decidedAt;
    private final long current;

    public StaleMetadataException(long decidedAt, long current) {
        super("The metadata changed (record " + decidedAt + " -> " + current + ") while the change was decided", null, false, false);
        this.decidedAt = decidedAt;
        this.current = current;
    }

    public long decidedAt() {
        return decidedAt;
    }

    public long current() {
        return current;
    }
}
