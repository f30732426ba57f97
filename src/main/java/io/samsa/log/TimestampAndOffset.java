package io.samsa.log;

/**
 * A record's timestamp, offset and the leader epoch of its batch, as ListOffsets returns them.
 *
 * @param timestamp the record timestamp
 * @param offset the record offset
 * @param leaderEpoch the partition leader epoch stored in the batch, or -1 when unknown
 */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
