package io.samsa.protocol;

import io.samsa.log.DiskFailure;
import io.samsa.log.LogAppendInfo;
import io.samsa.log.RecordValidationException;
import io.samsa.metadata.Controller;
import io.samsa.metadata.TopicImage;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import io.samsa.partition.DelayedOperation;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Produce: appends each partition's batch to its log and reports the assigned offsets. With one replica,
 * acks=1 and acks=all are both satisfied once the leader has appended; acks=0 gets no response at all.
 * An append that triggered an fsync ({@code flush.messages}) is answered once that fsync is done, as in Kafka;
 * the fsync runs on a flusher thread, so the network thread goes on meanwhile.
 * acks=all is refused with NOT_ENOUGH_REPLICAS when fewer replicas are in sync than the topic's
 * {@code min.insync.replicas} (see {@link Partition#appendAsLeader(MemoryRecords, short)}), and a batch refused
 * for some of its records names them in {@code record_errors} (KIP-467). A partition not led here is answered
 * NOT_LEADER_OR_FOLLOWER with its current leader and that leader's endpoint (KIP-951, {@link CurrentLeaders}).
 */
public final class ProduceHandler {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    /** Lets a test make an append fail the way a bug would; null outside such tests. */
    static volatile Consumer<TopicPartition> appendFault;

    private final Controller controller;
    private final PartitionManager partitions;
    private final CurrentLeaders currentLeaders;

    ProduceHandler(Controller controller, PartitionManager partitions) {
        this.controller = controller;
        this.partitions = partitions;
        this.currentLeaders = new CurrentLeaders(partitions::appliedImage);
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.PRODUCE, 3, 13, this::produce);
    }

    CompletableFuture<ApiMessage> produce(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        boolean validAcks = acks == -1 || acks == 0 || acks == 1;
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<Void>> pendingFlushes = new ArrayList<>(0);
        for (ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            TopicImage topic = topicData.name() == null || topicData.name().isEmpty()
                ? controller.image().topic(topicData.topicId())
                : controller.image().topic(topicData.name());
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                .setName(topicData.name())
                .setTopicId(topicData.topicId() == null ? Uuid.ZERO_UUID : topicData.topicId());
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse result = new PartitionProduceResponse()
                    .setIndex(partitionData.index())
                    .setBaseOffset(-1)
                    .setLogAppendTimeMs(-1)
                    .setLogStartOffset(-1);
                if (!validAcks) {
                    result.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                } else if (topic == null) {
                    boolean byId = topicData.name() == null || topicData.name().isEmpty();
                    result.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else {
                    CompletableFuture<Void> flushed = append(new TopicPartition(topic.name(), partitionData.index()),
                        (MemoryRecords) partitionData.records(), request.transactionalId(), acks, request.timeoutMs(), result);
                    if (flushed != null) {
                        pendingFlushes.add(flushed.exceptionally(e -> {
                            result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setErrorMessage(e.getMessage())
                                .setBaseOffset(-1).setLogAppendTimeMs(-1);
                            return null;
                        }));
                    }
                }
                topicResponse.partitionResponses().add(result);
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            return answerWithoutResponse(context, response);
        }
        CompletableFuture<ApiMessage> answer = pendingFlushes.isEmpty() ? CompletableFuture.completedFuture(response)
            : CompletableFuture.allOf(pendingFlushes.toArray(CompletableFuture[]::new)).thenApply(done -> response);
        if (context.apiVersion() >= 10) {
            // KIP-951: partitions answered NOT_LEADER_OR_FOLLOWER (possibly only after waiting) name their leader.
            return answer.thenApply(done -> {
                currentLeaders.addTo(response, context.listenerName());
                return response;
            });
        }
        return answer;
    }

    /**
     * acks=0 gets no response; but when a partition failed, the connection closes, as in Kafka, so that the client
     * learns of it and refreshes its metadata instead of producing into the void.
     */
    private static CompletableFuture<ApiMessage> answerWithoutResponse(RequestContext context, ProduceResponseData response) {
        StringJoiner failed = new StringJoiner(", ");
        for (TopicProduceResponse topic : response.responses()) {
            for (PartitionProduceResponse partition : topic.partitionResponses()) {
                if (partition.errorCode() != Errors.NONE.code()) {
                    String name = topic.name() == null || topic.name().isEmpty() ? topic.topicId().toString() : topic.name();
                    failed.add(name + "-" + partition.index() + " " + Errors.forCode(partition.errorCode()));
                }
            }
        }
        if (failed.length() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.failedFuture(new CloseConnection("produce with acks=0 failed (correlation id "
            + context.header().correlationId() + ", client id " + context.clientId() + "): " + failed));
    }

    /**
     * acks=all: the answer waits until every ISR member has the records (the high watermark passed them), or the
     * request's timeout (REQUEST_TIMED_OUT), or this broker stops leading (NOT_LEADER_OR_FOLLOWER). Replicated to an
     * ISR that shrank below min.insync.replicas meanwhile, it is NOT_ENOUGH_REPLICAS_AFTER_APPEND, as in Kafka.
     */
    private CompletableFuture<Void> awaitReplication(Partition partition, long requiredOffset, int timeoutMs,
                                                     PartitionProduceResponse result) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        DelayedOperation waiting = new DelayedOperation() {
            @Override
            protected boolean isSatisfied() {
                return partition.isReplicated(requiredOffset) || !partition.isLeader()
                    || partitions.partition(partition.topicPartition()) != partition;
            }

            @Override
            protected void onComplete() {
                if (partitions.partition(partition.topicPartition()) != partition || !partition.isLeader()) {
                    fail(Errors.NOT_LEADER_OR_FOLLOWER);
                } else if (!partition.isReplicated(requiredOffset)) {
                    fail(Errors.REQUEST_TIMED_OUT);
                } else if (!partition.hasEnoughInSyncReplicas()) {
                    fail(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
                }
                done.complete(null);
            }

            private void fail(Errors error) {
                result.setErrorCode(error.code()).setBaseOffset(-1).setLogAppendTimeMs(-1);
            }
        };
        partitions.producePurgatory().tryCompleteElseWatch(waiting, List.of(partition.topicPartition()), Math.max(0, timeoutMs));
        return done;
    }

    /** Appends and fills {@code result}; returns the fsync the append waits for, or null when it waits for none. */
    private CompletableFuture<Void> append(TopicPartition tp, MemoryRecords records, String transactionalId, short acks,
                                           int timeoutMs, PartitionProduceResponse result) {
        Partition partition = partitions.partition(tp);
        if (partition == null) {
            result.setErrorCode(partitions.notHostedError(tp).code());
            return null;
        }
        if (!partition.isLeader()) {
            result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
            return null;
        }
        if (records == null || records.sizeInBytes() == 0) {
            result.setErrorCode(Errors.INVALID_RECORD.code()).setErrorMessage("Produce request has no record batch");
            return null;
        }
        try {
            Consumer<TopicPartition> fault = appendFault;
            if (fault != null) {
                fault.accept(tp);
            }
            boolean transactional = ProducedRecords.validate(records);
            if (transactionalId != null || transactional) {
                result.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                    .setErrorMessage("Transactions are not supported by this broker yet");
                return null;
            }
            LogAppendInfo info = partition.appendAsLeader(records, acks);
            result.setBaseOffset(info.firstOffset())
                .setLogAppendTimeMs(info.logAppendTime())
                .setLogStartOffset(info.logStartOffset());
            if (!info.duplicate()) {
                partitions.onAppend(tp);
            }
            CompletableFuture<Void> flushed = info.flushed().isDone() && !info.flushed().isCompletedExceptionally()
                ? null : info.flushed();
            if (acks != -1 || partition.isReplicated(info.lastOffset() + 1)) {
                return flushed;
            }
            CompletableFuture<Void> replicated = awaitReplication(partition, info.lastOffset() + 1, timeoutMs, result);
            return flushed == null ? replicated : CompletableFuture.allOf(flushed, replicated);
        } catch (RecordValidationException e) {
            // KIP-467: the producer fails the listed records with this error and the rest of the batch with its own.
            Errors error = Errors.forException(e.batchError());
            log.debug("Produce to {} rejected: {} {}", tp, error, e.getMessage());
            result.setErrorCode(error.code()).setErrorMessage(e.getMessage())
                .setLogStartOffset(partition.logStartOffset());
            for (RecordValidationException.RecordError recordError : e.recordErrors()) {
                result.recordErrors().add(new ProduceResponseData.BatchIndexAndErrorMessage()
                    .setBatchIndex(recordError.batchIndex()).setBatchIndexErrorMessage(recordError.message()));
            }
        } catch (ApiException e) {
            Errors error = Errors.forException(e);
            log.debug("Produce to {} rejected: {} {}", tp, error, e.getMessage());
            result.setErrorCode(error.code()).setErrorMessage(e.getMessage())
                .setLogStartOffset(partition.logStartOffset());
        } catch (RuntimeException e) {
            Errors error = DiskFailure.errorFor(e);
            log.error("Produce to {} failed ({})", tp, error, e);
            result.setErrorCode(error.code()).setErrorMessage(e.getMessage());
        }
        return null;
    }
}
