package io.samsa.metadata;

import io.samsa.config.Endpoint;

import java.util.List;
import java.util.Map;

/**
 * The metadata quorum as its leader sees it, in the terms of Kafka's DescribeQuorum: offsets are positions in the
 * metadata log (a Raft entry's index is its offset, so a log end offset and the high watermark are one past the
 * last entry held or committed), times are the leader's wall clock in milliseconds, -1 where unknown.
 *
 * @param leaderId       the Raft leader's node id
 * @param leaderEpoch    the Raft term
 * @param highWatermark  one past the last committed entry
 * @param voters         every voter, the leader included, in the configured order
 * @param observers      replicas that follow the log without a vote (none in a cluster of combined nodes)
 * @param voterEndpoints each voter's controller listener, by node id
 */
public record QuorumStatus(int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters,
                           List<Replica> observers, Map<Integer, Endpoint> voterEndpoints) {

    /**
     * One replica of the metadata log.
     *
     * @param logEndOffset          one past the last entry the leader knows this replica holds, -1 when unknown
     * @param lastFetchTimestamp    when the replica last answered the leader, -1 when never
     * @param lastCaughtUpTimestamp when the replica last held everything the leader had, -1 when never seen so
     */
    public record Replica(int nodeId, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {
    }
}
