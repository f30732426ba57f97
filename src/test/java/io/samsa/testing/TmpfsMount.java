package io.samsa.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test as a log directory that can really run out of space. Needs permission to
 * mount (root, as in CI); where that is refused the test is skipped and says so in its output.
 */
public final class TmpfsMount implements AutoCloseable {
    private final Path mountPoint;

    private TmpfsMount(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code sizeMiB} on a new directory under /tmp, or aborts the test when not permitted. */
    public static TmpfsMount mount(String testName, int sizeMiB) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "samsa-disk-helper-" + testName + "-");
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "m", "tmpfs", dir.toString());
        if (failure != null) {
            Files.deleteIfExists(dir);
            System.out.println(testName + " skipped: cannot mount a tmpfs here (" + failure + ")");
            Assumptions.abort("mounting a tmpfs is not permitted: " + failure);
        }
        return new TmpfsMount(dir);
    }

    public Path path() {
        return mountPoint;
    }

    /** Writes {@code filler} until the file system refuses: the disk is then full. */
    public Path fill(String fileName) throws IOException {
        Path filler = mountPoint.resolve(fileName);
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("No space left on device")) {
                throw e;
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", mountPoint.toString()) != null) {
            run("umount", "-l", mountPoint.toString());
        }
        Files.deleteIfExists(mountPoint);
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }
}
