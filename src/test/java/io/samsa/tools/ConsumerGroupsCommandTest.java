package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kafka-consumer-groups.sh and the console consumer's group mode against a broker with a group coordinator.
 * Kept out of src/test/java until consumer groups are merged: move it there then (it needs FindCoordinator,
 * JoinGroup/SyncGroup/Heartbeat, OffsetCommit/OffsetFetch, ListGroups, DescribeGroups, DeleteGroups).
 */
class ConsumerGroupsCommandTest {
    private static EmbeddedBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start();
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static ToolRun groups(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return ToolRun.of(ConsumerGroupsCommand::run, all);
    }

    private static ToolRun kafkaGroups(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        return ToolRun.kafka(ConsumerGroupCommand::main, all);
    }

    private static void produce(String topic, int partitions, int perPartition) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    /** A group that committed {@code committed} on partition 0 of {@code topic} and has no members left. */
    private static void commitAndLeave(String group, String topic, long committed) {
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of("group.id", group, "enable.auto.commit", "false"))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(committed)));
        }
    }

    @Test
    void describeShowsCommittedOffsetLogEndAndLagLikeKafkasTool() {
        Clients.createTopic(bootstrap, "lagging", 2, Map.of());
        produce("lagging", 2, 10);
        commitAndLeave("lag-readers", "lagging", 4);

        ToolRun ours = groups("--describe", "--group", "lag-readers");
        ToolRun kafkas = kafkaGroups("--describe", "--group", "lag-readers");

        assertThat(ours.exitCode()).isZero();
        assertThat(ours.outLines()).contains("lag-readers     lagging         0          4               10              6               -               -               -");
        assertThat(ours.out()).isEqualTo(kafkas.out());
        assertThat(ours.err()).isEqualTo(kafkas.err());
    }

    @Test
    void membersAndStateOfAnActiveGroupMatchKafkasTool() {
        Clients.createTopic(bootstrap, "active", 3, Map.of());
        produce("active", 3, 2);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of("group.id", "active-readers"))) {
            consumer.subscribe(List.of("active"));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 3;
            });
            consumer.commitSync();
            // The classic consumer heartbeats from its own thread: the group stays Stable without more polls.

            for (String[] args : new String[][] {
                {"--describe", "--group", "active-readers"},
                {"--describe", "--group", "active-readers", "--members"},
                {"--describe", "--group", "active-readers", "--members", "--verbose"},
                {"--describe", "--group", "active-readers", "--state"},
                {"--list"},
                {"--list", "--state"},
                {"--list", "--state", "stable"},
            }) {
                ToolRun ours = groups(args);
                ToolRun kafkas = kafkaGroups(args);
                assertThat(ours.out()).as(String.join(" ", args)).isEqualTo(kafkas.out());
                assertThat(ours.exitCode()).as(String.join(" ", args)).isEqualTo(kafkas.exitCode());
            }
        }
    }

    @Test
    void resetOffsetsPlansByDefaultAndChangesWithExecute() {
        Clients.createTopic(bootstrap, "rewind", 1, Map.of());
        produce("rewind", 1, 10);
        commitAndLeave("rewinders", "rewind", 8);

        ToolRun plan = groups("--reset-offsets", "--group", "rewinders", "--topic", "rewind", "--to-earliest", "--dry-run");
        ToolRun kafkaPlan = kafkaGroups("--reset-offsets", "--group", "rewinders", "--topic", "rewind", "--to-earliest", "--dry-run");
        ToolRun unchanged = groups("--describe", "--group", "rewinders");
        ToolRun shifted = groups("--reset-offsets", "--group", "rewinders", "--topic", "rewind:0", "--shift-by", "-3", "--execute");
        ToolRun afterShift = groups("--describe", "--group", "rewinders");
        ToolRun clamped = groups("--reset-offsets", "--group", "rewinders", "--all-topics", "--to-offset", "99", "--execute");
        ToolRun byTime = groups("--reset-offsets", "--group", "rewinders", "--all-topics", "--to-datetime", "2000-01-01T00:00:00.000Z",
            "--execute");

        assertThat(plan.out()).isEqualTo(kafkaPlan.out());
        assertThat(plan.outLines()).contains("rewinders       rewind          0          0");
        assertThat(unchanged.out()).contains(" 8               10              2 ");
        assertThat(shifted.outLines()).contains("rewinders       rewind          0          5");
        assertThat(afterShift.out()).contains(" 5               10              5 ");
        assertThat(clamped.outLines()).contains("rewinders       rewind          0          10");
        assertThat(byTime.outLines()).contains("rewinders       rewind          0          0");
    }

    @Test
    void resetOfAnActiveGroupIsRefused() {
        Clients.createTopic(bootstrap, "busy", 1, Map.of());
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of("group.id", "busy-readers"))) {
            consumer.subscribe(List.of("busy"));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });

            ToolRun run = groups("--reset-offsets", "--group", "busy-readers", "--all-topics", "--to-earliest", "--execute");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("Assignments can only be reset if the group 'busy-readers' is inactive, but the current state is Stable.");
        }
    }

    @Test
    void deleteRemovesEmptyGroupsAndUnknownGroupsAreReported() {
        Clients.createTopic(bootstrap, "deleted-groups", 1, Map.of());
        commitAndLeave("doomed-readers", "deleted-groups", 0);

        ToolRun deleted = groups("--delete", "--group", "doomed-readers");
        ToolRun describeMissing = groups("--describe", "--group", "doomed-readers");

        assertThat(deleted).isEqualTo(new ToolRun(0, "Deletion of requested consumer groups ('doomed-readers') was successful.\n", ""));
        assertThat(groups("--list").outLines()).doesNotContain("doomed-readers");
        assertThat(describeMissing.exitCode()).isEqualTo(1);
        assertThat(describeMissing.err()).isEqualTo("Error: Consumer group 'doomed-readers' does not exist.\n");
    }

    @Test
    void consoleConsumerWithGroupCommitsAndWithoutOneUsesARandomConsoleGroup() throws Exception {
        Clients.createTopic(bootstrap, "console-groups", 1, Map.of());
        produce("console-groups", 1, 5);

        ToolRun named = ToolRun.of(ConsoleConsumerCommand::run, "--bootstrap-server", bootstrap, "--topic", "console-groups",
            "--group", "console-named", "--from-beginning", "--max-messages", "5");
        assertThat(named.outLines()).containsExactly("v0", "v1", "v2", "v3", "v4");
        assertThat(groups("--describe", "--group", "console-named").out()).contains(" 5               5               0 ");

        ConsoleConsumerCommand anonymous = new ConsoleConsumerCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(out, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> anonymous.execute(new String[] {
            "--bootstrap-server", bootstrap, "--topic", "console-groups", "--from-beginning"},
            new ToolIo(new ByteArrayInputStream(new byte[0]), sink, sink)));
        await().atMost(Duration.ofSeconds(20)).until(() -> out.toString(StandardCharsets.UTF_8).contains("v4"));
        assertThat(groups("--list").outLines()).anyMatch(g -> g.matches("console-consumer-\\d{1,5}"));
        anonymous.stop();
        assertThat(exit.get()).isZero();
    }
}
