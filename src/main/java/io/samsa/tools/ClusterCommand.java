package io.samsa.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code samsa cluster start [--brokers 3] [--data ./data] [--base-port 9092]}: a cluster on one machine. Each node
 * is a child process {@code samsa server <data>/node-N/server.properties}, its file written here with Kafka's KRaft
 * settings (node N: PLAINTEXT on base+2(N-1), CONTROLLER on the port after it, data in {@code <data>/node-N/logs}).
 * The first three nodes are combined broker-controllers and the quorum's voters; any further ones are brokers.
 * The children's output is shown prefixed with {@code [node-N]}; Ctrl-C stops them all with SIGTERM.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, subcommands = ClusterCommand.Start.class,
    description = "Run a cluster of Samsa nodes on this machine.")
public final class ClusterCommand implements Runnable {
    static final int MAX_VOTERS = 3;
    static final String HOST = "127.0.0.1";
    /** How long a child may take to exit after SIGTERM before it is killed. */
    private static final long STOP_TIMEOUT_SECONDS = 30;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** One node of the laptop cluster: its id, role, ports and directory. */
    record Node(int id, boolean controller, int clientPort, int controllerPort, Path dir) {
        String name() {
            return "node-" + id;
        }

        Path propertiesFile() {
            return dir.resolve("server.properties");
        }

        Path logDir() {
            return dir.resolve("logs");
        }

        String clientAddress() {
            return HOST + ":" + clientPort;
        }

        String controllerAddress() {
            return HOST + ":" + controllerPort;
        }
    }

    /** The nodes of a cluster of {@code brokers} nodes in {@code data}, node N on ports base+2(N-1) and the next. */
    static List<Node> plan(int brokers, Path data, int basePort) {
        if (brokers < 1) {
            throw new IllegalArgumentException("--brokers must be at least 1, not " + brokers);
        }
        if (basePort < 1 || basePort + 2 * brokers - 1 > 65535) {
            throw new IllegalArgumentException("--base-port " + basePort + " leaves no room for " + brokers
                + " nodes of two ports each below 65536");
        }
        List<Node> nodes = new ArrayList<>();
        for (int id = 1; id <= brokers; id++) {
            int client = basePort + 2 * (id - 1);
            nodes.add(new Node(id, id <= MAX_VOTERS, client, client + 1, data.resolve("node-" + id)));
        }
        return nodes;
    }

    /** The server.properties of {@code node}, in the order a Kafka user writes them. */
    static Map<String, String> properties(Node node, List<Node> cluster) {
        String voters = cluster.stream().filter(Node::controller)
            .map(n -> n.id() + "@" + n.controllerAddress()).collect(Collectors.joining(","));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", node.controller() ? "broker,controller" : "broker");
        p.put("node.id", Integer.toString(node.id()));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", node.controller()
            ? "PLAINTEXT://" + node.clientAddress() + ",CONTROLLER://" + node.controllerAddress()
            : "PLAINTEXT://" + node.clientAddress());
        p.put("advertised.listeners", "PLAINTEXT://" + node.clientAddress());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", node.logDir().toAbsolutePath().normalize().toString());
        return p;
    }

    /** Creates each node's directory and (re)writes its server.properties. */
    static void writeConfigs(List<Node> cluster) throws IOException {
        for (Node node : cluster) {
            Files.createDirectories(node.dir());
            try (Writer out = Files.newBufferedWriter(node.propertiesFile(), StandardCharsets.UTF_8)) {
                out.write("# " + node.name() + " of a " + cluster.size() + "-node cluster on this machine, written by"
                    + " `samsa cluster start` at every start.\n");
                for (Map.Entry<String, String> e : properties(node, cluster).entrySet()) {
                    out.write(e.getKey() + "=" + e.getValue() + "\n");
                }
            }
        }
    }

    /**
     * A single broker whose data directory is {@code data} would take {@code node-1} there for partition 1 of a
     * topic "node" and move it aside; so node directories do not go into a broker's data directory.
     */
    static boolean isBrokerDataDir(Path data) {
        return Files.exists(data.resolve("meta.properties")) || Files.exists(data.resolve("__cluster_metadata-0"));
    }

    /** The one line that says node {@code node} is up. */
    static String upLine(Node node) {
        return String.format("%-7s PLAINTEXT %s  %s  data %s", node.name(), node.clientAddress(),
            node.controller() ? "CONTROLLER " + node.controllerAddress() : "(broker only)", node.dir());
    }

    /**
     * The command that starts one node: {@code bin/samsa server <file>} from SAMSA_HOME or from the installation
     * this class was loaded from, else this JVM's java with this JVM's class path.
     */
    static List<String> serverCommand(Path propertiesFile) {
        Path launcher = findLauncher();
        if (launcher != null) {
            return List.of(launcher.toString(), "server", propertiesFile.toString());
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            SamsaCommand.class.getName(), "server", propertiesFile.toString());
    }

    private static Path findLauncher() {
        String home = System.getenv("SAMSA_HOME");
        if (home != null && !home.isBlank()) {
            Path launcher = Path.of(home, "bin", "samsa");
            if (Files.isExecutable(launcher)) {
                return launcher;
            }
        }
        try {
            // target/classes or target/samsa-<version>.jar: the installation is two levels up.
            Path code = Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path installation = code.getParent() == null ? null : code.getParent().getParent();
            if (installation != null && Files.isExecutable(installation.resolve("bin").resolve("samsa"))) {
                return installation.resolve("bin").resolve("samsa");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no usable code location: fall back to java
        }
        return null;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start a cluster on this machine and show every node's output; Ctrl-C stops it.",
            "Node N listens on 127.0.0.1: PLAINTEXT on base-port+2(N-1), CONTROLLER on the",
            "next port. Nodes 1-3 are broker and controller (the quorum), the rest brokers.",
            "Each node's server.properties and data are in <data>/node-N."})
    static final class Start implements Callable<Integer> {
        @Option(names = "--brokers", paramLabel = "<n>", description = "Number of nodes. Default: ${DEFAULT-VALUE}.")
        int brokers = 3;
        @Option(names = "--data", paramLabel = "<dir>", description = "Parent of the node directories. Default: ${DEFAULT-VALUE}.")
        Path data = Path.of("./data");
        @Option(names = "--base-port", paramLabel = "<port>", description = "Node 1's PLAINTEXT port. Default: ${DEFAULT-VALUE}.")
        int basePort = 9092;

        @Override
        public Integer call() throws Exception {
            return run(ToolIo.system());
        }

        int run(ToolIo io) throws IOException, InterruptedException {
            List<Node> cluster;
            try {
                cluster = plan(brokers, data, basePort);
            } catch (IllegalArgumentException e) {
                io.err().println(e.getMessage());
                return 1;
            }
            if (isBrokerDataDir(data)) {
                io.err().println(data + " is a single broker's data directory; its next start would move the node"
                    + " directories aside. Choose another --data, e.g. --data ./cluster-data");
                return 1;
            }
            for (Node node : cluster) {
                for (int port : node.controller() ? List.of(node.clientPort(), node.controllerPort()) : List.of(node.clientPort())) {
                    if (!isFree(port)) {
                        io.err().println("Port " + port + " of " + node.name() + " is in use (a broker already running?);"
                            + " stop it or choose another --base-port");
                        return 1;
                    }
                }
            }
            writeConfigs(cluster);
            return new RunningNodes(cluster, io.out()).runUntilStopped();
        }
    }

    private static String exitCode(Process process) {
        try {
            return process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The child processes of a started cluster: their output copied with a prefix, an up line each, and SIGTERM to
     * all of them when this JVM is asked to stop. A node that exits before it is up stops the others; one that
     * exits later (killed to watch a failover) is reported and the rest keep running.
     */
    private static final class RunningNodes {
        private final List<Node> nodes;
        private final PrintStream out;
        private final List<Process> processes = new ArrayList<>();
        private final List<Thread> pumps = new ArrayList<>();
        private final CountDownLatch allUp;
        private volatile boolean stopping;
        private volatile boolean failedToStart;

        RunningNodes(List<Node> nodes, PrintStream out) {
            this.nodes = nodes;
            this.out = out;
            this.allUp = new CountDownLatch(nodes.size());
        }

        int runUntilStopped() throws InterruptedException {
            Thread hook = new Thread(this::stopAll, "samsa-cluster-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            for (Node node : nodes) {
                ProcessBuilder builder = new ProcessBuilder(serverCommand(node.propertiesFile())).redirectErrorStream(true);
                // This installation is built (it is running): no child starts a build of its own at the same time.
                builder.environment().put("SAMSA_SKIP_BUILD", "1");
                Process process;
                try {
                    process = builder.start();
                } catch (IOException e) {
                    out.println("Cannot start " + node.name() + ": " + e.getMessage());
                    stopAll();
                    return 1;
                }
                synchronized (processes) {
                    processes.add(process);
                    pumps.add(pump(node, process));
                }
            }
            boolean failed = false;
            for (int i = 0; i < nodes.size(); i++) {
                int code = processes.get(i).waitFor();
                pumps.get(i).join(TimeUnit.SECONDS.toMillis(5));
                failed |= !stopping && code != 0;
            }
            return failed || failedToStart ? 1 : 0;
        }

        private Thread pump(Node node, Process process) {
            String prefix = "[" + node.name() + "] ";
            Thread thread = new Thread(() -> {
                boolean up = false;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        out.println(prefix + line);
                        if (!up && line.contains(" serving ")) {
                            up = true;
                            nodeUp(node);
                        }
                    }
                } catch (IOException e) {
                    // the child ended and its pipe closed
                }
                if (stopping) {
                    return;
                }
                if (!up) {
                    failedToStart = true;
                    out.println(node.name() + " stopped before it was up; stopping the cluster");
                    new Thread(this::stopAll, "samsa-cluster-stop").start();
                } else {
                    out.println(prefix + "exited with code " + exitCode(process) + "; the other nodes keep running");
                }
            }, "samsa-cluster-" + node.name());
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private void nodeUp(Node node) {
            synchronized (out) {
                out.println(upLine(node));
                allUp.countDown();
                if (allUp.getCount() == 0) {
                    out.println("cluster of " + nodes.size() + " up: --bootstrap-server "
                        + nodes.stream().map(Node::clientAddress).collect(Collectors.joining(","))
                        + "  (Ctrl-C stops every node)");
                }
            }
        }

        /** SIGTERM to every child, then a wait for each (SIGKILL after 30 s). Runs once; later calls wait too. */
        private synchronized void stopAll() {
            stopping = true;
            List<Process> started;
            List<Thread> readers;
            synchronized (processes) {
                started = new ArrayList<>(processes);
                readers = new ArrayList<>(pumps);
            }
            // Through the handle: Process.destroy() would close the pipes and lose the children's last lines.
            started.forEach(p -> p.toHandle().destroy());
            for (Process p : started) {
                try {
                    if (!p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            for (Thread pump : readers) {
                try {
                    pump.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
