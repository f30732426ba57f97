package io.samsa.tools;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.MessageFormatter;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code kafka-console-consumer.sh}: prints the records of a topic on stdout. With {@code --partition} it reads one
 * partition from {@code --offset} (earliest, latest or a number) without a group; otherwise it subscribes with
 * {@code --group} or, like Kafka, a random {@code console-consumer-NNNNN} group that commits nothing. It stops after
 * {@code --max-messages}, after {@code --timeout-ms} without a record, or on Ctrl-C, and then prints
 * "Processed a total of N messages" on stderr.
 */
@Command(name = "kafka-console-consumer.sh", sortOptions = false, usageHelpWidth = 110,
    description = "Read records from a topic and print them on standard output.")
public final class ConsoleConsumerCommand {
    private static final Duration POLL = Duration.ofMillis(500);

    @Option(names = "--bootstrap-server", paramLabel = "<server to connect to>", description = "REQUIRED: host:port[,host:port...].")
    String bootstrapServer;
    @Option(names = "--topic", paramLabel = "<topic>", description = "The topic to consume from.")
    String topic;
    @Option(names = {"--include", "--whitelist"}, paramLabel = "<Java regex>", description = "A regular expression of the topics to consume (needs a group).")
    String include;
    @Option(names = "--partition", paramLabel = "<partition>", description = "The one partition to read, without a group; from the end unless --offset.")
    Integer partition;
    @Option(names = "--offset", paramLabel = "<consume offset>", description = "With --partition: earliest, latest (default) or an offset.")
    String offset;
    @Option(names = "--from-beginning", description = "Start from the earliest record when the group has no committed offset.")
    boolean fromBeginning;
    @Option(names = "--group", paramLabel = "<consumer group id>", description = "The consumer group id.")
    String group;
    @Option(names = "--max-messages", paramLabel = "<num_messages>", description = "Exit after this many records.")
    Integer maxMessages;
    @Option(names = "--timeout-ms", paramLabel = "<timeout_ms>", description = "Exit when no record arrives for this long.")
    Long timeoutMs;
    @Option(names = {"--property", "--formatter-property"}, paramLabel = "<prop>",
        description = "Formatter properties: print.key, print.timestamp, print.partition, print.offset, print.headers, "
            + "print.value, key.separator, line.separator, headers.separator, null.literal, key.deserializer, value.deserializer.")
    List<String> formatterProperties = new ArrayList<>();
    @Option(names = "--formatter-config", paramLabel = "<config file>", description = "Formatter properties file.")
    Path formatterConfig;
    @Option(names = "--formatter", paramLabel = "<class>", description = "A MessageFormatter class (default: Kafka's default formatter's format).")
    String formatter;
    @Option(names = {"--consumer-property", "--command-property"}, paramLabel = "<consumer_prop>", description = "A consumer config key=value; repeatable.")
    List<String> consumerProperties = new ArrayList<>();
    @Option(names = {"--consumer.config", "--command-config"}, paramLabel = "<config file>", description = "Consumer config properties file.")
    Path consumerConfig;
    @Option(names = "--isolation-level", paramLabel = "<level>", description = "read_committed or read_uncommitted (default).")
    String isolationLevel;
    @Option(names = "--key-deserializer", paramLabel = "<class>", description = "Deserializer for keys (printed with toString).")
    String keyDeserializer;
    @Option(names = "--value-deserializer", paramLabel = "<class>", description = "Deserializer for values (printed with toString).")
    String valueDeserializer;
    @Option(names = "--skip-message-on-error", description = "Skip a record that cannot be printed instead of stopping.")
    boolean skipMessageOnError;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public static void main(String[] args) {
        ConsoleConsumerCommand command = new ConsoleConsumerCommand();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean shuttingDown = new AtomicBoolean();
        // Ctrl-C (SIGINT) or SIGTERM: wake the consumer, let the run print its total and close, then let the JVM go.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            command.stop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "consumer-shutdown-hook"));
        int code = command.execute(args, ToolIo.system());
        finished.countDown();
        if (!shuttingDown.get()) {
            System.exit(code);
        }
    }

    public static int run(String[] args, ToolIo io) {
        return new ConsoleConsumerCommand().execute(args, io);
    }

    /** Ends a run from another thread the way Ctrl-C does: the total is printed and the exit code is 0. */
    public void stop() {
        stopRequested.set(true);
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    int execute(String[] args, ToolIo io) {
        OptionalInt end = ToolCommandLine.usageIfEmpty(this, args, io);
        if (end.isEmpty()) {
            end = ToolCommandLine.parse(this, args, io);
        }
        if (end.isPresent()) {
            return end.getAsInt();
        }
        try {
            checkArgs();
            Properties props = consumerProps();
            MessageFormatter messageFormatter = formatter();
            BrokerConnection.checkReachable(bootstrapServer);
            return consume(props, messageFormatter, io);
        } catch (ToolException | KafkaException e) {
            io.err().println(e.getMessage());
            return 1;
        }
    }

    private void checkArgs() {
        if (bootstrapServer == null) {
            throw new ToolException("Missing required option: '--bootstrap-server'");
        }
        if ((topic == null) == (include == null)) {
            throw new ToolException("Exactly one of --include/--topic is required.");
        }
        if (partition != null && topic == null) {
            throw new ToolException("The topic is required when partition is specified.");
        }
        if (fromBeginning && offset != null) {
            throw new ToolException("Options from-beginning and offset cannot be specified together.");
        }
        if (offset != null && partition == null) {
            throw new ToolException("The partition is required when offset is specified.");
        }
        if (group != null && partition != null) {
            throw new ToolException("Options group and partition cannot be specified together.");
        }
        if (offset != null && !offset.equalsIgnoreCase("earliest") && !offset.equalsIgnoreCase("latest")) {
            try {
                if (Long.parseLong(offset) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ToolException("The provided offset value '" + offset
                    + "' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.");
            }
        }
        if (isolationLevel != null && !isolationLevel.equals("read_committed") && !isolationLevel.equals("read_uncommitted")) {
            throw new ToolException("Invalid --isolation-level '" + isolationLevel + "': expected read_committed or read_uncommitted");
        }
    }

    Properties consumerProps() {
        Properties fromFile = consumerConfig == null ? new Properties() : BrokerConnection.loadProperties(consumerConfig);
        Properties fromOptions = new Properties();
        BrokerConnection.putKeyValues(fromOptions, consumerProperties, "--consumer-property");
        Set<String> groupIds = new LinkedHashSet<>();
        for (Object g : new Object[] {group, fromOptions.get(ConsumerConfig.GROUP_ID_CONFIG), fromFile.get(ConsumerConfig.GROUP_ID_CONFIG)}) {
            if (g != null) {
                groupIds.add(String.valueOf(g));
            }
        }
        if (groupIds.size() > 1) {
            throw new ToolException("The group ids provided in different places (directly using '--group', via '--consumer-property', "
                + "or via '--consumer.config') do not match. Detected group ids: "
                + groupIds.stream().map(g -> "'" + g + "'").collect(Collectors.joining(", ")));
        }
        Properties props = new Properties();
        props.putAll(fromFile);
        props.putAll(fromOptions);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        String reset = props.getProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        if (fromBeginning && reset != null && !reset.equals("earliest")) {
            throw new ToolException("Can't simultaneously specify --from-beginning and 'auto.offset.reset=" + reset + "', please remove one option");
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : reset != null ? reset : "latest");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        } else if (partition == null && !props.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            // As in Kafka: a throwaway group of its own that commits nothing.
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "console-consumer-" + ThreadLocalRandom.current().nextInt(100000));
            props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        }
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "console-consumer");
        if (isolationLevel != null) {
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        }
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private MessageFormatter formatter() {
        Properties props = formatterConfig == null ? new Properties() : BrokerConnection.loadProperties(formatterConfig);
        BrokerConnection.putKeyValues(props, formatterProperties, "--property");
        if (keyDeserializer != null) {
            props.put("key.deserializer", keyDeserializer);
        }
        if (valueDeserializer != null) {
            props.put("value.deserializer", valueDeserializer);
        }
        Map<String, Object> configs = new HashMap<>();
        props.forEach((k, v) -> configs.put(String.valueOf(k), v));
        MessageFormatter messageFormatter;
        if (formatter == null || formatter.endsWith(".DefaultMessageFormatter")) {
            messageFormatter = new RecordFormatter();
        } else {
            try {
                messageFormatter = (MessageFormatter) Utils.newInstance(Class.forName(formatter));
            } catch (ClassNotFoundException | RuntimeException e) {
                throw new ToolException("Cannot use formatter " + formatter + ": " + BrokerConnection.rootMessage(e));
            }
        }
        messageFormatter.configure(configs);
        return messageFormatter;
    }

    private int consume(Properties props, MessageFormatter messageFormatter, ToolIo io) {
        long count = 0;
        int exitCode = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            if (stopRequested.get()) {
                return finish(io, count, 0);
            }
            start(c);
            long lastRecord = System.nanoTime();
            loop:
            while (!stopRequested.get()) {
                Duration wait = POLL;
                if (timeoutMs != null) {
                    long leftNanos = lastRecord + TimeUnit.MILLISECONDS.toNanos(timeoutMs) - System.nanoTime();
                    if (leftNanos <= 0) {
                        break;
                    }
                    wait = Duration.ofNanos(Math.min(leftNanos, POLL.toNanos()));
                }
                ConsumerRecords<byte[], byte[]> records = c.poll(wait);
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    try {
                        messageFormatter.writeTo(record, io.out());
                    } catch (RuntimeException e) {
                        if (!skipMessageOnError) {
                            io.err().println("Error processing message, terminating consumer process: " + e.getMessage());
                            exitCode = 1;
                            break loop;
                        }
                        io.err().println("Error processing message, skipping this message: " + e.getMessage());
                        continue;
                    }
                    count++;
                    if (io.out().checkError()) {
                        io.err().println("Unable to write to standard out, closing consumer.");
                        exitCode = 1;
                        break loop;
                    }
                    if (maxMessages != null && count >= maxMessages) {
                        break loop;
                    }
                }
                io.out().flush();
            }
        } catch (WakeupException e) {
            // stop(): Ctrl-C
        } finally {
            consumer = null;
            messageFormatter.close();
        }
        return finish(io, count, exitCode);
    }

    private static int finish(ToolIo io, long count, int exitCode) {
        io.out().flush();
        io.err().println("Processed a total of " + count + " messages");
        return exitCode;
    }

    private void start(KafkaConsumer<byte[], byte[]> c) {
        if (partition != null) {
            TopicPartition tp = new TopicPartition(topic, partition);
            c.assign(List.of(tp));
            String from = offset != null ? offset : fromBeginning ? "earliest" : "latest";
            if (from.equalsIgnoreCase("earliest")) {
                c.seekToBeginning(List.of(tp));
            } else if (from.equalsIgnoreCase("latest")) {
                c.seekToEnd(List.of(tp));
            } else {
                c.seek(tp, Long.parseLong(from));
            }
        } else if (topic != null) {
            c.subscribe(List.of(topic));
        } else {
            c.subscribe(Pattern.compile(include));
        }
    }
}
