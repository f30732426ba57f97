package io.samsa.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * {@link OffsetIndex#lookup} of a random offset in a full segment's index. A 1 GiB segment with
 * one entry per 4 KiB ({@code index.interval.bytes}) holds 262,144 entries; 1,024 is a small one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OffsetIndexBenchmark {

    private static final long BASE_OFFSET = 1_000_000L;
    private static final int RECORDS_PER_ENTRY = 40;

    @Param({"1024", "262144"})
    int entries;

    private Path dir;
    private OffsetIndex index;
    private long[] targets;
    private int next;

    @Setup
    public void fillIndex() throws Exception {
        dir = Files.createTempDirectory("samsa-jmh-index");
        index = new OffsetIndex(dir.resolve("00000000000001000000.index"), BASE_OFFSET, 10 * 1024 * 1024);
        for (int i = 0; i < entries; i++) {
            index.append(BASE_OFFSET + (long) (i + 1) * RECORDS_PER_ENTRY - 1, i * 4096);
        }
        Random random = new Random(7);
        targets = new long[4096];
        long span = (long) entries * RECORDS_PER_ENTRY;
        for (int i = 0; i < targets.length; i++) {
            targets[i] = BASE_OFFSET + (long) (random.nextDouble() * span);
        }
    }

    @TearDown
    public void deleteIndex() throws Exception {
        index.close();
        BenchLogs.deleteTree(dir);
    }

    @Benchmark
    public OffsetIndex.Entry lookup() {
        long target = targets[next++ & (targets.length - 1)];
        return index.lookup(target);
    }
}
