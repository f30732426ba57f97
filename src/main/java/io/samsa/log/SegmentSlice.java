package io.samsa.log;

import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.DefaultRecordsSend;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.utils.internals.AbstractIterator;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * A range of whole batches in a segment file: its channel, the position of the first byte and the size. This is
 * what a read returns and what a fetch response carries; the network layer sends it with sendfile straight from
 * {@link #channel()} at {@link #position()}. Making one copies nothing and reads nothing; only those who iterate
 * its batches (tests, the group loader) get a {@code FileRecords} view of the range. Immutable; the channel belongs
 * to the segment and is never closed here.
 */
public final class SegmentSlice implements Records {
    private final FileRecords segmentFile;
    private final int position;
    private final int size;

    /** The {@code size} bytes of {@code segmentFile} from {@code position}, which must be within what it holds. */
    public SegmentSlice(FileRecords segmentFile, int position, int size) {
        this.segmentFile = segmentFile;
        this.position = position;
        this.size = size;
    }

    public FileChannel channel() {
        return segmentFile.channel();
    }

    /** The file position of the first byte. */
    public int position() {
        return position;
    }

    @Override
    public int sizeInBytes() {
        return size;
    }

    @Override
    public int writeTo(TransferableChannel channel, int offset, int length) throws IOException {
        long count = Math.min(length, size - offset);
        return (int) channel.transferFrom(segmentFile.channel(), (long) position + offset, count);
    }

    @Override
    public RecordsSend<? extends Records> toSend() {
        return new DefaultRecordsSend<>(this);
    }

    private FileRecords view() {
        return segmentFile.slice(position, size);
    }

    @Override
    public Iterable<? extends RecordBatch> batches() {
        return view().batches();
    }

    @Override
    public AbstractIterator<? extends RecordBatch> batchIterator() {
        return view().batchIterator();
    }

    @Override
    public Optional<RecordBatch> lastBatch() {
        return view().lastBatch();
    }

    @Override
    public boolean hasMatchingMagic(byte magic) {
        return view().hasMatchingMagic(magic);
    }

    @Override
    public Iterable<Record> records() {
        return view().records();
    }

    @Override
    public SegmentSlice slice(int offset, int length) {
        return new SegmentSlice(segmentFile, position + offset, Math.min(length, size - offset));
    }

    @Override
    public String toString() {
        return "SegmentSlice(" + segmentFile.file().getName() + ", position=" + position + ", size=" + size + ")";
    }
}
