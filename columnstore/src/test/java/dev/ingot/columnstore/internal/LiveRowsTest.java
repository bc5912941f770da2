package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.testing.TestSeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * {@link LiveRows#retain} against a list of the live rows, over seeded chunks of up to 5,000 rows
 * (live runs longer than the offset block of 1,024 rows, deleted runs, the first and the last row
 * deleted, everything deleted, NULLs): text vectors (offsets rebased per block, bytes moved) and
 * 8-byte vectors.
 */
class LiveRowsTest {
    @Test
    void theLiveRowsStayInOrder() {
        long seed = TestSeed.seed("LiveRowsTest", 17L);
        Random rnd = new Random(seed);
        try (BufferAllocator arrow = new RootAllocator()) {
            for (int round = 0; round < 200; round++) {
                int rows = 1 + rnd.nextInt(round % 4 == 0 ? 10 : 5000);
                RoaringBitmap deleted = new RoaringBitmap();
                int shape = round % 5;
                for (int r = 0; r < rows; r++) {
                    boolean d = switch (shape) {
                        case 0 -> rnd.nextInt(100) == 0;          // scattered, long live runs
                        case 1 -> rnd.nextInt(3) == 0;            // dense
                        case 2 -> r == 0 || r == rows - 1;        // the ends
                        case 3 -> (r / 1500) % 2 == 1;            // long deleted and live runs
                        default -> true;                          // everything
                    };
                    if (d) {
                        deleted.add(r);
                    }
                }
                boolean nulls = rnd.nextBoolean();
                List<String> text = new ArrayList<>();
                List<Long> longs = new ArrayList<>();
                try (VarCharVector t = new VarCharVector("t", arrow); BigIntVector l = new BigIntVector("l", arrow)) {
                    t.allocateNew(rows);
                    l.allocateNew(rows);
                    for (int r = 0; r < rows; r++) {
                        String s = nulls && rnd.nextInt(7) == 0 ? null : "v" + r + "x".repeat(rnd.nextInt(30));
                        long v = rnd.nextLong();
                        if (s == null) {
                            t.setNull(r);
                            l.setNull(r);
                        } else {
                            t.setSafe(r, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                            l.set(r, v);
                        }
                        if (!deleted.contains(r)) {
                            text.add(s);
                            longs.add(s == null ? null : v);
                        }
                    }
                    t.setValueCount(rows);
                    l.setValueCount(rows);
                    LiveRows.retain(t, deleted);
                    LiveRows.retain(l, deleted);
                    assertEquals(text.size(), t.getValueCount(), "seed " + seed + " round " + round);
                    String[] gotText = new String[t.getValueCount()];
                    Long[] gotLongs = new Long[l.getValueCount()];
                    for (int i = 0; i < gotText.length; i++) {
                        gotText[i] = t.isNull(i) ? null : new String(t.get(i), java.nio.charset.StandardCharsets.UTF_8);
                        gotLongs[i] = l.isNull(i) ? null : l.get(i);
                    }
                    assertArrayEquals(text.toArray(new String[0]), gotText, "seed " + seed + " round " + round);
                    assertArrayEquals(longs.toArray(new Long[0]), gotLongs, "seed " + seed + " round " + round);
                }
            }
        }
    }
}
