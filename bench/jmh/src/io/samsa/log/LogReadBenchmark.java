package io.samsa.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.internal.MemoryRecords;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fetch read planning, {@link Log#read}: from a consumer's offset to the file range of whole
 * batches that the fetch response sends with zero copy (index lookup, then a scan of batch headers).
 * The log holds 256 MiB of ~16 KiB batches; the reads start at random offsets.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogReadBenchmark {

    /** A consumer's max.partition.fetch.bytes default, and a small long-poll fetch. */
    @Param({"1048576", "16384"})
    int maxBytes;

    private Path dir;
    private Log log;
    private long[] starts;
    private int next;

    @Setup
    public void fillLog() throws Exception {
        dir = Files.createTempDirectory("samsa-jmh-read");
        log = BenchLogs.open(dir);
        MemoryRecords batch = BenchLogs.producerBatch(100, System.currentTimeMillis());
        long bytes = 0;
        while (bytes < 256L * 1024 * 1024) {
            bytes += log.appendAsLeader(BenchLogs.asProduced(batch), 0).validBytes();
        }
        Random random = new Random(11);
        starts = new long[4096];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = (long) (random.nextDouble() * log.logEndOffset());
        }
    }

    @TearDown
    public void deleteLog() throws Exception {
        log.close();
        BenchLogs.deleteTree(dir);
    }

    @Benchmark
    public LogReadInfo read() {
        return log.read(starts[next++ & (starts.length - 1)], maxBytes, Long.MAX_VALUE, true);
    }
}
