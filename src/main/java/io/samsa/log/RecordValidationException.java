package io.samsa.log;

import java.util.List;
import org.apache.kafka.common.errors.ApiException;

/**
 * A produced batch refused because of some of its records (KIP-467): the error for the whole batch
 * ({@code INVALID_RECORD} or {@code INVALID_TIMESTAMP}) and which records broke which rule, so the
 * producer fails exactly those records and the others with a batch-level error.
 */
public final class RecordValidationException extends RuntimeException {

    /**
     * One offending record.
     *
     * @param batchIndex the record's position in its batch, from 0
     * @param message what is wrong with it
     */
    public record RecordError(int batchIndex, String message) {
    }

    private final ApiException batchError;
    private final List<RecordError> recordErrors;

    RecordValidationException(ApiException batchError, List<RecordError> recordErrors) {
        super(batchError.getMessage(), batchError, false, false);
        this.batchError = batchError;
        this.recordErrors = List.copyOf(recordErrors);
    }

    /** The exception whose error code answers the batch. */
    public ApiException batchError() {
        return batchError;
    }

    /** The offending records, in batch order. */
    public List<RecordError> recordErrors() {
        return recordErrors;
    }
}
