package io.samsa.tools;

import io.samsa.cluster.BrokerChannel;
import org.apache.kafka.clients.NodeApiVersions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * {@code kafka-broker-api-versions.sh}: every broker of the cluster and the API version ranges it advertises, next to
 * the ones this tool's kafka-clients knows, in the lines Kafka's tool prints.
 */
@Command(name = "kafka-broker-api-versions.sh", sortOptions = false, usageHelpWidth = 110,
    description = "Print the API versions each broker of the cluster supports.")
public final class BrokerApiVersionsCommand {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;

    @Option(names = "--bootstrap-server", paramLabel = "<server(s) to use for bootstrapping>", description = "REQUIRED: the server to connect to.")
    String bootstrapServer;
    @Option(names = "--command-config", paramLabel = "<command config property file>", description = "Admin client properties file.")
    Path commandConfig;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    public static void main(String[] args) {
        System.exit(run(args, ToolIo.system()));
    }

    /** Runs the tool as the command line would, returning the exit code. */
    public static int run(String[] args, ToolIo io) {
        BrokerApiVersionsCommand command = new BrokerApiVersionsCommand();
        return ToolCommandLine.runWithAdmin(command, args, io, command::checkArgs,
            () -> BrokerConnection.admin(command.bootstrapServer, command.commandConfig),
            admin -> {
                List<Node> brokers = BrokerConnection.await(admin.describeCluster().nodes()).stream()
                    .sorted(Comparator.comparingInt(Node::id)).toList();
                for (Node broker : brokers) {
                    io.out().print(broker + " -> " + versionsOf(broker) + "\n");
                }
                return 0;
            },
            RuntimeException::getMessage);
    }

    private void checkArgs() {
        if (bootstrapServer == null) {
            throw new ToolException("Missing required argument \"[bootstrap-server]\"");
        }
    }

    /** The broker's ranges as kafka-clients renders them, or {@code ERROR: <reason>} when it could not be asked. */
    private static String versionsOf(Node broker) {
        try (BrokerChannel channel = new BrokerChannel(broker.host(), broker.port(), "kafka-broker-api-versions",
            CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS)) {
            ApiVersionsResponse response = (ApiVersionsResponse) channel.send(new ApiVersionsRequest.Builder().build());
            Errors error = Errors.forCode(response.data().errorCode());
            if (error != Errors.NONE) {
                return "ERROR: " + error.message();
            }
            return new NodeApiVersions(response.data().apiKeys(), response.data().supportedFeatures(),
                response.data().finalizedFeatures(), response.data().finalizedFeaturesEpoch()).toString(true);
        } catch (IOException | RuntimeException e) {
            return "ERROR: " + e.getMessage();
        }
    }
}
