package io.samsa.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.Crc32C;

/**
 * The produce path's in-place record walker agrees with kafka-clients' record reader: every batch a producer
 * builds passes, and after changes to its record bytes (with a CRC that matches again) the walker passes the
 * batch exactly when the reader reads it without an error.
 */
class UncompressedRecordWalkerTest {

    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;

    @Provide
    Arbitrary<List<SimpleRecord>> records() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> nullableBytes = bytes.injectNull(0.2);
        Arbitrary<Header> header = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(6), nullableBytes)
            .as(RecordHeader::new);
        Arbitrary<SimpleRecord> record = Combinators.combine(
                Arbitraries.longs().between(0, 1L << 42), nullableBytes, nullableBytes, header.list().ofMaxSize(3))
            .as((ts, key, value, headers) -> new SimpleRecord(ts, key, value, headers.toArray(new Header[0])));
        return record.list().ofMinSize(1).ofMaxSize(20);
    }

    private static MemoryRecords build(List<SimpleRecord> records) {
        return MemoryRecords.withRecords(Compression.NONE, records.toArray(new SimpleRecord[0]));
    }

    private static boolean walks(MemoryRecords records) {
        ByteBuffer buf = records.buffer();
        MutableRecordBatch batch = records.batches().iterator().next();
        return UncompressedRecordWalker.wellFormed(buf, buf.position() + DefaultRecordBatch.RECORD_BATCH_OVERHEAD,
            buf.position() + batch.sizeInBytes(), batch.countOrNull());
    }

    private static boolean readerAccepts(MemoryRecords records) {
        try {
            ProducedRecords.validateRecords(records.batches().iterator().next());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Property(tries = 300)
    void everyBatchAProducerBuildsWalks(@ForAll("records") List<SimpleRecord> records) {
        MemoryRecords built = build(records);
        assertThat(walks(built)).isTrue();
        assertThat(readerAccepts(built)).isTrue();
    }

    @Property(tries = 3000)
    void walkerAndReaderAgreeOnChangedRecordBytes(@ForAll("records") List<SimpleRecord> records,
                                                  @ForAll @IntRange(min = 0, max = 100_000) int where,
                                                  @ForAll byte newByte,
                                                  @ForAll @IntRange(min = 1, max = 3) int changes) {
        MemoryRecords built = build(records);
        ByteBuffer buf = built.buffer();
        int recordsLength = buf.remaining() - DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        for (int i = 0; i < changes; i++) {
            int at = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + (where * (i + 7)) % recordsLength;
            buf.put(at, (byte) (newByte + i));
        }
        buf.putInt(CRC_OFFSET, (int) Crc32C.compute(buf, ATTRIBUTES_OFFSET, buf.remaining() - ATTRIBUTES_OFFSET));
        assertThat(walks(built)).as("walker passes").isEqualTo(readerAccepts(built));
    }

    @Property(tries = 300)
    void aDeclaredCountThatDisagreesWithTheRecordsIsRefused(@ForAll("records") List<SimpleRecord> records,
                                                            @ForAll @IntRange(min = -1, max = 3) int delta) {
        MemoryRecords built = build(records);
        ByteBuffer buf = built.buffer();
        int count = records.size() + (delta >= 0 ? delta + 1 : delta);
        assertThat(UncompressedRecordWalker.wellFormed(buf, buf.position() + DefaultRecordBatch.RECORD_BATCH_OVERHEAD,
            buf.limit(), count)).isFalse();
    }
}
