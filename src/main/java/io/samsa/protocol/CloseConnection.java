package io.samsa.protocol;

/**
 * A handler's answer when the request must be answered by closing the connection rather than by a response: a
 * Produce with acks=0 that failed has no response to carry its error, so, as in Kafka, the client learns of it from
 * the closed connection and refreshes its metadata. A handler completes its future exceptionally with this; the
 * connection writes the responses to earlier requests, then closes with one INFO line giving the message. Not an
 * error of the broker, so it carries no stack trace.
 */
public final class CloseConnection extends RuntimeException {
    public CloseConnection(String reason) {
        super(reason, null, false, false);
    }
}
