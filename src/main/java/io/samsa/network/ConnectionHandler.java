package io.samsa.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.samsa.protocol.MalformedRequestException;
import io.samsa.protocol.RequestDispatcher;
import io.samsa.protocol.Response;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ResponseHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection. Requests are handled as they arrive; their responses leave in arrival order even
 * when a later one is ready first (a long-poll fetch followed by a metadata request). A frame that cannot be
 * answered closes the connection with one log line (WARN for the client's fault, ERROR for ours), and
 * nothing that arrived after it is handled. A request frame is released once parsed, except for requests whose
 * parsed form points into it (Produce's records), whose frame lives until the response is ready. All state here is
 * touched only on the connection's event loop.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    /** Beyond this many unanswered requests the connection stops reading, bounding memory per client. */
    private static final int MAX_IN_FLIGHT = 64;

    private static final class Slot {
        Response response;
        boolean done;
    }

    private final RequestDispatcher dispatcher;
    private final String listenerName;
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    /** True while Netty delivers a batch of reads; responses ready then are flushed once at its end. */
    private boolean readBurst;
    private boolean flushPending;
    private ChannelHandlerContext ctx;
    private InetSocketAddress remote;
    /** Set once the connection is being closed for a bad frame or our own failure; nothing more is handled. */
    private boolean closing;

    ConnectionHandler(RequestDispatcher dispatcher, String listenerName) {
        this.dispatcher = dispatcher;
        this.listenerName = listenerName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.remote = ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address : null;
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readBurst = true;
        ByteBuf frame = (ByteBuf) msg;
        if (closing || !ctx.channel().isActive()) {
            // Frames that arrived with or after a bad one are never handled: a closed connection is closed.
            frame.release();
            return;
        }
        short apiKey = frame.readableBytes() >= 2 ? frame.getShort(frame.readerIndex()) : -1;
        CompletableFuture<Response> future;
        try {
            future = dispatcher.dispatch(frame.nioBuffer(), listenerName, remote);
        } catch (MalformedRequestException e) {
            frame.release();
            closeBecause(Level.WARN, e.getMessage(), null);
            return;
        } catch (RuntimeException | Error e) {
            frame.release();
            closeBecause(Level.ERROR, "cannot handle request", e);
            return;
        }
        if (future == null) {
            frame.release();
            return;
        }
        Slot slot = new Slot();
        inFlight.addLast(slot);
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            ctx.channel().config().setAutoRead(false);
        }
        if (future.isDone()) {
            frame.release();
            completeNow(slot, future);
        } else if (RequestDispatcher.requestSharesFrame(apiKey)) {
            // The parsed request still points into the frame (record batches are slices), so the frame
            // lives until the response is ready.
            future.whenComplete((response, failure) -> ctx.executor().execute(() -> {
                frame.release();
                complete(slot, response, failure);
            }));
        } else {
            // Parsed into objects of its own: a parked request (a long-poll fetch, a JoinGroup) pins no read buffer.
            frame.release();
            future.whenComplete((response, failure) -> ctx.executor().execute(() -> complete(slot, response, failure)));
        }
    }

    private void completeNow(Slot slot, CompletableFuture<Response> future) {
        try {
            complete(slot, future.join(), null);
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            complete(slot, null, e.getCause() != null ? e.getCause() : e);
        }
    }

    private void complete(Slot slot, Response response, Throwable failure) {
        if (closing) {
            return;
        }
        if (failure != null) {
            closeBecause(Level.ERROR, "request failed", failure);
            return;
        }
        slot.response = response;
        slot.done = true;
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            Slot head = inFlight.pollFirst();
            if (head.response != null && ctx.channel().isActive()) {
                if (head.response.closesConnection()) {
                    closeAfterWrites(head.response.closeReason());
                    return;
                }
                if (!write(head.response)) {
                    return;
                }
                wrote = true;
            }
        }
        if (wrote) {
            if (readBurst) {
                // Answered while reading: one flush at the end of the read burst covers every pipelined response.
                flushPending = true;
            } else {
                ctx.flush();
            }
        }
        if (inFlight.size() < MAX_IN_FLIGHT / 2 && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readBurst = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Writes one response; false when it could not be encoded and the connection is closing. */
    private boolean write(Response response) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeader header = new ResponseHeader(response.correlationId(), response.headerVersion());
        int total;
        try {
            total = header.data().size(cache, response.headerVersion()) + response.body().size(cache, response.apiVersion());
        } catch (RuntimeException e) {
            closeBecause(Level.ERROR, "cannot encode " + response.body().getClass().getSimpleName(), e);
            return false;
        }
        ResponseWriter writer = new ResponseWriter(ctx.alloc(), Math.min(4 + total, 64 * 1024));
        List<Object> parts;
        try {
            writer.writeInt(total);
            header.data().write(writer, cache, response.headerVersion());
            response.body().write(writer, cache, response.apiVersion());
            parts = writer.finish();
        } catch (RuntimeException e) {
            writer.releaseAll();
            closeBecause(Level.ERROR, "cannot encode " + response.body().getClass().getSimpleName(), e);
            return false;
        }
        for (Object part : parts) {
            ctx.write(part, ctx.voidPromise());
        }
        return true;
    }

    /**
     * Closes the connection because a handler answered so (a failed Produce with acks=0), with one INFO line, once
     * the responses to earlier requests have left; later frames and responses of this connection are dropped.
     */
    private void closeAfterWrites(String reason) {
        closing = true;
        log.info("Closing connection from {}: {}", remote, reason);
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Closes the connection with one log line: WARN when the client sent something we cannot answer, ERROR when
     * the fault is ours (a handler or encoder failed). Later frames and responses of this connection are dropped.
     */
    private void closeBecause(Level level, String reason, Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        log.atLevel(level).setCause(cause).log("Closing connection from {}: {}", remote, reason);
        ctx.channel().config().setAutoRead(false);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!inFlight.isEmpty()) {
                // Waiting for our own answer (a long-poll fetch) is not the client being idle.
                return;
            }
            log.debug("Closing connection from {}: idle longer than connections.max.idle.ms", remote);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Connection from {} failed: {}", remote, cause.toString());
            ctx.close();
        } else {
            closeBecause(Level.ERROR, "unexpected error", cause);
        }
    }
}
