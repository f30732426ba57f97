package io.samsa.metadata;

import io.samsa.config.Endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The brokers clients are told about, the cluster's id and its controller. One broker knows only itself
 * ({@link #of}); a node of a cluster reads them from the registrations in the metadata image ({@link #fromImage}).
 */
public interface ClusterInfo {

    String clusterId();

    /** The active controller's node id, or -1 while there is none. */
    int controllerId();

    /** The brokers that serve: in a cluster the registered, unfenced ones, in node id order. */
    List<Broker> brokers();

    /** A broker and the address clients reach it at on each listener. */
    record Broker(int nodeId, String rack, Map<String, Endpoint> advertisedEndpoints) {
    }

    /** A fixed set of brokers: a single broker that is its own controller. */
    static ClusterInfo of(String clusterId, int controllerId, List<Broker> brokers) {
        return new ClusterInfo() {
            @Override
            public String clusterId() {
                return clusterId;
            }

            @Override
            public int controllerId() {
                return controllerId;
            }

            @Override
            public List<Broker> brokers() {
                return brokers;
            }
        };
    }

    /**
     * The unfenced brokers registered in the latest image, and the quorum's leader as controller when it is one of
     * them; otherwise (separate controller nodes, which clients cannot reach) a serving broker, as Kafka's KRaft
     * brokers name a live broker that forwards to the controller.
     */
    static ClusterInfo fromImage(String clusterId, Supplier<MetadataImage> image, IntSupplier controllerId) {
        return new ClusterInfo() {
            @Override
            public String clusterId() {
                return clusterId;
            }

            @Override
            public int controllerId() {
                int active = controllerId.getAsInt();
                List<Broker> serving = brokers();
                for (Broker b : serving) {
                    if (b.nodeId() == active) {
                        return active;
                    }
                }
                return serving.isEmpty() ? -1 : serving.get(0).nodeId();
            }

            @Override
            public List<Broker> brokers() {
                List<Broker> brokers = new ArrayList<>();
                for (MetadataImage.BrokerRegistration b : image.get().brokers().values()) {
                    if (b.fenced()) {
                        continue;
                    }
                    Map<String, Endpoint> endpoints = new LinkedHashMap<>();
                    b.endpoints().forEach(e -> endpoints.put(e.listenerName(), e));
                    brokers.add(new Broker(b.nodeId(), b.rack(), endpoints));
                }
                return brokers;
            }
        };
    }
}
