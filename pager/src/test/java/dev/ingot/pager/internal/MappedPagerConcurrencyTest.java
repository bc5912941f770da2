package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.heap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedPagerConcurrencyTest {
    private static final int THREADS = 4;

    @TempDir
    Path dir;

    @Test
    void concurrentAllocManyNeverRepeatsAKey() throws Exception {
        try (Pager p = Pager.open(dir.resolve("alloc.ingot"), fastOptions())) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<List<KeyRange>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long seed = t;
                    results.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        List<KeyRange> ranges = new ArrayList<>();
                        for (int i = 0; i < 5000; i++) {
                            ranges.add(p.allocMany(1 + random.nextInt(20)));
                        }
                        return ranges;
                    }));
                }
                BitSet seen = new BitSet();
                long total = 0;
                for (Future<List<KeyRange>> f : results) {
                    for (KeyRange r : f.get()) {
                        for (int i = 0; i < r.count(); i++) {
                            int key = (int) r.key(i);
                            assertTrue(!seen.get(key), "key " + key + " handed out twice");
                            seen.set(key);
                        }
                        total += r.count();
                    }
                }
                // Dense: exactly the keys 1..total were handed out.
                assertEquals(total, seen.cardinality());
                assertEquals(1, seen.nextSetBit(0));
                assertEquals(total + 1, seen.nextClearBit(1));
                assertEquals(THREADS * 5000L, p.diagnostics().get(Counter.ALLOC_CALLS));
                assertEquals(total, p.diagnostics().get(Counter.KEYS_ALLOCATED));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Writers put, overwrite and read their own keys while another thread commits; then reopen.
     * Every blob carries its generation (1 when first put, 2 once overwritten), checked right after
     * the write and after the reopen, so a lost or reordered overwrite shows.
     */
    @Test
    void concurrentWritersAndCommitsKeepEveryBlob() throws Exception {
        Path file = dir.resolve("writers.ingot");
        int perThread = 400;
        long[][] keys = new long[THREADS][perThread];
        int[][] generations = new int[THREADS][perThread];
        try (Pager p = Pager.open(file, fastOptions())) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
            AtomicBoolean writing = new AtomicBoolean(true);
            try {
                Future<Integer> committer = pool.submit(() -> {
                    int commits = 0;
                    while (writing.get()) {
                        p.commit();
                        commits++;
                    }
                    return commits;
                });
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    writers.add(pool.submit(() -> {
                        PagerWriter w = p.openWriter("t" + thread, 32);
                        Random random = new Random(thread);
                        for (int i = 0; i < perThread; i++) {
                            long key = w.nextKey();
                            keys[thread][i] = key;
                            generations[thread][i] = 1;
                            if (i % 4 == 3) {
                                long k0 = keys[thread][i - 1];
                                generations[thread][i - 1] = 2;
                                w.putBatch(new long[] {k0, key}, new ByteBuffer[] {blob(k0, 2, random), blob(key, 1, random)});
                                check(p.getVerified(k0), k0, 2);
                            } else {
                                w.put(key, blob(key, 1, random));
                            }
                            check(p.getVerified(key), key, 1);
                        }
                        assertEquals(perThread, w.diagnostics().get(Counter.FRESH_WRITES));
                        assertEquals(perThread / 4, w.diagnostics().get(Counter.OVERWRITES));
                        return null;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get(60, TimeUnit.SECONDS);
                }
                writing.set(false);
                assertTrue(committer.get(60, TimeUnit.SECONDS) >= 1);
            } finally {
                pool.shutdownNow();
            }
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < perThread; i++) {
                    check(p.getVerified(keys[t][i]), keys[t][i], generations[t][i]);
                }
            }
            p.commit();
        }
        int overwritten = 0;
        try (Pager p = Pager.open(file, fastOptions())) {
            assertEquals(THREADS * perThread, p.liveKeys().length);
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < perThread; i++) {
                    check(p.getVerified(keys[t][i]), keys[t][i], generations[t][i]);
                    overwritten += generations[t][i] == 2 ? 1 : 0;
                }
            }
        }
        assertEquals(THREADS * perThread / 4, overwritten, "one key in four was overwritten");
    }

    /** A blob that names itself: key (8 bytes), generation (4), length (4), then random filler. */
    private static ByteBuffer blob(long key, int generation, Random random) {
        byte[] b = new byte[16 + random.nextInt(3000)];
        random.nextBytes(b);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(0, key);
        buf.putInt(8, generation);
        buf.putInt(12, b.length);
        return buf;
    }

    private static void check(ByteBuffer view, long key, int generation) {
        assertEquals(key, view.getLong(0));
        assertEquals(generation, view.getInt(8), "generation of key " + key);
        assertEquals(view.limit(), view.getInt(12));
    }
}
