package io.samsa.tools;

import io.samsa.config.ServerConfig;
import io.samsa.network.NetworkServer;
import io.samsa.protocol.RequestDispatcher;
import io.samsa.server.Broker;
import io.samsa.server.ConsoleLogProvider;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code samsa server [server.properties] [--override key=value]…}: reads the configuration and runs a broker
 * until SIGTERM.
 *
 * <p>Its arguments are parsed by hand, not by picocli: picocli's class files predate Java 6, so the class-data
 * sharing archive cannot hold them and loading them costs a broker about a third of its start-up. Help and
 * anything this parser does not recognise go to {@link SamsaCommand}, which prints picocli's usage and errors.
 */
public final class ServerCommand {

    /** The file and overrides of a {@code server} command line. */
    record Arguments(Path propertiesFile, List<String> overrides) {
    }

    private static final String NETTY_JFR = "io.netty.jfr.enabled";
    private static final String SLF4J_PROVIDER = "slf4j.provider";
    private static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    private ServerCommand() {
    }

    /**
     * The arguments after {@code server}, or empty when they hold an option this parser does not know
     * ({@code --help}, a typo, a second file), which picocli then reports.
     */
    static Optional<Arguments> parse(List<String> args) {
        Path file = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--override") && i + 1 < args.size()) {
                overrides.add(args.get(++i));
            } else if (arg.startsWith("--override=")) {
                overrides.add(arg.substring("--override=".length()));
            } else if (arg.startsWith("-") || file != null) {
                return Optional.empty();
            } else {
                file = Path.of(arg);
            }
        }
        return Optional.of(new Arguments(file, overrides));
    }

    /**
     * Loading kafka-clients' protocol tables and the network transport takes a third of start-up and needs nothing
     * from the configuration: a second core does it while this thread reads the configuration and the log. The
     * first random UUID (a new cluster's id) initialises the JDK's security providers, as slow. Both start only
     * once logging is up: while SLF4J initialises, a second thread asking for a logger (kafka-clients' classes do
     * in their static initialisers) does not wait but gets a substitute, and the first thread's answer is then a
     * substitute too; what is logged through one is replayed later under a warning on the console.
     */
    private static void startPreloading() {
        // Netty 4.2 declares Flight Recorder events for its allocator; registering them costs ~100 ms of start-up
        // (annotation proxies, generated handlers) even when no recording runs. -Dio.netty.jfr.enabled=true keeps them.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        // The broker's binding, named so that SLF4J does not search the class path for one; SLF4J's note that it
        // loads a named binding is left out (its warnings still show).
        if (System.getProperty(SLF4J_PROVIDER) == null) {
            System.setProperty(SLF4J_PROVIDER, ConsoleLogProvider.class.getName());
            if (System.getProperty(SLF4J_VERBOSITY) == null) {
                System.setProperty(SLF4J_VERBOSITY, "WARN");
            }
        }
        LoggerFactory.getILoggerFactory();
        startDaemon("samsa-preload-protocol", () -> {
            RequestDispatcher.loadApiTable();
            UUID.randomUUID();
        });
        startDaemon("samsa-preload-network", NetworkServer::loadTransport);
    }

    private static void startDaemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs the broker until the JVM is asked to stop; returns the exit code of a failed start. */
    static int run(Arguments args) throws IOException, InterruptedException {
        startPreloading();
        Map<String, Object> props = new LinkedHashMap<>();
        Path propertiesFile = args.propertiesFile();
        if (propertiesFile != null) {
            if (!Files.isReadable(propertiesFile)) {
                System.err.println("Cannot read " + propertiesFile);
                return 1;
            }
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile)) {
                file.load(reader);
            }
            file.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v).trim()));
        }
        for (String override : args.overrides()) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                System.err.println("--override expects key=value, got: " + override);
                return 1;
            }
            props.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        ServerConfig config;
        try {
            config = new ServerConfig(props);
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 1;
        }
        Broker broker = new Broker(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            System.out.println("Samsa stopped");
            System.out.flush();
            stopped.countDown();
        }, "samsa-shutdown"));
        try {
            broker.start();
        } catch (IOException | RuntimeException e) {
            System.err.println("Samsa failed to start: " + e.getMessage());
            broker.close();
            return 1;
        }
        String dataDirs = config.logDirs().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList().toString();
        if (broker.boundEndpoints().isEmpty()) {
            // process.roles=controller: a voter of the metadata quorum that serves no clients.
            System.out.println("Samsa " + SamsaCommand.version() + " serving as a controller of the metadata quorum, data in "
                + dataDirs + ", cluster id " + broker.clusterId());
        } else {
            System.out.println("Samsa " + SamsaCommand.version() + " serving " + broker.boundEndpoints()
                + " (advertised " + broker.advertisedEndpoints().values() + "), data in " + dataDirs
                + ", cluster id " + broker.clusterId());
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
