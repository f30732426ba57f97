package io.samsa.protocol;

import io.samsa.config.ServerConfig;
import io.samsa.group.GroupCoordinator;
import io.samsa.metadata.ClusterInfo;
import io.samsa.metadata.Controller;
import io.samsa.metadata.QuorumStatus;
import io.samsa.partition.PartitionManager;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Registers every implemented API with a dispatcher; the one place that says what Samsa serves. */
public final class Handlers {
    private Handlers() {
    }

    /**
     * @param quorumStatus the metadata quorum's status (DescribeQuorum) on a node of a cluster; null on a single
     *                     broker, which has no quorum and so does not offer the API
     */
    public static RequestDispatcher create(ServerConfig config, int nodeId, ClusterInfo cluster, Controller controller,
                                           PartitionManager partitions, GroupCoordinator groups,
                                           Supplier<CompletableFuture<QuorumStatus>> quorumStatus) {
        RequestDispatcher dispatcher = new RequestDispatcher();
        ConfigDescriber describer = new ConfigDescriber(config, nodeId, partitions::topicDefaults);
        new BrokerInfoHandlers(dispatcher, controller, partitions, cluster, nodeId).registerWith(dispatcher);
        new MetadataHandlers(controller, partitions::appliedImage, cluster, config, partitions).registerWith(dispatcher);
        new TopicAdminHandlers(controller, describer).registerWith(dispatcher);
        new ProduceHandler(controller, partitions).registerWith(dispatcher);
        new FetchHandler(controller, partitions, config.getInt(ServerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS),
            config.getInt(ServerConfig.FETCH_MAX_BYTES)).registerWith(dispatcher);
        new OffsetHandlers(controller, partitions).registerWith(dispatcher);
        new ConfigHandlers(controller, describer, nodeId).registerWith(dispatcher);
        new GroupHandlers(groups, controller, cluster).registerWith(dispatcher);
        if (quorumStatus != null) {
            new DescribeQuorumHandler(quorumStatus).registerWith(dispatcher);
        }
        return dispatcher;
    }
}
