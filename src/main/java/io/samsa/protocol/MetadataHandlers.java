package io.samsa.protocol;

import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import io.samsa.metadata.ClusterInfo;
import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import io.samsa.metadata.TopicImage.PartitionImage;
import io.samsa.partition.PartitionManager;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.message.DescribeClusterRequestData;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Metadata, DescribeCluster and DescribeTopicPartitions: what exists and who leads it. A Metadata request that
 * auto-creates topics is answered when they are created and applied here, without waiting on the event loop.
 */
public final class MetadataHandlers {
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final Controller controller;
    private final Supplier<MetadataImage> appliedImage;
    private final ClusterInfo cluster;
    private final ServerConfig config;
    private final OfflineReplicaView offlineReplicas;

    /**
     * @param appliedImage the image this broker has applied (its logs opened): a partition committed but not yet
     *                     in it is answered LEADER_NOT_AVAILABLE, as a Kafka broker never advertises itself leader
     *                     of a partition it has not applied
     */
    public MetadataHandlers(Controller controller, Supplier<MetadataImage> appliedImage, ClusterInfo cluster,
                            ServerConfig config, PartitionManager partitions) {
        this.controller = controller;
        this.appliedImage = appliedImage;
        this.cluster = cluster;
        this.config = config;
        this.offlineReplicas = new OfflineReplicaView(partitions);
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.METADATA, 0, 13,
            (RequestContext c, MetadataRequestData r) -> metadata(c, r).thenApply(offlineReplicas::metadata));
        dispatcher.register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, this::describeCluster);
        dispatcher.register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0,
            (RequestContext c, DescribeTopicPartitionsRequestData r) ->
                describeTopicPartitions(c, r).thenApply(offlineReplicas::describeTopicPartitions));
    }

    CompletableFuture<ApiMessage> metadata(RequestContext context, MetadataRequestData request) {
        MetadataResponseData response = new MetadataResponseData()
            .setClusterId(cluster.clusterId())
            .setControllerId(cluster.controllerId())
            .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (ClusterInfo.Broker broker : cluster.brokers()) {
            Endpoint endpoint = broker.advertisedEndpoints().get(context.listenerName());
            if (endpoint != null) {
                response.brokers().add(new MetadataResponseBroker()
                    .setNodeId(broker.nodeId()).setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack()));
            }
        }
        // The applied image is read first: it never runs ahead of the committed one read after it.
        MetadataImage applied = appliedImage.get();
        MetadataImage image = controller.image();
        short version = context.apiVersion();
        if (request.topics() == null) {
            for (TopicImage topic : image.topics()) {
                response.topics().add(describe(topic, applied, version));
            }
        } else {
            boolean mayCreate = config.getBoolean(ServerConfig.AUTO_CREATE_TOPICS_ENABLE)
                && (version < 4 || request.allowAutoTopicCreation());
            List<CompletableFuture<MetadataResponseTopic>> topics = new ArrayList<>();
            for (MetadataRequestData.MetadataRequestTopic requested : request.topics()) {
                topics.add(lookup(requested, image, applied, mayCreate, version));
            }
            // In request order, once any auto-creation is done (at once when there is none).
            return CompletableFuture.allOf(topics.toArray(CompletableFuture[]::new)).thenApply(done -> {
                topics.forEach(t -> response.topics().add(t.join()));
                return response;
            });
        }
        return CompletableFuture.completedFuture(response);
    }

    private CompletableFuture<MetadataResponseTopic> lookup(MetadataRequestData.MetadataRequestTopic requested, MetadataImage image,
                                                            MetadataImage applied, boolean mayCreate, short version) {
        TopicImage topic = requested.name() == null ? null : image.topic(requested.name());
        if (topic == null && mayCreate && !isById(requested)) {
            String name = requested.name();
            return controller.createTopic(name, -1, (short) -1, Map.of(), Map.of(), false).thenApply(created -> {
                if (created.error().isFailure() && created.error().error() != Errors.TOPIC_ALREADY_EXISTS) {
                    Errors error = created.error().error() == Errors.INVALID_TOPIC_EXCEPTION ? Errors.INVALID_TOPIC_EXCEPTION : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    return new MetadataResponseTopic().setName(name).setErrorCode(error.code())
                        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
                }
                // The creation's answer waited until this broker applied it.
                MetadataImage appliedNow = appliedImage.get();
                return describeOrMissing(requested, controller.image(), appliedNow, version);
            });
        }
        return CompletableFuture.completedFuture(describeOrMissing(requested, image, applied, version));
    }

    /** The Java client asks by id with an empty name, not a null one: a non-zero id decides, as in Kafka. */
    private static boolean isById(MetadataRequestData.MetadataRequestTopic requested) {
        Uuid id = requested.topicId();
        return requested.name() == null || (id != null && !Uuid.ZERO_UUID.equals(id));
    }

    private static MetadataResponseTopic describeOrMissing(MetadataRequestData.MetadataRequestTopic requested,
                                                           MetadataImage image, MetadataImage applied, short version) {
        String name = requested.name();
        Uuid id = requested.topicId();
        if (isById(requested)) {
            TopicImage topic = id == null ? null : image.topic(id);
            if (topic == null) {
                return new MetadataResponseTopic().setName(version >= 12 ? null : "").setTopicId(id == null ? Uuid.ZERO_UUID : id)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
            }
            return describe(topic, applied, version);
        }
        TopicImage topic = image.topic(name);
        if (topic == null) {
            Errors error = isValidName(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
            return new MetadataResponseTopic().setName(name).setErrorCode(error.code())
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        }
        return describe(topic, applied, version);
    }

    private static boolean isValidName(String name) {
        try {
            Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether this broker has applied the partition (same topic id), so that its leader may be advertised. */
    private static boolean isApplied(TopicImage topic, int partition, MetadataImage applied) {
        TopicImage hosted = applied.topic(topic.topicId());
        return hosted != null && partition < hosted.partitionCount();
    }

    /** In a cluster, the replicas on brokers that are fenced or not registered, as Kafka reports them. */
    static List<Integer> offlineReplicas(PartitionImage p, MetadataImage applied) {
        List<Integer> offline = new ArrayList<>();
        if (applied.brokers().isEmpty()) {
            return offline; // a single broker: no registrations; its offline log dirs are reported separately
        }
        for (int replica : p.replicas()) {
            MetadataImage.BrokerRegistration broker = applied.broker(replica);
            if (broker == null || broker.fenced()) {
                offline.add(replica);
            }
        }
        return offline;
    }

    private static MetadataResponseTopic describe(TopicImage topic, MetadataImage applied, short version) {
        MetadataResponseTopic result = new MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(topic.topicId())
            .setIsInternal(Topic.isInternal(topic.name()))
            .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (PartitionImage p : topic.partitions()) {
            // Not applied here yet, or no leader (its brokers are fenced): Kafka's LEADER_NOT_AVAILABLE, leader -1.
            boolean ready = isApplied(topic, p.partition(), applied) && p.leader() >= 0;
            result.partitions().add(new MetadataResponsePartition()
                .setErrorCode(ready ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setPartitionIndex(p.partition())
                .setLeaderId(ready ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setOfflineReplicas(offlineReplicas(p, applied)));
        }
        return result;
    }

    CompletableFuture<ApiMessage> describeCluster(RequestContext context, DescribeClusterRequestData request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
            .setClusterId(cluster.clusterId())
            .setControllerId(cluster.controllerId())
            .setEndpointType(request.endpointType())
            .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        if (request.endpointType() != 1) {
            // Controllers have no listener of their own here: they are the brokers.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type "
                    + (request.endpointType() == 2 ? "CONTROLLER" : "UNKNOWN")));
        }
        for (ClusterInfo.Broker broker : cluster.brokers()) {
            Endpoint endpoint = broker.advertisedEndpoints().get(context.listenerName());
            if (endpoint != null) {
                response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                    .setBrokerId(broker.nodeId()).setHost(endpoint.host()).setPort(endpoint.port()).setRack(broker.rack()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * Topics in name order from the cursor on, partitions until the response's partition budget is spent; the
     * cursor of the response names the first partition left out. A requested topic that does not exist is
     * answered with UNKNOWN_TOPIC_OR_PARTITION in its place in that order, and costs no budget.
     */
    CompletableFuture<ApiMessage> describeTopicPartitions(RequestContext context, DescribeTopicPartitionsRequestData request) {
        MetadataImage applied = appliedImage.get();
        MetadataImage image = controller.image();
        List<String> names = new ArrayList<>();
        if (request.topics().isEmpty()) {
            image.topics().forEach(t -> names.add(t.name()));
        } else {
            request.topics().forEach(t -> names.add(t.name()));
        }
        List<String> sorted = names.stream().distinct().sorted().toList();
        DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
        int budget = request.responsePartitionLimit() <= 0 ? 2000 : request.responsePartitionLimit();
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (int i = 0; i < sorted.size(); i++) {
            String name = sorted.get(i);
            int firstPartition = 0;
            if (cursor != null) {
                int cmp = name.compareTo(cursor.topicName());
                if (cmp < 0) {
                    continue;
                }
                if (cmp == 0) {
                    firstPartition = Math.max(0, cursor.partitionIndex());
                }
            }
            TopicImage topic = image.topic(name);
            if (topic == null) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
                continue;
            }
            if (budget == 0) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(name).setPartitionIndex(firstPartition));
                break;
            }
            DescribeTopicPartitionsResponseTopic result = new DescribeTopicPartitionsResponseTopic()
                .setName(topic.name()).setTopicId(topic.topicId()).setIsInternal(Topic.isInternal(topic.name()))
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
            int p = firstPartition;
            for (; p < topic.partitionCount() && budget > 0; p++, budget--) {
                PartitionImage partition = topic.partitions().get(p);
                boolean ready = isApplied(topic, p, applied) && partition.leader() >= 0;
                result.partitions().add(new DescribeTopicPartitionsResponsePartition()
                    .setErrorCode(ready ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setPartitionIndex(p)
                    .setLeaderId(ready ? partition.leader() : -1)
                    .setLeaderEpoch(partition.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(partition.replicas()))
                    .setIsrNodes(new ArrayList<>(partition.isr()))
                    .setEligibleLeaderReplicas(new ArrayList<>())
                    .setLastKnownElr(new ArrayList<>())
                    .setOfflineReplicas(offlineReplicas(partition, applied)));
            }
            response.topics().add(result);
            if (p < topic.partitionCount()) {
                response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(topic.name()).setPartitionIndex(p));
                break;
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
