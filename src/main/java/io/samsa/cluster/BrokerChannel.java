package io.samsa.cluster;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A blocking Kafka-protocol connection to a broker, one request at a time, for threads that exist to wait on other
 * brokers (replica fetchers, command-line tools), never for a network thread. Requests and responses are kafka-clients'
 * message classes; the frame is Kafka's size-prefixed one.
 */
public final class BrokerChannel implements AutoCloseable {
    /** A response larger than this is refused rather than allocated: it cannot be a sane answer to our requests. */
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String clientId;
    private int correlationId;

    public BrokerChannel(String host, int port, String clientId, int connectTimeoutMs, int readTimeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        this.socket = s;
        this.in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 64 * 1024));
        this.out = s.getOutputStream();
        this.clientId = clientId;
    }

    /** Sends the request and waits for its response (the socket's read timeout bounds the wait). */
    public AbstractResponse send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        byte[] frame = new byte[4 + body.remaining()];
        ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
        out.write(frame);
        out.flush();
        int size = in.readInt();
        if (size < 0 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("Response of " + size + " bytes from " + socket.getRemoteSocketAddress());
        }
        byte[] response = new byte[size];
        try {
            in.readFully(response);
        } catch (EOFException e) {
            throw new IOException("Connection to " + socket.getRemoteSocketAddress() + " closed mid-response", e);
        }
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
