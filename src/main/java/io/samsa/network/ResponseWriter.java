package io.samsa.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.samsa.log.SegmentSlice;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Serialises a response into the pieces Netty writes: pooled buffers for the message fields and, for
 * record data that lives in a segment file, a file region sent with zero copy. Record bytes held in
 * memory are wrapped, not copied.
 */
final class ResponseWriter implements Writable {
    private final ByteBufAllocator allocator;
    private final List<Object> parts = new ArrayList<>(2);
    private final int initialCapacity;
    private ByteBuf current;

    ResponseWriter(ByteBufAllocator allocator, int initialCapacity) {
        this.allocator = allocator;
        this.initialCapacity = initialCapacity;
        this.current = allocator.directBuffer(initialCapacity);
    }

    /** The pieces to write, in order; ownership passes to the caller. */
    List<Object> finish() {
        if (current.isReadable()) {
            parts.add(current);
        } else {
            current.release();
        }
        current = null;
        return parts;
    }

    void releaseAll() {
        if (current != null) {
            current.release();
            current = null;
        }
        for (Object part : parts) {
            io.netty.util.ReferenceCountUtil.release(part);
        }
        parts.clear();
    }

    @Override
    public void writeByte(byte val) {
        current.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        current.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        current.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        current.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        current.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        current.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xffffff80) != 0L) {
            current.writeByte((i & 0x7f) | 0x80);
            i >>>= 7;
        }
        current.writeByte(i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        current.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long v) {
        long value = (v << 1) ^ (v >> 63);
        while ((value & 0xffffffffffffff80L) != 0L) {
            current.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        current.writeByte((int) value);
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof SegmentSlice slice) {
            int size = slice.sizeInBytes();
            if (size == 0) {
                return;
            }
            cutBuffer();
            parts.add(new SegmentFileRegion(slice.channel(), slice.position(), size));
        } else if (records instanceof MemoryRecords memory) {
            ByteBuffer buffer = memory.buffer();
            if (buffer.hasRemaining()) {
                cutBuffer();
                parts.add(io.netty.buffer.Unpooled.wrappedBuffer(buffer.duplicate()));
            }
        } else if (records != null) {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
    }

    private void cutBuffer() {
        if (current.isReadable()) {
            parts.add(current);
        } else {
            current.release();
        }
        current = allocator.directBuffer(Math.min(initialCapacity, 256));
    }
}
