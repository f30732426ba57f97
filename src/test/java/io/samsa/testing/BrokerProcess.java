package io.samsa.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Samsa broker in its own JVM, started with the same command line a user runs, so a test can kill it
 * with SIGKILL. The child is always destroyed by {@link #close()}.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final List<String> output = new ArrayList<>();

    private BrokerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code samsa server} on the given port and data directory and waits for its start-up line. */
    public static BrokerProcess start(Path dataDir, int port, String... overrides) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.samsa.tools.SamsaCommand");
        command.add("server");
        command.add("--override");
        command.add("listeners=PLAINTEXT://127.0.0.1:" + port);
        command.add("--override");
        command.add("log.dirs=" + dataDir);
        for (String o : overrides) {
            command.add("--override");
            command.add(o);
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            BrokerProcess broker = new BrokerProcess(process, port);
            CompletableFuture<Boolean> started = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        synchronized (broker.output) {
                            broker.output.add(line);
                        }
                        if (line.contains(" serving ")) {
                            started.complete(true);
                        }
                    }
                } catch (IOException e) {
                    started.completeExceptionally(e);
                }
                started.complete(false);
            }, "broker-process-output");
            reader.setDaemon(true);
            reader.start();
            boolean ok;
            try {
                ok = started.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                ok = false;
            }
            if (!ok) {
                process.destroyForcibly();
                throw new IllegalStateException("Broker process did not start: " + broker.output());
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, the Ctrl-C path: returns the exit code. */
    public int stop() throws InterruptedException {
        // Signal through the handle: Process.destroy() would also close the pipes and lose the last lines.
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
