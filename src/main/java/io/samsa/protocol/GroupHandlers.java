package io.samsa.protocol;

import io.samsa.config.Endpoint;
import io.samsa.group.CommittedOffset;
import io.samsa.group.GroupCoordinator;
import io.samsa.group.TopicCatalog;
import io.samsa.metadata.ClusterInfo;
import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The consumer group APIs: FindCoordinator and the classic group protocol, offset commits and fetches, and
 * the admin APIs on groups. Requests are decoded here and the work is done by {@link GroupCoordinator};
 * topic names and ids are resolved against the metadata image, unknown topics answered here as Kafka does.
 */
public final class GroupHandlers {
    private final GroupCoordinator groups;
    private final Controller controller;
    private final ClusterInfo cluster;

    GroupHandlers(GroupCoordinator groups, Controller controller, ClusterInfo cluster) {
        this.groups = groups;
        this.controller = controller;
        this.cluster = cluster;
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.FIND_COORDINATOR, 0, 6, this::findCoordinator);
        dispatcher.register(ApiKeys.JOIN_GROUP, 0, 9, this::joinGroup);
        dispatcher.register(ApiKeys.SYNC_GROUP, 0, 5, this::syncGroup);
        dispatcher.register(ApiKeys.HEARTBEAT, 0, 4, this::heartbeat);
        dispatcher.register(ApiKeys.LEAVE_GROUP, 0, 5, this::leaveGroup);
        dispatcher.register(ApiKeys.OFFSET_COMMIT, 2, 10, this::offsetCommit);
        dispatcher.register(ApiKeys.OFFSET_FETCH, 1, 10, this::offsetFetch);
        dispatcher.register(ApiKeys.LIST_GROUPS, 0, 5, this::listGroups);
        dispatcher.register(ApiKeys.DESCRIBE_GROUPS, 0, 6, this::describeGroups);
        dispatcher.register(ApiKeys.DELETE_GROUPS, 0, 3, this::deleteGroups);
        dispatcher.register(ApiKeys.OFFSET_DELETE, 0, 0, this::offsetDelete);
        dispatcher.register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1, this::consumerGroupHeartbeat);
        dispatcher.register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1, this::consumerGroupDescribe);
    }

    // ---- FindCoordinator

    private record Coordinator(Errors error, String message, int nodeId, String host, int port) {
        static Coordinator error(Errors error, String message) {
            return new Coordinator(error, message, -1, "", -1);
        }
    }

    CompletableFuture<ApiMessage> findCoordinator(RequestContext context, FindCoordinatorRequestData request) {
        short version = context.apiVersion();
        CompletableFuture<Boolean> offsetsTopicReady = request.keyType() == CoordinatorType.GROUP.id()
            ? groups.ensureOffsetsTopic() : CompletableFuture.completedFuture(false);
        return offsetsTopicReady.thenApply(ready -> {
            FindCoordinatorResponseData response = new FindCoordinatorResponseData();
            if (version >= 4) {
                for (String key : request.coordinatorKeys()) {
                    Coordinator c = coordinatorFor(context, request.keyType(), key, ready);
                    response.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                        .setErrorCode(c.error().code()).setErrorMessage(c.message())
                        .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port()));
                }
            } else {
                Coordinator c = coordinatorFor(context, request.keyType(), request.key(), ready);
                response.setErrorCode(c.error().code()).setErrorMessage(c.message())
                    .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
            }
            return response;
        });
    }

    /** A group's coordinator is the leader of its offsets partition, at its endpoint for the request's listener. */
    private Coordinator coordinatorFor(RequestContext context, byte keyType, String key, boolean offsetsTopicReady) {
        if (keyType == CoordinatorType.TRANSACTION.id()) {
            // Fatal for the producer (as InitProducerId's answer), rather than a retriable error it would wait on.
            return Coordinator.error(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                "Transactions are not supported by this broker yet");
        }
        if (keyType != CoordinatorType.GROUP.id()) {
            // Kafka's answer to share-group keys when share groups are not enabled, and to unknown key types.
            return Coordinator.error(Errors.INVALID_REQUEST, "Coordinator key type " + keyType + " is not supported");
        }
        if (!offsetsTopicReady) {
            return Coordinator.error(Errors.COORDINATOR_NOT_AVAILABLE, Errors.COORDINATOR_NOT_AVAILABLE.message());
        }
        int coordinator = groups.coordinatorOf(key);
        if (coordinator < 0) {
            return Coordinator.error(Errors.COORDINATOR_NOT_AVAILABLE, "The offsets partition of the group has no leader");
        }
        for (ClusterInfo.Broker broker : cluster.brokers()) {
            if (broker.nodeId() == coordinator) {
                Endpoint endpoint = broker.advertisedEndpoints().get(context.listenerName());
                if (endpoint != null) {
                    return new Coordinator(Errors.NONE, null, coordinator, endpoint.host(), endpoint.port());
                }
            }
        }
        return Coordinator.error(Errors.COORDINATOR_NOT_AVAILABLE, "No endpoint of broker " + coordinator
            + " for listener " + context.listenerName());
    }

    // ---- membership

    CompletableFuture<ApiMessage> joinGroup(RequestContext context, JoinGroupRequestData request) {
        short version = context.apiVersion();
        String host = context.clientAddress() == null || context.clientAddress().getAddress() == null
            ? "" : context.clientAddress().getAddress().toString();
        return groups.joinGroup(request, context.clientId(), host, version)
            .thenApply(response -> new JoinGroupResponse(response, version).data());
    }

    CompletableFuture<ApiMessage> syncGroup(RequestContext context, SyncGroupRequestData request) {
        if (context.apiVersion() >= 5 && (request.protocolType() == null || request.protocolName() == null)) {
            return CompletableFuture.completedFuture(new SyncGroupResponseData()
                .setErrorCode(Errors.INCONSISTENT_GROUP_PROTOCOL.code()).setAssignment(new byte[0]));
        }
        return groups.syncGroup(request).thenApply(response -> response);
    }

    CompletableFuture<ApiMessage> heartbeat(RequestContext context, HeartbeatRequestData request) {
        return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(groups.heartbeat(request).code()));
    }

    CompletableFuture<ApiMessage> leaveGroup(RequestContext context, LeaveGroupRequestData request) {
        short version = context.apiVersion();
        List<MemberIdentity> members = version >= 3 ? request.members()
            : List.of(new MemberIdentity().setMemberId(request.memberId()));
        GroupCoordinator.LeaveResult result = groups.leaveGroup(request.groupId(), members);
        return CompletableFuture.completedFuture(new LeaveGroupResponse(result.members(), result.error(), 0, version).data());
    }

    // ---- the consumer group protocol (KIP-848)

    CompletableFuture<ApiMessage> consumerGroupHeartbeat(RequestContext context, ConsumerGroupHeartbeatRequestData request) {
        String host = context.clientAddress() == null || context.clientAddress().getAddress() == null
            ? "" : context.clientAddress().getAddress().toString();
        return groups.consumerGroupHeartbeat(request, context.apiVersion(), context.clientId(), host,
            catalog(controller.image())).thenApply(response -> response);
    }

    CompletableFuture<ApiMessage> consumerGroupDescribe(RequestContext context, ConsumerGroupDescribeRequestData request) {
        return CompletableFuture.completedFuture(new ConsumerGroupDescribeResponseData().setGroups(
            groups.consumerGroupDescribe(request.groupIds(), request.includeAuthorizedOperations(),
                catalog(controller.image()))));
    }

    /** The metadata image as the group coordinator's view of topics; internal topics are not assignable. */
    private static TopicCatalog catalog(MetadataImage image) {
        return new TopicCatalog() {
            @Override
            public Topic byName(String name) {
                TopicImage t = image.topic(name);
                return t == null || name.startsWith("__") ? null : new Topic(t.name(), t.topicId(), t.partitionCount());
            }

            @Override
            public Topic byId(Uuid id) {
                TopicImage t = image.topic(id);
                return t == null ? null : new Topic(t.name(), t.topicId(), t.partitionCount());
            }

            @Override
            public java.util.Collection<String> names() {
                return image.topics().stream().map(TopicImage::name).toList();
            }
        };
    }

    // ---- offsets

    CompletableFuture<ApiMessage> offsetCommit(RequestContext context, OffsetCommitRequestData request) {
        short version = context.apiVersion();
        MetadataImage image = controller.image();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        Map<TopicPartition, CommittedOffset> toCommit = new LinkedHashMap<>();
        Map<TopicPartition, OffsetCommitResponseData.OffsetCommitResponsePartition> results = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            TopicImage known = version >= 10 ? image.topic(topic.topicId()) : image.topic(topic.name());
            OffsetCommitResponseData.OffsetCommitResponseTopic topicResponse =
                new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(topicResponse);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                OffsetCommitResponseData.OffsetCommitResponsePartition result =
                    new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(result);
                if (known == null) {
                    result.setErrorCode((version >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else if (known.partition(p.partitionIndex()) == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    TopicPartition tp = new TopicPartition(known.name(), p.partitionIndex());
                    toCommit.put(tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(),
                        p.committedMetadata(), -1));
                    results.put(tp, result);
                }
            }
        }
        if (toCommit.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        long retentionMs = version <= 4 ? request.retentionTimeMs() : -1;
        return groups.commitOffsets(request.groupId(), request.memberId(), request.groupInstanceId(),
            request.generationIdOrMemberEpoch(), version, retentionMs, toCommit).thenApply(errors -> {
                errors.forEach((tp, error) -> results.get(tp).setErrorCode(error.code()));
                return response;
            });
    }

    CompletableFuture<ApiMessage> offsetFetch(RequestContext context, OffsetFetchRequestData request) {
        short version = context.apiVersion();
        List<OffsetFetchRequestData.OffsetFetchRequestGroup> requested = new ArrayList<>();
        if (version < 8) {
            List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = null;
            if (request.topics() != null) {
                topics = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
                    topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name())
                        .setPartitionIndexes(t.partitionIndexes()));
                }
            }
            requested.add(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(request.groupId()).setTopics(topics));
        } else {
            requested.addAll(request.groups());
        }
        MetadataImage image = controller.image();
        List<OffsetFetchResponseData.OffsetFetchResponseGroup> responses = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestGroup group : requested) {
            responses.add(fetchGroup(group, request.requireStable(), version >= 10, image));
        }
        return CompletableFuture.completedFuture(new OffsetFetchResponse.Builder(responses).build(version).data());
    }

    private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(
        OffsetFetchRequestData.OffsetFetchRequestGroup request, boolean requireStable, boolean byId, MetadataImage image) {
        OffsetFetchResponseData.OffsetFetchResponseGroup response =
            new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(request.groupId());
        List<TopicPartition> partitions = null;
        if (request.topics() != null) {
            partitions = new ArrayList<>();
            for (OffsetFetchRequestData.OffsetFetchRequestTopics t : request.topics()) {
                String name = t.name();
                if (byId) {
                    TopicImage topic = image.topic(t.topicId());
                    if (topic == null) {
                        OffsetFetchResponseData.OffsetFetchResponseTopics unknown =
                            new OffsetFetchResponseData.OffsetFetchResponseTopics().setTopicId(t.topicId());
                        for (int p : t.partitionIndexes()) {
                            unknown.partitions().add(noOffset(p).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
                        }
                        response.topics().add(unknown);
                        continue;
                    }
                    name = topic.name();
                }
                for (int p : t.partitionIndexes()) {
                    partitions.add(new TopicPartition(name, p));
                }
            }
        }
        Errors memberError = groups.validateOffsetFetch(request.groupId(), request.memberId(), request.memberEpoch());
        if (memberError != Errors.NONE) {
            return response.setErrorCode(memberError.code()).setTopics(new ArrayList<>());
        }
        GroupCoordinator.FetchResult result = groups.fetchOffsets(request.groupId(), partitions, requireStable);
        if (result.error() != Errors.NONE) {
            return response.setErrorCode(result.error().code()).setTopics(new ArrayList<>());
        }
        Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : result.offsets().entrySet()) {
            TopicPartition tp = e.getKey();
            Uuid topicId = Uuid.ZERO_UUID;
            if (byId) {
                TopicImage topic = image.topic(tp.topic());
                if (topic == null) {
                    continue;
                }
                topicId = topic.topicId();
            }
            Uuid id = topicId;
            OffsetFetchResponseData.OffsetFetchResponseTopics topicResponse = byTopic.computeIfAbsent(tp.topic(),
                name -> new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(name).setTopicId(id));
            CommittedOffset o = e.getValue();
            topicResponse.partitions().add(o == null ? noOffset(tp.partition())
                : new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(tp.partition())
                    .setCommittedOffset(o.offset()).setCommittedLeaderEpoch(o.leaderEpoch()).setMetadata(o.metadata()));
        }
        response.topics().addAll(byTopic.values());
        return response;
    }

    private static OffsetFetchResponseData.OffsetFetchResponsePartitions noOffset(int partition) {
        return new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(partition)
            .setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET).setCommittedLeaderEpoch(-1)
            .setMetadata(OffsetFetchResponse.NO_METADATA);
    }

    CompletableFuture<ApiMessage> offsetDelete(RequestContext context, OffsetDeleteRequestData request) {
        MetadataImage image = controller.image();
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        List<TopicPartition> toDelete = new ArrayList<>();
        Map<TopicPartition, OffsetDeleteResponseData.OffsetDeleteResponsePartition> results = new LinkedHashMap<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.topics()) {
            TopicImage known = image.topic(topic.name());
            OffsetDeleteResponseData.OffsetDeleteResponseTopic topicResponse =
                new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : topic.partitions()) {
                OffsetDeleteResponseData.OffsetDeleteResponsePartition result =
                    new OffsetDeleteResponseData.OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(result);
                if (known == null || known.partition(p.partitionIndex()) == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                    toDelete.add(tp);
                    results.put(tp, result);
                }
            }
        }
        return groups.deleteOffsets(request.groupId(), toDelete).thenApply(result -> {
            if (result.error() != Errors.NONE) {
                return new OffsetDeleteResponseData().setErrorCode(result.error().code());
            }
            result.partitions().forEach((tp, error) -> results.get(tp).setErrorCode(error.code()));
            return response;
        });
    }

    // ---- admin

    CompletableFuture<ApiMessage> listGroups(RequestContext context, ListGroupsRequestData request) {
        GroupCoordinator.ListResult result = groups.listGroups(request.statesFilter(), request.typesFilter());
        return CompletableFuture.completedFuture(new ListGroupsResponseData().setErrorCode(result.error().code())
            .setGroups(new ArrayList<>(result.groups())));
    }

    CompletableFuture<ApiMessage> describeGroups(RequestContext context, DescribeGroupsRequestData request) {
        return CompletableFuture.completedFuture(new DescribeGroupsResponseData().setGroups(
            groups.describeGroups(request.groups(), context.apiVersion(), request.includeAuthorizedOperations())));
    }

    CompletableFuture<ApiMessage> deleteGroups(RequestContext context, DeleteGroupsRequestData request) {
        return groups.deleteGroups(new LinkedHashSet<>(request.groupsNames())).thenApply(results -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            results.forEach((groupId, error) ->
                response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                    .setErrorCode(error.code()).setErrorMessage(error == Errors.NONE ? null : error.message())));
            return response;
        });
    }
}
