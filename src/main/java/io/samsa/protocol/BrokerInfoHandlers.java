package io.samsa.protocol;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.samsa.metadata.ClusterInfo;
import io.samsa.metadata.Controller;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** ApiVersions, DescribeLogDirs and InitProducerId: questions about this broker rather than a topic. */
public final class BrokerInfoHandlers {
    /** KIP-511's rule for client software name and version. */
    private static final java.util.regex.Pattern SOFTWARE_FIELD = java.util.regex.Pattern.compile("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
    private final RequestDispatcher dispatcher;
    private final PartitionManager partitions;
    private final ProducerIdBlocks producerIds;

    private final ClusterInfo cluster;
    private final int nodeId;

    BrokerInfoHandlers(RequestDispatcher dispatcher, Controller controller, PartitionManager partitions,
                       ClusterInfo cluster, int nodeId) {
        this.dispatcher = dispatcher;
        this.cluster = cluster;
        this.nodeId = nodeId;
        this.producerIds = new ProducerIdBlocks(Controller.PRODUCER_ID_BLOCK_SIZE, controller::allocateProducerIds);
        this.partitions = partitions;
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.API_VERSIONS, 0, 5, this::apiVersions);
        dispatcher.register(ApiKeys.DESCRIBE_LOG_DIRS, 1, 5, this::describeLogDirs);
        dispatcher.register(ApiKeys.INIT_PRODUCER_ID, 0, 5, this::initProducerId);
    }

    CompletableFuture<ApiMessage> apiVersions(RequestContext context, ApiVersionsRequestData request) {
        if (context.apiVersion() >= 3 && !(SOFTWARE_FIELD.matcher(request.clientSoftwareName()).matches()
            && SOFTWARE_FIELD.matcher(request.clientSoftwareVersion()).matches())) {
            return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                .setErrorCode(Errors.INVALID_REQUEST.code()).setApiKeys(dispatcher.supportedVersions()));
        }
        // KIP-1242: a client that meant another cluster or node must bootstrap again.
        boolean otherCluster = request.clusterId() != null && !request.clusterId().equals(cluster.clusterId());
        boolean otherNode = request.nodeId() >= 0 && request.nodeId() != nodeId;
        if (otherCluster || otherNode) {
            return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                .setErrorCode(Errors.REBOOTSTRAP_REQUIRED.code()).setApiKeys(dispatcher.supportedVersions()));
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponseData()
            .setErrorCode(Errors.NONE.code())
            .setApiKeys(dispatcher.supportedVersions())
            .setFinalizedFeaturesEpoch(-1));
    }

    /**
     * Where DescribeLogDirs asks the file system for each directory's space: a statfs on a hung disk or mount
     * must stall this thread, never the event loop. One thread, ended after a short idle time, so no broker keeps it.
     */
    private static final ThreadPoolExecutor DISK_QUERIES = diskQueryThread();

    private static ThreadPoolExecutor diskQueryThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("samsa-log-dir-queries", true));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    CompletableFuture<ApiMessage> describeLogDirs(RequestContext context, DescribeLogDirsRequestData request) {
        return CompletableFuture.supplyAsync(() -> logDirsNow(request), DISK_QUERIES);
    }

    private ApiMessage logDirsNow(DescribeLogDirsRequestData request) {
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        Set<TopicPartition> wanted = null;
        if (request.topics() != null) {
            wanted = new HashSet<>();
            for (DescribeLogDirsRequestData.DescribableLogDirTopic t : request.topics()) {
                for (int p : t.partitions()) {
                    wanted.add(new TopicPartition(t.topic(), p));
                }
            }
        }
        for (Path dir : partitions.logDirs()) {
            Path absolute = dir.toAbsolutePath().normalize();
            DescribeLogDirsResponseData.DescribeLogDirsResult result = new DescribeLogDirsResponseData.DescribeLogDirsResult()
                .setLogDir(absolute.toString()).setErrorCode(Errors.NONE.code());
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
            if (partitions.isLogDirOffline(dir)) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
            Map<String, DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new LinkedHashMap<>();
            for (Partition partition : partitions.partitions()) {
                TopicPartition tp = partition.topicPartition();
                if (!partition.log().dir().toAbsolutePath().normalize().getParent().equals(absolute)) {
                    continue;
                }
                if (wanted != null && !wanted.contains(tp)) {
                    continue;
                }
                topics.computeIfAbsent(tp.topic(), t -> new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(t))
                    .partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                        .setPartitionIndex(tp.partition())
                        .setPartitionSize(partition.log().size())
                        .setOffsetLag(0)
                        .setIsFutureKey(false));
            }
            result.topics().addAll(topics.values());
            response.results().add(result);
        }
        return response;
    }

    CompletableFuture<ApiMessage> initProducerId(RequestContext context, InitProducerIdRequestData request) {
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
        }
        return producerIds.nextId().handle((id, failure) -> {
            if (failure != null) {
                // As Kafka's broker when no block could be had from the controller: a retriable error.
                return response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
            }
            return response.setErrorCode(Errors.NONE.code()).setProducerId(id).setProducerEpoch((short) 0);
        });
    }
}
