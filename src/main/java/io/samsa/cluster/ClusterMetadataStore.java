package io.samsa.cluster;

import io.samsa.metadata.MetadataStore;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** A cluster node's metadata log, voter ({@link QuorumMetadataStore}) or not ({@link ObserverMetadataStore}). */
public interface ClusterMetadataStore extends MetadataStore {

    /** Sends a request to the active controller and completes with its answer (see {@link ControllerRequests}). */
    CompletableFuture<ByteBuffer> askController(ByteBuffer request);

    /** The quorum as its leader sees it (Kafka's DescribeQuorum). */
    CompletableFuture<io.samsa.metadata.QuorumStatus> describeQuorum();
}
