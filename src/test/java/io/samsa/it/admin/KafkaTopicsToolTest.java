package io.samsa.it.admin;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.TopicCommand;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apache Kafka's own kafka-topics tool ({@link TopicCommand}), run in this JVM against Samsa: its output must be
 * what it prints against Apache Kafka.
 */
class KafkaTopicsToolTest {
    private static EmbeddedBroker broker;
    private static Admin admin;

    /** What one run of the tool printed and the exit code it asked for. */
    record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    /** Thrown by the intercepted {@code Exit.exit} so that the tool stops without stopping the JVM. */
    private static final class ExitCalled extends RuntimeException {
        final int code;

        ExitCalled(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** The topic defaults that Apache Kafka's quickstart config/server.properties sets. */
    private static final Map<String, String> QUICKSTART_SETTINGS = Map.of(
        "num.partitions", "1",
        "log.retention.hours", "168",
        "log.segment.bytes", "1073741824",
        "log.retention.check.interval.ms", "300000");

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(QUICKSTART_SETTINGS);
        admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Runs kafka-topics with these arguments after {@code --bootstrap-server}. The tool ends by calling
     * {@code Exit.exit}; the first call is intercepted and what the tool had printed by then is its output.
     * Log appenders are detached meanwhile: the tests' logback writes to stdout, Kafka's tools log to stderr.
     */
    private static synchronized Run kafkaTopics(String... args) {
        List<String> argv = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
        argv.addAll(List.of(args));
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Run[] first = new Run[1];
        Exit.setExitProcedure((status, message) -> {
            if (first[0] == null) {
                first[0] = new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            }
            throw new ExitCalled(status);
        });
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        appenders.forEach(root::detachAppender);
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            TopicCommand.main(argv.toArray(String[]::new));
        } catch (ExitCalled e) {
            // the tool is done
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            Exit.resetExitProcedure();
            appenders.forEach(root::addAppender);
        }
        if (first[0] == null) {
            throw new AssertionError("kafka-topics returned without calling Exit.exit; printed: " + out + err);
        }
        return first[0];
    }

    @Test
    void smartCarWalkthroughPrintsWhatApacheKafkaPrints() throws Exception {
        Run create = kafkaTopics("--create", "--topic", "smart-car", "--partitions", "1", "--replication-factor", "1");
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("Created topic smart-car.\n");

        assertThat(kafkaTopics("--list").lines()).contains("smart-car");

        Uuid id = admin.describeTopics(List.of("smart-car")).allTopicNames().get().get("smart-car").topicId();
        assertThat(kafkaTopics("--describe", "--topic", "smart-car").lines()).containsExactly(
            "Topic: smart-car\tTopicId: " + id + "\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: segment.bytes=1073741824",
            "\tTopic: smart-car\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ");

        Run alter = kafkaTopics("--alter", "--topic", "smart-car", "--partitions", "3");
        assertThat(alter.exitCode()).as(alter.out() + alter.err()).isZero();
        assertThat(alter.out()).isEmpty();
        assertThat(kafkaTopics("--describe", "--topic", "smart-car").lines()).containsExactly(
            "Topic: smart-car\tTopicId: " + id + "\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: segment.bytes=1073741824",
            "\tTopic: smart-car\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ",
            "\tTopic: smart-car\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ",
            "\tTopic: smart-car\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ");

        Run createAgain = kafkaTopics("--create", "--topic", "smart-car", "--partitions", "1", "--replication-factor", "1");
        assertThat(createAgain.exitCode()).isEqualTo(1);
        assertThat(createAgain.out()).isEqualTo("Error while executing topic command : Topic 'smart-car' already exists.\n");

        Run delete = kafkaTopics("--delete", "--topic", "smart-car");
        assertThat(delete.exitCode()).as(delete.out() + delete.err()).isZero();
        assertThat(delete.out()).isEmpty();
        assertThat(kafkaTopics("--list").lines()).doesNotContain("smart-car");
    }

    @Test
    void createWithConfigAndDefaultsUsesThem() throws Exception {
        Run run = kafkaTopics("--create", "--topic", "tool-configured", "--config", "retention.ms=60000",
            "--config", "cleanup.policy=compact");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Created topic tool-configured.\n");
        Run describe = kafkaTopics("--describe", "--topic", "tool-configured");
        assertThat(describe.lines().get(0)).endsWith("\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,segment.bytes=1073741824,retention.ms=60000");
    }

    @Test
    void createWithAReplicaAssignmentUsesIt() throws Exception {
        Run run = kafkaTopics("--create", "--topic", "tool-assigned", "--replica-assignment", "1,1,1");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).isEqualTo("Created topic tool-assigned.\n");
        assertThat(admin.describeTopics(List.of("tool-assigned")).allTopicNames().get().get("tool-assigned").partitions()).hasSize(3);
    }

    @Test
    void createWithAnAssignmentToAMissingBrokerPrintsKafkasError() {
        Run run = kafkaTopics("--create", "--topic", "tool-misassigned", "--replica-assignment", "1,2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("Error while executing topic command : "
            + "The manual partition assignment includes broker 2, but no such broker is registered.\n");
    }

    @Test
    void createOfAnExistingTopicPrintsKafkasError() {
        kafkaTopics("--create", "--topic", "tool-existing", "--partitions", "1", "--replication-factor", "1");

        Run run = kafkaTopics("--create", "--topic", "tool-existing", "--partitions", "1", "--replication-factor", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("Error while executing topic command : Topic 'tool-existing' already exists.\n");
    }

    @Test
    void createIfNotExistsOfAnExistingTopicSucceedsQuietly() {
        kafkaTopics("--create", "--topic", "tool-if-not-exists");

        Run run = kafkaTopics("--create", "--if-not-exists", "--topic", "tool-if-not-exists");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
    }

    @Test
    void createWithTooHighReplicationFactorPrintsTheBrokersReason() {
        Run run = kafkaTopics("--create", "--topic", "tool-rf", "--partitions", "1", "--replication-factor", "3");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("Error while executing topic command : Unable to replicate the partition 3 time(s)");
    }

    @Test
    void listPrintsOneTopicPerLineInNameOrder() {
        kafkaTopics("--create", "--topic", "list-b");
        kafkaTopics("--create", "--topic", "list-a");

        Run run = kafkaTopics("--list", "--topic", "list-.*");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("list-a\nlist-b\n");
    }

    @Test
    void describePrintsTopicAndPartitionLinesAsApacheKafkaDoes() throws Exception {
        kafkaTopics("--create", "--topic", "described-car", "--partitions", "2", "--replication-factor", "1");
        Uuid id = admin.describeTopics(List.of("described-car")).allTopicNames().get().get("described-car").topicId();

        Run run = kafkaTopics("--describe", "--topic", "described-car");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.lines()).containsExactly(
            "Topic: described-car\tTopicId: " + id + "\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: segment.bytes=1073741824",
            "\tTopic: described-car\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ",
            "\tTopic: described-car\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ");
    }

    @Test
    void describeByTopicIdPrintsTheTopicFromMetadata() throws Exception {
        kafkaTopics("--create", "--topic", "described-by-id", "--partitions", "1");
        Uuid id = admin.describeTopics(List.of("described-by-id")).allTopicNames().get().get("described-by-id").topicId();

        Run run = kafkaTopics("--describe", "--topic-id", id.toString());

        // By id the Admin asks Metadata, which carries no ELR, so Apache Kafka prints N/A there too.
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.lines()).containsExactly(
            "Topic: described-by-id\tTopicId: " + id + "\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: segment.bytes=1073741824",
            "\tTopic: described-by-id\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A");
    }

    @Test
    void describeUnderReplicatedPartitionsPrintsNothingOnAHealthyBroker() {
        kafkaTopics("--create", "--topic", "healthy", "--partitions", "2");

        Run run = kafkaTopics("--describe", "--under-replicated-partitions");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
    }

    @Test
    void describeOfAMissingTopicPrintsKafkasError() {
        Run run = kafkaTopics("--describe", "--topic", "tool-missing");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("Error while executing topic command : Topic 'tool-missing' does not exist as expected\n");
    }

    @Test
    void alterPartitionsGrowsTheTopic() throws Exception {
        kafkaTopics("--create", "--topic", "tool-grown", "--partitions", "1");

        Run run = kafkaTopics("--alter", "--topic", "tool-grown", "--partitions", "3");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(admin.describeTopics(List.of("tool-grown")).allTopicNames().get().get("tool-grown").partitions()).hasSize(3);
        assertThat(kafkaTopics("--describe", "--topic", "tool-grown").lines()).hasSize(4);
    }

    @Test
    void alterToFewerPartitionsPrintsKafkasError() {
        kafkaTopics("--create", "--topic", "tool-shrunk", "--partitions", "2");

        Run run = kafkaTopics("--alter", "--topic", "tool-shrunk", "--partitions", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("Error while executing topic command : "
            + "The topic tool-shrunk currently has 2 partition(s); 1 would not be an increase.\n");
    }

    @Test
    void deleteRemovesTheTopic() throws Exception {
        kafkaTopics("--create", "--topic", "tool-deleted");

        Run run = kafkaTopics("--delete", "--topic", "tool-deleted");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(admin.listTopics().names().get()).doesNotContain("tool-deleted");
        assertThat(kafkaTopics("--list").lines()).doesNotContain("tool-deleted");
    }

    @Test
    void createWithACollidingNameWarnsAndIsRejected() {
        kafkaTopics("--create", "--topic", "tool.collide");

        Run run = kafkaTopics("--create", "--topic", "tool_collide");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide.");
        assertThat(run.out()).contains("Error while executing topic command : Topic 'tool_collide' collides with existing topic: tool.collide");
    }
}
