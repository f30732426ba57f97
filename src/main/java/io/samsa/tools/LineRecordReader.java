package io.samsa.tools;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns lines of text into records the way Kafka's console producer does. With the reader properties
 * {@code parse.headers=true} and {@code parse.key=true} a line is {@code h1:v1,h2:v2<TAB>key<TAB>value};
 * the delimiters are {@code headers.delimiter}, {@code headers.separator}, {@code headers.key.separator} and
 * {@code key.separator}; a field equal to {@code null.marker} becomes null; {@code ignore.error=true} takes a line
 * without a key separator as a value with a null key instead of failing.
 */
final class LineRecordReader {
    private final String topic;
    private final boolean parseKey;
    private final boolean parseHeaders;
    private final boolean ignoreError;
    private final String keySeparator;
    private final String headersDelimiter;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullMarker;
    private int lineNumber;

    LineRecordReader(String topic, Map<String, String> props) {
        this.topic = topic;
        this.parseKey = Boolean.parseBoolean(props.getOrDefault("parse.key", "false").trim());
        this.parseHeaders = Boolean.parseBoolean(props.getOrDefault("parse.headers", "false").trim());
        this.ignoreError = Boolean.parseBoolean(props.getOrDefault("ignore.error", "false").trim());
        this.keySeparator = props.getOrDefault("key.separator", "\t");
        this.headersDelimiter = props.getOrDefault("headers.delimiter", "\t");
        this.headersSeparator = props.getOrDefault("headers.separator", ",");
        this.headersKeySeparator = props.getOrDefault("headers.key.separator", ":");
        this.nullMarker = props.get("null.marker");
        refuseEqual(headersDelimiter, headersSeparator, "headers.delimiter and headers.separator may not be equal");
        refuseEqual(headersDelimiter, headersKeySeparator, "headers.delimiter and headers.key.separator may not be equal");
        refuseEqual(headersSeparator, headersKeySeparator, "headers.separator and headers.key.separator may not be equal");
        if (nullMarker != null) {
            refuseEqual(nullMarker, keySeparator, "null.marker and key.separator may not be equal");
            refuseEqual(nullMarker, headersSeparator, "null.marker and headers.separator may not be equal");
            refuseEqual(nullMarker, headersDelimiter, "null.marker and headers.delimiter may not be equal");
            refuseEqual(nullMarker, headersKeySeparator, "null.marker and headers.key.separator may not be equal");
        }
    }

    private static void refuseEqual(String a, String b, String message) {
        if (a.equals(b)) {
            throw new ToolException(message);
        }
    }

    /** The next record, or null at the end of the input. */
    ProducerRecord<byte[], byte[]> next(BufferedReader in) {
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null) {
            return null;
        }
        lineNumber++;
        String rest = line;
        List<Header> headers = List.of();
        if (parseHeaders) {
            int at = rest.indexOf(headersDelimiter);
            if (at < 0) {
                if (!ignoreError) {
                    throw new KafkaException("No headers delimiter found on line number " + lineNumber + ": '" + line + "'");
                }
            } else {
                headers = parseHeaders(rest.substring(0, at));
                rest = rest.substring(at + headersDelimiter.length());
            }
        }
        String key = null;
        String value = rest;
        if (parseKey) {
            int at = rest.indexOf(keySeparator);
            if (at < 0) {
                if (!ignoreError) {
                    throw new KafkaException("No key separator found on line number " + lineNumber + ": '" + line + "'");
                }
            } else {
                key = rest.substring(0, at);
                value = rest.substring(at + keySeparator.length());
            }
        }
        return new ProducerRecord<>(topic, null, null, bytes(key), bytes(value), headers);
    }

    private List<Header> parseHeaders(String text) {
        List<Header> headers = new ArrayList<>();
        if (text.equals(nullMarker)) {
            return headers;
        }
        for (String pair : text.split(java.util.regex.Pattern.quote(headersSeparator))) {
            int at = pair.indexOf(headersKeySeparator);
            if (at < 0) {
                if (ignoreError) {
                    headers.add(new RecordHeader(pair, null));
                    continue;
                }
                throw new KafkaException("No header key separator found in pair '" + pair + "' on line number " + lineNumber);
            }
            String key = pair.substring(0, at);
            if (key.equals(nullMarker)) {
                throw new KafkaException("Header keys should not be equal to the null marker '" + nullMarker + "' as they can't be null");
            }
            headers.add(new RecordHeader(key, bytes(pair.substring(at + headersKeySeparator.length()))));
        }
        return headers;
    }

    private byte[] bytes(String field) {
        if (field == null || field.equals(nullMarker)) {
            return null;
        }
        return field.getBytes(StandardCharsets.UTF_8);
    }
}
