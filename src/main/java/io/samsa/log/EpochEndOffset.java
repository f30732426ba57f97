package io.samsa.log;

/**
 * The answer to OffsetForLeaderEpoch: the largest known epoch not above the requested one and
 * the offset at which the log moved past it (the next epoch's start offset, or the log end
 * offset for the latest epoch).
 *
 * @param leaderEpoch the epoch answered for
 * @param endOffset the exclusive end offset of that epoch
 */
public record EpochEndOffset(int leaderEpoch, long endOffset) {
}
