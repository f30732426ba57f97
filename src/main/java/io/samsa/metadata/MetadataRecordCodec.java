package io.samsa.metadata;

import io.samsa.config.Endpoint;
import io.samsa.metadata.MetadataRecord.BrokerFenceRecord;
import io.samsa.metadata.MetadataRecord.ClusterIdRecord;
import io.samsa.metadata.MetadataRecord.ConfigRecord;
import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.RegisterBrokerRecord;
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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The binary form of a metadata record: a type byte and its fields. Framing and checksums are the log's job. */
public final class MetadataRecordCodec {
    private static final byte TOPIC = 1;
    private static final byte PARTITION = 2;
    private static final byte REMOVE_TOPIC = 3;
    private static final byte CONFIG = 4;
    private static final byte PRODUCER_IDS = 5;
    private static final byte CLUSTER_ID = 6;
    private static final byte REGISTER_BROKER = 7;
    private static final byte BROKER_FENCE = 8;

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
                } else if (record instanceof ClusterIdRecord r) {
                    out.writeByte(CLUSTER_ID);
                    out.writeUTF(r.clusterId());
                } else if (record instanceof RegisterBrokerRecord r) {
                    out.writeByte(REGISTER_BROKER);
                    out.writeInt(r.nodeId());
                    writeUuid(out, r.incarnationId());
                    out.writeLong(r.brokerEpoch());
                    out.writeInt(r.endpoints().size());
                    for (Endpoint e : r.endpoints()) {
                        out.writeUTF(e.listenerName());
                        out.writeUTF(e.securityProtocol());
                        out.writeUTF(e.host());
                        out.writeInt(e.port());
                    }
                    out.writeBoolean(r.rack() != null);
                    if (r.rack() != null) {
                        out.writeUTF(r.rack());
                    }
                } else if (record instanceof BrokerFenceRecord r) {
                    out.writeByte(BROKER_FENCE);
                    out.writeInt(r.nodeId());
                    out.writeLong(r.brokerEpoch());
                    out.writeBoolean(r.fenced());
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
            case CLUSTER_ID -> new ClusterIdRecord(in.readUTF());
            case REGISTER_BROKER -> {
                int nodeId = in.readInt();
                Uuid incarnation = readUuid(in);
                long epoch = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > 1000) {
                    throw new IOException("Bad endpoint count " + n);
                }
                List<Endpoint> endpoints = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    endpoints.add(new Endpoint(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt()));
                }
                String rack = in.readBoolean() ? in.readUTF() : null;
                yield new RegisterBrokerRecord(nodeId, incarnation, epoch, List.copyOf(endpoints), rack);
            }
            case BROKER_FENCE -> new BrokerFenceRecord(in.readInt(), in.readLong(), in.readBoolean());
            default -> throw new IOException("Unknown metadata record type " + type);
        };
    }

    /** Records as one body: each {@code [int length][payload]}, in order. */
    public static ByteBuffer encodeRecords(List<MetadataRecord> records) {
        List<byte[]> payloads = new ArrayList<>(records.size());
        int length = 0;
        for (MetadataRecord record : records) {
            byte[] payload = encode(record);
            payloads.add(payload);
            length += 4 + payload.length;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        for (byte[] payload : payloads) {
            body.putInt(payload.length).put(payload);
        }
        return body.flip();
    }

    /** The records of a body {@link #encodeRecords} wrote; consumes the buffer. */
    public static List<MetadataRecord> decodeRecords(ByteBuffer body) throws IOException {
        List<MetadataRecord> records = new ArrayList<>();
        while (body.hasRemaining()) {
            if (body.remaining() < 4) {
                throw new IOException("Truncated record");
            }
            int length = body.getInt();
            if (length < 0 || length > body.remaining()) {
                throw new IOException("Bad record length " + length);
            }
            byte[] payload = new byte[length];
            body.get(payload);
            records.add(decode(payload));
        }
        return records;
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
