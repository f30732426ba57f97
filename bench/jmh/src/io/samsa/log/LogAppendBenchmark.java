package io.samsa.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * {@link Log#appendAsLeader} of one ~16 KiB uncompressed batch, as a producer sends it: validation,
 * offset assignment in place, the write to the active segment (page cache, no fsync) and the index.
 * A fresh log per iteration keeps the disk use bounded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogAppendBenchmark {

    @Param({"100", "1024"})
    int recordSize;

    private Path dir;
    private Log log;
    private MemoryRecords batch;

    @Setup(Level.Iteration)
    public void openLog() throws Exception {
        dir = Files.createTempDirectory("samsa-jmh-append");
        log = BenchLogs.open(dir);
        batch = BenchLogs.producerBatch(recordSize, System.currentTimeMillis());
    }

    @TearDown(Level.Iteration)
    public void deleteLog() throws Exception {
        log.close();
        BenchLogs.deleteTree(dir);
    }

    @Benchmark
    public LogAppendInfo appendBatch() {
        return log.appendAsLeader(BenchLogs.asProduced(batch), 0);
    }
}
