package io.samsa.protocol;

/** A frame that cannot be understood well enough to answer; the connection is closed. */
public final class MalformedRequestException extends RuntimeException {
    public MalformedRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
