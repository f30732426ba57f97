package io.samsa.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.common.utils.Utils;

/**
 * Small text files a partition keeps beside its segments (log start offset, recovery point,
 * leader epochs), written so a crash leaves either the old or the new content: write a
 * temporary file, fsync it, rename it over the old one, fsync the directory. On a full disk the
 * write fails with the old file untouched.
 *
 * <p>{@link #writeWithoutFsync} skips both fsyncs, for a checkpoint written on a request's thread (the
 * leader epochs when an append begins a new epoch): its content is then made durable by {@link #fsync} on a
 * flusher thread, before the recovery point moves past what it describes, as Kafka does since KAFKA-15046.
 *
 * <p>Stateless; callers serialise writes to the same file.
 */
public final class CheckpointFile {

    private CheckpointFile() {
    }

    public static void write(Path file, List<String> lines) throws IOException {
        write(file, lines, true);
    }

    /**
     * Replaces the file's content like {@link #write} but without any fsync: a crash may leave the old
     * content, or an empty or torn file, until {@link #fsync} ran. For files whose loss recovery repairs.
     */
    static void writeWithoutFsync(Path file, List<String> lines) throws IOException {
        write(file, lines, false);
    }

    /** Makes what {@link #writeWithoutFsync} wrote durable: the file's data, then its directory entry. */
    static void fsync(Path file) throws IOException {
        Fsync.beforeFile(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
        Fsync.directory(file.toAbsolutePath().getParent());
    }

    private static void write(Path file, List<String> lines, boolean fsync) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (fsync) {
                channel.force(true);
            }
        } catch (IOException e) {
            // A full disk leaves the old file in place; a partial temporary file would only take more space.
            Files.deleteIfExists(tmp);
            throw e;
        }
        Utils.atomicMoveWithFallback(tmp, file, false);
        if (fsync) {
            // The rename is durable only once the directory holding both names is fsynced.
            Fsync.directory(file.toAbsolutePath().getParent());
        }
    }

    /** The file's lines, or empty when it does not exist. */
    public static Optional<List<String>> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    static void writeOffset(Path file, long offset) throws IOException {
        write(file, List.of(Long.toString(offset)));
    }

    /** The single offset in the file; empty when the file is missing or unreadable. */
    static OptionalLong readOffset(Path file) throws IOException {
        Optional<List<String>> lines = read(file);
        if (lines.isEmpty() || lines.get().isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(lines.get().get(0).trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
