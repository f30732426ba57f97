package io.samsa.metadata;

import io.samsa.metadata.MetadataRecord.ConfigRecord;
import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.RemoveTopicRecord;
import io.samsa.metadata.MetadataRecord.ResourceType;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import org.apache.kafka.common.Uuid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The binary form of a metadata record: a type byte and its fields. Framing and checksums are the log's job. */
final class MetadataRecordCodec {
    private static final byte TOPIC = 1;
    private static final byte PARTITION = 2;
    private static final byte REMOVE_TOPIC = 3;
    private static final byte CONFIG = 4;
    private static final byte PRODUCER_IDS = 5;

    private MetadataRecordCodec() {
    }

    static byte[] encode(MetadataRecord record) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            { // dispatch on record type
                if (record instanceof TopicRecord r) {
                    out.writeByte(TOPIC);
                    out.writeUTF(r.name());
                    writeUuid(out, r.topicId());
                } else if (record instanceof PartitionRecord r) {
                    out.writeByte(PARTITION);
                    writeUuid(out, r.topicId());
                    out.writeInt(r.partition());
                    writeInts(out, r.replicas());
                    writeInts(out, r.isr());
                    out.writeInt(r.leader());
                    out.writeInt(r.leaderEpoch());
                } else if (record instanceof RemoveTopicRecord r) {
                    out.writeByte(REMOVE_TOPIC);
                    writeUuid(out, r.topicId());
                } else if (record instanceof ConfigRecord r) {
                    out.writeByte(CONFIG);
                    out.writeByte(r.resourceType().ordinal());
                    out.writeUTF(r.resourceName());
                    out.writeUTF(r.key());
                    out.writeBoolean(r.value() != null);
                    if (r.value() != null) {
                        out.writeUTF(r.value());
                    }
                } else if (record instanceof ProducerIdsRecord r) {
                    out.writeByte(PRODUCER_IDS);
                    out.writeLong(r.nextProducerId());
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MetadataRecord decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte type = in.readByte();
        return switch (type) {
            case TOPIC -> new TopicRecord(in.readUTF(), readUuid(in));
            case PARTITION -> new PartitionRecord(readUuid(in), in.readInt(), readInts(in), readInts(in), in.readInt(), in.readInt());
            case REMOVE_TOPIC -> new RemoveTopicRecord(readUuid(in));
            case CONFIG -> {
                ResourceType resourceType = ResourceType.values()[in.readByte()];
                String name = in.readUTF();
                String key = in.readUTF();
                String value = in.readBoolean() ? in.readUTF() : null;
                yield new ConfigRecord(resourceType, name, key, value);
            }
            case PRODUCER_IDS -> new ProducerIdsRecord(in.readLong());
            default -> throw new IOException("Unknown metadata record type " + type);
        };
    }

    private static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static Uuid readUuid(DataInputStream in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    private static void writeInts(DataOutputStream out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("Bad list length " + n);
        }
        List<Integer> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readInt());
        }
        return List.copyOf(values);
    }
}
