package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.SEGMENT_BYTES;
import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.direct;
import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.heap;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File offsets beyond 2 GiB and 4 GiB (where int arithmetic would overflow), cheap because the gap is a sparse hole. */
class MappedPagerLargeOffsetTest {
    private static final long THREE_GIB = 3L << 30;

    @TempDir
    Path dir;

    @Test
    void blobsBeyondThreeGibSurviveCommitAndReopen() throws IOException {
        Path store = dir.resolve("large.ingot");
        PagerOptions options = fastOptions().withDataStartOffset(THREE_GIB);
        Random random = new Random(3);
        int[] lengths = {700_000, 700_000, SEGMENT_BYTES, 1, 0, 999_999, 300_000, 300_000};
        byte[][] data = new byte[lengths.length][];
        KeyRange keys;
        try (Pager p = Pager.open(store, options)) {
            assertEquals(SEGMENT_BYTES, p.fileSizeBytes());
            keys = p.allocMany(lengths.length);
            for (int i = 0; i < 4; i++) {
                data[i] = random(random, lengths[i]);
                p.put(keys.key(i), direct(data[i]));
            }
            long[] batchKeys = new long[lengths.length - 4];
            ByteBuffer[] batch = new ByteBuffer[batchKeys.length];
            for (int i = 4; i < lengths.length; i++) {
                data[i] = random(random, lengths[i]);
                batchKeys[i - 4] = keys.key(i);
                batch[i - 4] = heap(data[i]);
            }
            p.putBatch(batchKeys, batch);
            // Segments: 3072 (700 KB), 3073 (700 KB), 3074 (1 MiB), 3075 (1 B, empty, 999,999 B),
            // 3076 (300 KB, 300 KB), and the directory right after them in 3076.
            assertEquals(THREE_GIB + 5L * SEGMENT_BYTES, p.fileSizeBytes());
            for (int i = 0; i < lengths.length; i++) {
                assertArrayEquals(data[i], bytes(p.getVerified(keys.key(i))), "blob " + i);
            }
            assertEquals(5, p.diagnostics().get(Counter.SEGMENTS_MAPPED));
            p.setRootKey(2, keys.key(3));
            p.commit();
        }
        // Reopen with default offsets: the store's own dataStartOffset and segment size apply.
        try (Pager p = Pager.open(store, PagerOptions.defaults().withSyncOnCommit(false))) {
            assertEquals(1, p.epoch());
            assertEquals(keys.key(3), p.rootKey(2));
            for (int i = 0; i < lengths.length; i++) {
                assertArrayEquals(data[i], bytes(p.getVerified(keys.key(i))), "blob " + i);
            }
            long key = p.allocMany(1).first();
            byte[] last = random(random, SEGMENT_BYTES);
            p.put(key, heap(last));
            p.put(key, heap(last));
            assertEquals(1, p.diagnostics().get(Counter.OVERWRITES));
            assertEquals(THREE_GIB + 7L * SEGMENT_BYTES, p.fileSizeBytes());
            assertArrayEquals(last, bytes(p.getVerified(key)));
            p.commit();
        }
        try (Pager p = Pager.open(store, options)) {
            assertEquals(2, p.epoch());
            assertArrayEquals(data[2], bytes(p.getVerified(keys.key(2))));
            assertEquals(SEGMENT_BYTES, p.blobLength(keys.end()));
        }
    }

    @Test
    void blobsAcrossTheFourGibBoundary() throws IOException {
        Path store = dir.resolve("four.ingot");
        long start = (4L << 30) - 2L * SEGMENT_BYTES;
        Random random = new Random(4);
        byte[][] data = new byte[4][];
        try (Pager p = Pager.open(store, fastOptions().withDataStartOffset(start))) {
            KeyRange keys = p.allocMany(data.length);
            for (int i = 0; i < data.length; i++) {
                data[i] = random(random, 600_000);
                p.put(keys.key(i), heap(data[i]));
            }
            p.commit();
            assertEquals((4L << 30) + 2L * SEGMENT_BYTES, p.fileSizeBytes());
        }
        try (Pager p = Pager.open(store, fastOptions())) {
            for (int i = 0; i < data.length; i++) {
                assertArrayEquals(data[i], bytes(p.getVerified(i + 1)), "blob " + i);
            }
        }
    }
}
