package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.BrokerProcess;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.tools.LineMessageReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ConsoleToolsTest {
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

    private static ToolRun produce(String stdin, String... args) {
        return ToolRun.withInput(ConsoleProducerCommand::run, stdin, args);
    }

    private static ToolRun consume(String... args) {
        return ToolRun.of(ConsoleConsumerCommand::run, args);
    }

    private static String lines(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void tenLinesProducedFromStdinAreConsumedInOrder() {
        Clients.createTopic(bootstrap, "ten", 1, Map.of());
        List<String> lines = IntStream.rangeClosed(1, 10).mapToObj(i -> "line " + i).toList();

        ToolRun produced = produce(lines(lines), "--bootstrap-server", bootstrap, "--topic", "ten");
        ToolRun consumed = consume("--bootstrap-server", bootstrap, "--topic", "ten", "--partition", "0",
            "--offset", "earliest", "--max-messages", "10");

        assertThat(produced).isEqualTo(new ToolRun(0, "", ""));
        assertThat(consumed.exitCode()).isZero();
        assertThat(consumed.outLines()).containsExactlyElementsOf(lines);
        assertThat(consumed.err()).isEqualTo("Processed a total of 10 messages\n");
    }

    @Test
    void oldBrokerListOptionStillWorks() {
        ToolRun produced = produce("a\nb\n", "--broker-list", bootstrap, "--topic", "broker-list");

        assertThat(produced.exitCode()).isZero();
        assertThat(Clients.readAll(bootstrap, "broker-list", 1, 2, Duration.ofSeconds(10)))
            .extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("a", "b");
    }

    @Test
    void keysAndHeadersAreParsedAndPrintedBack() {
        Clients.createTopic(bootstrap, "keyed", 1, Map.of());

        ToolRun produced = produce("h1:x,h2:y|car-1|{\"speed\":10}\nh1:z|car-2|plain\n", "--bootstrap-server", bootstrap,
            "--topic", "keyed", "--property", "parse.key=true", "--property", "key.separator=|",
            "--property", "parse.headers=true", "--property", "headers.delimiter=|", "--sync");
        ToolRun consumed = consume("--bootstrap-server", bootstrap, "--topic", "keyed", "--partition", "0", "--offset", "earliest",
            "--max-messages", "2", "--property", "print.key=true", "--property", "print.headers=true",
            "--property", "key.separator= / ");

        assertThat(produced.exitCode()).isZero();
        assertThat(consumed.outLines()).containsExactly("h1:x,h2:y / car-1 / {\"speed\":10}", "h1:z / car-2 / plain");
    }

    @Test
    void lineWithoutKeySeparatorFailsNamingTheLine() {
        ToolRun produced = produce("k\tv\nno separator\n", "--bootstrap-server", bootstrap, "--topic", "bad-lines",
            "--property", "parse.key=true");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(produced.err()).isEqualTo("No key separator found on line number 2: 'no separator'\n");
    }

    @Test
    void lineParsingMatchesKafkasLineReader() {
        String input = "a\tb\tc\nh:1,k:2\tkey\tvalue\n\t\nNULL\tNULL\nx:NULL\tNULL\tv\n";
        List<Map<String, String>> configs = List.of(
            Map.of(),
            Map.of("parse.key", "true"),
            Map.of("parse.key", "true", "key.separator", "b"),
            Map.of("parse.key", "true", "null.marker", "NULL"),
            Map.of("parse.key", "true", "parse.headers", "true", "null.marker", "NULL", "ignore.error", "true"),
            Map.of("parse.headers", "true", "ignore.error", "true"));
        for (Map<String, String> config : configs) {
            Map<String, Object> kafkaConfig = new HashMap<>(config);
            kafkaConfig.put("topic", "t");
            LineMessageReader kafkas = new LineMessageReader();
            kafkas.configure(kafkaConfig);
            List<String> expected = new ArrayList<>();
            try {
                Iterator<ProducerRecord<byte[], byte[]>> it = kafkas.readRecords(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
                while (it.hasNext()) {
                    expected.add(describe(it.next()));
                }
            } catch (RuntimeException e) {
                expected.add("error: " + e.getMessage());
            }
            LineRecordReader ours = new LineRecordReader("t", config);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.StringReader(input));
            List<String> actual = new ArrayList<>();
            try {
                for (ProducerRecord<byte[], byte[]> r = ours.next(in); r != null; r = ours.next(in)) {
                    actual.add(describe(r));
                }
            } catch (RuntimeException e) {
                actual.add("error: " + e.getMessage());
            }
            assertThat(actual).as(config.toString()).isEqualTo(expected);
        }
    }

    private static String describe(ProducerRecord<byte[], byte[]> r) {
        StringBuilder s = new StringBuilder(r.topic()).append(" key=").append(text(r.key())).append(" value=").append(text(r.value()));
        for (Header h : r.headers()) {
            s.append(' ').append(h.key()).append(':').append(text(h.value()));
        }
        return s.toString();
    }

    private static String text(byte[] b) {
        return b == null ? "<null>" : "'" + new String(b, StandardCharsets.UTF_8) + "'";
    }

    @Test
    void producerUsesKafkasConsoleDefaultsAndLetsPropertiesOverrideThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("producer.properties");
        Files.writeString(file, "linger.ms=5\nclient.id=from-file\nacks=1\n");
        ConsoleProducerCommand defaults = new ConsoleProducerCommand();
        defaults.bootstrapServer = "localhost:9092";
        defaults.topic = "t";
        ConsoleProducerCommand custom = new ConsoleProducerCommand();
        custom.bootstrapServer = "localhost:9092";
        custom.topic = "t";
        custom.producerConfig = file;
        custom.producerProperties = List.of("acks=0", "batch.size=100");
        custom.compressionCodec = "zstd";

        Properties d = defaults.producerProps();
        Properties c = custom.producerProps();

        assertThat(d).containsEntry("acks", "-1").containsEntry("linger.ms", "1000").containsEntry("client.id", "console-producer")
            .containsEntry("compression.type", "none").containsEntry("request.timeout.ms", "1500").containsEntry("retries", "3")
            .containsEntry("max.block.ms", "60000").containsEntry("batch.size", "16384");
        assertThat(c).containsEntry("acks", "0").containsEntry("linger.ms", "5").containsEntry("client.id", "from-file")
            .containsEntry("batch.size", "100").containsEntry("compression.type", "zstd");
    }

    @Test
    void compressionCodecWithoutValueMeansGzipAndEveryCodecDelivers() {
        Clients.createTopic(bootstrap, "compressed", 1, Map.of());

        ToolRun bare = produce("gz\n", "--compression-codec", "--bootstrap-server", bootstrap, "--topic", "compressed");
        for (String codec : List.of("snappy", "lz4", "zstd", "none")) {
            assertThat(produce(codec + "\n", "--bootstrap-server", bootstrap, "--topic", "compressed", "--compression-codec", codec)
                .exitCode()).isZero();
        }
        ToolRun bad = produce("x\n", "--bootstrap-server", bootstrap, "--topic", "compressed", "--compression-codec", "brotli");

        assertThat(bare.exitCode()).isZero();
        assertThat(consume("--bootstrap-server", bootstrap, "--topic", "compressed", "--partition", "0", "--offset", "earliest",
            "--max-messages", "5").outLines()).containsExactly("gz", "snappy", "lz4", "zstd", "none");
        assertThat(bad).isEqualTo(new ToolRun(1, "", "Invalid --compression-codec 'brotli': expected none, gzip, snappy, lz4 or zstd\n"));
    }

    @Test
    void consumerStartsAtTheGivenOffsetAndPrintsTimestampPartitionAndOffset() {
        Clients.createTopic(bootstrap, "offsets", 2, Map.of());
        produce("zero\none\ntwo\nthree\n", "--bootstrap-server", bootstrap, "--topic", "offsets",
            "--producer-property", "partitioner.class=" + PartitionOne.class.getName());

        ToolRun fromTwo = consume("--bootstrap-server", bootstrap, "--topic", "offsets", "--partition", "1", "--offset", "2",
            "--max-messages", "2", "--property", "print.timestamp=true", "--property", "print.partition=true",
            "--property", "print.offset=true", "--property", "print.key=true");

        assertThat(fromTwo.exitCode()).isZero();
        assertThat(fromTwo.outLines()).hasSize(2);
        assertThat(fromTwo.outLines().get(0)).matches("CreateTime:\\d{13}\tPartition:1\tOffset:2\tnull\ttwo");
        assertThat(fromTwo.outLines().get(1)).matches("CreateTime:\\d{13}\tPartition:1\tOffset:3\tnull\tthree");
    }

    /** Sends every record to partition 1. */
    public static final class PartitionOne implements org.apache.kafka.clients.producer.Partitioner {
        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, org.apache.kafka.common.Cluster cluster) {
            return 1;
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    @Test
    void timeoutEndsTheConsumerWithItsTotalAndLatestSkipsOldRecords() {
        Clients.createTopic(bootstrap, "quiet", 1, Map.of());
        produce("old\n", "--bootstrap-server", bootstrap, "--topic", "quiet");

        long start = System.nanoTime();
        ToolRun latest = consume("--bootstrap-server", bootstrap, "--topic", "quiet", "--partition", "0", "--timeout-ms", "1500",
            "--isolation-level", "read_committed");
        ToolRun earliest = consume("--bootstrap-server", bootstrap, "--topic", "quiet", "--partition", "0", "--from-beginning",
            "--timeout-ms", "1500", "--property", "line.separator=;");

        // --timeout-ms ends each consumer; without it they would wait forever. How fast is bench/tool-startup.sh's concern.
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(60).toNanos());
        assertThat(latest).isEqualTo(new ToolRun(0, "", "Processed a total of 0 messages\n"));
        assertThat(earliest).isEqualTo(new ToolRun(0, "old;", "Processed a total of 1 messages\n"));
    }

    @Test
    void stoppingTheConsumerLikeCtrlCPrintsTheTotal() throws Exception {
        Clients.createTopic(bootstrap, "endless", 1, Map.of());
        produce("1\n2\n3\n", "--bootstrap-server", bootstrap, "--topic", "endless");
        ConsoleConsumerCommand command = new ConsoleConsumerCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ToolIo io = new ToolIo(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.execute(new String[] {
            "--bootstrap-server", bootstrap, "--topic", "endless", "--partition", "0", "--offset", "earliest"}, io));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString(StandardCharsets.UTF_8).equals("1\n2\n3\n"));
        command.stop();

        assertThat(exit.get()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Processed a total of 3 messages\n");
    }

    @Test
    void consumerGroupSettingsFollowKafka() {
        ConsoleConsumerCommand noGroup = new ConsoleConsumerCommand();
        noGroup.bootstrapServer = "localhost:9092";
        noGroup.topic = "t";
        ConsoleConsumerCommand withGroup = new ConsoleConsumerCommand();
        withGroup.bootstrapServer = "localhost:9092";
        withGroup.topic = "t";
        withGroup.group = "readers";
        withGroup.fromBeginning = true;
        ConsoleConsumerCommand conflicting = new ConsoleConsumerCommand();
        conflicting.bootstrapServer = "localhost:9092";
        conflicting.topic = "t";
        conflicting.group = "a";
        conflicting.consumerProperties = List.of("group.id=b");

        assertThat(noGroup.consumerProps().getProperty("group.id")).matches("console-consumer-\\d{1,5}");
        assertThat(noGroup.consumerProps()).containsEntry("enable.auto.commit", "false").containsEntry("auto.offset.reset", "latest")
            .containsEntry("client.id", "console-consumer");
        assertThat(withGroup.consumerProps()).containsEntry("group.id", "readers").containsEntry("auto.offset.reset", "earliest")
            .doesNotContainKey("enable.auto.commit");
        assertThatThrownBy(conflicting::consumerProps).hasMessage("The group ids provided in different places (directly using "
            + "'--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b'");
    }

    @Test
    void consumerConfigFileAndPropertiesReachTheConsumer(@TempDir Path dir) throws Exception {
        Clients.createTopic(bootstrap, "configured-consumer", 1, Map.of());
        produce("v\n", "--bootstrap-server", bootstrap, "--topic", "configured-consumer");
        Path file = dir.resolve("consumer.properties");
        Files.writeString(file, "client.id=from-file\nmax.poll.records=1\n");

        ToolRun run = consume("--bootstrap-server", bootstrap, "--topic", "configured-consumer", "--partition", "0",
            "--offset", "earliest", "--max-messages", "1", "--consumer.config", file.toString(),
            "--consumer-property", "fetch.max.wait.ms=100");
        ToolRun badProperty = consume("--bootstrap-server", bootstrap, "--topic", "t", "--consumer-property", "oops");

        assertThat(run).isEqualTo(new ToolRun(0, "v\n", "Processed a total of 1 messages\n"));
        assertThat(badProperty).isEqualTo(new ToolRun(1, "", "Invalid --consumer-property 'oops': expected key=value\n"));
    }

    @Test
    void consumerOptionMistakesAreOneLine() {
        String[] base = {"--bootstrap-server", bootstrap};
        assertThat(consume(concat(base, "--partition", "0"))).isEqualTo(
            new ToolRun(1, "", "Exactly one of --include/--topic is required.\n"));
        assertThat(consume(concat(base, "--topic", "t", "--offset", "3"))).isEqualTo(
            new ToolRun(1, "", "The partition is required when offset is specified.\n"));
        assertThat(consume(concat(base, "--topic", "t", "--partition", "0", "--offset", "-2"))).isEqualTo(new ToolRun(1, "",
            "The provided offset value '-2' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.\n"));
        assertThat(consume(concat(base, "--topic", "t", "--partition", "0", "--group", "g"))).isEqualTo(
            new ToolRun(1, "", "Options group and partition cannot be specified together.\n"));
        assertThat(consume(concat(base, "--topic", "t", "--partition", "0", "--offset", "1", "--from-beginning"))).isEqualTo(
            new ToolRun(1, "", "Options from-beginning and offset cannot be specified together.\n"));
        assertThat(consume("--topic", "t")).isEqualTo(new ToolRun(1, "", "Missing required option: '--bootstrap-server'\n"));
        assertThat(produce("", "--bootstrap-server", bootstrap)).isEqualTo(new ToolRun(1, "", "Missing required option: '--topic'\n"));
        assertThat(consume("--help").out()).startsWith("Usage: kafka-console-consumer.sh").contains("--max-messages");
        assertThat(produce("", "--help").out()).startsWith("Usage: kafka-console-producer.sh").contains("--compression-codec");
    }

    @Test
    void unreachableBrokerIsReportedByProducerAndConsumer() {
        String nowhere = "127.0.0.1:" + BrokerProcess.freePort();
        String expected = "could not reach " + nowhere + " (Connection refused): is a broker running there?\n";

        assertThat(produce("x\n", "--bootstrap-server", nowhere, "--topic", "t")).isEqualTo(new ToolRun(1, "", expected));
        assertThat(consume("--bootstrap-server", nowhere, "--topic", "t", "--partition", "0")).isEqualTo(new ToolRun(1, "", expected));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
