package io.samsa.tools;

import ch.qos.logback.classic.LoggerContext;
import io.samsa.network.NetworkServer;
import io.samsa.protocol.RequestDispatcher;
import io.samsa.server.ConsoleLogConfigurator;
import io.samsa.server.ConsoleLogProvider;
import io.samsa.server.EmbeddedBroker;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The training run of the build's class-data-sharing archive: runs each tool once against an embedded broker so
 * that {@code -XX:ArchiveClassesAtExit} records the classes they load, and {@code bin/samsa-run-class} starts the
 * tools from that archive. Not a tool itself.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) {
        exerciseServerStartUp();
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            String bs = broker.bootstrapServers();
            run(TopicsCommand::run, "", "--bootstrap-server", bs, "--create", "--topic", "training", "--partitions", "2");
            run(TopicsCommand::run, "", "--bootstrap-server", bs, "--list");
            run(TopicsCommand::run, "", "--bootstrap-server", bs, "--describe", "--topic", "training");
            run(TopicsCommand::run, "", "--bootstrap-server", bs, "--alter", "--topic", "training", "--partitions", "3");
            run(ConsoleProducerCommand::run, "k\tv\nk2\tv2\n", "--bootstrap-server", bs, "--topic", "training",
                "--property", "parse.key=true", "--compression-codec", "lz4");
            run(ConsoleConsumerCommand::run, "", "--bootstrap-server", bs, "--topic", "training", "--partition", "0",
                "--offset", "earliest", "--timeout-ms", "500", "--property", "print.key=true");
            run(ConfigsCommand::run, "", "--bootstrap-server", bs, "--entity-type", "topics", "--entity-name", "training", "--describe");
            run(ConfigsCommand::run, "", "--bootstrap-server", bs, "--entity-type", "topics", "--entity-name", "training",
                "--alter", "--add-config", "retention.ms=100000");
            run(TopicsCommand::run, "", "--bootstrap-server", bs, "--delete", "--topic", "training");
            run(TopicsCommand::run, "", "--help");
            run(BrokerApiVersionsCommand::run, "", "--bootstrap-server", bs);
            // A single broker has no quorum: the tool's error path, with the admin call it makes on a cluster.
            run(MetadataQuorumCommand::run, "", "--bootstrap-server", bs, "describe", "--status");
        }
    }

    /**
     * The classes {@code samsa server} loads before the broker itself, which an embedded broker does not: its
     * argument parser, the preloading, and the built-in console logging (on a private logging context, so the
     * training's own logging stays as the tools have it). One line goes to stderr.
     */
    private static void exerciseServerStartUp() {
        ServerCommand.parse(List.of("server.properties", "--override", "a=b", "--override=c=d"));
        NetworkServer.loadTransport();
        RequestDispatcher.loadApiTable();
        UUID.randomUUID();
        new ConsoleLogProvider().getRequestedApiVersion();
        LoggerContext context = new LoggerContext();
        ConsoleLogConfigurator.configureConsole(context);
        context.getLogger(CdsTraining.class).info("class-data-sharing training of the broker's {}", "console logging");
        context.stop();
    }

    private static void run(BiFunction<String[], ToolIo, Integer> tool, String stdin, String... args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        tool.apply(args, new ToolIo(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), nowhere, nowhere));
    }
}
