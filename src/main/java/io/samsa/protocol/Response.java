package io.samsa.protocol;

import org.apache.kafka.common.protocol.ApiMessage;

/** A response body ready to encode: the header fields it needs and the version to write it at. */
public record Response(int correlationId, short headerVersion, short apiVersion, ApiMessage body) {
}
