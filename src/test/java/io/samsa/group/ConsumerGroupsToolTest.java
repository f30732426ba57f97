package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Apache Kafka's own kafka-consumer-groups and kafka-console-consumer tools, run in-process against Samsa:
 * list, describe with lag, reset offsets, delete offsets and groups. The groups tool asks
 * ConsumerGroupDescribe first and falls back to DescribeGroups.
 */
class ConsumerGroupsToolTest {
    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "3"));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @AfterEach
    void resetExit() {
        Exit.resetExitProcedure();
    }

    @Test
    void listDescribeResetDeleteOffsetsAndDeleteAGroupWithKafkasTool() throws Exception {
        String topic = "tooled";
        String group = "tool-group";
        fillThreePartitions(topic);
        try (KafkaConsumer<byte[], byte[]> consumer = joinAndReadAll(group, topic, "classic")) {
            commitPartially(consumer, topic);

            assertThat(run("--list")).contains(group);

            String described = run("--describe", "--group", group);
            List<String[]> rows = rows(described, topic);
            assertThat(rows).hasSize(3);
            for (String[] row : rows) {
                // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
                int partition = Integer.parseInt(row[2]);
                long current = new long[] {10, 4, 7}[partition];
                assertThat(row[0]).isEqualTo(group);
                assertThat(row[3]).isEqualTo(String.valueOf(current));
                assertThat(row[4]).isEqualTo("10");
                assertThat(row[5]).isEqualTo(String.valueOf(10 - current));
                assertThat(row[6]).startsWith("consumer-" + group);
                assertThat(row[7]).isEqualTo("/127.0.0.1");
            }
            assertThat(run("--describe", "--group", group, "--members")).contains("/127.0.0.1");
            assertThat(run("--describe", "--group", group, "--state")).contains("Stable");
        }

        String reset = run("--reset-offsets", "--group", group, "--topic", topic, "--to-earliest", "--execute");
        assertThat(rowsAfterHeader(reset, topic)).hasSize(3).allSatisfy(row -> assertThat(row[3]).isEqualTo("0"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
            assertThat(offsets).hasSize(3).allSatisfy((tp, o) -> assertThat(o.offset()).isZero());
        }
        String afterReset = run("--describe", "--group", group);
        assertThat(rows(afterReset, topic)).allSatisfy(row -> assertThat(row[5]).isEqualTo("10"));

        String deletedOffsets = run("--delete-offsets", "--group", group, "--topic", topic + ":2");
        assertThat(deletedOffsets).containsPattern(topic + "\\s+2\\s+Successful");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
                .containsOnlyKeys(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        }

        assertThat(run("--delete", "--group", group)).contains("Deletion of requested consumer groups ('" + group + "') was successful.");
        assertThat(run("--list")).doesNotContain(group);
    }

    @Test
    void describesAConsumerProtocolGroupWithItsMembersAndLag() {
        String topic = "tooled-kip848";
        String group = "tool-group-kip848";
        fillThreePartitions(topic);
        try (KafkaConsumer<byte[], byte[]> consumer = joinAndReadAll(group, topic, "consumer")) {
            commitPartially(consumer, topic);

            assertThat(run("--list", "--type")).containsPattern(group + "\\s+Consumer");
            List<String[]> rows = rows(run("--describe", "--group", group), topic);
            assertThat(rows).hasSize(3);
            for (String[] row : rows) {
                int partition = Integer.parseInt(row[2]);
                long current = new long[] {10, 4, 7}[partition];
                assertThat(row[0]).isEqualTo(group);
                assertThat(row[3]).isEqualTo(String.valueOf(current));
                assertThat(row[4]).isEqualTo("10");
                assertThat(row[5]).isEqualTo(String.valueOf(10 - current));
                assertThat(row[7]).isEqualTo("/127.0.0.1");
            }
            assertThat(run("--describe", "--group", group, "--members")).contains("/127.0.0.1");
            assertThat(run("--describe", "--group", group, "--state")).contains("Stable").contains("uniform");
        }
    }

    @Test
    void consoleConsumerWithoutAGroupJoinsARandomGroupAndReadsFromTheBeginning() {
        String topic = "console";
        Clients.createTopic(broker.bootstrapServers(), topic, 2, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("line-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        String output = capture(() -> org.apache.kafka.tools.consumer.ConsoleConsumer.main(new String[] {
            "--bootstrap-server", broker.bootstrapServers(), "--topic", topic, "--from-beginning",
            "--max-messages", "6", "--timeout-ms", "30000"}));
        assertThat(output.lines().filter(l -> l.startsWith("line-"))).hasSize(6);
        assertThat(run("--list")).containsPattern("console-consumer-\\d+");
    }

    /** Runs kafka-consumer-groups with the given arguments and returns what it printed. */
    private static String run(String... args) {
        List<String> argv = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
        argv.addAll(Arrays.asList(args));
        return capture(() -> ConsumerGroupCommand.main(argv.toArray(new String[0])));
    }

    @FunctionalInterface
    private interface Tool {
        void run() throws Exception;
    }

    /** Runs a tool's main in-process and returns its stdout; an exit with a non-zero code fails the test. */
    private static String capture(Tool tool) {
        Exit.setExitProcedure((code, message) -> {
            if (code != 0) {
                throw new IllegalStateException("The tool exited with " + code + ": " + message);
            }
        });
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            tool.run();
        } catch (Exception e) {
            throw new IllegalStateException("The tool failed", e);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.println(output);
        return output;
    }

    private static List<String[]> rows(String output, String topic) {
        List<String[]> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 6 && columns[1].equals(topic)) {
                rows.add(columns);
            }
        }
        return rows;
    }

    /** Rows of the reset table: GROUP TOPIC PARTITION NEW-OFFSET. */
    private static List<String[]> rowsAfterHeader(String output, String topic) {
        List<String[]> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 4 && columns[1].equals(topic)) {
                rows.add(columns);
            }
        }
        return rows;
    }

    /** Thirty records over three partitions, ten each. */
    private static void fillThreePartitions(String topic) {
        Clients.createTopic(broker.bootstrapServers(), topic, 3, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < 30; i++) {
                producer.send(new ProducerRecord<>(topic, i % 3, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** A group member that has read all thirty records; the caller closes it. */
    private static KafkaConsumer<byte[], byte[]> joinAndReadAll(String group, String topic, String protocol) {
        KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(broker.bootstrapServers(), Map.of("group.id", group,
            "group.protocol", protocol, "auto.offset.reset", "earliest", "enable.auto.commit", false));
        consumer.subscribe(List.of(topic));
        int[] count = {0};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            count[0] += consumer.poll(Duration.ofMillis(100)).count();
            return count[0] >= 30;
        });
        return consumer;
    }

    /** A partial consume: partition 0 done, 1 at offset 4, 2 at offset 7. */
    private static void commitPartially(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(10),
            new TopicPartition(topic, 1), new OffsetAndMetadata(4), new TopicPartition(topic, 2), new OffsetAndMetadata(7)));
    }
}
