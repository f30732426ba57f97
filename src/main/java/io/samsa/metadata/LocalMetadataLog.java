package io.samsa.metadata;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The single-broker metadata log: one file of framed batches, {@code [int length][int crc32c][records]},
 * each record {@code [int length][payload]}. A commit is written and fsynced before it is applied, so a
 * change the broker acknowledged survives a crash; a torn batch at the tail (a crash mid-write) is cut
 * off on open.
 *
 * <p>Threads: {@link #commit} only queues the batch; the {@code samsa-metadata-log} thread writes, fsyncs,
 * publishes the new image, tells the listeners and completes the future, one batch at a time, so the images and
 * the listeners follow the order of the calls. The first write or fsync that fails leaves the log refusing every
 * later commit (each fails with a {@link KafkaStorageException}) until a restart: after a failed fsync the kernel
 * may have dropped the dirty pages, and a batch written after a torn one would be cut off with it at the next
 * open, so carrying on could lose a change the broker had acknowledged. The image then stays the last durable one.
 */
public final class LocalMetadataLog implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(LocalMetadataLog.class);
    private static final int HEADER = 8;
    static final String FILE_NAME = "metadata.log";
    private static final long CLOSE_WAIT_SECONDS = 30;

    /** Runs just before each fsync of a metadata log: tests stall it, or throw to act as a failing disk. */
    @FunctionalInterface
    interface SyncHook {
        void beforeSync(Path file) throws IOException;
    }

    static volatile SyncHook syncHook = file -> { };

    private final Path file;
    private final FileChannel channel;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(new DefaultThreadFactory("samsa-metadata-log", true));
    private volatile MetadataImage image;
    /** The I/O error that stopped the log; read and written on the writer thread only. */
    private IOException failure;

    private LocalMetadataLog(Path file, FileChannel channel, MetadataImage image) {
        this.file = file;
        this.channel = channel;
        this.image = image;
    }

    /** Opens (or creates) the log in {@code dir} and replays it. */
    public static LocalMetadataLog open(Path dir) throws IOException {
        createDirectoriesDurably(dir.toAbsolutePath());
        Path file = dir.resolve(FILE_NAME);
        boolean created = !Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (created) {
            // The new file's directory entry is made durable too, or a crash could lose the file with every
            // change fsynced into it.
            Utils.flushDir(dir);
        }
        MetadataImage image = MetadataImage.EMPTY;
        long position = 0;
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (position + HEADER <= size) {
            header.clear();
            channel.read(header, position);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length < 0 || position + HEADER + length > size) {
                break;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            channel.read(body, position + HEADER);
            body.flip();
            CRC32C checksum = new CRC32C();
            checksum.update(body.duplicate());
            if ((int) checksum.getValue() != crc) {
                break;
            }
            List<MetadataRecord> records;
            try {
                records = decodeBatch(body);
            } catch (IOException e) {
                // The checksum says the batch was written whole: not a torn tail but records this version cannot
                // read. Cutting them would silently lose every later change, so refuse to start instead.
                channel.close();
                throw new IOException("Metadata log " + file + " has an intact batch at byte " + position
                    + " that cannot be decoded (" + e.getMessage() + "); refusing to start rather than cut it", e);
            }
            image = image.apply(records);
            position += HEADER + length;
        }
        if (position < size) {
            log.warn("Metadata log {} has a torn or corrupt tail after byte {}; cutting {} bytes", file, position, size - position);
            channel.truncate(position);
            channel.force(true);
        }
        channel.position(position);
        return new LocalMetadataLog(file, channel, image);
    }

    /** Creates the missing directories of the path, fsyncing each one's parent so that none is lost in a crash. */
    private static void createDirectoriesDurably(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        Files.createDirectories(dir);
        for (Path created : missing) {
            if (created.getParent() != null) {
                Utils.flushDir(created.getParent());
            }
        }
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public CompletableFuture<MetadataImage> commit(List<MetadataRecord> records, long decidedAt) {
        List<MetadataRecord> batch = List.copyOf(records);
        CompletableFuture<MetadataImage> result = new CompletableFuture<>();
        try {
            writer.execute(() -> append(batch, decidedAt, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new KafkaStorageException("The metadata log " + file + " is closed"));
        }
        return result;
    }

    /** On the writer thread: the batch made durable, then published, then announced. */
    private void append(List<MetadataRecord> records, long decidedAt, CompletableFuture<MetadataImage> result) {
        if (failure != null) {
            result.completeExceptionally(new KafkaStorageException("The metadata log " + file
                + " stopped taking changes after an I/O error: " + failure.getMessage(), failure));
            return;
        }
        if (decidedAt != ANY_IMAGE && decidedAt != image.recordCount()) {
            result.completeExceptionally(new StaleMetadataException(decidedAt, image.recordCount()));
            return;
        }
        if (records.isEmpty()) {
            result.complete(image);
            return;
        }
        MetadataImage before = image;
        MetadataImage after;
        try {
            after = before.apply(records);
        } catch (RuntimeException e) {
            result.completeExceptionally(e); // records that contradict the image are refused before they are written
            return;
        }
        try {
            ByteBuffer batch = encodeBatch(records);
            while (batch.hasRemaining()) {
                channel.write(batch);
            }
            syncHook.beforeSync(file);
            channel.force(false);
        } catch (IOException e) {
            failure = e;
            log.error("Cannot write the metadata log {}; it takes no more changes until the broker restarts", file, e);
            result.completeExceptionally(new KafkaStorageException("Cannot write the metadata log " + file + ": " + e.getMessage(), e));
            return;
        }
        image = after;
        for (Listener listener : listeners) {
            try {
                listener.onCommit(before, after, records);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed on a committed batch", listener, e);
            }
        }
        result.complete(after);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Finishes the commits already queued (those still waiting fail once the wait is over), then closes the file. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("Metadata log {}: commits still pending after {} s at close", file, CLOSE_WAIT_SECONDS);
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Error closing metadata log {}", file, e);
        }
    }

    private static ByteBuffer encodeBatch(List<MetadataRecord> records) {
        ByteBuffer body = MetadataRecordCodec.encodeRecords(records);
        CRC32C checksum = new CRC32C();
        checksum.update(body.duplicate());
        ByteBuffer batch = ByteBuffer.allocate(HEADER + body.remaining());
        batch.putInt(body.remaining()).putInt((int) checksum.getValue()).put(body);
        return batch.flip();
    }

    private static List<MetadataRecord> decodeBatch(ByteBuffer body) throws IOException {
        return MetadataRecordCodec.decodeRecords(body);
    }
}
