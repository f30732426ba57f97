package io.samsa.group;

/**
 * A committed position of a group in one partition, as OffsetCommit gave it and OffsetFetch returns it.
 *
 * @param offset the next offset the group will consume
 * @param leaderEpoch the leader epoch of the last consumed record, or -1
 * @param metadata the client's string, kept verbatim ("" when the client sent none)
 * @param commitTimestampMs when the broker accepted the commit; retention counts from here
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    public CommittedOffset {
        metadata = metadata == null ? "" : metadata;
    }
}
