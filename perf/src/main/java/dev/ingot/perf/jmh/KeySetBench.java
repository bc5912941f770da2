package dev.ingot.perf.jmh;

import dev.ingot.constraints.hash.Hashing;
import dev.ingot.constraints.hash.LongOpenHashSet;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.perf.BenchFlags;
import java.util.HashSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.collections.LongHashSet;
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
 * The constraint key set: insert and probe ns/op of Ingot's off-heap {@link LongOpenHashSet}
 * against Agrona's on-heap {@link LongHashSet} (same algorithm family, same load factor 0.65)
 * and {@code java.util.HashSet<Long>} (boxed), at 1M, 6M (lineitem at SF1) and 24M keys.
 * Keys are random 64-bit values from a fixed seed; every set is pre-sized for all keys.
 *
 * <ul>
 *   <li>{@code insert}: adds the next key; when all {@code keys} are in, the set is replaced by
 *       an empty one (that allocation is part of the measured cost, about 1/keys of it per op),
 *       so the average covers whole fills from empty to full.</li>
 *   <li>{@code probe}: {@code contains} of a key present in the full set (a foreign-key check).</li>
 * </ul>
 * The fork gets {@code -Xmx4g}: 24M boxed Longs in a HashSet take about 1.5 GB of heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, BenchFlags.ADD_EXPORTS_MISC,
        "-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"})
public class KeySetBench {
    /** Set implementation. */
    @Param({"ingot", "agrona", "jdk"})
    public String impl;

    /** Keys per set. */
    @Param({"1000000", "6000000", "24000000"})
    public int keys;

    private long[] values;
    private NativeAllocator allocator;
    private LongOpenHashSet ingotInsert;
    private LongHashSet agronaInsert;
    private HashSet<Long> jdkInsert;
    private LongOpenHashSet ingotFull;
    private LongHashSet agronaFull;
    private HashSet<Long> jdkFull;
    private int insertIndex;
    private int probeIndex;

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(20240601L);
        values = new long[keys];
        for (int i = 0; i < keys; i++) {
            values[i] = random.nextLong();
        }
        allocator = NativeAllocator.root("jmh-keyset", 8L << 30);
        switch (impl) {
            case "ingot":
                ingotFull = new LongOpenHashSet(allocator, keys);
                for (long v : values) {
                    ingotFull.add(v);
                }
                break;
            case "agrona":
                agronaFull = newAgrona(keys);
                for (long v : values) {
                    agronaFull.add(v);
                }
                break;
            case "jdk":
                jdkFull = newJdk(keys);
                for (long v : values) {
                    jdkFull.add(v);
                }
                break;
            default:
                throw new IllegalArgumentException("unknown impl " + impl);
        }
        resetInsertSet();
    }

    static LongHashSet newAgrona(int keys) {
        LongHashSet s = new LongHashSet((int) Math.ceil(keys / (double) Hashing.DEFAULT_LOAD_FACTOR) + 1,
                Hashing.DEFAULT_LOAD_FACTOR);
        if (s.resizeThreshold() < keys) {
            throw new IllegalStateException("Agrona set would resize: threshold " + s.resizeThreshold() + " < " + keys);
        }
        return s;
    }

    static HashSet<Long> newJdk(int keys) {
        return new HashSet<>((int) (keys / 0.75) + 1);
    }

    private void resetInsertSet() {
        insertIndex = 0;
        switch (impl) {
            case "ingot":
                if (ingotInsert != null) {
                    ingotInsert.close();
                }
                ingotInsert = new LongOpenHashSet(allocator, keys);
                break;
            case "agrona":
                agronaInsert = null;
                agronaInsert = newAgrona(keys);
                break;
            default:
                jdkInsert = null;
                jdkInsert = newJdk(keys);
        }
    }

    @TearDown(Level.Trial)
    public void free() {
        if (ingotInsert != null) {
            ingotInsert.close();
        }
        if (ingotFull != null) {
            ingotFull.close();
        }
        allocator.close();
    }

    /** Adds the next key (see the class comment for the reset). */
    @Benchmark
    public boolean insert() {
        if (insertIndex == keys) {
            resetInsertSet();
        }
        long key = values[insertIndex++];
        switch (impl) {
            case "ingot": return ingotInsert.add(key);
            case "agrona": return agronaInsert.add(key);
            default: return jdkInsert.add(key);
        }
    }

    /** Looks up a key that is present. */
    @Benchmark
    public boolean probe() {
        int i = probeIndex;
        probeIndex = i + 1 == keys ? 0 : i + 1;
        long key = values[i];
        switch (impl) {
            case "ingot": return ingotFull.contains(key);
            case "agrona": return agronaFull.contains(key);
            default: return jdkFull.contains(key);
        }
    }
}
