package dev.ingot.perf.jmh;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.perf.BenchFlags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * Pager primitives: {@code allocMany(64)} (one key-allocation call), {@code put} of a fresh key
 * (blob bytes appended with a positional write), and {@code get} (a zero-copy, bounds-checked
 * view of the mapped file, plus one read so the view is used), for 1 KiB and 1 MiB blobs.
 *
 * <p>Each iteration gets a fresh store file (commit without fsync: {@code syncOnCommit false})
 * in a temporary directory, deleted afterwards, because the data region is append-only and a
 * 1 MiB put benchmark writes gigabytes. Multiply put ops/s by {@code blobBytes} for bytes/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, "-Xms256m", "-Xmx1g"})
public class PagerBench {
    /** Bytes per blob. */
    @Param({"1024", "1048576"})
    public int blobBytes;

    private static final int GET_KEYS = 64;

    private Path dir;
    private Pager pager;
    private ByteBuffer blob;
    private KeyReservation reservation;
    private long[] stored;
    private int next;

    @Setup(Level.Trial)
    public void createDirectory() throws IOException {
        dir = Files.createTempDirectory("ingot-jmh-pager");
        blob = ByteBuffer.allocateDirect(blobBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blobBytes; i += 8) {
            blob.putLong(i, i * 0x9E3779B97F4A7C15L);
        }
    }

    @Setup(Level.Iteration)
    public void openStore() throws IOException {
        pager = Pager.open(dir.resolve("bench.ingot"), PagerOptions.defaults().withSyncOnCommit(false));
        reservation = pager.reserveKeys(1024);
        KeyRange r = pager.allocMany(GET_KEYS);
        stored = new long[GET_KEYS];
        for (int i = 0; i < GET_KEYS; i++) {
            stored[i] = r.key(i);
            pager.put(stored[i], blob);
        }
        pager.commit();
    }

    @TearDown(Level.Iteration)
    public void closeStore() throws IOException {
        pager.close();
        Files.deleteIfExists(dir.resolve("bench.ingot"));
    }

    @TearDown(Level.Trial)
    public void deleteDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** One allocation call handing out 64 keys. */
    @Benchmark
    public KeyRange allocMany() {
        return pager.allocMany(64);
    }

    /** Puts {@code blobBytes} under a fresh key (keys from a reservation of 1024 per call). */
    @Benchmark
    public long put() throws IOException {
        long key = reservation.nextKey();
        pager.put(key, blob);
        return key;
    }

    /** A zero-copy view of one of 64 stored blobs, and its last long. */
    @Benchmark
    public long get() throws IOException {
        ByteBuffer b = pager.get(stored[next++ & (GET_KEYS - 1)]);
        return b.getLong(b.limit() - 8);
    }
}
