package io.samsa.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code kafka-consumer-groups.sh}: list, describe (offsets and lag, {@code --members}, {@code --state}), delete, and
 * reset the committed offsets of consumer groups, with Kafka's options and table layouts, through Admin's group APIs.
 * The tables are laid out by {@link ConsumerGroupTables}.
 */
@Command(name = "kafka-consumer-groups.sh", sortOptions = false, usageHelpWidth = 110,
    description = "List, describe, delete and reset the offsets of consumer groups.")
public final class ConsumerGroupsCommand {
    @Option(names = "--bootstrap-server", paramLabel = "<server to connect to>", description = "REQUIRED: host:port[,host:port...].")
    String bootstrapServer;
    @Option(names = "--command-config", paramLabel = "<command config property file>", description = "Admin client properties file.")
    Path commandConfig;
    @Option(names = "--list", description = "List all consumer groups.")
    boolean list;
    @Option(names = "--describe", description = "Describe groups: offsets and lag (default), --members or --state.")
    boolean describe;
    @Option(names = "--delete", description = "Delete groups.")
    boolean delete;
    @Option(names = "--reset-offsets", description = "Reset the committed offsets of an inactive group.")
    boolean resetOffsets;
    @Option(names = "--group", paramLabel = "<group id>", description = "The consumer group id; repeatable.")
    List<String> groups = new ArrayList<>();
    @Option(names = "--all-groups", description = "Apply to all consumer groups.")
    boolean allGroups;
    @Option(names = "--topic", paramLabel = "<topic[:p0,p1]>", description = "With --reset-offsets: a topic, or some of its partitions; repeatable.")
    List<String> topics = new ArrayList<>();
    @Option(names = "--all-topics", description = "With --reset-offsets: every topic the group has offsets for.")
    boolean allTopics;
    @Option(names = "--members", description = "With --describe: the members.")
    boolean members;
    @Option(names = "--offsets", description = "With --describe: offsets and lag (the default).")
    boolean offsets;
    @Option(names = "--state", arity = "0..1", fallbackValue = "", paramLabel = "<states>",
        description = "With --describe: the group's state. With --list: show states, or only groups in these states (comma-separated).")
    String state;
    @Option(names = "--verbose", description = "More columns with --describe.")
    boolean verbose;
    @Option(names = "--to-earliest", description = "Reset to the earliest offset.")
    boolean toEarliest;
    @Option(names = "--to-latest", description = "Reset to the latest offset.")
    boolean toLatest;
    @Option(names = "--to-current", description = "Reset to the current committed offset.")
    boolean toCurrent;
    @Option(names = "--to-offset", paramLabel = "<offset>", description = "Reset to this offset (kept within the log).")
    Long toOffset;
    @Option(names = "--shift-by", paramLabel = "<number-of-offsets>", description = "Move the committed offset by n (negative: back).")
    Long shiftBy;
    @Option(names = "--to-datetime", paramLabel = "<datetime>", description = "Reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone].")
    String toDatetime;
    @Option(names = "--by-duration", paramLabel = "<duration>", description = "Reset to the offset of now minus PnDTnHnMnS.")
    String byDuration;
    @Option(names = "--dry-run", description = "Show the new offsets without changing them (the default).")
    boolean dryRun;
    @Option(names = "--execute", description = "Change the offsets.")
    boolean execute;
    @Option(names = "--timeout", paramLabel = "<timeout (ms)>", description = "How long to wait for a group to answer (default: 5000).")
    long timeoutMs = 5000;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    public static void main(String[] args) {
        System.exit(run(args, ToolIo.system()));
    }

    public static int run(String[] args, ToolIo io) {
        ConsumerGroupsCommand command = new ConsumerGroupsCommand();
        return ToolCommandLine.runWithAdmin(command, args, io, () -> command.checkArgs(io),
            () -> BrokerConnection.admin(command.bootstrapServer, command.commandConfig),
            admin -> command.execute(admin, io),
            e -> "Error: Executing consumer group command failed due to " + e.getMessage());
    }

    private void checkArgs(ToolIo io) {
        int actions = (list ? 1 : 0) + (describe ? 1 : 0) + (delete ? 1 : 0) + (resetOffsets ? 1 : 0);
        if (actions != 1) {
            throw new ToolException("Command must include exactly one action: --list, --describe, --delete, --reset-offsets");
        }
        if (bootstrapServer == null) {
            throw new ToolException("Missing required option: '--bootstrap-server'");
        }
        if ((describe || delete || resetOffsets) && groups.isEmpty() && !allGroups) {
            throw new ToolException("Option --" + (describe ? "describe" : delete ? "delete" : "reset-offsets")
                + " takes one of these options: --all-groups, --group");
        }
        if (allGroups && !groups.isEmpty()) {
            throw new ToolException("Option --all-groups cannot be used with --group");
        }
        if (resetOffsets) {
            int specs = (toEarliest ? 1 : 0) + (toLatest ? 1 : 0) + (toCurrent ? 1 : 0) + (toOffset != null ? 1 : 0)
                + (shiftBy != null ? 1 : 0) + (toDatetime != null ? 1 : 0) + (byDuration != null ? 1 : 0);
            if (specs != 1) {
                throw new ToolException("Option --reset-offsets takes exactly one of these options: --to-datetime, --by-duration, "
                    + "--to-earliest, --to-latest, --shift-by, --to-offset, --to-current");
            }
            if (topics.isEmpty() == !allTopics) {
                throw new ToolException("One of the reset scopes should be defined: --all-topics, --topic.");
            }
            if (dryRun && execute) {
                throw new ToolException("Option --reset-offsets only accepts one of --execute and --dry-run");
            }
            if (!dryRun && !execute) {
                io.err().println("WARN: No action will be performed as the --execute option is missing. "
                    + "In version 5.0, this command will require either --dry-run or --execute to be specified. "
                    + "You should add the --dry-run option explicitly if you are scripting this command and want to keep "
                    + "the current default behavior without prompting.");
            }
        } else if (!topics.isEmpty() && !delete) {
            throw new ToolException("Option --topic can be used with --reset-offsets only");
        }
        if (!describe && (members || offsets || verbose)) {
            throw new ToolException("Options --members, --offsets and --verbose can be used with --describe only");
        }
        if (state != null && !(describe || list)) {
            throw new ToolException("Option --state can be used with --describe or --list only");
        }
        if (describe && (members ? 1 : 0) + (offsets ? 1 : 0) + (state != null ? 1 : 0) > 1) {
            throw new ToolException("Option --describe takes at most one of these options: --members, --offsets, --state");
        }
    }

    private int execute(Admin admin, ToolIo io) {
        if (list) {
            return listGroups(admin, io);
        }
        List<String> targets = allGroups ? allGroupIds(admin) : groups;
        if (delete) {
            return deleteGroups(admin, io, targets);
        }
        if (resetOffsets) {
            return resetGroupOffsets(admin, io, targets);
        }
        return describeGroups(admin, io, targets);
    }

    private List<String> allGroupIds(Admin admin) {
        return BrokerConnection.await(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
            .map(GroupListing::groupId).sorted().toList();
    }

    private int listGroups(Admin admin, ToolIo io) {
        ListGroupsOptions options = ListGroupsOptions.forConsumerGroups();
        Set<GroupState> states = state == null ? Set.of() : parseStates(state);
        if (!states.isEmpty()) {
            options.inGroupStates(states);
        }
        List<GroupListing> listings = new ArrayList<>(BrokerConnection.await(admin.listGroups(options).all()));
        // In the broker's order, as Kafka's tool prints them.
        if (state == null) {
            listings.forEach(l -> io.out().println(l.groupId()));
        } else {
            io.out().print(ConsumerGroupTables.listStateTable(listings));
        }
        return 0;
    }

    static Set<GroupState> parseStates(String text) {
        Set<GroupState> states = new LinkedHashSet<>();
        for (String s : text.split(",")) {
            if (s.isBlank()) {
                continue;
            }
            GroupState parsed = GroupState.parse(s.trim());
            if (parsed == GroupState.UNKNOWN) {
                throw new ToolException("Invalid state list '" + text + "'. Valid states are: "
                    + Arrays.stream(GroupState.values()).filter(g -> g != GroupState.UNKNOWN).map(GroupState::toString)
                        .collect(Collectors.joining(", ")));
            }
            states.add(parsed);
        }
        return states;
    }

    // ---- describe

    private int describeGroups(Admin admin, ToolIo io, List<String> targets) {
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures = admin.describeConsumerGroups(targets,
            new DescribeConsumerGroupsOptions().timeoutMs((int) timeoutMs)).describedGroups();
        int exitCode = 0;
        for (String group : targets) {
            ConsumerGroupDescription description;
            try {
                description = BrokerConnection.await(futures.get(group));
            } catch (GroupIdNotFoundException e) {
                description = null;
            }
            if (description == null || description.groupState() == GroupState.DEAD) {
                io.err().println("Error: Consumer group '" + group + "' does not exist.");
                exitCode = 1;
                continue;
            }
            GroupState groupState = description.groupState();
            if (members) {
                warnAboutState(io, group, groupState);
                io.out().print(ConsumerGroupTables.membersTable(description, verbose));
            } else if (state != null) {
                io.out().print(ConsumerGroupTables.stateTable(description, verbose));
            } else {
                warnAboutState(io, group, groupState);
                io.out().print(ConsumerGroupTables.offsetsTable(offsetRows(admin, description), verbose));
            }
        }
        return exitCode;
    }

    private static void warnAboutState(ToolIo io, String group, GroupState groupState) {
        if (groupState == GroupState.EMPTY) {
            io.err().println("\nConsumer group '" + group + "' has no active members.");
        } else if (groupState == GroupState.PREPARING_REBALANCE || groupState == GroupState.COMPLETING_REBALANCE
            || groupState == GroupState.ASSIGNING || groupState == GroupState.RECONCILING) {
            io.err().println("\nWarning: Consumer group '" + group + "' is rebalancing.");
        }
    }

    private List<ConsumerGroupTables.OffsetRow> offsetRows(Admin admin, ConsumerGroupDescription description) {
        String group = description.groupId();
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
            BrokerConnection.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()));
        committed.values().removeIf(o -> o == null);
        Set<TopicPartition> all = new LinkedHashSet<>(committed.keySet());
        description.members().forEach(m -> all.addAll(m.assignment().topicPartitions()));
        Map<TopicPartition, Long> ends = latestOffsets(admin, all);
        List<ConsumerGroupTables.OffsetRow> rows = new ArrayList<>();
        Set<TopicPartition> assigned = new LinkedHashSet<>();
        List<MemberDescription> sortedMembers = new ArrayList<>(description.members());
        sortedMembers.sort(Comparator.comparing((MemberDescription m) -> m.assignment().topicPartitions().isEmpty())
            .thenComparing(MemberDescription::consumerId));
        for (MemberDescription member : sortedMembers) {
            List<TopicPartition> partitions = sorted(member.assignment().topicPartitions());
            if (partitions.isEmpty()) {
                rows.add(new ConsumerGroupTables.OffsetRow(group, null, null, null, null, null, member.consumerId(), member.host(), member.clientId()));
            }
            for (TopicPartition tp : partitions) {
                assigned.add(tp);
                OffsetAndMetadata offset = committed.get(tp);
                rows.add(new ConsumerGroupTables.OffsetRow(group, tp.topic(), tp.partition(), offset == null ? null : offset.offset(), ends.get(tp),
                    offset == null ? null : offset.leaderEpoch().orElse(null), member.consumerId(), member.host(), member.clientId()));
            }
        }
        for (TopicPartition tp : sorted(committed.keySet())) {
            if (!assigned.contains(tp)) {
                OffsetAndMetadata offset = committed.get(tp);
                rows.add(new ConsumerGroupTables.OffsetRow(group, tp.topic(), tp.partition(), offset.offset(), ends.get(tp),
                    offset.leaderEpoch().orElse(null), null, null, null));
            }
        }
        return rows;
    }

    private static List<TopicPartition> sorted(Set<TopicPartition> partitions) {
        List<TopicPartition> list = new ArrayList<>(partitions);
        list.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return list;
    }

    private static Map<TopicPartition, Long> latestOffsets(Admin admin, Set<TopicPartition> partitions) {
        return listOffsets(admin, partitions, OffsetSpec.latest());
    }

    private static Map<TopicPartition, Long> listOffsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (partitions.isEmpty()) {
            return offsets;
        }
        ListOffsetsResult result = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec)));
        for (TopicPartition tp : partitions) {
            try {
                offsets.put(tp, BrokerConnection.await(result.partitionResult(tp)).offset());
            } catch (KafkaException e) {
                // unknown partition (deleted topic): its log-end offset prints as "-"
            }
        }
        return offsets;
    }

    // ---- delete

    private int deleteGroups(Admin admin, ToolIo io, List<String> targets) {
        Map<String, KafkaFuture<Void>> futures = admin.deleteConsumerGroups(targets).deletedGroups();
        List<String> deleted = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (String group : targets) {
            try {
                BrokerConnection.await(futures.get(group));
                deleted.add(group);
            } catch (KafkaException e) {
                failed.put(group, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (failed.isEmpty()) {
            io.out().println("Deletion of requested consumer groups (" + quoted(deleted) + ") was successful.");
            return 0;
        }
        io.err().println("Deletion of some consumer groups failed:");
        failed.forEach((group, why) -> io.err().println("* Group '" + group + "' could not be deleted due to: " + why));
        if (!deleted.isEmpty()) {
            io.out().println("\nThese consumer groups were deleted successfully: " + quoted(deleted));
        }
        return 1;
    }

    private static String quoted(List<String> groups) {
        return groups.stream().map(g -> "'" + g + "'").collect(Collectors.joining(", "));
    }

    // ---- reset offsets

    private int resetGroupOffsets(Admin admin, ToolIo io, List<String> targets) {
        Map<String, ConsumerGroupDescription> descriptions = BrokerConnection.await(admin.describeConsumerGroups(targets,
            new DescribeConsumerGroupsOptions().timeoutMs((int) timeoutMs)).all());
        Map<String, Map<TopicPartition, Long>> plans = new LinkedHashMap<>();
        for (String group : targets) {
            GroupState groupState = descriptions.get(group).groupState();
            if (groupState != GroupState.EMPTY && groupState != GroupState.DEAD) {
                throw new IllegalStateException("Assignments can only be reset if the group '" + group
                    + "' is inactive, but the current state is " + groupState + ".");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
                BrokerConnection.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()));
            committed.values().removeIf(o -> o == null);
            Map<TopicPartition, Long> plan = newOffsets(admin, partitionsToReset(admin, committed), committed);
            plans.put(group, plan);
            if (execute) {
                Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
                plan.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
                BrokerConnection.await(admin.alterConsumerGroupOffsets(group, commit).all());
            }
        }
        io.out().print(ConsumerGroupTables.resetTable(plans));
        return 0;
    }

    private List<TopicPartition> partitionsToReset(Admin admin, Map<TopicPartition, OffsetAndMetadata> committed) {
        if (allTopics) {
            return sorted(committed.keySet());
        }
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        List<String> wholeTopics = new ArrayList<>();
        for (String spec : topics) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                wholeTopics.add(spec.trim());
                continue;
            }
            String topic = spec.substring(0, colon).trim();
            for (String p : spec.substring(colon + 1).split(",")) {
                try {
                    partitions.add(new TopicPartition(topic, Integer.parseInt(p.trim())));
                } catch (NumberFormatException e) {
                    throw new ToolException("Invalid partition '" + p.trim() + "' in --topic " + spec);
                }
            }
        }
        if (!wholeTopics.isEmpty()) {
            Map<String, TopicDescription> described = BrokerConnection.await(admin.describeTopics(wholeTopics).allTopicNames());
            for (String topic : wholeTopics) {
                described.get(topic).partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
        }
        return sorted(partitions);
    }

    private Map<TopicPartition, Long> newOffsets(Admin admin, List<TopicPartition> partitions,
                                                 Map<TopicPartition, OffsetAndMetadata> committed) {
        Set<TopicPartition> set = new LinkedHashSet<>(partitions);
        Map<TopicPartition, Long> earliest = listOffsets(admin, set, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = listOffsets(admin, set, OffsetSpec.latest());
        Map<TopicPartition, Long> plan = new LinkedHashMap<>();
        Map<TopicPartition, Long> byTime = Map.of();
        if (toDatetime != null || byDuration != null) {
            long timestamp = toDatetime != null ? parseDatetime(toDatetime) : Instant.now().minus(parseDuration(byDuration)).toEpochMilli();
            byTime = listOffsets(admin, set, OffsetSpec.forTimestamp(timestamp));
        }
        for (TopicPartition tp : partitions) {
            Long low = earliest.get(tp);
            Long high = latest.get(tp);
            if (low == null || high == null) {
                throw new ToolException("Cannot find offsets of partition " + tp + ": does the topic exist?");
            }
            long target;
            if (toEarliest) {
                target = low;
            } else if (toLatest) {
                target = high;
            } else if (toOffset != null) {
                target = toOffset;
            } else if (shiftBy != null) {
                OffsetAndMetadata current = committed.get(tp);
                target = (current == null ? high : current.offset()) + shiftBy;
            } else if (toCurrent) {
                OffsetAndMetadata current = committed.get(tp);
                target = current == null ? high : current.offset();
            } else {
                Long found = byTime.get(tp);
                target = found == null || found < 0 ? high : found;
            }
            plan.put(tp, Math.max(low, Math.min(high, target)));
        }
        return plan;
    }

    static long parseDatetime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new ToolException("Error parsing timestamp '" + text + "': expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone like Z or +01:00");
            }
        }
    }

    static Duration parseDuration(String text) {
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new ToolException("Error parsing duration '" + text + "': expected PnDTnHnMnS");
        }
    }


}
