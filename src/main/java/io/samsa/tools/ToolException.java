package io.samsa.tools;

/** A failure a tool reports as one line on stderr, exiting with a non-zero code; never a stack trace. */
final class ToolException extends RuntimeException {
    ToolException(String message) {
        super(message, null, false, false);
    }
}
