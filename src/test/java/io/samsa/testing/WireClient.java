package io.samsa.testing;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A bare Kafka protocol connection for tests that must control exactly what goes on the wire: one
 * request, one response, with kafka-clients doing the encoding.
 */
public final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId = 1;

    public WireClient(String host, int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(30_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects to the first host:port of a bootstrap list. */
    public static WireClient connect(String bootstrapServers) {
        String first = bootstrapServers.split(",")[0];
        int colon = first.lastIndexOf(':');
        return new WireClient(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }

    /** Sends a request exactly as built (at its own version) and returns the parsed response. */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest request) {
        int id = sendOnly(request);
        return (R) receive(request.apiKey(), request.version(), id);
    }

    /** Sends a request at the builder's latest version and returns the parsed response. */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder) {
        return send(builder, builder.latestAllowedVersion());
    }

    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder, short version) {
        AbstractRequest request = builder.build(version);
        int id = sendOnly(request);
        return (R) receive(request.apiKey(), version, id);
    }

    /** Sends a message body at any version, bypassing the request builders' own checks. */
    public AbstractResponse sendData(ApiKeys api, short version, org.apache.kafka.common.protocol.ApiMessage data) {
        int id = correlationId++;
        RequestHeader header = new RequestHeader(api, version, "wire-test", id);
        ByteBuffer body = org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(data, version).buffer();
        org.apache.kafka.common.protocol.ObjectSerializationCache cache = new org.apache.kafka.common.protocol.ObjectSerializationCache();
        int headerSize = header.data().size(cache, header.headerVersion());
        ByteBuffer frame = ByteBuffer.allocate(4 + headerSize + body.remaining());
        frame.putInt(headerSize + body.remaining());
        header.data().write(new org.apache.kafka.common.protocol.ByteBufferAccessor(frame), cache, header.headerVersion());
        frame.put(body);
        try {
            out.write(frame.array());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return receive(api, version, id);
    }

    /** Writes a request without waiting; returns its correlation id. */
    public int sendOnly(AbstractRequest request) {
        int id = correlationId++;
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "wire-test", id);
        ByteBuffer body = request.serializeWithHeader(header);
        try {
            byte[] frame = new byte[4 + body.remaining()];
            ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
            out.write(frame);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return id;
    }

    public AbstractResponse receive(ApiKeys api, short version, int expectedCorrelationId) {
        try {
            int size = in.readInt();
            byte[] frame = new byte[size];
            in.readFully(frame);
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            ResponseHeader header = ResponseHeader.parse(buffer, api.responseHeaderVersion(version));
            if (header.correlationId() != expectedCorrelationId) {
                throw new IllegalStateException("Expected correlation id " + expectedCorrelationId + ", got " + header.correlationId());
            }
            return AbstractResponse.parseResponse(api, new ByteBufferAccessor(buffer), version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
