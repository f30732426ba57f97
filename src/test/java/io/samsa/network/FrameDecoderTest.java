package io.samsa.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka framing on a byte stream that arrives in arbitrary pieces. */
class FrameDecoderTest {
    private static final int MAX = 64;

    @Test
    void framesSplitAtEveryPossibleByteAreReassembled() {
        byte[] stream = concat(frame(5, (byte) 1), frame(0, (byte) 0), frame(MAX, (byte) 3));
        for (int cut = 0; cut <= stream.length; cut++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
            channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
            channel.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
            assertThat(readAll(channel)).as("cut at %d", cut).containsExactly(5, 0, MAX);
            assertThat(channel.isActive()).isTrue();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void severalFramesInOneReadAreAllDelivered() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(1, (byte) 1), frame(2, (byte) 2), frame(3, (byte) 3))));
        assertThat(readAll(channel)).containsExactly(1, 2, 3);
        channel.finishAndReleaseAll();
    }

    @Test
    void sizeAboveTheLimitClosesBeforeBufferingTheFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        // Only the size has arrived: the decision does not wait for the body.
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBuffer.allocate(4).putInt(MAX + 1).array()));
        assertThat(channel.isActive()).isFalse();
        assertThat(readAll(channel)).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void negativeSizeCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBuffer.allocate(4).putInt(Integer.MIN_VALUE).array()));
        assertThat(channel.isActive()).isFalse();
        channel.finishAndReleaseAll();
    }

    @Test
    void framesBeforeABadSizeAreDeliveredAndNothingAfterIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX));
        byte[] bad = ByteBuffer.allocate(4).putInt(-7).array();
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(2, (byte) 2), bad, frame(3, (byte) 3))));
        assertThat(readAll(channel)).containsExactly(2);
        assertThat(channel.isActive()).isFalse();
        channel.finishAndReleaseAll();
    }

    private static List<Integer> readAll(EmbeddedChannel channel) {
        List<Integer> sizes = new ArrayList<>();
        for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            sizes.add(frame.readableBytes());
            frame.release();
        }
        return sizes;
    }

    private static byte[] frame(int size, byte fill) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + size).putInt(size);
        while (buffer.hasRemaining()) {
            buffer.put(fill);
        }
        return buffer.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer buffer = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }
}
