package io.samsa.log;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;

import java.io.IOException;

/**
 * Tells a failed disk from a bug when a request meets an exception it did not expect. Only I/O failures are
 * KAFKA_STORAGE_ERROR, which clients retry; anything else is UNKNOWN_SERVER_ERROR, which they do not, so a bug
 * neither hides behind endless retries nor passes for a disk problem. The log reports its own I/O failures as
 * {@link KafkaStorageException}, but kafka-clients' {@code FileRecords} wraps an {@link IOException} met while
 * reading batches in a plain {@code KafkaException}, hence the walk along the causes.
 */
public final class DiskFailure {
    /** Deep enough for any wrapping seen in practice; a bound, because a cause chain may loop. */
    private static final int MAX_CAUSES = 16;

    private DiskFailure() {
    }

    /** True when {@code failure} or one of its causes is an I/O failure. */
    public static boolean isCauseOf(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof IOException || t instanceof KafkaStorageException) {
                return true;
            }
        }
        return false;
    }

    /** The error code for an unexpected failure: KAFKA_STORAGE_ERROR for I/O, UNKNOWN_SERVER_ERROR for a bug. */
    public static Errors errorFor(Throwable unexpected) {
        return isCauseOf(unexpected) ? Errors.KAFKA_STORAGE_ERROR : Errors.UNKNOWN_SERVER_ERROR;
    }
}
