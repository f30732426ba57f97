package io.samsa.tools;

import io.samsa.config.ServerConfig;
import io.samsa.server.MetaProperties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * {@code kafka-storage.sh}: Samsa needs no format step (the first quorum chooses the cluster id), but a Kafka user's
 * instructions run it, so it works: {@code random-uuid} prints a new cluster id, {@code format -t ID -c FILE}
 * writes {@code meta.properties} with that id into each log dir that has none (the first quorum then adopts it),
 * {@code info -c FILE} prints what the log dirs hold.
 */
@Command(name = "kafka-storage.sh", usageHelpWidth = 110,
    description = "Kafka's storage tool: random-uuid, format -t <cluster id> -c <server.properties>, info -c <server.properties>.")
public final class StorageCommand {
    @Parameters(index = "0", paramLabel = "<command>", description = "random-uuid, format or info.")
    String command;
    @Option(names = {"-c", "--config"}, paramLabel = "<server.properties>", description = "The broker's configuration file.")
    Path config;
    @Option(names = {"-t", "--cluster-id"}, paramLabel = "<cluster id>", description = "The cluster id to format with.")
    String clusterId;
    @Option(names = {"-g", "--ignore-formatted"}, description = "Skip log dirs that are formatted already.")
    boolean ignoreFormatted;
    @Option(names = {"-s", "--standalone"}, description = "Accepted: a single node needs nothing more.")
    boolean standalone;
    @Option(names = {"-N", "--no-initial-controllers"}, description = "Accepted.")
    boolean noInitialControllers;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    public static void main(String[] args) {
        System.exit(run(args, ToolIo.system()));
    }

    public static int run(String[] args, ToolIo io) {
        StorageCommand options = new StorageCommand();
        OptionalInt early = ToolCommandLine.usageIfEmpty(options, args, io);
        if (early.isEmpty()) {
            early = ToolCommandLine.parse(options, args, io);
        }
        if (early.isPresent()) {
            return early.getAsInt();
        }
        try {
            return switch (options.command) {
                case "random-uuid" -> {
                    io.out().println(Uuid.randomUuid());
                    yield 0;
                }
                case "format" -> options.format(io);
                case "info" -> options.info(io);
                default -> {
                    io.err().println("Unknown command " + options.command + "; use random-uuid, format or info");
                    yield 1;
                }
            };
        } catch (IOException | RuntimeException e) {
            io.err().println("Error: " + e.getMessage());
            return 1;
        }
    }

    private ServerConfig serverConfig() throws IOException {
        if (config == null) {
            throw new IllegalArgumentException("-c <server.properties> is required");
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(config)) {
            props.load(reader);
        }
        try {
            return new ServerConfig(props, false);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("Invalid configuration in " + config + ": " + e.getMessage());
        }
    }

    private int format(ToolIo io) throws IOException {
        if (clusterId == null || clusterId.isBlank()) {
            io.err().println("Error: -t <cluster id> is required (bin/kafka-storage.sh random-uuid makes one)");
            return 1;
        }
        ServerConfig server = serverConfig();
        int formatted = 0;
        for (Path dir : server.logDirs()) {
            Optional<MetaProperties> existing = MetaProperties.load(dir, server.nodeId());
            if (existing.isPresent()) {
                if (!ignoreFormatted) {
                    io.err().println("Log directory " + dir + " is already formatted. Use --ignore-formatted to ignore this"
                        + " directory and format the others.");
                    return 1;
                }
                continue;
            }
            MetaProperties.loadOrCreate(dir, server.nodeId(), clusterId);
            io.out().println("Formatting " + dir + " with cluster id " + clusterId + " (Samsa needs no format step; the"
                + " first quorum adopts this id)");
            formatted++;
        }
        if (formatted == 0 && !ignoreFormatted) {
            io.err().println("No log directory to format");
            return 1;
        }
        return 0;
    }

    private int info(ToolIo io) throws IOException {
        ServerConfig server = serverConfig();
        for (Path dir : server.logDirs()) {
            Optional<MetaProperties> meta = MetaProperties.load(dir, server.nodeId());
            io.out().println(meta.map(m -> "Found log directory:\n  " + dir + "\n\nFound metadata: {cluster.id=" + m.clusterId()
                + ", node.id=" + m.nodeId() + "}").orElse("Log directory " + dir + " is not formatted."));
        }
        return 0;
    }
}
