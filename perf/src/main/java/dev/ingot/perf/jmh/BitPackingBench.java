package dev.ingot.perf.jmh;

import dev.ingot.columnstore.encoding.BitPacking;
import dev.ingot.perf.BenchFlags;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Steady-state cost of {@link BitPacking#pack}: one integer chunk's 65,536 values (a full row
 * group of a narrow table) minus their minimum, packed at {@code width} bits, as the chunk
 * encoder does for frame-of-reference, dictionary codes and text lengths. The score is time per
 * chunk; divide by 65,536 for a value. This is the part of packing that a JIT-compiled loop's
 * speed decides; what compiling the loop costs a whole load shows only in whole-load runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN})
public class BitPackingBench {
    private static final int VALUES = 65_536;
    private static final long REFERENCE = 19_920_101L;

    /** Bits per value: a flag column, a small code, a date, a key of a small table, a price in cents, a key of a big table. */
    @Param({"3", "7", "12", "17", "24", "31"})
    public int width;

    private long[] values;
    private long[] words;

    @Setup
    public void fill() {
        SplittableRandom random = new SplittableRandom(42);
        long mask = (1L << width) - 1;
        values = new long[VALUES];
        for (int i = 0; i < VALUES; i++) {
            values[i] = REFERENCE + (random.nextLong() & mask);
        }
        words = new long[BitPacking.words(VALUES, width)];
    }

    /** One chunk's values packed; returns a word so the work is not dead code. */
    @Benchmark
    public long pack() {
        BitPacking.pack(values, 0, VALUES, REFERENCE, width, words);
        return words[words.length - 1];
    }
}
