package io.samsa.protocol;

import io.samsa.config.Endpoint;
import io.samsa.metadata.QuorumStatus;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * DescribeQuorum: the metadata log's Raft leader, term (Kafka's leader epoch), high watermark and each voter's
 * progress, as {@code kafka-metadata-quorum describe} shows them. Served by every node of a cluster (Kafka's admin
 * client sends it to any broker); a node that does not lead asks the leader, whose Raft state alone has the
 * followers' progress. Not registered on a single broker, which has no quorum.
 */
public final class DescribeQuorumHandler {
    /** The name Kafka gives its metadata log, the one topic-partition DescribeQuorum describes. */
    static final String METADATA_TOPIC = "__cluster_metadata";
    /** How long a request waits for the leader's answer (an election in progress) before it is told to retry. */
    private static final long LEADER_ANSWER_TIMEOUT_MS = 10_000;

    private final Supplier<CompletableFuture<QuorumStatus>> status;

    DescribeQuorumHandler(Supplier<CompletableFuture<QuorumStatus>> status) {
        this.status = status;
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.DESCRIBE_QUORUM, 0, 2, this::describeQuorum);
    }

    CompletableFuture<ApiMessage> describeQuorum(RequestContext context, DescribeQuorumRequestData request) {
        if (!asksForTheMetadataLog(request)) {
            return CompletableFuture.completedFuture(new DescribeQuorumResponseData()
                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                .setErrorMessage("DescribeQuorum describes only " + METADATA_TOPIC + "-0"));
        }
        short version = context.apiVersion();
        return status.get().orTimeout(LEADER_ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .handle((quorum, failure) -> failure == null ? describe(quorum, version) : noLeader(failure));
    }

    private static boolean asksForTheMetadataLog(DescribeQuorumRequestData request) {
        return request.topics().size() == 1
            && METADATA_TOPIC.equals(request.topics().get(0).topicName())
            && request.topics().get(0).partitions().size() == 1
            && request.topics().get(0).partitions().get(0).partitionIndex() == 0;
    }

    private static ApiMessage describe(QuorumStatus quorum, short version) {
        PartitionData partition = new PartitionData()
            .setPartitionIndex(0)
            .setErrorCode(Errors.NONE.code())
            .setLeaderId(quorum.leaderId())
            .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, quorum.leaderEpoch()))
            .setHighWatermark(quorum.highWatermark())
            .setCurrentVoters(replicas(quorum.voters()))
            .setObservers(replicas(quorum.observers()));
        DescribeQuorumResponseData response = new DescribeQuorumResponseData().setErrorCode(Errors.NONE.code());
        response.topics().add(new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC)
            .setPartitions(new java.util.ArrayList<>(List.of(partition))));
        if (version >= 2) {
            for (Map.Entry<Integer, Endpoint> voter : quorum.voterEndpoints().entrySet()) {
                DescribeQuorumResponseData.ListenerCollection listeners = new DescribeQuorumResponseData.ListenerCollection();
                listeners.add(new DescribeQuorumResponseData.Listener().setName(voter.getValue().listenerName())
                    .setHost(voter.getValue().host()).setPort(voter.getValue().port()));
                response.nodes().add(new DescribeQuorumResponseData.Node().setNodeId(voter.getKey()).setListeners(listeners));
            }
        }
        return response;
    }

    private static List<ReplicaState> replicas(List<QuorumStatus.Replica> replicas) {
        return new java.util.ArrayList<>(replicas.stream().map(r -> new ReplicaState()
            .setReplicaId(r.nodeId())
            .setReplicaDirectoryId(Uuid.ZERO_UUID)
            .setLogEndOffset(r.logEndOffset())
            .setLastFetchTimestamp(r.lastFetchTimestamp())
            .setLastCaughtUpTimestamp(r.lastCaughtUpTimestamp())).toList());
    }

    /** As a Kafka controller that does not lead answers: NOT_LEADER_OR_FOLLOWER for the partition, which clients retry. */
    private static ApiMessage noLeader(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        PartitionData partition = new PartitionData().setPartitionIndex(0)
            .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
            .setErrorMessage("No answer from the metadata quorum's leader: " + cause.getMessage())
            .setLeaderId(-1).setLeaderEpoch(-1).setHighWatermark(-1);
        DescribeQuorumResponseData response = new DescribeQuorumResponseData().setErrorCode(Errors.NONE.code());
        response.topics().add(new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC)
            .setPartitions(new java.util.ArrayList<>(List.of(partition))));
        return response;
    }
}
