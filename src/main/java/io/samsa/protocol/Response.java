package io.samsa.protocol;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * What goes back for one request: a body ready to encode with the header fields it needs and the version to write
 * it at, or, when {@link #closeReason()} is set, no body but the connection closed once the responses to earlier
 * requests are written (see {@link CloseConnection}).
 */
public record Response(int correlationId, short headerVersion, short apiVersion, ApiMessage body, String closeReason) {
    public Response(int correlationId, short headerVersion, short apiVersion, ApiMessage body) {
        this(correlationId, headerVersion, apiVersion, body, null);
    }

    static Response closeConnection(int correlationId, String reason) {
        return new Response(correlationId, (short) 0, (short) 0, null, reason);
    }

    public boolean closesConnection() {
        return closeReason != null;
    }
}
