package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.tools.ConfigCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigsCommandTest {
    private static EmbeddedBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(Map.of("log.retention.hours", "24"));
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ToolRun configs(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return ToolRun.of(ConfigsCommand::run, all);
    }

    private static ToolRun kafkaConfigs(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return ToolRun.kafka(ConfigCommand::main, all);
    }

    @Test
    void alterAddsAndDeletesTopicConfigs() {
        Clients.createTopic(bootstrap, "tuned", 1, Map.of("cleanup.policy", "compact"));

        ToolRun added = configs("--entity-type", "topics", "--entity-name", "tuned", "--alter",
            "--add-config", "retention.ms=5000,segment.bytes=1048576");
        ToolRun deleted = configs("--topic", "tuned", "--alter", "--delete-config", "cleanup.policy");
        ToolRun described = configs("--entity-type", "topics", "--entity-name", "tuned", "--describe");

        assertThat(added).isEqualTo(new ToolRun(0, "Completed updating config for topic tuned.\n", ""));
        assertThat(deleted).isEqualTo(new ToolRun(0, "Completed updating config for topic tuned.\n", ""));
        assertThat(described.outLines()).hasSize(3).first().isEqualTo("Dynamic configs for topic tuned are:");
        assertThat(described.outLines().get(1)).startsWith("  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000");
        assertThat(described.outLines().get(2)).startsWith("  segment.bytes=1048576 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.bytes=1048576");
        // The synonym lists are the broker's; Kafka's own tool prints the same lines.
        assertThat(described.outLines()).isEqualTo(kafkaConfigs("--entity-type", "topics", "--entity-name", "tuned", "--describe").outLines());
    }

    @Test
    void bracketsGroupValuesThatContainCommas() {
        Clients.createTopic(bootstrap, "bracketed", 1, Map.of());

        ToolRun added = configs("--topic", "bracketed", "--alter", "--add-config", "cleanup.policy=[compact,delete],retention.ms=1000");

        assertThat(added.exitCode()).isZero();
        List<String> described = configs("--topic", "bracketed", "--describe").outLines();
        assertThat(described).anyMatch(line -> line.startsWith(
            "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete"));
        assertThat(described).isEqualTo(kafkaConfigs("--topic", "bracketed", "--describe").outLines());
    }

    @Test
    void describeOutputIsKafkasToolsLineForLine() {
        Clients.createTopic(bootstrap, "compared", 1, Map.of("retention.ms", "1000", "min.compaction.lag.ms", "5"));
        configs("--entity-type", "brokers", "--entity-default", "--alter", "--add-config", "log.flush.interval.ms=60000");

        for (String[] args : new String[][] {
            {"--entity-type", "topics", "--entity-name", "compared", "--describe"},
            {"--entity-type", "topics", "--entity-name", "compared", "--describe", "--all"},
            {"--entity-type", "topics", "--describe"},
            {"--entity-type", "brokers", "--entity-name", "1", "--describe"},
            {"--entity-type", "brokers", "--entity-name", "1", "--describe", "--all"},
            {"--entity-type", "brokers", "--entity-default", "--describe"},
            {"--entity-type", "brokers", "--describe"},
            {"--entity-type", "topics", "--entity-name", "absent", "--describe"},
        }) {
            ToolRun ours = configs(args);
            ToolRun kafkas = kafkaConfigs(args);
            assertThat(ours.out()).as(String.join(" ", args)).isEqualTo(kafkas.out());
            assertThat(ours.exitCode()).as(String.join(" ", args)).isEqualTo(kafkas.exitCode());
        }
    }

    @Test
    void unknownConfigIsRefusedWithTheBrokersReason() {
        Clients.createTopic(bootstrap, "strict", 1, Map.of());

        ToolRun unknown = configs("--topic", "strict", "--alter", "--add-config", "foo.bar=1");
        ToolRun deleteUnknown = configs("--topic", "strict", "--alter", "--delete-config", "foo.bar");
        ToolRun malformed = configs("--topic", "strict", "--alter", "--add-config", "novalue");

        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Error while executing config command with args '--bootstrap-server " + bootstrap
            + " --topic strict --alter --add-config foo.bar=1': Unknown topic config name: foo.bar\n");
        assertThat(deleteUnknown.exitCode()).isEqualTo(1);
        assertThat(deleteUnknown.err()).endsWith(": Invalid config(s): foo.bar\n");
        assertThat(malformed.exitCode()).isEqualTo(1);
        assertThat(malformed.err()).endsWith(": Invalid entity config: all configs to be added must be in the format \"key=val\" or "
            + " \"key=[val1,val2]\" to group values which contain commas.\n");
    }

    @Test
    void alterOfMissingTopicFails() {
        ToolRun run = configs("--topic", "nowhere", "--alter", "--add-config", "retention.ms=1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("Error while executing config command with args ").contains("nowhere");
    }

    @Test
    void brokerDynamicConfigCanBeSetForOneBrokerAndDeleted() {
        ToolRun set = configs("--entity-type", "brokers", "--entity-name", "1", "--alter", "--add-config", "log.flush.interval.messages=1000");
        ToolRun shown = configs("--entity-type", "brokers", "--entity-name", "1", "--describe");
        ToolRun removed = configs("--broker", "1", "--alter", "--delete-config", "log.flush.interval.messages");

        assertThat(set).isEqualTo(new ToolRun(0, "Completed updating config for broker 1.\n", ""));
        assertThat(shown.outLines()).first().isEqualTo("Dynamic configs for broker 1 are:");
        assertThat(shown.out()).contains("  log.flush.interval.messages=1000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.flush.interval.messages=1000");
        assertThat(removed.exitCode()).isZero();
        assertThat(configs("--broker", "1", "--describe").out()).doesNotContain("log.flush.interval.messages=1000");
    }

    @Test
    void commandLineMistakesAreOneLine() {
        assertThat(configs("--entity-type", "topics")).isEqualTo(new ToolRun(1, "", "Command must include exactly one action: --describe, --alter\n"));
        assertThat(configs("--describe")).isEqualTo(new ToolRun(1, "", "At least one entity type must be specified\n"));
        assertThat(configs("--entity-type", "topics", "--alter", "--add-config", "a=b")).isEqualTo(
            new ToolRun(1, "", "An entity name must be specified with --alter of topics\n"));
        assertThat(configs("--entity-type", "topics", "--entity-name", "t", "--alter")).isEqualTo(new ToolRun(1, "",
            "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter\n"));
        assertThat(configs("--entity-type", "brokers", "--entity-name", "one", "--describe")).isEqualTo(new ToolRun(1, "",
            "The entity name for brokers must be a valid integer broker id, but it is: one\n"));
        assertThat(configs("--entity-type", "planets", "--describe")).isEqualTo(new ToolRun(1, "", "Invalid entity type: planets\n"));
        assertThat(ToolRun.of(ConfigsCommand::run, "--help").out()).startsWith("Usage: kafka-configs.sh").contains("--add-config");
    }
}
