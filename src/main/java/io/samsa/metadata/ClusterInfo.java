package io.samsa.metadata;

import io.samsa.config.Endpoint;

import java.util.List;
import java.util.Map;

/**
 * The brokers clients are told about. One broker knows only itself; a cluster will fill this from
 * broker registrations in the metadata log.
 */
public record ClusterInfo(String clusterId, int controllerId, List<Broker> brokers) {

    /** A broker and the address clients reach it at on each listener. */
    public record Broker(int nodeId, String rack, Map<String, Endpoint> advertisedEndpoints) {
    }
}
