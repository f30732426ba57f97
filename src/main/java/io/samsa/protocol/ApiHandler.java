package io.samsa.protocol;

import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one API. The future completes with the response body, or with {@code null} when the request
 * gets no response (Produce with acks=0), or exceptionally with {@link CloseConnection} when the answer is to
 * close the connection (a failed Produce with acks=0). A handler that must wait (a long-poll fetch) returns an
 * incomplete future and completes it later from any thread.
 */
@FunctionalInterface
public interface ApiHandler<T extends ApiMessage> {
    CompletableFuture<ApiMessage> handle(RequestContext context, T request);
}
