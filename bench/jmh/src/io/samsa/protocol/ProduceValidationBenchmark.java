package io.samsa.protocol;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The produce path's check of every record before append ({@link ProducedRecords#validate}) on a producer's
 * ~16 KiB uncompressed batch: the in-place walk of the records (the default), and kafka-clients' record reader
 * that compressed batches and refused ones go through, for comparison. The batch lies in a direct buffer, as a
 * produce request's records do in the broker.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProduceValidationBenchmark {

    @Param({"100", "1024"})
    int recordSize;

    private MemoryRecords batch;

    @Setup
    public void buildBatch() {
        int count = Math.max(1, 16 * 1024 / (recordSize + 8));
        Random random = new Random(42);
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[recordSize];
            random.nextBytes(value);
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, value);
        }
        MemoryRecords built = MemoryRecords.withRecords(Compression.NONE, records);
        // A produce request's records reach the handler in a direct buffer, Netty's.
        ByteBuffer direct = ByteBuffer.allocateDirect(built.sizeInBytes());
        direct.put(built.buffer()).flip();
        batch = MemoryRecords.readableRecords(direct);
    }

    @Benchmark
    public MemoryRecords validate() {
        ProducedRecords.validate(batch);
        return batch;
    }

    @Benchmark
    public MemoryRecords readEveryRecord() {
        ProducedRecords.validateRecords(batch.batches().iterator().next());
        return batch;
    }
}
