package dev.ingot.pager.internal;

import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.PagerWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throwaway measurement, off by default: 1 GiB of putBatch (8 MiB batches of 16 heap blobs)
 * into a fresh store under {@code target/}, then one commit, with direct writes on and off;
 * prints wall and process CPU time of the puts and of the commit. Run with
 * {@code mvn -o -q test -pl pager -Dtest=DirectWriteBenchmark -Dingot.bench.directWrites=true}.
 */
@EnabledIfSystemProperty(named = "ingot.bench.directWrites", matches = "true")
class DirectWriteBenchmark {
    private static final long TOTAL_BYTES = 1L << 30;
    private static final int BLOBS_PER_BATCH = 16;
    private static final int BLOB_BYTES = (8 << 20) / BLOBS_PER_BATCH;

    @Test
    void measure() throws IOException {
        for (int round = 0; round < 2; round++) {
            run(false);
            run(true);
        }
    }

    private static void run(boolean direct) throws IOException {
        Path dir = Path.of("target", "direct-write-benchmark");
        Files.createDirectories(dir);
        Path file = dir.resolve("bench.ingot");
        Files.deleteIfExists(file);
        ByteBuffer[] blobs = new ByteBuffer[BLOBS_PER_BATCH];
        Random r = new Random(1);
        for (int i = 0; i < blobs.length; i++) {
            byte[] b = new byte[BLOB_BYTES];
            r.nextBytes(b);
            blobs[i] = ByteBuffer.wrap(b);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        PagerOptions options = PagerOptions.defaults().withDirectWrites(direct);
        try (MappedPager p = (MappedPager) MappedPager.open(file, options)) {
            PagerWriter w = p.openWriter("bench", 1024);
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            for (long written = 0; written < TOTAL_BYTES; written += (long) BLOB_BYTES * BLOBS_PER_BATCH) {
                long[] keys = new long[BLOBS_PER_BATCH];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = w.nextKey();
                }
                w.putBatch(keys, blobs);
            }
            long cpu1 = os.getProcessCpuTime();
            long wall1 = System.nanoTime();
            p.commit();
            long cpu2 = os.getProcessCpuTime();
            long wall2 = System.nanoTime();
            System.out.printf("%-8s directIo=%-5s puts: wall %.2f s, cpu %.2f s; commit (fsync): wall %.2f s, cpu %.2f s;"
                            + " total wall %.2f s, cpu %.2f s; staging %d KiB%n",
                    direct ? "direct" : "buffered", p.directIo(), (wall1 - wall0) / 1e9, (cpu1 - cpu0) / 1e9,
                    (wall2 - wall1) / 1e9, (cpu2 - cpu1) / 1e9, (wall2 - wall0) / 1e9, (cpu2 - cpu0) / 1e9,
                    p.stagingBytes() >> 10);
        }
        Files.deleteIfExists(file);
    }
}
