package dev.ingot.perf.jmh;

import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.MemoryView;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.perf.BenchFlags;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the memory layer's bounds checks cost: sums over a 64 MiB block through
 * {@link MemoryView}'s checked accessors, in one fork with the checks on (the default) and one
 * with {@code -Dingot.memory.boundsChecks=false} ({@link MemoryView#BOUNDS_CHECKS_PROPERTY}, read
 * once per JVM, hence a fork each). {@code long} and {@code byte} accessors are measured (one
 * check per 8 bytes and per byte), plus {@link Bits#countOnes}, which checks once per call. The
 * score is time per pass over the 64 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemoryViewBench {
    private static final long REGION_BYTES = 64L << 20;
    private static final String CHECKS_ON = "-D" + MemoryView.BOUNDS_CHECKS_PROPERTY + "=true";
    private static final String CHECKS_OFF = "-D" + MemoryView.BOUNDS_CHECKS_PROPERTY + "=false";

    private NativeAllocator allocator;
    private MemoryBlock block;

    @Setup(Level.Trial)
    public void fill() {
        allocator = NativeAllocator.root("jmh-memory-view", REGION_BYTES);
        block = allocator.allocate(REGION_BYTES, "64 MiB region");
        SplittableRandom random = new SplittableRandom(42);
        for (long i = 0; i < REGION_BYTES; i += 8) {
            block.putLong(i, random.nextLong());
        }
    }

    @TearDown(Level.Trial)
    public void free() {
        block.close();
        allocator.close();
    }

    private static long sumLongs(MemoryView v) {
        long sum = 0;
        for (long i = 0, n = v.capacity(); i < n; i += 8) {
            sum += v.getLong(i);
        }
        return sum;
    }

    private static long sumBytes(MemoryView v) {
        long sum = 0;
        for (long i = 0, n = v.capacity(); i < n; i++) {
            sum += v.getByte(i);
        }
        return sum;
    }

    /** Sum of the region's longs, every getLong checked. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, CHECKS_ON})
    public long sumLongsChecked() {
        return sumLongs(block);
    }

    /** Sum of the region's longs with the checks switched off. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, CHECKS_OFF})
    public long sumLongsUnchecked() {
        return sumLongs(block);
    }

    /** Sum of the region's bytes, every getByte checked. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, CHECKS_ON})
    public long sumBytesChecked() {
        return sumBytes(block);
    }

    /** Sum of the region's bytes with the checks switched off. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, CHECKS_OFF})
    public long sumBytesUnchecked() {
        return sumBytes(block);
    }

    /** Set bits of the region as a bitmap: one range check per call, then word-at-a-time. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, CHECKS_ON})
    public long countOnesChecked() {
        return Bits.countOnes(block, 8 * REGION_BYTES);
    }
}
