package io.samsa.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A group of Samsa nodes, each in its own JVM started as a user starts one ({@code samsa server <file>}) from the
 * test class path, each with its own {@code server.properties} and data directory under one temporary directory.
 *
 * <p>In quorum mode (the default) every file carries Kafka's KRaft settings for a combined cluster, as a Kafka user
 * writes them: the first {@code min(nodes, 3)} nodes are {@code broker,controller} and voters, any further ones
 * {@code broker}. {@link Builder#withoutQuorum()} writes no quorum settings: each node is a standalone broker.
 *
 * <p>Nodes are numbered from 1, and the number is the {@code node.id}. Every port is taken from the operating
 * system before the first node starts and stays the node's across restarts. {@link #close()} kills, by pid, every
 * process this object ever started (paused ones too) and deletes the temporary directory.
 *
 * <p>Not thread-safe: one test thread drives it; only the output collection runs on threads of its own.
 */
public final class ClusterProcesses implements AutoCloseable {
    /** How long a node may take to print its start-up line. */
    private static final long START_TIMEOUT_SECONDS = 60;
    /** How long a SIGTERMed node may take to exit before it is killed. */
    private static final long STOP_TIMEOUT_SECONDS = 30;
    private static final String SERVING = " serving ";

    private final Path directory;
    private final List<Node> nodes;
    private final List<Process> everStarted = new ArrayList<>();

    private ClusterProcesses(Path directory, List<Node> nodes) {
        this.directory = directory;
        this.nodes = nodes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts {@code nodes} combined broker-controller nodes with the quorum settings and waits until all serve. */
    public static ClusterProcesses start(int nodes) {
        return builder().nodes(nodes).start();
    }

    /** Starts one standalone broker (no quorum settings): for the tests that run before the cluster exists. */
    public static ClusterProcesses singleBroker() {
        return builder().nodes(1).withoutQuorum().start();
    }

    /** Settings of a cluster to start: how many nodes, whether they form a quorum, and extra properties. */
    public static final class Builder {
        private int nodes = 3;
        private int controllers = -1;
        private boolean quorum = true;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<Integer, Map<String, String>> nodeProperties = new HashMap<>();

        private Builder() {
        }

        public Builder nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("At least one node, not " + count);
            }
            this.nodes = count;
            return this;
        }

        /** How many of the nodes (the first ones) are controllers and voters; default {@code min(nodes, 3)}. */
        public Builder controllers(int count) {
            this.controllers = count;
            return this;
        }

        /** No process.roles, voters or CONTROLLER listener: every node is a standalone single-node broker. */
        public Builder withoutQuorum() {
            this.quorum = false;
            return this;
        }

        /** A property for every node, written after the generated ones (so it may replace one). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /** Properties for node {@code node} only, applied last. */
        public Builder nodeProperties(int node, Map<String, String> values) {
            values.forEach((k, v) -> nodeProperty(node, k, v));
            return this;
        }

        /** A property for node {@code node} only, applied last; a null value removes the key from its file. */
        public Builder nodeProperty(int node, String key, String value) {
            nodeProperties.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        /** Chooses the ports, writes every node's file and starts all nodes in parallel; waits until all serve. */
        public ClusterProcesses start() {
            ClusterProcesses cluster = build();
            try {
                cluster.startAll();
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }

        /** Chooses the ports and writes every node's file, starting nothing: see {@link #startAll()}. */
        public ClusterProcesses build() {
            int voters = !quorum ? 0 : controllers < 0 ? Math.min(nodes, 3) : controllers;
            if (quorum && (voters < 1 || voters > nodes)) {
                throw new IllegalArgumentException("Between 1 and " + nodes + " controllers, not " + voters);
            }
            int[] ports = freePorts(2 * nodes);
            Path directory;
            try {
                directory = Files.createTempDirectory("samsa-cluster");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Node> list = new ArrayList<>();
            for (int id = 1; id <= nodes; id++) {
                list.add(new Node(id, ports[2 * (id - 1)], ports[2 * (id - 1) + 1], id <= voters,
                    directory.resolve("node-" + id), directory.resolve("node-" + id + ".properties")));
            }
            String voterList = list.stream().filter(n -> n.controller)
                .map(n -> n.id + "@127.0.0.1:" + n.controllerPort).collect(Collectors.joining(","));
            for (Node node : list) {
                Map<String, String> file = quorum ? quorumProperties(node, voterList) : standaloneProperties(node);
                file.putAll(properties);
                nodeProperties.getOrDefault(node.id, Map.of()).forEach((k, v) -> {
                    if (v == null) {
                        file.remove(k);
                    } else {
                        file.put(k, v);
                    }
                });
                writeProperties(node.propertiesFile, file);
            }
            return new ClusterProcesses(directory, list);
        }

        private static Map<String, String> quorumProperties(Node node, String voters) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("process.roles", node.controller ? "broker,controller" : "broker");
            p.put("node.id", Integer.toString(node.id));
            p.put("controller.quorum.voters", voters);
            p.put("listeners", node.controller
                ? "PLAINTEXT://127.0.0.1:" + node.clientPort + ",CONTROLLER://127.0.0.1:" + node.controllerPort
                : "PLAINTEXT://127.0.0.1:" + node.clientPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.clientPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", node.dataDir.toString());
            return p;
        }

        private static Map<String, String> standaloneProperties(Node node) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("node.id", Integer.toString(node.id));
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + node.clientPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.clientPort);
            p.put("log.dirs", node.dataDir.toString());
            return p;
        }
    }

    /** Starts every node that is not running, in parallel, and waits until each has printed its start-up line. */
    public void startAll() {
        List<Node> starting = nodes.stream().filter(n -> !n.isAlive()).toList();
        for (Node node : starting) {
            launch(node);
        }
        List<String> failures = new ArrayList<>();
        for (Node node : starting) {
            if (!node.awaitServing()) {
                failures.add("node " + node.id + " did not start; its output: " + node.output());
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(String.join("\n", failures));
        }
    }

    /** Every node's PLAINTEXT address, comma-separated, in node order. */
    public String bootstrapServers() {
        StringJoiner joiner = new StringJoiner(",");
        nodes.forEach(n -> joiner.add(n.bootstrapServer()));
        return joiner.toString();
    }

    /** Node {@code n}'s PLAINTEXT address. */
    public String bootstrapServer(int n) {
        return node(n).bootstrapServer();
    }

    public int size() {
        return nodes.size();
    }

    public int clientPort(int n) {
        return node(n).clientPort;
    }

    /** The CONTROLLER port reserved for node {@code n} (in the file only if it is a controller in quorum mode). */
    public int controllerPort(int n) {
        return node(n).controllerPort;
    }

    public Path dataDir(int n) {
        return node(n).dataDir;
    }

    public Path propertiesFile(int n) {
        return node(n).propertiesFile;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. Waits until the process is gone. */
    public void kill(int n) {
        Node node = node(n);
        Process process = node.process();
        process.destroyForcibly();
        waitFor(process, STOP_TIMEOUT_SECONDS);
        node.paused = false;
    }

    /** SIGTERM, the Ctrl-C path: waits for the exit (killing it after 30 s) and returns the exit code. */
    public int stop(int n) {
        Node node = node(n);
        Process process = node.process();
        // Through the handle: Process.destroy() would also close the pipes and lose the last lines.
        process.toHandle().destroy();
        if (node.paused) {
            signal(process, "CONT");
            node.paused = false;
        }
        if (!waitFor(process, STOP_TIMEOUT_SECONDS)) {
            process.destroyForcibly();
            waitFor(process, STOP_TIMEOUT_SECONDS);
        }
        node.awaitOutputEnd();
        return process.exitValue();
    }

    /** SIGSTOP: the JVM freezes with its sockets open, as in a long GC pause or a hung machine. */
    public void pause(int n) {
        Node node = running(n);
        signal(node.process(), "STOP");
        node.paused = true;
    }

    /** SIGCONT after {@link #pause(int)}. */
    public void resume(int n) {
        Node node = running(n);
        signal(node.process(), "CONT");
        node.paused = false;
    }

    public boolean isPaused(int n) {
        return node(n).paused && node(n).isAlive();
    }

    /**
     * Starts node {@code n} again with the same file, ports and data directory, and waits for its start-up line.
     * A node still running is first stopped with SIGTERM.
     */
    public void restart(int n) {
        Node node = node(n);
        if (node.isAlive()) {
            stop(n);
        }
        launch(node);
        if (!node.awaitServing()) {
            throw new IllegalStateException("node " + n + " did not restart; its output: " + node.output());
        }
    }

    /** Deletes node {@code n}'s data directory, as after a lost disk. The node must be down. */
    public void wipe(int n) {
        Node node = node(n);
        if (node.isAlive()) {
            throw new IllegalStateException("node " + n + " is running (pid " + node.process().pid() + ")");
        }
        deleteTree(node.dataDir);
    }

    /** The lines node {@code n} printed (stdout and stderr), over all its runs, in order. */
    public List<String> output(int n) {
        return node(n).output();
    }

    /** The pid of node {@code n}'s current (or last) process. */
    public long pid(int n) {
        return node(n).process().pid();
    }

    public boolean isAlive(int n) {
        return node(n).isAlive();
    }

    /** The pids of every process this object started, alive or not. */
    public List<Long> pidsEverStarted() {
        synchronized (everStarted) {
            return everStarted.stream().map(Process::pid).toList();
        }
    }

    /** Kills every process ever started here (SIGCONT first, for paused ones) and deletes the temporary directory. */
    @Override
    public void close() {
        List<Process> processes;
        synchronized (everStarted) {
            processes = new ArrayList<>(everStarted);
        }
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                // A stopped process takes SIGKILL too, but continuing it first costs nothing and leaves no doubt.
                signal(process, "CONT");
            }
        }
        for (Process process : processes) {
            waitFor(process, STOP_TIMEOUT_SECONDS);
        }
        deleteTree(directory);
    }

    private Node node(int n) {
        if (n < 1 || n > nodes.size()) {
            throw new IllegalArgumentException("No node " + n + "; nodes are 1.." + nodes.size());
        }
        return nodes.get(n - 1);
    }

    private Node running(int n) {
        Node node = node(n);
        if (!node.isAlive()) {
            throw new IllegalStateException("node " + n + " is not running");
        }
        return node;
    }

    private void launch(Node node) {
        List<String> command = List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseSerialGC",
            "-cp", System.getProperty("java.class.path"),
            "io.samsa.tools.SamsaCommand", "server", node.propertiesFile.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (everStarted) {
            everStarted.add(process);
        }
        node.attach(process);
    }

    private static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0 && process.isAlive()) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean waitFor(Process process, long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ports from the operating system, all held open at once so that none is handed out twice. */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // nothing to do: the port was only reserved
                }
            }
        }
    }

    private static void writeProperties(Path file, Map<String, String> properties) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> e : properties.entrySet()) {
                out.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One node: its fixed ports and paths, and its current process with the thread that reads its output. */
    private static final class Node {
        final int id;
        final int clientPort;
        final int controllerPort;
        final boolean controller;
        final Path dataDir;
        final Path propertiesFile;
        private final List<String> output = new ArrayList<>();
        private Process process;
        private Thread reader;
        private CompletableFuture<Boolean> serving;
        boolean paused;

        Node(int id, int clientPort, int controllerPort, boolean controller, Path dataDir, Path propertiesFile) {
            this.id = id;
            this.clientPort = clientPort;
            this.controllerPort = controllerPort;
            this.controller = controller;
            this.dataDir = dataDir;
            this.propertiesFile = propertiesFile;
        }

        String bootstrapServer() {
            return "127.0.0.1:" + clientPort;
        }

        Process process() {
            if (process == null) {
                throw new IllegalStateException("node " + id + " was never started");
            }
            return process;
        }

        boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** Starts reading the new process's output; {@link #awaitServing()} then waits for the start-up line. */
        void attach(Process started) {
            CompletableFuture<Boolean> future = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (output) {
                            output.add(line);
                        }
                        if (line.contains(SERVING)) {
                            future.complete(true);
                        }
                    }
                } catch (IOException e) {
                    // the process ended and its pipe closed
                }
                future.complete(false);
            }, "cluster-node-" + id + "-output");
            thread.setDaemon(true);
            thread.start();
            this.process = started;
            this.reader = thread;
            this.serving = future;
            this.paused = false;
        }

        /** True once the start-up line is printed; false if the process ended first or took over a minute. */
        boolean awaitServing() {
            try {
                return serving.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        }

        /** After an exit: lets the reader take the last lines from the pipe. */
        void awaitOutputEnd() {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        List<String> output() {
            synchronized (output) {
                return new ArrayList<>(output);
            }
        }
    }
}
