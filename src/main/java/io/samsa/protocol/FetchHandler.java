package io.samsa.protocol;

import io.samsa.log.DiskFailure;
import io.samsa.log.EpochEndOffset;
import io.samsa.log.LogReadInfo;
import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import io.samsa.partition.DelayedOperation;
import io.samsa.partition.Partition;
import io.samsa.partition.PartitionManager;
import io.samsa.protocol.FetchSessionCache.CachedPartition;
import io.samsa.protocol.FetchSessionCache.Key;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch for consumers: reads whole batches from each partition's log up to the high watermark, within
 * the request's byte limits, and long-polls (min.bytes / max.wait) as a delayed operation woken by
 * appends. Record data goes to the socket as file regions, never through the heap. A partition not led here, or
 * fetched with an old leader epoch, is answered with its current leader and that leader's endpoint (KIP-951,
 * {@link CurrentLeaders}).
 */
public final class FetchHandler {
    private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);

    private final Controller controller;
    private final PartitionManager partitions;
    private final FetchSessionCache sessions;
    private final int brokerMaxBytes;
    private final CurrentLeaders currentLeaders;

    FetchHandler(Controller controller, PartitionManager partitions, int sessionSlots, int brokerMaxBytes) {
        this.controller = controller;
        this.partitions = partitions;
        this.sessions = new FetchSessionCache(sessionSlots);
        this.brokerMaxBytes = brokerMaxBytes;
        this.currentLeaders = new CurrentLeaders(partitions::appliedImage);
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.FETCH, 4, 17, this::fetch);
    }

    FetchSessionCache sessions() {
        return sessions;
    }

    /** One partition's place in the response being built. */
    private record Target(CachedPartition cached, String topicName, Uuid topicId) {
    }

    CompletableFuture<ApiMessage> fetch(RequestContext context, FetchRequestData request) {
        short version = context.apiVersion();
        boolean byId = version >= 13;
        MetadataImage image = controller.image();
        List<CachedPartition> requested = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : request.topics()) {
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                CachedPartition cached = new CachedPartition(key(byId, topic.topicId(), topic.topic(), p.partition()));
                cached.fetchOffset = p.fetchOffset();
                cached.maxBytes = p.partitionMaxBytes();
                cached.currentLeaderEpoch = p.currentLeaderEpoch();
                cached.lastFetchedEpoch = p.lastFetchedEpoch();
                requested.add(cached);
            }
        }
        List<Key> forgotten = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic topic : request.forgottenTopicsData()) {
            for (int p : topic.partitions()) {
                forgotten.add(key(byId, topic.topicId(), topic.topic(), p));
            }
        }
        FetchSessionCache.Context session = sessions.resolve(request.sessionId(), request.sessionEpoch(), requested,
            forgotten, version >= 7);
        if (session.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                .setErrorCode(session.error().code()).setSessionId(0));
        }

        List<Target> targets = new ArrayList<>(session.partitions().size());
        for (CachedPartition cached : session.partitions()) {
            Key key = cached.key;
            TopicImage topic = byId ? image.topic(key.topicId()) : image.topic(key.topic());
            targets.add(new Target(cached, topic == null ? key.topic() : topic.name(), topic == null ? key.topicId() : topic.topicId()));
        }
        int maxBytes = Math.min(request.maxBytes(), brokerMaxBytes);
        boolean readCommitted = request.isolationLevel() == 1;
        // A follower replicating: it names itself (ReplicaState since v15, replica_id before), reads up to the log end.
        int replicaId = version >= 15 ? request.replicaState().replicaId() : request.replicaId();
        long replicaEpoch = version >= 15 ? request.replicaState().replicaEpoch() : -1;
        ReadResult first = readAll(targets, maxBytes, byId, replicaId, replicaEpoch, true);
        if (request.maxWaitMs() <= 0 || request.minBytes() <= 0 || first.bytes >= request.minBytes()
            || first.hasError || targets.isEmpty()) {
            return CompletableFuture.completedFuture(buildResponse(first, session, readCommitted, context));
        }

        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        Set<TopicPartition> watched = new LinkedHashSet<>();
        for (Target t : targets) {
            if (t.topicName() != null) {
                watched.add(new TopicPartition(t.topicName(), t.cached().key.partition()));
            }
        }
        DelayedOperation delayed = new DelayedOperation() {
            @Override
            protected boolean isSatisfied() {
                ReadResult now = readAll(targets, maxBytes, byId, replicaId, replicaEpoch, false);
                return now.bytes >= request.minBytes() || now.hasError;
            }

            @Override
            protected void onComplete() {
                try {
                    future.complete(buildResponse(readAll(targets, maxBytes, byId, replicaId, replicaEpoch, false), session,
                        readCommitted, context));
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            }
        };
        partitions.fetchPurgatory().tryCompleteElseWatch(delayed, watched, request.maxWaitMs());
        return future;
    }

    private static Key key(boolean byId, Uuid topicId, String topic, int partition) {
        return byId ? new Key(topicId, null, partition) : new Key(Uuid.ZERO_UUID, topic, partition);
    }

    private static final class ReadResult {
        final List<Target> targets;
        final List<PartitionData> data;
        int bytes;
        boolean hasError;

        ReadResult(List<Target> targets) {
            this.targets = targets;
            this.data = new ArrayList<>(targets.size());
        }
    }

    private ReadResult readAll(List<Target> targets, int maxBytes, boolean byId, int replicaId, long replicaEpoch,
                               boolean arrival) {
        ReadResult result = new ReadResult(targets);
        for (Target target : targets) {
            int remaining = maxBytes - result.bytes;
            PartitionData data = read(target, Math.max(0, remaining), result.bytes == 0, byId, replicaId, replicaEpoch, arrival);
            if (data.errorCode() != Errors.NONE.code()) {
                result.hasError = true;
            }
            if (data.records() != null) {
                result.bytes += data.records().sizeInBytes();
            }
            result.data.add(data);
        }
        return result;
    }

    private PartitionData read(Target target, int remainingBytes, boolean minOneMessage, boolean byId, int replicaId,
                               long replicaEpoch, boolean arrival) {
        CachedPartition cached = target.cached();
        PartitionData data = new PartitionData()
            .setPartitionIndex(cached.key.partition())
            .setHighWatermark(-1)
            .setLastStableOffset(-1)
            .setLogStartOffset(-1)
            .setRecords(MemoryRecords.EMPTY);
        if (target.topicName() == null) {
            return data.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
        }
        TopicPartition tp = new TopicPartition(target.topicName(), cached.key.partition());
        Partition partition = partitions.partition(tp);
        if (partition == null) {
            return data.setErrorCode(partitions.notHostedError(tp).code());
        }
        if (!partition.isLeader()) {
            return data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        long highWatermark = partition.highWatermark();
        data.setHighWatermark(highWatermark)
            .setLastStableOffset(partition.lastStableOffset())
            .setLogStartOffset(partition.logStartOffset());
        int leaderEpoch = partition.leaderEpoch();
        if (cached.currentLeaderEpoch >= 0 && cached.currentLeaderEpoch != leaderEpoch) {
            Errors error = cached.currentLeaderEpoch < leaderEpoch ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
            return data.setErrorCode(error.code());
        }
        if (cached.lastFetchedEpoch >= 0) {
            Optional<EpochEndOffset> end = partition.log().endOffsetForEpoch(cached.lastFetchedEpoch);
            if (end.isPresent() && (end.get().leaderEpoch() != cached.lastFetchedEpoch || end.get().endOffset() < cached.fetchOffset)) {
                data.divergingEpoch().setEpoch(end.get().leaderEpoch()).setEndOffset(end.get().endOffset());
                return data;
            }
        }
        if (replicaId >= 0 && arrival) {
            // The offset a follower fetches at is its log end offset: the ISR and the high watermark follow it.
            partition.onFollowerFetch(replicaId, replicaEpoch, cached.fetchOffset, System.currentTimeMillis());
            data.setHighWatermark(partition.highWatermark());
        }
        try {
            int limit = Math.min(cached.maxBytes, remainingBytes);
            if (limit <= 0 && !minOneMessage) {
                return data;
            }
            LogReadInfo info = replicaId >= 0
                ? partition.readForFollower(cached.fetchOffset, Math.max(0, limit))
                : partition.read(cached.fetchOffset, Math.max(0, limit), minOneMessage);
            data.setRecords(info.records());
        } catch (ApiException e) {
            data.setErrorCode(Errors.forException(e).code());
        } catch (RuntimeException e) {
            Errors error = DiskFailure.errorFor(e);
            log.error("Fetch from {} at {} failed ({})", partition.topicPartition(), cached.fetchOffset, error, e);
            data.setErrorCode(error.code());
        }
        return data;
    }

    private FetchResponseData buildResponse(ReadResult read, FetchSessionCache.Context session, boolean readCommitted,
                                            RequestContext context) {
        FetchResponseData response = new FetchResponseData().setSessionId(session.responseSessionId());
        FetchableTopicResponse current = null;
        Object lock = session.session() == null ? new Object() : session.session();
        synchronized (lock) {
            for (int i = 0; i < read.targets.size(); i++) {
                Target target = read.targets.get(i);
                PartitionData data = read.data.get(i);
                CachedPartition cached = target.cached();
                boolean changed = data.errorCode() != Errors.NONE.code()
                    || data.records().sizeInBytes() > 0
                    || data.highWatermark() != cached.highWatermark
                    || data.logStartOffset() != cached.logStartOffset
                    || data.divergingEpoch().epoch() >= 0;
                cached.highWatermark = data.highWatermark();
                cached.logStartOffset = data.logStartOffset();
                if (session.incremental() && !changed) {
                    continue;
                }
                if (readCommitted) {
                    data.setAbortedTransactions(new ArrayList<>());
                }
                String name = cached.key.topic();
                Uuid id = cached.key.topicId();
                if (current == null || !java.util.Objects.equals(current.topic(), name) || !current.topicId().equals(id)) {
                    current = new FetchableTopicResponse().setTopic(name).setTopicId(id);
                    response.responses().add(current);
                }
                current.partitions().add(data);
            }
        }
        if (context.apiVersion() >= 16) {
            currentLeaders.addTo(response, context.listenerName()); // KIP-951
        }
        return response;
    }
}
