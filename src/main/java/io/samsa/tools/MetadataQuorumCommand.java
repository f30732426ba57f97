package io.samsa.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * {@code kafka-metadata-quorum.sh describe --status | --replication [--human-readable]}: the metadata quorum's leader,
 * epoch, high watermark and each voter's progress, through DescribeQuorum, printed as Kafka's tool prints them.
 */
@Command(name = "kafka-metadata-quorum.sh", sortOptions = false, usageHelpWidth = 110,
    description = "Describe the metadata quorum: its leader and how far each voter has replicated the metadata log.")
public final class MetadataQuorumCommand {
    @Option(names = "--bootstrap-server", paramLabel = "<host:port>", description = "REQUIRED: the broker(s) to connect to, host:port[,host:port...].")
    String bootstrapServer;
    @Option(names = "--bootstrap-controller", paramLabel = "<host:port>", description = "Not supported: controllers here serve only the quorum; use --bootstrap-server.")
    String bootstrapController;
    @Option(names = "--command-config", paramLabel = "<file>", description = "Admin client properties file.")
    Path commandConfig;
    @Parameters(paramLabel = "describe", arity = "0..1", description = "The command: describe.")
    String command;
    @Option(names = "--status", description = "With describe: a summary of the quorum.")
    boolean status;
    @Option(names = "--replication", description = "With describe: each voter's and observer's replication progress.")
    boolean replication;
    @Option(names = "--human-readable", description = "With --replication: times as 'N ms ago'.")
    boolean humanReadable;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    public static void main(String[] args) {
        System.exit(run(args, ToolIo.system()));
    }

    /** Runs the tool as the command line would, returning the exit code. */
    public static int run(String[] args, ToolIo io) {
        MetadataQuorumCommand command = new MetadataQuorumCommand();
        return ToolCommandLine.runWithAdmin(command, args, io, command::checkArgs,
            () -> BrokerConnection.admin(command.bootstrapServer, command.commandConfig),
            admin -> {
                QuorumInfo quorum = BrokerConnection.await(admin.describeMetadataQuorum().quorumInfo());
                if (command.status) {
                    String clusterId = BrokerConnection.await(admin.describeCluster().clusterId());
                    io.out().println(statusText(clusterId, quorum));
                } else {
                    io.out().print(replicationTable(quorum, command.humanReadable, System.currentTimeMillis()));
                }
                return 0;
            },
            RuntimeException::getMessage);
    }

    private void checkArgs() {
        if (bootstrapController != null) {
            throw new ToolException("--bootstrap-controller is not supported: Samsa's controller listeners serve only "
                + "the metadata quorum; use --bootstrap-server");
        }
        if (bootstrapServer == null) {
            throw new ToolException("--bootstrap-server must be specified");
        }
        if (!"describe".equals(command)) {
            throw new ToolException(command == null ? "A command is required: describe"
                : "Unknown command '" + command + "': the command is describe");
        }
        if (status && replication) {
            throw new ToolException("Only one of --status or --replication should be specified with describe sub-command");
        }
        if (!status && !replication) {
            throw new ToolException("One of --status or --replication must be specified with describe sub-command");
        }
        if (status && humanReadable) {
            throw new ToolException("The option --human-readable is only supported along with --replication");
        }
    }

    private static QuorumInfo.ReplicaState leaderOf(QuorumInfo quorum) {
        return quorum.voters().stream().filter(v -> v.replicaId() == quorum.leaderId()).findFirst()
            .orElseThrow(() -> new ToolException("The quorum's leader " + quorum.leaderId() + " is not among its voters"));
    }

    /** The --status summary: one "Name:" line per fact, values aligned in one column, as Kafka's tool has it. */
    static String statusText(String clusterId, QuorumInfo quorum) {
        QuorumInfo.ReplicaState leader = leaderOf(quorum);
        QuorumInfo.ReplicaState furthestBehind = quorum.voters().stream()
            .min(Comparator.comparingLong(QuorumInfo.ReplicaState::logEndOffset)).orElse(leader);
        long lagTimeMs;
        if (furthestBehind == leader) {
            lagTimeMs = 0;
        } else if (leader.lastCaughtUpTimestamp().isPresent() && furthestBehind.lastCaughtUpTimestamp().isPresent()) {
            lagTimeMs = leader.lastCaughtUpTimestamp().getAsLong() - furthestBehind.lastCaughtUpTimestamp().getAsLong();
        } else {
            lagTimeMs = -1;
        }
        List<String[]> lines = List.of(
            new String[] {"ClusterId:", clusterId},
            new String[] {"LeaderId:", String.valueOf(quorum.leaderId())},
            new String[] {"LeaderEpoch:", String.valueOf(quorum.leaderEpoch())},
            new String[] {"HighWatermark:", String.valueOf(quorum.highWatermark())},
            new String[] {"MaxFollowerLag:", String.valueOf(leader.logEndOffset() - furthestBehind.logEndOffset())},
            new String[] {"MaxFollowerLagTimeMs:", String.valueOf(lagTimeMs)},
            new String[] {"CurrentVoters:", replicaList(quorum, quorum.voters())},
            new String[] {"CurrentObservers:", replicaList(quorum, quorum.observers())});
        return lines.stream().map(l -> String.format("%-24s%s", l[0], l[1])).collect(Collectors.joining("\n"));
    }

    /** {@code [{"id": 1, "endpoints": ["CONTROLLER://host:port"]}, ...]}: a JSON-like list of the replicas. */
    private static String replicaList(QuorumInfo quorum, List<QuorumInfo.ReplicaState> replicas) {
        List<String> entries = new ArrayList<>();
        for (QuorumInfo.ReplicaState replica : replicas) {
            StringBuilder entry = new StringBuilder("{\"id\": ").append(replica.replicaId());
            if (!replica.replicaDirectoryId().equals(org.apache.kafka.common.Uuid.ZERO_UUID)) {
                entry.append(", \"directoryId\": \"").append(replica.replicaDirectoryId()).append('"');
            }
            QuorumInfo.Node node = quorum.nodes().get(replica.replicaId());
            List<RaftVoterEndpoint> endpoints = node == null ? List.of() : node.endpoints();
            if (!endpoints.isEmpty()) {
                entry.append(", \"endpoints\": [")
                    .append(endpoints.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", ")))
                    .append(']');
            }
            entries.add(entry.append('}').toString());
        }
        return "[" + String.join(", ", entries) + "]";
    }

    /**
     * The --replication table: leader, other voters, observers; each column as wide as its widest cell, every cell
     * followed by a tab.
     */
    static String replicationTable(QuorumInfo quorum, boolean humanReadable, long nowMs) {
        QuorumInfo.ReplicaState leader = leaderOf(quorum);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NodeId", "DirectoryId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"));
        rows.add(row(leader, leader, "Leader", humanReadable, nowMs));
        quorum.voters().stream().filter(v -> v.replicaId() != quorum.leaderId())
            .forEach(v -> rows.add(row(leader, v, "Follower", humanReadable, nowMs)));
        quorum.observers().forEach(o -> rows.add(row(leader, o, "Observer", humanReadable, nowMs)));
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                table.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length())).append('\t');
            }
            table.append('\n');
        }
        return table.toString();
    }

    private static List<String> row(QuorumInfo.ReplicaState leader, QuorumInfo.ReplicaState replica, String status,
                                    boolean humanReadable, long nowMs) {
        return List.of(String.valueOf(replica.replicaId()), replica.replicaDirectoryId().toString(),
            String.valueOf(replica.logEndOffset()), String.valueOf(leader.logEndOffset() - replica.logEndOffset()),
            time(replica.lastFetchTimestamp(), humanReadable, nowMs, "last fetch"),
            time(replica.lastCaughtUpTimestamp(), humanReadable, nowMs, "last caught up"), status);
    }

    private static String time(OptionalLong timestamp, boolean humanReadable, long nowMs, String what) {
        if (timestamp.isEmpty()) {
            return "-1";
        }
        if (!humanReadable) {
            return String.valueOf(timestamp.getAsLong());
        }
        long ago = nowMs - timestamp.getAsLong();
        if (timestamp.getAsLong() <= 0 || ago < 0) {
            throw new ToolException("Error while computing relative time, possible drift in system clock.\n"
                + "Current timestamp is " + nowMs + ", " + what + " timestamp is " + timestamp.getAsLong());
        }
        return ago + " ms ago";
    }
}
