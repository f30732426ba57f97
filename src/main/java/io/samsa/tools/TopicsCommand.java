package io.samsa.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TopicListing;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * {@code kafka-topics.sh}: create, list, describe, alter and delete topics with Kafka's options, output lines and
 * exit codes, through kafka-clients' Admin.
 */
@Command(name = "kafka-topics.sh", sortOptions = false, usageHelpWidth = 110,
    description = "Create, delete, describe, or change a topic.")
public final class TopicsCommand {
    static final String ERROR_PREFIX = "Error while executing topic command : ";

    @Option(names = "--bootstrap-server", paramLabel = "<server to connect to>", description = "REQUIRED: the broker(s) to connect to, host:port[,host:port...].")
    String bootstrapServer;
    @Option(names = "--command-config", paramLabel = "<file>", description = "Admin client properties file.")
    Path commandConfig;
    @Option(names = "--list", description = "List all available topics.")
    boolean list;
    @Option(names = "--describe", description = "List details for the given topics.")
    boolean describe;
    @Option(names = "--create", description = "Create a new topic.")
    boolean create;
    @Option(names = "--alter", description = "Alter the number of partitions of a topic.")
    boolean alter;
    @Option(names = "--delete", description = "Delete a topic.")
    boolean delete;
    @Option(names = "--topic", paramLabel = "<topic>", description = "The topic to create, alter, describe or delete; a regular expression except with --create.")
    String topic;
    @Option(names = "--partitions", paramLabel = "<# of partitions>", description = "The number of partitions (--create, --alter); the broker default when absent.")
    Integer partitions;
    @Option(names = "--replication-factor", paramLabel = "<replication factor>", description = "The replication factor (--create); the broker default when absent.")
    Integer replicationFactor;
    @Option(names = "--replica-assignment", paramLabel = "<p0r1:p0r2,p1r1:p1r2,...>", description = "Manual partition-to-broker assignment (--create, --alter).")
    String replicaAssignment;
    @Option(names = "--config", paramLabel = "<name=value>", description = "A topic config override (--create); repeatable.")
    List<String> configs = new ArrayList<>();
    @Option(names = "--if-exists", description = "With --alter, --describe or --delete: do nothing when the topic does not exist.")
    boolean ifExists;
    @Option(names = "--if-not-exists", description = "With --create: succeed when the topic already exists.")
    boolean ifNotExists;
    @Option(names = "--exclude-internal", description = "Leave internal topics out of --list and --describe.")
    boolean excludeInternal;
    @Option(names = "--topics-with-overrides", description = "With --describe: only topics that have overridden configs.")
    boolean topicsWithOverrides;
    @Option(names = "--under-replicated-partitions", description = "With --describe: only under-replicated partitions.")
    boolean underReplicatedPartitions;
    @Option(names = "--unavailable-partitions", description = "With --describe: only partitions without a leader.")
    boolean unavailablePartitions;
    @Option(names = "--under-min-isr-partitions", description = "With --describe: only partitions whose ISR is smaller than min.insync.replicas.")
    boolean underMinIsrPartitions;
    @Option(names = "--at-min-isr-partitions", description = "With --describe: only partitions whose ISR equals min.insync.replicas.")
    boolean atMinIsrPartitions;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    public static void main(String[] args) {
        System.exit(run(args, ToolIo.system()));
    }

    /** Runs the tool as the command line would, returning the exit code. */
    public static int run(String[] args, ToolIo io) {
        TopicsCommand command = new TopicsCommand();
        return ToolCommandLine.runWithAdmin(command, args, io, command::checkArgs,
            () -> BrokerConnection.admin(command.bootstrapServer, command.commandConfig),
            admin -> {
                command.execute(admin, io);
                return 0;
            },
            e -> ERROR_PREFIX + e.getMessage());
    }

    private void checkArgs() {
        int actions = (list ? 1 : 0) + (describe ? 1 : 0) + (create ? 1 : 0) + (alter ? 1 : 0) + (delete ? 1 : 0);
        if (actions != 1) {
            throw new ToolException("Command must include exactly one action: --list, --describe, --create, --alter or --delete");
        }
        if (bootstrapServer == null) {
            throw new ToolException("--bootstrap-server must be specified");
        }
        if ((create || alter || delete) && topic == null) {
            throw new ToolException("Missing required argument \"[topic]\"");
        }
        if (alter && partitions == null && replicaAssignment == null) {
            throw new ToolException("Missing required argument \"[partitions]\"");
        }
        String action = create ? "create" : alter ? "alter" : delete ? "delete" : describe ? "describe" : "list";
        refuse(!create && !configs.isEmpty(), "config", action);
        refuse(!create && replicationFactor != null, "replication-factor", action);
        refuse(!(create || alter) && partitions != null, "partitions", action);
        refuse(!(create || alter) && replicaAssignment != null, "replica-assignment", action);
        refuse(create && replicaAssignment != null && partitions != null, "replica-assignment", "partitions");
        refuse(create && replicaAssignment != null && replicationFactor != null, "replica-assignment", "replication-factor");
        refuse(!(alter || delete || describe) && ifExists, "if-exists", action);
        refuse(!create && ifNotExists, "if-not-exists", action);
        refuse(!(list || describe) && excludeInternal, "exclude-internal", action);
        refuse(!describe && topicsWithOverrides, "topics-with-overrides", action);
        refuse(!describe && underReplicatedPartitions, "under-replicated-partitions", action);
        refuse(!describe && unavailablePartitions, "unavailable-partitions", action);
        refuse(!describe && underMinIsrPartitions, "under-min-isr-partitions", action);
        refuse(!describe && atMinIsrPartitions, "at-min-isr-partitions", action);
    }

    private static void refuse(boolean condition, String option, String with) {
        if (condition) {
            throw new ToolException("Option \"[" + option + "]\" can't be used with option \"[" + with + "]\"");
        }
    }

    private void execute(Admin admin, ToolIo io) {
        if (create) {
            createTopic(admin, io);
        } else if (list) {
            matchingTopics(admin).forEach(io.out()::println);
        } else if (describe) {
            describeTopics(admin, io);
        } else if (alter) {
            alterTopics(admin);
        } else {
            deleteTopics(admin);
        }
    }

    private void createTopic(Admin admin, ToolIo io) {
        Topic.validate(topic);
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("The partitions must be greater than 0");
        }
        if (replicationFactor != null && (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE)) {
            throw new IllegalArgumentException("The replication factor must be between 1 and 32767 inclusive");
        }
        if (Topic.hasCollisionChars(topic)) {
            io.out().println("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. "
                + "To avoid issues it is best to use either, but not both.");
        }
        NewTopic newTopic = replicaAssignment != null
            ? new NewTopic(topic, parseReplicaAssignment(replicaAssignment))
            : new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor).map(Integer::shortValue));
        newTopic.configs(parseConfigs(configs));
        try {
            BrokerConnection.await(admin.createTopics(List.of(newTopic)).all());
            io.out().println("Created topic " + topic + ".");
        } catch (TopicExistsException e) {
            if (!ifNotExists) {
                throw e;
            }
        }
    }

    private void describeTopics(Admin admin, ToolIo io) {
        List<String> names = matchingTopics(admin);
        ensureTopicsExist(names);
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions = BrokerConnection.await(admin.describeTopics(names).allTopicNames());
        boolean partitionFilter = underReplicatedPartitions || unavailablePartitions || underMinIsrPartitions || atMinIsrPartitions;
        boolean printTopicLines = !partitionFilter;
        boolean printPartitions = !topicsWithOverrides;
        // A partition whose leader is not among the live (unfenced) brokers is unavailable too, as Kafka's tool sees it.
        java.util.Set<Integer> liveBrokers = !unavailablePartitions ? java.util.Set.of()
            : BrokerConnection.await(admin.describeCluster().nodes()).stream().map(Node::id).collect(Collectors.toSet());
        Map<ConfigResource, Config> configs = Map.of();
        if (printTopicLines || underMinIsrPartitions || atMinIsrPartitions) {
            List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            configs = BrokerConnection.await(admin.describeConfigs(resources).all());
        }
        for (String name : names) {
            TopicDescription description = descriptions.get(name);
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            if (printTopicLines) {
                List<ConfigEntry> overrides = config == null ? List.of()
                    : config.entries().stream().filter(e -> !e.isDefault()).toList();
                if (topicsWithOverrides && overrides.isEmpty()) {
                    continue;
                }
                io.out().println(topicLine(description, overrides));
            }
            if (printPartitions) {
                int minIsr = minInsyncReplicas(config);
                for (TopicPartitionInfo partition : description.partitions()) {
                    boolean hasLeader = partition.leader() != null && !partition.leader().isEmpty();
                    if (!partitionFilter
                        || underReplicatedPartitions && partition.isr().size() < partition.replicas().size()
                        || unavailablePartitions && (!hasLeader || !liveBrokers.contains(partition.leader().id()))
                        || underMinIsrPartitions && (!hasLeader || partition.isr().size() < minIsr)
                        || atMinIsrPartitions && partition.isr().size() == minIsr) {
                        io.out().println(partitionLine(name, partition));
                    }
                }
            }
        }
    }

    static String topicLine(TopicDescription description, List<ConfigEntry> overrides) {
        int replicationFactor = description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
        String configs = overrides.stream().map(e -> e.name() + "=" + e.value()).collect(Collectors.joining(","));
        return "Topic: " + description.name() + "\tTopicId: " + description.topicId()
            + "\tPartitionCount: " + description.partitions().size() + "\tReplicationFactor: " + replicationFactor
            + "\tConfigs: " + configs;
    }

    static String partitionLine(String topic, TopicPartitionInfo partition) {
        Node leader = partition.leader();
        return "\tTopic: " + topic + "\tPartition: " + partition.partition()
            + "\tLeader: " + (leader == null || leader.isEmpty() ? "none" : String.valueOf(leader.id()))
            + "\tReplicas: " + ids(partition.replicas()) + "\tIsr: " + ids(partition.isr())
            + "\tElr: " + (partition.elr() == null ? "N/A" : ids(partition.elr()))
            + "\tLastKnownElr: " + (partition.lastKnownElr() == null ? "N/A" : ids(partition.lastKnownElr()));
    }

    private static String ids(Collection<Node> nodes) {
        return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(","));
    }

    private static int minInsyncReplicas(Config config) {
        ConfigEntry entry = config == null ? null : config.get("min.insync.replicas");
        try {
            return entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void alterTopics(Admin admin) {
        List<String> names = matchingTopics(admin);
        ensureTopicsExist(names);
        if (names.isEmpty()) {
            return;
        }
        Map<String, NewPartitions> changes = new LinkedHashMap<>();
        for (String name : names) {
            if (Topic.isInternal(name)) {
                throw new IllegalArgumentException("The number of partitions for the internal topic " + name + " cannot be changed.");
            }
            if (replicaAssignment != null) {
                List<List<Integer>> assignment = new ArrayList<>(parseReplicaAssignment(replicaAssignment).values());
                changes.put(name, NewPartitions.increaseTo(partitions != null ? partitions : assignment.size(), assignment));
            } else {
                changes.put(name, NewPartitions.increaseTo(partitions));
            }
        }
        BrokerConnection.await(admin.createPartitions(changes).all());
    }

    private void deleteTopics(Admin admin) {
        List<String> names = matchingTopics(admin);
        ensureTopicsExist(names);
        for (String name : names) {
            if (Topic.isInternal(name)) {
                throw new IllegalArgumentException("Topic " + name + " is a kafka internal topic and is not allowed to be marked for deletion.");
            }
        }
        if (!names.isEmpty()) {
            BrokerConnection.await(admin.deleteTopics(names).all());
        }
    }

    /** The topics named by --topic (a regular expression, commas meaning "or"), all topics without it; sorted. */
    private List<String> matchingTopics(Admin admin) {
        Collection<TopicListing> listings = BrokerConnection.await(
            admin.listTopics(new ListTopicsOptions().listInternal(!excludeInternal)).listings());
        Pattern pattern = null;
        if (topic != null) {
            try {
                pattern = Pattern.compile(topic.trim().replace(',', '|').replaceAll("^[\"']|[\"']$", ""));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("Invalid topic regular expression '" + topic + "': " + e.getDescription());
            }
        }
        List<String> names = new ArrayList<>();
        for (TopicListing listing : listings) {
            if (pattern == null || pattern.matcher(listing.name()).matches()) {
                names.add(listing.name());
            }
        }
        names.sort(null);
        return names;
    }

    private void ensureTopicsExist(List<String> found) {
        if (topic != null && found.isEmpty() && !ifExists) {
            throw new IllegalArgumentException("Topic '" + topic + "' does not exist as expected");
        }
    }

    static Map<String, String> parseConfigs(List<String> configs) {
        Map<String, String> parsed = new HashMap<>();
        for (String config : configs) {
            String[] parts = config.split("\\s*=\\s*", 2);
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("Invalid topic config: all configs to be added must be in the format \"key=val\".");
            }
            parsed.put(parts[0].trim(), parts[1].trim());
        }
        return parsed;
    }

    /** "1:2,3:4" → partition 0 on brokers 1 and 2, partition 1 on brokers 3 and 4. */
    static Map<Integer, List<Integer>> parseReplicaAssignment(String text) {
        Map<Integer, List<Integer>> assignment = new LinkedHashMap<>();
        String[] partitionLists = text.split(",");
        for (int p = 0; p < partitionLists.length; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (String id : partitionLists[p].split(":")) {
                try {
                    replicas.add(Integer.parseInt(id.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Invalid broker id '" + id.trim() + "' in --replica-assignment " + text);
                }
            }
            List<Integer> duplicates = replicas.stream().filter(id -> replicas.indexOf(id) != replicas.lastIndexOf(id)).distinct().toList();
            if (!duplicates.isEmpty()) {
                throw new IllegalArgumentException("Partition replica lists may not contain duplicate entries: "
                    + duplicates.stream().map(String::valueOf).collect(Collectors.joining(",")));
            }
            if (p > 0 && replicas.size() != assignment.get(0).size()) {
                throw new IllegalArgumentException("Partition " + p + " has different replication factor: "
                    + replicas.stream().map(String::valueOf).collect(Collectors.joining(",")));
            }
            assignment.put(p, replicas);
        }
        return assignment;
    }
}
