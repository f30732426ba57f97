package io.samsa.group;

/**
 * A committed position of a group in one partition, as OffsetCommit gave it and OffsetFetch returns it.
 *
 * @param offset the next offset the group will consume
 * @param leaderEpoch the leader epoch of the last consumed record, or -1
 * @param metadata the client's string, kept verbatim ("" when the client sent none)
 * @param commitTimestampMs when the broker accepted the commit; retention counts from here
 * @param expireTimestampMs when an OffsetCommit v2–v4 with a retention time asked the offset to expire, or -1
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs, long expireTimestampMs) {
    public CommittedOffset {
        metadata = metadata == null ? "" : metadata;
    }

    public CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
        this(offset, leaderEpoch, metadata, commitTimestampMs, -1);
    }
}
