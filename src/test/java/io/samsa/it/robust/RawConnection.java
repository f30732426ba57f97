package io.samsa.it.robust;

import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * A Kafka connection on a plain socket, for tests that must control every byte on the wire: requests are
 * built and responses parsed with kafka-clients, frames may be anything.
 */
public final class RawConnection implements AutoCloseable {
    public static final String CLIENT_ID = "raw-test";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawConnection open(int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawConnection(socket);
    }

    /** A response header and body as parsed with kafka-clients. */
    public record Reply(ResponseHeader header, AbstractResponse body) {
        public int correlationId() {
            return header.correlationId();
        }
    }

    /** The size-less frame (header and body) kafka-clients would send for this request. */
    public static byte[] frame(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
        ByteBuffer buffer = request.serializeWithHeader(header);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** The size-less frame for any request body, written at {@code version} after a matching header. */
    public static byte[] frame(ApiKeys api, ApiMessage body, short version, int correlationId) {
        RequestHeader header = new RequestHeader(api, version, CLIENT_ID, correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.data().size(cache, header.headerVersion()) + body.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, header.headerVersion());
        body.write(accessor, cache, version);
        return buffer.array();
    }

    public void send(AbstractRequest request, int correlationId) throws IOException {
        sendFrame(frame(request, correlationId));
    }

    /** Sends a 4-byte size (the frame's length) and then the frame. */
    public void sendFrame(byte[] frame) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4 + frame.length);
        buffer.putInt(frame.length).put(frame);
        sendRaw(buffer.array());
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame; the caller says what it answers, as a client would from its correlation id. */
    public Reply receive(ApiKeys api, short version) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(receiveFrame());
        ResponseHeader header = ResponseHeader.parse(frame, api.responseHeaderVersion(version));
        AbstractResponse body = AbstractResponse.parseResponse(api, new ByteBufferAccessor(frame), version);
        if (frame.hasRemaining()) {
            throw new IllegalStateException(frame.remaining() + " bytes left after a " + api + " v" + version + " response");
        }
        return new Reply(header, body);
    }

    public byte[] receiveFrame() throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IllegalStateException("Response size " + size);
        }
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return bytes;
    }

    public Reply roundTrip(AbstractRequest request, int correlationId) throws IOException {
        send(request, correlationId);
        Reply reply = receive(request.apiKey(), request.version());
        if (reply.correlationId() != correlationId) {
            throw new IllegalStateException("Correlation id " + reply.correlationId() + ", expected " + correlationId);
        }
        return reply;
    }

    /**
     * Whether the broker closes the connection (end of stream or reset) within {@code within}, reading and
     * discarding anything it still sends.
     */
    public boolean closedByPeerWithin(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] sink = new byte[4096];
        try {
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                if (in.read(sink) < 0) {
                    return true;
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    /** Creates a topic with CreateTopics v7 and checks that it was created. */
    public void createTopic(String name, int partitions, Map<String, String> configs) throws IOException {
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(10_000);
        CreateTopicsRequestData.CreatableTopic topic = new CreateTopicsRequestData.CreatableTopic()
            .setName(name).setNumPartitions(partitions).setReplicationFactor((short) 1);
        configs.forEach((k, v) -> topic.configs().add(new CreateTopicsRequestData.CreatableTopicConfig().setName(k).setValue(v)));
        create.topics().add(topic);
        sendFrame(frame(ApiKeys.CREATE_TOPICS, create, (short) 7, Integer.MAX_VALUE));
        CreateTopicsResponseData response = ((CreateTopicsResponse) receive(ApiKeys.CREATE_TOPICS, (short) 7).body()).data();
        short error = response.topics().find(name).errorCode();
        if (error != Errors.NONE.code()) {
            throw new IllegalStateException("Cannot create " + name + ": " + Errors.forCode(error));
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
