package io.samsa.metadata;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32C;

/**
 * The single-broker metadata log: one file of framed batches, {@code [int length][int crc32c][records]},
 * each record {@code [int length][payload]}. A commit is written and fsynced before it is applied, so a
 * change the broker acknowledged survives a crash; a torn batch at the tail (a crash mid-write) is cut
 * off on open. Thread-safe: commits are serialised.
 */
public final class LocalMetadataLog implements MetadataStore {
    private static final Logger log = LoggerFactory.getLogger(LocalMetadataLog.class);
    private static final int HEADER = 8;

    private final Path file;
    private final FileChannel channel;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image;

    private LocalMetadataLog(Path file, FileChannel channel, MetadataImage image) {
        this.file = file;
        this.channel = channel;
        this.image = image;
    }

    /** Opens (or creates) the log in {@code dir} and replays it. */
    public static LocalMetadataLog open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("metadata.log");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public synchronized MetadataImage commit(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return image;
        }
        MetadataImage before = image;
        MetadataImage after = before.apply(records);
        ByteBuffer batch = encodeBatch(records);
        try {
            while (batch.hasRemaining()) {
                channel.write(batch);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write metadata log " + file, e);
        }
        image = after;
        for (Listener listener : listeners) {
            listener.onCommit(before, after, records);
        }
        return after;
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Error closing metadata log {}", file, e);
        }
    }

    private static ByteBuffer encodeBatch(List<MetadataRecord> records) {
        List<byte[]> payloads = new ArrayList<>(records.size());
        int length = 0;
        for (MetadataRecord record : records) {
            byte[] payload = MetadataRecordCodec.encode(record);
            payloads.add(payload);
            length += 4 + payload.length;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        for (byte[] payload : payloads) {
            body.putInt(payload.length).put(payload);
        }
        body.flip();
        CRC32C checksum = new CRC32C();
        checksum.update(body.duplicate());
        ByteBuffer batch = ByteBuffer.allocate(HEADER + length);
        batch.putInt(length).putInt((int) checksum.getValue()).put(body);
        batch.flip();
        return batch;
    }

    private static List<MetadataRecord> decodeBatch(ByteBuffer body) throws IOException {
        List<MetadataRecord> records = new ArrayList<>();
        while (body.hasRemaining()) {
            if (body.remaining() < 4) {
                throw new IOException("Truncated record");
            }
            int length = body.getInt();
            if (length < 0 || length > body.remaining()) {
                throw new IOException("Bad record length " + length);
            }
            byte[] payload = new byte[length];
            body.get(payload);
            records.add(MetadataRecordCodec.decode(payload));
        }
        return records;
    }
}
