package io.samsa.tools;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MessageFormatter;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The console consumer's output, record by record, is exactly what Kafka's default formatter writes. */
class RecordFormatterTest {
    private static final List<String> FLAGS = List.of("print.timestamp", "print.partition", "print.offset", "print.epoch",
        "print.headers", "print.key", "print.value", "print.delivery");

    private static final List<ConsumerRecord<byte[], byte[]>> RECORDS = List.of(
        record("k1", "v1", TimestampType.CREATE_TIME, new RecordHeaders(List.of(new RecordHeader("h1", bytes("x")), new RecordHeader("h2", null))), Optional.of(3)),
        record(null, "value only", TimestampType.LOG_APPEND_TIME, new RecordHeaders(), Optional.empty()),
        record("k", null, TimestampType.NO_TIMESTAMP_TYPE, new RecordHeaders(List.of(new RecordHeader("only", bytes("one")))), Optional.of(0)),
        new ConsumerRecord<>("t", 0, 0, new byte[] {(byte) 0xff, 0, 1}, new byte[] {(byte) 0xc3, (byte) 0x28}));

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, TimestampType type, RecordHeaders headers,
                                                          Optional<Integer> epoch) {
        return new ConsumerRecord<>("topic", 2, 41L, 1_700_000_000_123L, type, key == null ? -1 : key.length(),
            value == null ? -1 : value.length(), bytes(key), bytes(value), headers, epoch);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Kafka's own default formatter (package-private in kafka-tools), the reference. */
    private static MessageFormatter kafkasFormatter() {
        try {
            var constructor = Class.forName("org.apache.kafka.tools.consumer.DefaultMessageFormatter").getDeclaredConstructor();
            constructor.setAccessible(true);
            return (MessageFormatter) constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] format(MessageFormatter formatter, Map<String, String> props) {
        formatter.configure(props);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            for (ConsumerRecord<byte[], byte[]> r : RECORDS) {
                formatter.writeTo(r, ps);
            }
        }
        formatter.close();
        return out.toByteArray();
    }

    @Test
    void everyCombinationOfPrintFlagsMatchesKafkasFormatter() {
        for (int mask = 0; mask < 1 << FLAGS.size(); mask++) {
            Map<String, String> props = new HashMap<>();
            for (int i = 0; i < FLAGS.size(); i++) {
                props.put(FLAGS.get(i), (mask & 1 << i) != 0 ? "true" : "false");
            }
            assertThat(new String(format(new RecordFormatter(), props), StandardCharsets.ISO_8859_1)).as(props.toString())
                .isEqualTo(new String(format(kafkasFormatter(), props), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void separatorsNullLiteralAndDeserializersMatchKafkasFormatter() {
        Map<String, String> props = Map.of("print.key", "true", "print.headers", "true", "print.timestamp", "true",
            "key.separator", " | ", "line.separator", "<EOL>\n", "headers.separator", ";", "null.literal", "(none)",
            "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
            "headers.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");

        assertThat(new String(format(new RecordFormatter(), props), StandardCharsets.ISO_8859_1))
            .isEqualTo(new String(format(kafkasFormatter(), props), StandardCharsets.ISO_8859_1));
    }

    @Test
    void defaultsPrintTheValueAlonePerLine() {
        assertThat(new String(format(new RecordFormatter(), Map.of()), StandardCharsets.ISO_8859_1))
            .startsWith("v1\nvalue only\nnull\n");
    }
}
