package io.samsa.cluster;

import java.nio.ByteBuffer;

/**
 * The requests brokers send the active controller over the quorum's transport, and their answers. One kind so far:
 * the heartbeat {@code [byte 1][int nodeId][long brokerEpoch][byte wantShutdown]}, answered {@code [byte status]}.
 */
final class ControllerRequests {
    static final byte HEARTBEAT = 1;
    /** A broker that is not a voter fetches the metadata log: {@code [byte 9][long afterIndex][int maxWaitMs]}. */
    static final byte FETCH_METADATA = 9;

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
}
