package dev.ingot.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Word-at-a-time bitmap copies against a boolean[] model; prints its seed. */
class BitsTest {
    @Test
    void copyBitsAppendsArbitrarilyAlignedRangesLikeTheModel() {
        // the build's one seed property (dev.ingot.testing.TestSeed lives above this module)
        long seed = Long.getLong("ingot.test.seed", System.nanoTime());
        System.out.println("BitsTest seed " + seed);
        Random r = new Random(seed);
        try (NativeAllocator a = NativeAllocator.root("bits-test", 1 << 20)) {
            for (int round = 0; round < 300; round++) {
                int srcBits = 1 + r.nextInt(2000);
                boolean[] src = new boolean[srcBits];
                int srcBytes = (srcBits + 7) / 8;
                try (MemoryBlock s = a.allocate(srcBytes, "src"); MemoryBlock d = a.allocate(1024, "dst")) {
                    for (int i = 0; i < srcBits; i++) {
                        src[i] = r.nextInt(3) > 0;
                    }
                    for (int i = 0; i < srcBytes; i++) {
                        int b = 0;
                        for (int j = 0; j < 8; j++) {
                            int bit = 8 * i + j;
                            // bits past the end are garbage (set) to prove they are masked
                            if (bit >= srcBits || src[bit]) {
                                b |= 1 << j;
                            }
                        }
                        s.putByte(i, (byte) b);
                    }
                    boolean[] model = new boolean[8 * 1024];
                    int dstBit = 0;
                    while (dstBit < 6000) {
                        int from = r.nextInt(srcBits);
                        int n = r.nextInt(srcBits - from + 1);
                        if (r.nextInt(4) == 0) {
                            from &= ~7; // exercise the byte-aligned path too
                            n = Math.min(n, srcBits - from);
                        }
                        Bits.copyBits(s, from, d, dstBit, n);
                        System.arraycopy(src, from, model, dstBit, n);
                        assertEquals(n - count(src, from, n), zerosViaFirstZero(s, from, n, src), "seed " + seed);
                        dstBit += n;
                    }
                    for (int i = 0; i < model.length; i++) {
                        assertEquals(model[i], Bits.isSet(d, i), "seed " + seed + " bit " + i);
                    }
                    assertEquals(count(model, 0, dstBit), Bits.countOnes(d, dstBit), "seed " + seed);
                }
            }
        }
    }

    private static int count(boolean[] bits, int from, int n) {
        int c = 0;
        for (int i = from; i < from + n; i++) {
            c += bits[i] ? 1 : 0;
        }
        return c;
    }

    /** Counts zeros by repeated firstZero, checking each position against the model. */
    private static int zerosViaFirstZero(MemoryBlock s, int from, int n, boolean[] src) {
        int zeros = 0;
        int at = 0;
        while (at < n) {
            long z = Bits.firstZero(s, from + at, n - at);
            if (z < 0) {
                break;
            }
            assertEquals(false, src[from + at + (int) z]);
            for (int i = at; i < at + z; i++) {
                assertEquals(true, src[from + i]);
            }
            zeros++;
            at += (int) z + 1;
        }
        return zeros;
    }
}
