package io.samsa.protocol;

import org.apache.kafka.common.requests.RequestHeader;

import java.net.InetSocketAddress;

/** Who sent a request and on which listener; handlers use it for per-listener answers and log lines. */
public record RequestContext(RequestHeader header, String listenerName, InetSocketAddress clientAddress) {
    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }
}
