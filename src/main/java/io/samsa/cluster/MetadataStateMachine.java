package io.samsa.cluster;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataRecordCodec;
import io.samsa.metadata.MetadataStore;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The metadata log as a Ratis state machine: each committed log entry is one batch of metadata records, applied to
 * the {@link MetadataImage} in log order on every node, so every node holds the same image at the same index.
 *
 * <p>An entry is {@code [long decidedAt][records]}. It is applied only when the image's record count still equals
 * {@code decidedAt} (or it is {@link MetadataStore#ANY_IMAGE}); otherwise it is skipped on every node alike and its
 * reply says so. A batch that contradicts the image (a bug) is skipped the same way. Either way the outcome is a
 * function of the log alone, so the images never diverge.
 *
 * <p>Snapshots: the image written as records ({@link MetadataImage#toRecords()}) with its record count, named by the
 * term and index it holds; Ratis takes them automatically, purges the log up to them and sends them to a node
 * whose log is too far behind, which then {@link #reinitialize() reloads} from it.
 *
 * <p>Threads: Ratis applies entries and takes snapshots on its state-machine updater thread, one at a time;
 * listeners run there and must not block. {@link #image()} and {@link #whenApplied} are safe from any thread.
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);
    static final byte APPLIED = 0;
    static final byte STALE = 1;
    static final byte REJECTED = 2;

    /** Batches applied lately, for brokers that are not voters and fetch the log (see {@link #fetchSince}). */
    private final java.util.ArrayDeque<AppliedBatch> recent = new java.util.ArrayDeque<>();
    /** Fetches waiting for the next batch (long polls of observers). */
    private final List<CompletableFuture<Void>> nextApply = new java.util.ArrayList<>();
    static final int RECENT_BATCHES = 4096;
    static final byte FETCH_ENTRIES = 0;
    static final byte FETCH_IMAGE = 1;

    private record AppliedBatch(long index, List<MetadataRecord> records) {
    }

    /** Batches up to this index are not in {@link #recent} (evicted, or before the snapshot this node started from). */
    private long forgottenThrough = -1;

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<MetadataStore.Listener> listeners = new CopyOnWriteArrayList<>();
    private final TreeMap<Long, CompletableFuture<Void>> appliedWaiters = new TreeMap<>();
    private final int nodeId;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile QuorumMetadataStore.Leadership leadership;
    private volatile boolean leaderReady;
    private volatile int leaderId = -1;
    private volatile Function<ByteBuffer, CompletableFuture<ByteBuffer>> queryHandler =
        request -> CompletableFuture.failedFuture(new IllegalStateException("Not ready for controller requests"));

    MetadataStateMachine(int nodeId) {
        this.nodeId = nodeId;
    }

    MetadataImage image() {
        return image;
    }

    int leaderId() {
        return leaderId;
    }

    void addListener(MetadataStore.Listener listener) {
        listeners.add(listener);
    }

    /** Sets the listener; told at once when this node is the ready leader already. */
    void setLeadershipListener(QuorumMetadataStore.Leadership listener) {
        this.leadership = listener;
        if (leaderReady) {
            listener.onLeaderReady();
        }
    }

    boolean isLeaderReady() {
        return leaderReady;
    }

    /** Answers controller requests (heartbeats and the like) that other nodes send to the leader as read-only queries. */
    void setQueryHandler(Function<ByteBuffer, CompletableFuture<ByteBuffer>> handler) {
        this.queryHandler = handler;
    }

    /** Completes once this node has applied the log up to {@code index}. */
    CompletableFuture<Void> whenApplied(long index) {
        synchronized (appliedWaiters) {
            if (getLastAppliedTermIndex() != null && getLastAppliedTermIndex().getIndex() >= index) {
                return CompletableFuture.completedFuture(null);
            }
            return appliedWaiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        }
    }

    private void releaseWaiters(long appliedIndex) {
        List<CompletableFuture<Void>> ready;
        synchronized (appliedWaiters) {
            Map<Long, CompletableFuture<Void>> head = appliedWaiters.headMap(appliedIndex, true);
            ready = List.copyOf(head.values());
            head.clear();
        }
        ready.forEach(f -> f.complete(null));
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        loadLatestSnapshot();
        synchronized (this) {
            forgottenThrough = getLastAppliedTermIndex() == null ? -1 : getLastAppliedTermIndex().getIndex();
        }
    }

    @Override
    public void reinitialize() throws IOException {
        // After a snapshot was installed from the leader: the image jumps to it.
        MetadataImage before = image;
        loadLatestSnapshot();
        synchronized (this) {
            recent.clear(); // an observer behind the snapshot gets the whole image
            forgottenThrough = getLastAppliedTermIndex() == null ? -1 : getLastAppliedTermIndex().getIndex();
        }
        MetadataImage after = image;
        log.info("Metadata image reloaded from a snapshot at record {} (was {})", after.recordCount(), before.recordCount());
        tell(before, after, after.toRecords());
        releaseWaiters(getLastAppliedTermIndex() == null ? 0 : getLastAppliedTermIndex().getIndex());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        if (snapshot.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), snapshot.getFile().getFileDigest());
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        long recordCount = bytes.getLong();
        List<MetadataRecord> records = MetadataRecordCodec.decodeRecords(bytes);
        synchronized (this) {
            image = MetadataImage.fromSnapshot(records, recordCount);
            updateLastAppliedTermIndex(snapshot.getTermIndex());
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage;
        TermIndex applied;
        synchronized (this) {
            snapshotImage = image;
            applied = getLastAppliedTermIndex();
        }
        if (applied == null) {
            return -1;
        }
        File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
        Path target = file.toPath();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        ByteBuffer records = MetadataRecordCodec.encodeRecords(snapshotImage.toRecords());
        ByteBuffer header = ByteBuffer.allocate(Long.BYTES).putLong(snapshotImage.recordCount()).flip();
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (header.hasRemaining()) {
                channel.write(header);
            }
            while (records.hasRemaining()) {
                channel.write(records);
            }
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        org.apache.kafka.common.utils.Utils.flushDir(target.getParent());
        FileInfo info = new FileInfo(target, MD5FileUtil.computeAndSaveMd5ForFile(file));
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(info, applied));
        log.debug("Metadata snapshot at index {} ({} records)", applied.getIndex(), snapshotImage.recordCount());
        return applied.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        ByteBuffer data = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
        byte outcome;
        String detail = "";
        MetadataImage before = image;
        MetadataImage after = before;
        List<MetadataRecord> records = List.of();
        try {
            long decidedAt = data.getLong();
            records = MetadataRecordCodec.decodeRecords(data);
            if (decidedAt != MetadataStore.ANY_IMAGE && decidedAt != before.recordCount()) {
                outcome = STALE;
            } else {
                after = before.apply(records);
                outcome = APPLIED;
            }
        } catch (IOException | RuntimeException e) {
            // Deterministic on every node: the same bytes fail the same way everywhere, so images stay equal.
            log.error("Metadata entry {} cannot be applied; skipped on every node", termIndex, e);
            outcome = REJECTED;
            detail = String.valueOf(e.getMessage());
        }
        List<CompletableFuture<Void>> waiting;
        synchronized (this) {
            image = after;
            updateLastAppliedTermIndex(termIndex);
            if (outcome == APPLIED && !records.isEmpty()) {
                recent.addLast(new AppliedBatch(termIndex.getIndex(), records));
                if (recent.size() > RECENT_BATCHES) {
                    forgottenThrough = recent.removeFirst().index();
                }
            }
            waiting = List.copyOf(nextApply);
            nextApply.clear();
        }
        waiting.forEach(f -> f.complete(null));
        if (outcome == APPLIED && !records.isEmpty()) {
            tell(before, after, records);
        }
        releaseWaiters(termIndex.getIndex());
        byte[] detailBytes = detail.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer reply = ByteBuffer.allocate(1 + Long.BYTES + detailBytes.length)
            .put(outcome).putLong(after.recordCount()).put(detailBytes).flip();
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    private void tell(MetadataImage before, MetadataImage after, List<MetadataRecord> records) {
        for (MetadataStore.Listener listener : listeners) {
            try {
                listener.onCommit(before, after, records);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed on a committed batch", listener, e);
            }
        }
    }

    /**
     * What a broker that is not a voter needs to follow the metadata log from {@code afterIndex}: the batches applied
     * since (each {@code [long index][int length][records]}, after {@code [byte FETCH_ENTRIES][long lastApplied][int count]}),
     * or, when it is further behind than the batches kept, the whole image ({@code [byte FETCH_IMAGE][long lastApplied]
     * [long recordCount][records]}). With nothing new it waits up to {@code maxWaitMs} for the next batch.
     */
    CompletableFuture<ByteBuffer> fetchSince(long afterIndex, long maxWaitMs) {
        CompletableFuture<Void> next;
        synchronized (this) {
            long applied = getLastAppliedTermIndex() == null ? -1 : getLastAppliedTermIndex().getIndex();
            if (applied > afterIndex || maxWaitMs <= 0) {
                return CompletableFuture.completedFuture(answerFetch(afterIndex));
            }
            next = new CompletableFuture<>();
            nextApply.add(next);
        }
        return next.completeOnTimeout(null, maxWaitMs, java.util.concurrent.TimeUnit.MILLISECONDS)
            .thenApply(ignored -> answerFetch(afterIndex));
    }

    private synchronized ByteBuffer answerFetch(long afterIndex) {
        long applied = getLastAppliedTermIndex() == null ? -1 : getLastAppliedTermIndex().getIndex();
        if (afterIndex < forgottenThrough) {
            ByteBuffer records = MetadataRecordCodec.encodeRecords(image.toRecords());
            return ByteBuffer.allocate(1 + 16 + records.remaining()).put(FETCH_IMAGE).putLong(applied)
                .putLong(image.recordCount()).put(records).flip();
        }
        List<ByteBuffer> bodies = new java.util.ArrayList<>();
        List<Long> indexes = new java.util.ArrayList<>();
        int size = 1 + 8 + 4;
        for (AppliedBatch batch : recent) {
            if (batch.index() > afterIndex) {
                ByteBuffer body = MetadataRecordCodec.encodeRecords(batch.records());
                bodies.add(body);
                indexes.add(batch.index());
                size += 12 + body.remaining();
            }
        }
        ByteBuffer answer = ByteBuffer.allocate(size).put(FETCH_ENTRIES).putLong(applied).putInt(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            answer.putLong(indexes.get(i)).putInt(bodies.get(i).remaining()).put(bodies.get(i));
        }
        return answer.flip();
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return queryHandler.apply(request.getContent().asReadOnlyByteBuffer())
            .thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        leaderId = newLeaderId == null ? -1 : Integer.parseInt(newLeaderId.toString());
        if (leaderId != nodeId) {
            leaderReady = false;
        }
        QuorumMetadataStore.Leadership listener = leadership;
        if (listener != null) {
            listener.onLeaderChanged(leaderId);
        }
    }

    @Override
    public void notifyLeaderReady() {
        leaderReady = true;
        QuorumMetadataStore.Leadership listener = leadership;
        log.info("Node {} is the active controller", nodeId);
        if (listener != null) {
            listener.onLeaderReady();
        }
    }
}
