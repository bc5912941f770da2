package dev.ingot.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
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

    @Test
    void eachOperationChecksItsWholeRangeOnce() {
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(16)); // 128 bits, two words
        v.putLong(0, -1L);
        assertEquals(64, Bits.countOnes(v, 128));
        assertEquals(64, Bits.firstZero(v, 0, 128));
        assertEquals("index=0 length=17 capacity=16", assertThrows(IndexOutOfBoundsException.class, () -> Bits.countOnes(v, 129)).getMessage());
        assertEquals("index=15 length=2 capacity=16", assertThrows(IndexOutOfBoundsException.class, () -> Bits.firstZero(v, 127, 2)).getMessage());
        assertEquals("index=15 length=2 capacity=16", assertThrows(IndexOutOfBoundsException.class, () -> Bits.readBits(v, 127, 2)).getMessage());
        MemoryView dst = MemoryView.of(ByteBuffer.allocateDirect(12)); // not a whole second word
        Bits.copyBits(v, 0, dst, 0, 64);
        assertEquals(-1L, dst.getLong(0));
        // bit 64 lies in the word [8, 16), which the 12-byte destination does not hold
        assertEquals("index=8 length=8 capacity=12", assertThrows(IndexOutOfBoundsException.class, () -> Bits.copyBits(v, 0, dst, 64, 1)).getMessage());
        assertEquals("index=16 length=1 capacity=16", assertThrows(IndexOutOfBoundsException.class, () -> Bits.copyBits(v, 128, dst, 0, 1)).getMessage());
        assertEquals("bit=-1 bits=1 capacity=16", assertThrows(IndexOutOfBoundsException.class, () -> Bits.firstZero(v, -1, 1)).getMessage());
        assertEquals("bit=" + Long.MAX_VALUE + " bits=64 capacity=16",
                assertThrows(IndexOutOfBoundsException.class, () -> Bits.readBits(v, Long.MAX_VALUE, 64)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bits.readBits(v, 0, 65));
        assertThrows(IndexOutOfBoundsException.class, () -> Bits.isSet(v, 128));
    }
}
