package io.samsa.protocol;

import io.samsa.log.EpochEndOffset;
import io.samsa.log.TimestampAndOffset;
import io.samsa.metadata.Controller;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** ListOffsets, OffsetForLeaderEpoch and DeleteRecords: questions and changes about positions in a log. */
public final class OffsetHandlers {
    private static final Logger log = LoggerFactory.getLogger(OffsetHandlers.class);

    private final PartitionManager partitions;

    OffsetHandlers(Controller controller, PartitionManager partitions) {
        this.partitions = partitions;
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.LIST_OFFSETS, 1, 11, this::listOffsets);
        dispatcher.register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, this::offsetForLeaderEpoch);
        dispatcher.register(ApiKeys.DELETE_RECORDS, 0, 2, this::deleteRecords);
    }

    CompletableFuture<ApiMessage> listOffsets(RequestContext context, ListOffsetsRequestData request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        Set<TopicPartition> seen = new HashSet<>();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                ListOffsetsPartitionResponse result = new ListOffsetsPartitionResponse()
                    .setPartitionIndex(p.partitionIndex()).setTimestamp(-1).setOffset(-1);
                if (!seen.add(tp)) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code());
                } else {
                    listOffset(tp, p, request.isolationLevel(), result);
                }
                if (context.apiVersion() < 4) {
                    // The leader epoch joined the response in v4; older versions cannot carry it.
                    result.setLeaderEpoch(-1);
                }
                topicResponse.partitions().add(result);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private void listOffset(TopicPartition tp, ListOffsetsRequestData.ListOffsetsPartition request, byte isolationLevel,
                            ListOffsetsPartitionResponse result) {
        Partition partition = partitions.partition(tp);
        if (partition == null) {
            result.setErrorCode(partitions.notHostedError(tp).code());
            return;
        }
        if (!partition.isLeader()) {
            result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
            return;
        }
        Errors epochError = checkLeaderEpoch(request.currentLeaderEpoch(), partition.leaderEpoch());
        if (epochError != Errors.NONE) {
            result.setErrorCode(epochError.code());
            return;
        }
        long timestamp = request.timestamp();
        try {
            partition.log().checkOnline();
            if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
                // Kafka answers the latest offset with the current epoch: the one the next batch there gets.
                long offset = isolationLevel == 1 ? partition.lastStableOffset() : partition.highWatermark();
                result.setOffset(offset).setLeaderEpoch(partition.leaderEpoch());
            } else if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                long offset = partition.logStartOffset();
                result.setOffset(offset).setLeaderEpoch(partition.log().epochForOffset(offset));
            } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
                Optional<TimestampAndOffset> max = partition.log().maxTimestampAndOffset();
                max.ifPresent(t -> result.setTimestamp(t.timestamp()).setOffset(t.offset()).setLeaderEpoch(t.leaderEpoch()));
            } else if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
                // No tiered storage: nothing is tiered or waiting to be, which Kafka reports as offset -1.
                result.setOffset(-1).setTimestamp(-1);
            } else if (timestamp < 0) {
                result.setErrorCode(Errors.INVALID_REQUEST.code());
            } else {
                Optional<TimestampAndOffset> found = partition.log().offsetForTimestamp(timestamp);
                if (found.isPresent() && found.get().offset() < partition.highWatermark()) {
                    result.setTimestamp(found.get().timestamp()).setOffset(found.get().offset()).setLeaderEpoch(found.get().leaderEpoch());
                }
            }
        } catch (ApiException e) {
            result.setErrorCode(Errors.forException(e).code());
        } catch (RuntimeException e) {
            Errors error = io.samsa.log.DiskFailure.errorFor(e);
            log.error("ListOffsets on {} failed ({})", tp, error, e);
            result.setErrorCode(error.code());
        }
    }

    private static Errors checkLeaderEpoch(int requested, int current) {
        if (requested < 0 || requested == current) {
            return Errors.NONE;
        }
        return requested < current ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }

    CompletableFuture<ApiMessage> offsetForLeaderEpoch(RequestContext context, OffsetForLeaderEpochRequestData request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult topicResult =
                new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                OffsetForLeaderEpochResponseData.EpochEndOffset result = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                    .setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
                Partition partition = partitions.partition(new TopicPartition(topic.topic(), p.partition()));
                if (partition == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    Errors epochError = checkLeaderEpoch(p.currentLeaderEpoch(), partition.leaderEpoch());
                    if (epochError != Errors.NONE) {
                        result.setErrorCode(epochError.code());
                    } else {
                        Optional<EpochEndOffset> end = partition.log().endOffsetForEpoch(p.leaderEpoch());
                        end.ifPresent(e -> result.setLeaderEpoch(e.leaderEpoch()).setEndOffset(e.endOffset()));
                    }
                }
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }

    CompletableFuture<ApiMessage> deleteRecords(RequestContext context, DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult =
                new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                    new DeleteRecordsResponseData.DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex()).setLowWatermark(-1);
                Partition partition = partitions.partition(new TopicPartition(topic.name(), p.partitionIndex()));
                if (partition == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    long offset = p.offset() == -1 ? partition.highWatermark() : p.offset();
                    if (offset < 0 || offset > partition.highWatermark()) {
                        result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                    } else {
                        try {
                            result.setLowWatermark(partition.log().deleteRecordsBefore(offset));
                        } catch (ApiException e) {
                            result.setErrorCode(Errors.forException(e).code());
                        }
                    }
                }
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }
}
