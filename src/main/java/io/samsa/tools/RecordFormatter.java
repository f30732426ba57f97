package io.samsa.tools;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MessageFormatter;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * How the console consumer prints a record, with the properties of Kafka's default formatter:
 * {@code print.timestamp}, {@code print.partition}, {@code print.offset}, {@code print.delivery},
 * {@code print.epoch}, {@code print.headers}, {@code print.key}, {@code print.value} (the only one on by default),
 * {@code key.separator} (tab), {@code line.separator} (newline), {@code headers.separator} (comma),
 * {@code null.literal} ("null") and optional {@code key.deserializer}, {@code value.deserializer},
 * {@code headers.deserializer} class names. Without a deserializer the bytes are written as they are. As in
 * Kafka, the line separator follows the last field printed.
 */
public final class RecordFormatter implements MessageFormatter {
    private boolean printTimestamp;
    private boolean printPartition;
    private boolean printOffset;
    private boolean printDelivery;
    private boolean printEpoch;
    private boolean printHeaders;
    private boolean printKey;
    private boolean printValue = true;
    private byte[] keySeparator = "\t".getBytes(StandardCharsets.UTF_8);
    private byte[] lineSeparator = "\n".getBytes(StandardCharsets.UTF_8);
    private byte[] headersSeparator = ",".getBytes(StandardCharsets.UTF_8);
    private byte[] nullLiteral = "null".getBytes(StandardCharsets.UTF_8);
    private Deserializer<?> keyDeserializer;
    private Deserializer<?> valueDeserializer;
    private Deserializer<?> headersDeserializer;

    @Override
    public void configure(Map<String, ?> configs) {
        printTimestamp = flag(configs, "print.timestamp", printTimestamp);
        printPartition = flag(configs, "print.partition", printPartition);
        printOffset = flag(configs, "print.offset", printOffset);
        printDelivery = flag(configs, "print.delivery", printDelivery);
        printEpoch = flag(configs, "print.epoch", printEpoch);
        printHeaders = flag(configs, "print.headers", printHeaders);
        printKey = flag(configs, "print.key", printKey);
        printValue = flag(configs, "print.value", printValue);
        keySeparator = bytesOf(configs, "key.separator", keySeparator);
        lineSeparator = bytesOf(configs, "line.separator", lineSeparator);
        headersSeparator = bytesOf(configs, "headers.separator", headersSeparator);
        nullLiteral = bytesOf(configs, "null.literal", nullLiteral);
        keyDeserializer = deserializer(configs, "key.deserializer", true);
        valueDeserializer = deserializer(configs, "value.deserializer", false);
        headersDeserializer = deserializer(configs, "headers.deserializer", false);
    }

    private static boolean flag(Map<String, ?> configs, String name, boolean otherwise) {
        Object v = configs.get(name);
        return v == null ? otherwise : String.valueOf(v).trim().equalsIgnoreCase("true");
    }

    private static byte[] bytesOf(Map<String, ?> configs, String name, byte[] otherwise) {
        Object v = configs.get(name);
        return v == null ? otherwise : String.valueOf(v).getBytes(StandardCharsets.UTF_8);
    }

    private static Deserializer<?> deserializer(Map<String, ?> configs, String name, boolean isKey) {
        Object className = configs.get(name);
        if (className == null) {
            return null;
        }
        Deserializer<?> deserializer;
        try {
            deserializer = (Deserializer<?>) Utils.newInstance(Class.forName(String.valueOf(className).trim()));
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new ToolException("Unable to instantiate a deserializer from " + className);
        }
        Map<String, Object> own = new HashMap<>();
        String prefix = name + ".";
        configs.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                own.put(k.substring(prefix.length()), v);
            }
        });
        deserializer.configure(own, isKey);
        return deserializer;
    }

    @Override
    public void writeTo(ConsumerRecord<byte[], byte[]> record, PrintStream output) {
        try {
            if (printTimestamp) {
                output.write((record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE ? "NO_TIMESTAMP"
                    : record.timestampType() + ":" + record.timestamp()).getBytes(StandardCharsets.UTF_8));
                separatorIf(output, printPartition || printOffset || printDelivery || printEpoch || printHeaders || printKey || printValue);
            }
            if (printPartition) {
                output.write(("Partition:" + record.partition()).getBytes(StandardCharsets.UTF_8));
                separatorIf(output, printOffset || printDelivery || printEpoch || printHeaders || printKey || printValue);
            }
            if (printOffset) {
                output.write(("Offset:" + record.offset()).getBytes(StandardCharsets.UTF_8));
                separatorIf(output, printDelivery || printEpoch || printHeaders || printKey || printValue);
            }
            if (printDelivery) {
                output.write(("Delivery:" + record.deliveryCount().map(String::valueOf).orElse("NOT_PRESENT")).getBytes(StandardCharsets.UTF_8));
                separatorIf(output, printEpoch || printHeaders || printKey || printValue);
            }
            if (printEpoch) {
                output.write(("Epoch:" + record.leaderEpoch().map(String::valueOf).orElse("NOT_PRESENT")).getBytes(StandardCharsets.UTF_8));
                separatorIf(output, printHeaders || printKey || printValue);
            }
            if (printHeaders) {
                Iterator<Header> headers = record.headers().iterator();
                if (!headers.hasNext()) {
                    output.write("NO_HEADERS".getBytes(StandardCharsets.UTF_8));
                }
                while (headers.hasNext()) {
                    Header header = headers.next();
                    output.write((header.key() + ":").getBytes(StandardCharsets.UTF_8));
                    write(output, headersDeserializer, header.value(), record);
                    if (headers.hasNext()) {
                        output.write(headersSeparator);
                    }
                }
                separatorIf(output, printKey || printValue);
            }
            if (printKey) {
                write(output, keyDeserializer, record.key(), record);
                separatorIf(output, printValue);
            }
            if (printValue) {
                write(output, valueDeserializer, record.value(), record);
                output.write(lineSeparator);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Unable to write the consumer record to the output", e);
        }
    }

    /** After a field: the key separator when another field follows, the line separator after the last one. */
    private void separatorIf(PrintStream output, boolean more) throws IOException {
        output.write(more ? keySeparator : lineSeparator);
    }

    private void write(PrintStream output, Deserializer<?> deserializer, byte[] bytes, ConsumerRecord<byte[], byte[]> record)
        throws IOException {
        if (bytes == null) {
            output.write(nullLiteral);
        } else if (deserializer == null) {
            output.write(bytes);
        } else {
            Object value = deserializer.deserialize(record.topic(), record.headers(), bytes);
            output.write(value == null ? nullLiteral : String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        for (Deserializer<?> d : new Deserializer<?>[] {keyDeserializer, valueDeserializer, headersDeserializer}) {
            if (d != null) {
                d.close();
            }
        }
    }
}
