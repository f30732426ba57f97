package io.samsa.tools;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code kafka-console-producer.sh}: reads standard input line by line and produces one record per line, with
 * Kafka's console producer defaults (acks=all, linger 1 s, console-producer client id) and options.
 */
@Command(name = "kafka-console-producer.sh", sortOptions = false, usageHelpWidth = 110,
    description = "Read data from standard input and publish it to a topic, one record per line.")
public final class ConsoleProducerCommand {
    @Option(names = "--bootstrap-server", paramLabel = "<server to connect to>", description = "REQUIRED unless --broker-list: host:port[,host:port...].")
    String bootstrapServer;
    @Option(names = "--broker-list", paramLabel = "<broker-list>", description = "The old name of --bootstrap-server.")
    String brokerList;
    @Option(names = "--topic", paramLabel = "<topic>", description = "REQUIRED: the topic to produce to.")
    String topic;
    @Option(names = "--sync", description = "Send each record synchronously, one at a time.")
    boolean sync;
    @Option(names = "--compression-codec", arity = "0..1", fallbackValue = "gzip", paramLabel = "<codec>",
        description = "none, gzip, snappy, lz4 or zstd; gzip when given without a value.")
    String compressionCodec;
    @Option(names = "--batch-size", paramLabel = "<size>", description = "batch.size (default: 16384).")
    Integer batchSize;
    @Option(names = "--message-send-max-retries", paramLabel = "<n>", description = "retries (default: 3).")
    Integer retries;
    @Option(names = "--retry-backoff-ms", paramLabel = "<ms>", description = "retry.backoff.ms (default: 100).")
    Long retryBackoffMs;
    @Option(names = "--timeout", paramLabel = "<timeout_ms>", description = "linger.ms (default: 1000).")
    Long lingerMs;
    @Option(names = "--request-required-acks", paramLabel = "<acks>", description = "acks (default: -1).")
    String acks;
    @Option(names = "--request-timeout-ms", paramLabel = "<ms>", description = "request.timeout.ms (default: 1500).")
    Integer requestTimeoutMs;
    @Option(names = "--metadata-expiry-ms", paramLabel = "<ms>", description = "metadata.max.age.ms (default: 300000).")
    Long metadataExpiryMs;
    @Option(names = "--max-block-ms", paramLabel = "<ms>", description = "max.block.ms (default: 60000).")
    Long maxBlockMs;
    @Option(names = "--max-memory-bytes", paramLabel = "<bytes>", description = "buffer.memory (default: 33554432).")
    Long maxMemoryBytes;
    @Option(names = "--socket-buffer-size", paramLabel = "<bytes>", description = "send.buffer.bytes (default: 102400).")
    Integer socketBufferSize;
    @Option(names = {"--property", "--reader-property"}, paramLabel = "<prop>",
        description = "Line parsing: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, "
            + "headers.key.separator, null.marker, ignore.error.")
    List<String> readerProperties = new ArrayList<>();
    @Option(names = "--reader-config", paramLabel = "<config file>", description = "Line parsing properties file.")
    Path readerConfig;
    @Option(names = {"--producer-property", "--command-property"}, paramLabel = "<producer_prop>", description = "A producer config key=value; repeatable.")
    List<String> producerProperties = new ArrayList<>();
    @Option(names = {"--producer.config", "--command-config"}, paramLabel = "<config file>", description = "Producer config properties file.")
    Path producerConfig;
    @Option(names = "--help", usageHelp = true, description = "Print usage information.")
    boolean help;

    private volatile KafkaProducer<byte[], byte[]> producer;

    public static void main(String[] args) {
        ConsoleProducerCommand command = new ConsoleProducerCommand();
        // Ctrl-C: send what is buffered (linger) before the JVM goes, as Kafka's console producer does.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            KafkaProducer<byte[], byte[]> p = command.producer;
            if (p != null) {
                p.close();
            }
        }, "producer-shutdown-hook"));
        System.exit(command.execute(args, ToolIo.system()));
    }

    public static int run(String[] args, ToolIo io) {
        return new ConsoleProducerCommand().execute(args, io);
    }

    private int execute(String[] args, ToolIo io) {
        ConsoleProducerCommand command = this;
        OptionalInt end = ToolCommandLine.usageIfEmpty(command, args, io);
        if (end.isEmpty()) {
            end = ToolCommandLine.parse(command, args, io);
        }
        if (end.isPresent()) {
            return end.getAsInt();
        }
        try {
            return command.produce(io);
        } catch (ToolException | KafkaException e) {
            io.err().println(e.getMessage());
            return 1;
        }
    }

    /** The producer configuration: the file, then --producer-property, then the options, then Kafka's console defaults. */
    Properties producerProps() {
        String bootstrap = bootstrapServer != null ? bootstrapServer : brokerList;
        if (bootstrap == null) {
            throw new ToolException("Missing required option: '--bootstrap-server'");
        }
        if (topic == null) {
            throw new ToolException("Missing required option: '--topic'");
        }
        Properties props = producerConfig == null ? new Properties() : BrokerConnection.loadProperties(producerConfig);
        BrokerConnection.putKeyValues(props, producerProperties, "--producer-property");
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (compressionCodec != null) {
            String codec = compressionCodec.trim().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(codec)) {
                throw new ToolException("Invalid --compression-codec '" + compressionCodec + "': expected none, gzip, snappy, lz4 or zstd");
            }
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        }
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "console-producer");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        merge(props, ProducerConfig.LINGER_MS_CONFIG, lingerMs, 1000L);
        merge(props, ProducerConfig.ACKS_CONFIG, acks, "-1");
        merge(props, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs, 1500);
        merge(props, ProducerConfig.RETRIES_CONFIG, retries, 3);
        merge(props, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, retryBackoffMs, 100L);
        merge(props, ProducerConfig.SEND_BUFFER_CONFIG, socketBufferSize, 102400);
        merge(props, ProducerConfig.BUFFER_MEMORY_CONFIG, maxMemoryBytes, 33554432L);
        merge(props, ProducerConfig.BATCH_SIZE_CONFIG, batchSize, 16384);
        merge(props, ProducerConfig.METADATA_MAX_AGE_CONFIG, metadataExpiryMs, 300000L);
        merge(props, ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs, 60000L);
        return props;
    }

    /** An option given on the command line wins; otherwise a value from the config file or properties stays; otherwise the default. */
    private static void merge(Properties props, String key, Object option, Object defaultValue) {
        if (option != null) {
            props.put(key, String.valueOf(option));
        } else {
            props.putIfAbsent(key, String.valueOf(defaultValue));
        }
    }

    private Map<String, String> readerProps() {
        Properties props = readerConfig == null ? new Properties() : BrokerConnection.loadProperties(readerConfig);
        BrokerConnection.putKeyValues(props, readerProperties, "--property");
        Map<String, String> map = new HashMap<>();
        props.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
        return map;
    }

    private int produce(ToolIo io) {
        Properties props = producerProps();
        LineRecordReader reader = new LineRecordReader(topic, readerProps());
        BrokerConnection.checkReachable(props.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        AtomicInteger failures = new AtomicInteger();
        BufferedReader in = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
        boolean prompt = io.in() == System.in && System.console() != null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            this.producer = producer;
            while (true) {
                if (prompt) {
                    io.out().print(">");
                    io.out().flush();
                }
                ProducerRecord<byte[], byte[]> record = reader.next(in);
                if (record == null) {
                    break;
                }
                if (sync) {
                    try {
                        producer.send(record).get();
                    } catch (ExecutionException e) {
                        reportFailure(io, record, e.getCause());
                        failures.incrementAndGet();
                    }
                } else {
                    producer.send(record, (metadata, e) -> {
                        if (e != null) {
                            reportFailure(io, record, e);
                            failures.incrementAndGet();
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return failures.get() == 0 ? 0 : 1;
    }

    private static void reportFailure(ToolIo io, ProducerRecord<byte[], byte[]> record, Throwable e) {
        io.err().println("Error when sending message to topic " + record.topic() + " with key: "
            + (record.key() == null ? "null" : record.key().length + " bytes") + ", value: "
            + (record.value() == null ? "null" : record.value().length + " bytes") + " with error: " + e.getMessage());
    }
}
