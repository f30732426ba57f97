package io.samsa.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * {@code kafka-configs.sh} for topics and brokers: {@code --describe} (dynamic configs, or every config with
 * {@code --all}) and {@code --alter --add-config k=v,k2=[a,b] --delete-config k}, with Kafka's output.
 */
@Command(name = "kafka-configs.sh", sortOptions = false, usageHelpWidth = 110,
    description = "Describe and change the configs of topics and brokers.")
public final class ConfigsCommand {
    @Option(names = "--bootstrap-server", paramLabel = "<server to connect to>", description = "REQUIRED: host:port[,host:port...].")
    String bootstrapServer;
    @Option(names = "--command-config", paramLabel = "<command config property file>", description = "Admin client properties file.")
    Path commandConfig;
    @Option(names = "--describe", description = "List configs for the given entity.")
    boolean describe;
    @Option(names = "--alter", description = "Alter the configuration for the entity.")
    boolean alter;
    @Option(names = "--all", description = "With --describe: every config, not only the dynamic ones.")
    boolean all;
    @Option(names = "--entity-type", paramLabel = "<type>", description = "topics or brokers.")
    String entityType;
    @Option(names = "--entity-name", paramLabel = "<name>", description = "The topic name or broker id.")
    String entityName;
    @Option(names = "--entity-default", description = "The cluster-wide default (brokers).")
    boolean entityDefault;
    @Option(names = "--topic", paramLabel = "<topic>", description = "Shortcut for --entity-type topics --entity-name <topic>.")
    String topic;
    @Option(names = "--broker", paramLabel = "<broker id>", description = "Shortcut for --entity-type brokers --entity-name <id>.")
    String broker;
    @Option(names = "--broker-defaults", description = "Shortcut for --entity-type brokers --entity-default.")
    boolean brokerDefaults;
    @Option(names = "--add-config", paramLabel = "<k1=v1,k2=[v1,v2],...>", description = "Configs to set; brackets group values that contain commas.")
    List<String> addConfig = new ArrayList<>();
    @Option(names = "--add-config-file", paramLabel = "<file>", description = "A properties file of configs to set.")
    Path addConfigFile;
    @Option(names = "--delete-config", paramLabel = "<k1,k2>", description = "Config names to remove.")
    List<String> deleteConfig = new ArrayList<>();
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    public static void main(String[] args) {
        System.exit(run(args, ToolIo.system()));
    }

    public static int run(String[] args, ToolIo io) {
        ConfigsCommand command = new ConfigsCommand();
        return ToolCommandLine.runWithAdmin(command, args, io, command::checkArgs,
            () -> BrokerConnection.admin(command.bootstrapServer, command.commandConfig),
            admin -> {
                if (command.describe) {
                    command.describe(admin, io);
                } else {
                    command.alter(admin, io);
                }
                return 0;
            },
            e -> "Error while executing config command with args '" + String.join(" ", args) + "': " + e.getMessage());
    }

    private void checkArgs() {
        if (bootstrapServer == null) {
            throw new ToolException("Either --bootstrap-server or --bootstrap-controller must be specified.");
        }
        if (describe == alter) {
            throw new ToolException("Command must include exactly one action: --describe, --alter");
        }
        boolean shortcut = topic != null || broker != null || brokerDefaults;
        if (shortcut && (entityType != null || entityName != null || entityDefault)) {
            throw new ToolException("--entity-{type,name,default} should not be used in conjunction with specific entity flags");
        }
        if (topic != null) {
            entityType = "topics";
            entityName = topic;
        } else if (broker != null) {
            entityType = "brokers";
            entityName = broker;
        } else if (brokerDefaults) {
            entityType = "brokers";
            entityDefault = true;
        }
        if (entityType == null) {
            throw new ToolException("At least one entity type must be specified");
        }
        if (!entityType.equals("topics") && !entityType.equals("brokers")) {
            if (List.of("clients", "users", "ips", "broker-loggers", "client-metrics", "groups").contains(entityType)) {
                throw new ToolException("Samsa does not support --entity-type " + entityType + " yet: topics and brokers only");
            }
            throw new ToolException("Invalid entity type: " + entityType);
        }
        if (entityName != null && entityDefault) {
            throw new ToolException("Only one of --entity-name or --entity-default may be given");
        }
        if (entityType.equals("topics") && entityDefault) {
            throw new ToolException("--entity-default must not be specified with --" + (describe ? "describe" : "alter") + " of topics");
        }
        if (entityType.equals("brokers") && entityName != null) {
            try {
                Integer.parseInt(entityName);
            } catch (NumberFormatException e) {
                throw new ToolException("The entity name for brokers must be a valid integer broker id, but it is: " + entityName);
            }
        }
        if (alter) {
            if (entityName == null && !entityDefault) {
                throw new ToolException("An entity name must be specified with --alter of " + entityType);
            }
            if (addConfig.isEmpty() && addConfigFile == null && deleteConfig.isEmpty()) {
                throw new ToolException("At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter");
            }
            if (!addConfig.isEmpty() && addConfigFile != null) {
                throw new ToolException("Only one of --add-config or --add-config-file must be specified");
            }
        } else if (!addConfig.isEmpty() || addConfigFile != null || !deleteConfig.isEmpty()) {
            throw new ToolException("--add-config and --delete-config go with --alter, not --describe");
        }
    }

    private boolean isTopic() {
        return entityType.equals("topics");
    }

    private void describe(Admin admin, ToolIo io) {
        if (isTopic()) {
            List<String> names = entityName != null ? List.of(entityName)
                : BrokerConnection.await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()).stream().sorted().toList();
            for (String name : names) {
                try {
                    describeResource(admin, io, new ConfigResource(ConfigResource.Type.TOPIC, name), "topic " + name);
                } catch (UnknownTopicOrPartitionException e) {
                    io.out().println("The topic '" + name + "' doesn't exist and doesn't have dynamic config.");
                }
            }
        } else if (entityDefault) {
            describeResource(admin, io, new ConfigResource(ConfigResource.Type.BROKER, ""), null);
        } else if (entityName != null) {
            describeResource(admin, io, new ConfigResource(ConfigResource.Type.BROKER, entityName), "broker " + entityName);
        } else {
            List<Node> nodes = new ArrayList<>(BrokerConnection.await(admin.describeCluster().nodes()));
            nodes.sort(Comparator.comparingInt(Node::id));
            for (Node node : nodes) {
                describeResource(admin, io, new ConfigResource(ConfigResource.Type.BROKER, node.idString()), "broker " + node.id());
            }
            describeResource(admin, io, new ConfigResource(ConfigResource.Type.BROKER, ""), null);
        }
    }

    private void describeResource(Admin admin, ToolIo io, ConfigResource resource, String entity) {
        Config config = BrokerConnection.await(admin.describeConfigs(List.of(resource),
            new DescribeConfigsOptions().includeSynonyms(true)).all()).get(resource);
        ConfigEntry.ConfigSource dynamic = resource.type() == ConfigResource.Type.TOPIC ? ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
            : resource.name().isEmpty() ? ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG : ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG;
        if (entity == null) {
            io.out().println("Default configs for brokers in the cluster are:");
        } else {
            io.out().println((all ? "All" : "Dynamic") + " configs for " + entity + " are:");
        }
        config.entries().stream()
            .filter(e -> all || e.source() == dynamic)
            .sorted(Comparator.comparing(ConfigEntry::name))
            .forEach(e -> io.out().println("  " + e.name() + "=" + e.value() + " sensitive=" + e.isSensitive() + " synonyms="
                + e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).collect(Collectors.joining(", ", "{", "}"))));
    }

    private void alter(Admin admin, ToolIo io) {
        Map<String, String> toAdd = new LinkedHashMap<>();
        if (addConfigFile != null) {
            Properties props = BrokerConnection.loadProperties(addConfigFile);
            props.stringPropertyNames().stream().sorted().forEach(k -> toAdd.put(k, props.getProperty(k)));
        }
        for (String text : addConfig) {
            toAdd.putAll(parseAddConfig(text));
        }
        List<String> toDelete = deleteConfig.stream().flatMap(d -> java.util.Arrays.stream(d.split(",")))
            .map(String::trim).filter(s -> !s.isEmpty()).toList();
        ConfigResource resource = new ConfigResource(isTopic() ? ConfigResource.Type.TOPIC : ConfigResource.Type.BROKER,
            entityDefault ? "" : entityName);
        if (isTopic()) {
            // The topic must exist, and a config can only be deleted if the topic knows its name.
            Config current = BrokerConnection.await(admin.describeConfigs(List.of(resource)).all()).get(resource);
            List<String> unknown = toDelete.stream().filter(name -> current.get(name) == null).toList();
            if (!unknown.isEmpty()) {
                throw new org.apache.kafka.common.errors.InvalidConfigurationException("Invalid config(s): " + String.join(",", unknown));
            }
        }
        List<AlterConfigOp> ops = new ArrayList<>();
        toAdd.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        toDelete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, ""), AlterConfigOp.OpType.DELETE)));
        BrokerConnection.await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all());
        if (entityDefault) {
            io.out().println("Completed updating default config for brokers in the cluster.");
        } else {
            io.out().println("Completed updating config for " + (isTopic() ? "topic " : "broker ") + entityName + ".");
        }
    }

    /** "k1=v1,k2=[a,b],k3=v3": commas split pairs except inside brackets, which are removed. */
    static Map<String, String> parseAddConfig(String text) {
        Map<String, String> configs = new LinkedHashMap<>();
        List<String> pairs = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ',' && depth == 0) {
                pairs.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        pairs.add(current.toString());
        for (String pair : pairs) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Invalid entity config: all configs to be added must be in the format \"key=val\" or "
                    + " \"key=[val1,val2]\" to group values which contain commas.");
            }
            String value = pair.substring(eq + 1).trim();
            if (value.startsWith("[") && value.endsWith("]")) {
                value = value.substring(1, value.length() - 1);
            }
            configs.put(pair.substring(0, eq).trim(), value);
        }
        return configs;
    }
}
