package io.samsa.cluster;

import io.samsa.metadata.QuorumStatus;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The requests brokers send the active controller over the quorum's transport, and their answers; the first byte
 * says which request it is.
 * <ul>
 *   <li>The heartbeat {@code [byte 1][int nodeId][long brokerEpoch][byte wantShutdown]}, answered
 *   {@code [byte status]}.</li>
 *   <li>The quorum's status {@code [byte 2]}, which only the Raft leader knows, answered {@code [byte status]} and,
 *   when OK, {@code [int leaderId][long term][long highWatermark][int n]} followed by n voters
 *   {@code [int nodeId][long logEndOffset][long lastFetchTimestamp][long lastCaughtUpTimestamp]}.</li>
 * </ul>
 */
final class ControllerRequests {
    static final byte HEARTBEAT = 1;
    /** A broker that is not a voter fetches the metadata log: {@code [byte 9][long afterIndex][int maxWaitMs]}. */
    static final byte FETCH_METADATA = 9;
    static final byte QUORUM_STATUS = 2;

    static final byte OK = 0;
    /** The sender's epoch is not its current registration's: it must register again. */
    static final byte STALE_EPOCH = 1;
    /** The receiver is not (or no longer) the active controller: ask again. */
    static final byte NOT_ACTIVE = 2;
    /** The broker may stop: it is fenced and leads nothing. */
    static final byte SHUTDOWN_READY = 3;
    static final byte MALFORMED = 4;

    record Heartbeat(int nodeId, long brokerEpoch, boolean wantShutdown) {
    }

    private ControllerRequests() {
    }

    static ByteBuffer heartbeat(int nodeId, long brokerEpoch, boolean wantShutdown) {
        return ByteBuffer.allocate(1 + Integer.BYTES + Long.BYTES + 1)
            .put(HEARTBEAT).putInt(nodeId).putLong(brokerEpoch).put((byte) (wantShutdown ? 1 : 0)).flip();
    }

    static Heartbeat readHeartbeat(ByteBuffer request) {
        if (request.remaining() != 1 + Integer.BYTES + Long.BYTES + 1 || request.get() != HEARTBEAT) {
            throw new IllegalArgumentException("not a heartbeat (" + request.remaining() + " bytes)");
        }
        return new Heartbeat(request.getInt(), request.getLong(), request.get() != 0);
    }

    static ByteBuffer fetchMetadata(long afterIndex, int maxWaitMs) {
        return ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES).put(FETCH_METADATA).putLong(afterIndex).putInt(maxWaitMs).flip();
    }

    static ByteBuffer heartbeatAnswer(byte status) {
        return ByteBuffer.allocate(1).put(status).flip();
    }

    static ByteBuffer quorumStatus() {
        return ByteBuffer.allocate(1).put(QUORUM_STATUS).flip();
    }

    static boolean isQuorumStatus(ByteBuffer request) {
        return request.remaining() == 1 && request.get(request.position()) == QUORUM_STATUS;
    }

    static ByteBuffer quorumStatusAnswer(QuorumStatus status) {
        int replicaBytes = Integer.BYTES + 3 * Long.BYTES;
        ByteBuffer out = ByteBuffer.allocate(1 + Integer.BYTES + 2 * Long.BYTES + Integer.BYTES
            + status.voters().size() * replicaBytes);
        out.put(OK).putInt(status.leaderId()).putLong(status.leaderEpoch()).putLong(status.highWatermark())
            .putInt(status.voters().size());
        for (QuorumStatus.Replica r : status.voters()) {
            out.putInt(r.nodeId()).putLong(r.logEndOffset()).putLong(r.lastFetchTimestamp()).putLong(r.lastCaughtUpTimestamp());
        }
        return out.flip();
    }

    /** The status in an answer, or null when the answer is not OK (the receiver no longer leads). */
    static QuorumStatus readQuorumStatus(ByteBuffer answer, Map<Integer, io.samsa.config.Endpoint> voterEndpoints) {
        if (answer.remaining() < 1 || answer.get() != OK) {
            return null;
        }
        int leaderId = answer.getInt();
        long term = answer.getLong();
        long highWatermark = answer.getLong();
        int count = answer.getInt();
        if (count < 0 || count > answer.remaining() / (Integer.BYTES + 3 * Long.BYTES)) {
            throw new IllegalArgumentException("malformed quorum status: " + count + " voters");
        }
        List<QuorumStatus.Replica> voters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            voters.add(new QuorumStatus.Replica(answer.getInt(), answer.getLong(), answer.getLong(), answer.getLong()));
        }
        return new QuorumStatus(leaderId, term, highWatermark, voters, List.of(), voterEndpoints);
    }
}
