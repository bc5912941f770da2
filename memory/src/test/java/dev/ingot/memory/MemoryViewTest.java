package dev.ingot.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** Every accessor of {@link MemoryView} against its bounds, and its values against a ByteBuffer. */
class MemoryViewTest {
    private static final int CAPACITY = 64;

    /** One accessor touching {@code width} bytes at an index. */
    private record Accessor(String name, int width, LongConsumer access) {}

    private static List<Accessor> accessors(MemoryView v) {
        MemoryView other = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        byte[] bytes = new byte[16];
        long[] longs = new long[2];
        return List.of(
                new Accessor("getByte", 1, i -> v.getByte(i)),
                new Accessor("putByte", 1, i -> v.putByte(i, (byte) 1)),
                new Accessor("getShort", 2, i -> v.getShort(i)),
                new Accessor("putShort", 2, i -> v.putShort(i, (short) 1)),
                new Accessor("getInt", 4, i -> v.getInt(i)),
                new Accessor("putInt", 4, i -> v.putInt(i, 1)),
                new Accessor("getLong", 8, i -> v.getLong(i)),
                new Accessor("putLong", 8, i -> v.putLong(i, 1)),
                new Accessor("fill", 5, i -> v.fill(i, 5, (byte) 0)),
                new Accessor("getBytes", 16, i -> v.getBytes(i, bytes, 0, 16)),
                new Accessor("putBytes", 16, i -> v.putBytes(i, bytes, 0, 16)),
                new Accessor("getLongs", 16, i -> v.getLongs(i, longs, 0, 2)),
                new Accessor("putLongs", 16, i -> v.putLongs(i, longs, 0, 2)),
                new Accessor("putInts", 12, i -> v.putInts(i, new int[3], 0, 3)),
                new Accessor("getInts", 12, i -> v.getInts(i, new int[3], 0, 3)),
                new Accessor("putRuns", 24, i -> v.putRuns(i, longs, new int[] {1, 3}, 2)),
                new Accessor("putLongsSignExtended", 32, i -> v.putLongsSignExtended(i, longs, 0, 2)),
                new Accessor("copyTo (source)", 7, i -> v.copyTo(i, other, 0, 7)),
                new Accessor("copyTo (destination)", 7, i -> other.copyTo(0, v, i, 7)),
                new Accessor("compareBytes", 3, i -> v.compareBytes(i, 3, 0, 3)),
                new Accessor("copyLongs (source)", 24, i -> v.copyLongs(i, 16, other, 0, 8, 2)),
                new Accessor("copyLongs (destination)", 16, i -> other.copyLongs(0, 16, v, i, 8, 2)),
                new Accessor("slice", 9, i -> v.slice(i, 9)),
                new Accessor("boundsCheck", 6, i -> v.boundsCheck(i, 6)));
    }

    @Test
    void aViewKeepsTheBufferItWrapsReachable() {
        // a buffer referenced only by its view: collected (and its memory freed) while the view
        // is in use would make every access a use-after-free
        ByteBuffer bb = ByteBuffer.allocateDirect(64);
        java.lang.ref.WeakReference<ByteBuffer> weak = new java.lang.ref.WeakReference<>(bb);
        MemoryView v = MemoryView.of(bb);
        v.putLong(8, 0x1122334455667788L);
        bb = null;
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        assertTrue(weak.get() != null, "the buffer is still reachable through its view");
        assertEquals(0x1122334455667788L, v.getLong(8));
        java.lang.ref.Reference.reachabilityFence(v);
    }

    @Test
    void everyAccessorRefusesIndexMinusOneThePastTheEndIndexAndOverflow() {
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        assertTrue(MemoryView.SHOULD_BOUNDS_CHECK, "tests run with bounds checks on");
        for (Accessor a : accessors(v)) {
            int n = a.width();
            a.access().accept(0); // in range: first and last position
            a.access().accept(CAPACITY - n);
            for (long index : new long[] {-1, CAPACITY - n + 1, Long.MAX_VALUE - n + 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
                IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> a.access().accept(index), a.name());
                assertEquals("index=" + index + " length=" + n + " capacity=" + CAPACITY, e.getMessage(), a.name());
            }
        }
    }

    @Test
    void negativeLengthsAndArrayRangesAreRefused() {
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> v.fill(0, -1, (byte) 0));
        assertEquals("index=0 length=-1 capacity=64", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> v.getBytes(0, new byte[4], 1, 4)); // array too short
        assertThrows(IndexOutOfBoundsException.class, () -> v.putBytes(0, new byte[4], -1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> v.getLongs(0, new long[1], 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> v.putLongs(0, new long[1], 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> v.putInts(0, new int[3], 1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> v.getInts(0, new int[3], 1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> v.putLongsSignExtended(0, new long[2], 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> v.putRuns(0, new long[2], new int[1], 2));
        IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class,
                () -> v.putRuns(0, new long[3], new int[] {2, 1, 3}, 3));
        assertEquals("run 1 ends at 1, before its start 2 or past the last run's end 3", backwards.getMessage());
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
                () -> v.putRuns(0, new long[3], new int[] {2, 4, 3}, 3));
        assertEquals("run 1 ends at 4, before its start 2 or past the last run's end 3", past.getMessage());
    }

    @Test
    void putRunsStoresEveryRunAndNothingPastTheLast() {
        ByteBuffer bb = ByteBuffer.allocateDirect(8 * 40).order(ByteOrder.LITTLE_ENDIAN);
        MemoryView v = MemoryView.of(bb);
        v.fill(0, 8 * 40, (byte) 0x55);
        // runs of 1, 9, 2, 8, 1 (an empty one between) and 7 slots from slot 1: short and long runs,
        // the 8 unconditional stores near the end, the last slot exactly at the last end
        long[] values = {-1, 2, 3, 4, 99, 5, 6};
        int[] ends = {1, 10, 12, 20, 20, 21, 28};
        v.putRuns(8, values, ends, ends.length);
        assertEquals(0x5555555555555555L, bb.getLong(0));
        long[] expected = new long[28];
        int start = 0;
        for (int r = 0; r < ends.length; r++) {
            for (int i = start; i < ends[r]; i++) {
                expected[i] = values[r];
            }
            start = ends[r];
        }
        for (int i = 0; i < 28; i++) {
            assertEquals(expected[i], bb.getLong(8 + 8 * i), "slot " + i);
        }
        for (int at = 8 + 8 * 28; at < 8 * 40; at += 8) {
            assertEquals(0x5555555555555555L, bb.getLong(at), "past the runs at byte " + at);
        }
        v.putRuns(0, values, ends, 0);
        assertEquals(0x5555555555555555L, bb.getLong(0));
    }

    @Test
    void putLongsSignExtendedWritesSixteenByteTwosComplement() {
        ByteBuffer bb = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
        MemoryView v = MemoryView.of(bb);
        v.fill(0, CAPACITY, (byte) 0x55);
        long[] src = {123, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0};
        v.putLongsSignExtended(0, src, 1, 3);
        assertEquals(-1L, bb.getLong(0));
        assertEquals(-1L, bb.getLong(8));
        assertEquals(Long.MIN_VALUE, bb.getLong(16));
        assertEquals(-1L, bb.getLong(24));
        assertEquals(Long.MAX_VALUE, bb.getLong(32));
        assertEquals(0L, bb.getLong(40));
        assertEquals(0x5555555555555555L, bb.getLong(48));
    }

    @Test
    void valuesAreLittleEndianLikeAByteBuffer() {
        ByteBuffer bb = ByteBuffer.allocateDirect(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
        MemoryView v = MemoryView.of(bb);
        v.putLong(8, 0x0102030405060708L);
        v.putInt(20, -123456789);
        v.putByte(30, (byte) 0xAB);
        assertEquals(0x0102030405060708L, bb.getLong(8));
        assertEquals(0x08, bb.get(8));
        assertEquals(-123456789, bb.getInt(20));
        assertEquals((byte) 0xAB, bb.get(30));
        bb.putShort(40, (short) -2);
        assertEquals((short) -2, v.getShort(40));
        assertEquals(0x0708, v.getShort(8));
        v.putLongs(48, new long[] {7, -1, 0x1122334455667788L}, 1, 2);
        assertEquals(-1L, bb.getLong(48));
        assertEquals(0x1122334455667788L, bb.getLong(56));
        v.putInts(0, new int[] {-5, 0x01020304}, 0, 2);
        assertEquals(-5, bb.getInt(0));
        assertEquals(0x04, bb.get(4));
        v.putShort(44, (short) 0x1234);
        assertEquals((short) 0x1234, bb.getShort(44));
        assertEquals(0x34, bb.get(44));
        byte[] out = new byte[3];
        v.getBytes(8, out, 0, 3);
        assertArrayEquals(new byte[] {8, 7, 6}, out);
        long[] longs = new long[1];
        v.getLongs(8, longs, 0, 1);
        assertEquals(0x0102030405060708L, longs[0]);
        int[] ints = {9, 9, 9, 9};
        v.getInts(8, ints, 1, 2);
        assertArrayEquals(new int[] {9, 0x05060708, 0x01020304, 9}, ints);
        v.putLongs(48, new long[] {0, -2L, 0x1122334455667788L}, 1, 2);
        assertEquals(-2L, bb.getLong(48));
        assertEquals(0x1122334455667788L, bb.getLong(56));
        assertEquals(0x88, bb.get(56) & 0xFF);
        MemoryView slice = v.slice(8, 8);
        assertEquals(8, slice.capacity());
        assertEquals(0x0102030405060708L, slice.getLong(0));
        assertEquals("index=1 length=8 capacity=8", assertThrows(IndexOutOfBoundsException.class, () -> slice.getLong(1)).getMessage());
    }

    @Test
    void copyLongsGathersStridedValues() {
        MemoryView src = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        MemoryView dst = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        for (int i = 0; i < 4; i++) {
            src.putLong(16L * i, 100 + i); // low words
            src.putLong(16L * i + 8, -1); // high words, not copied
        }
        src.copyLongs(0, 16, dst, 8, 8, 4);
        assertEquals(0, dst.getLong(0));
        for (int i = 0; i < 4; i++) {
            assertEquals(100 + i, dst.getLong(8 + 8L * i));
        }
        assertEquals(0, dst.getLong(40));
        assertThrows(IllegalArgumentException.class, () -> src.copyLongs(0, 4, dst, 0, 8, 1));
    }

    @Test
    void putBytesCopiesEveryLengthExactlyAndNothingAround() {
        // short copies (up to NativeMemory.SMALL_COPY_BYTES) take 8-byte moves, longer ones Unsafe.copyMemory
        byte[] src = new byte[3 + NativeMemory.SMALL_COPY_BYTES + 9];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7 + 1);
        }
        int capacity = NativeMemory.SMALL_COPY_BYTES + 64;
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(capacity));
        for (int length = 0; length <= NativeMemory.SMALL_COPY_BYTES + 9; length++) {
            v.fill(0, capacity, (byte) 0x5A);
            v.putBytes(5, src, 3, length);
            byte[] back = new byte[capacity];
            v.getBytes(0, back, 0, capacity);
            for (int i = 0; i < capacity; i++) {
                byte expected = i >= 5 && i < 5 + length ? src[3 + i - 5] : (byte) 0x5A;
                assertEquals(expected, back[i], "length " + length + ", byte " + i);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> v.putBytes(0, src, src.length - 7, 8));
    }

    @Test
    void compareBytesOrdersUnsignedWithPrefixesFirst() {
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        byte[] a = "abcdefghij".getBytes();
        byte[] b = "abcdefghiz".getBytes();
        v.putBytes(0, a, 0, a.length);
        v.putBytes(16, b, 0, b.length);
        v.putByte(32, (byte) 0xFF);
        v.putByte(40, (byte) 0x01);
        assertTrue(v.compareBytes(0, 10, 16, 10) < 0);
        assertTrue(v.compareBytes(16, 10, 0, 10) > 0);
        assertEquals(0, v.compareBytes(0, 9, 16, 9));
        assertTrue(v.compareBytes(0, 9, 16, 10) < 0, "a prefix sorts first");
        assertTrue(v.compareBytes(32, 1, 40, 1) > 0, "0xFF is above 0x01 unsigned");
    }

    /**
     * Every start in a 40-byte view, every length that fits up to 28 and every skip of 0, 8, 16
     * and 24: the word is the value's bytes [skip, skip + 8), little-endian as a ByteBuffer reads
     * them, and zero past its end, whatever bytes follow it (here never zero), also where the value
     * ends at the view's last byte.
     */
    @Test
    void getValueWordsReadsOneWordOfEachValueAndNothingAfterIt() {
        int capacity = 40;
        ByteBuffer bb = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        MemoryView v = MemoryView.of(bb);
        for (int i = 0; i < capacity; i++) {
            v.putByte(i, (byte) (i == 7 ? 0 : 0xF0 + i % 16)); // a zero byte inside values too
        }
        for (int skip = 0; skip <= 24; skip += 8) {
            for (int start = 0; start <= capacity; start++) {
                for (int len = 0; len <= 28 && start + len <= capacity; len++) {
                    long[] out = {-1, -1, -1};
                    v.getValueWords(new int[] {5, start, start + len}, 1, 1, skip, out, 1, 1);
                    long expected = 0;
                    for (int j = skip; j < Math.min(skip + 8, len); j++) {
                        expected |= (bb.get(start + j) & 0xFFL) << (8 * (j - skip));
                    }
                    String at = "start " + start + " length " + len + " skip " + skip;
                    assertEquals(expected, out[1], at);
                    assertEquals(-1, out[0], "nothing before outIndex: " + at);
                    assertEquals(-1, out[2], "nothing past count: " + at);
                }
            }
        }
        // several values in one call, each from its own offsets pair, every second slot
        long[] out = {-1, -1, -1, -1, -1, -1};
        v.getValueWords(new int[] {0, 3, 3, 40}, 0, 3, 0, out, 0, 2);
        assertArrayEquals(new long[] {bb.getLong(0) & 0xFFFFFFL, -1, 0, -1, bb.getLong(3), -1}, out);
        v.getValueWords(new int[] {0, 3, 3, 40}, 0, 3, 8, out, 1, 2);
        assertArrayEquals(new long[] {bb.getLong(0) & 0xFFFFFFL, 0, 0, 0, bb.getLong(3), bb.getLong(11)}, out);
    }

    @Test
    void getValueWordsRefusesValuesOutsideTheViewAndOffsetsThatGoBack() {
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(CAPACITY));
        long[] out = new long[4];
        IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class,
                () -> v.getValueWords(new int[] {0, 10, 65}, 0, 2, 0, out, 0, 1));
        assertEquals("index=0 length=65 capacity=64", past.getMessage());
        IndexOutOfBoundsException before = assertThrows(IndexOutOfBoundsException.class,
                () -> v.getValueWords(new int[] {-1, 10}, 0, 1, 0, out, 0, 1));
        assertEquals("index=-1 length=11 capacity=64", before.getMessage());
        IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
                () -> v.getValueWords(new int[] {0, 20, 10, 30}, 0, 3, 0, out, 0, 1));
        assertEquals("value 1 ends at 10 before its start 20", back.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> v.getValueWords(new int[] {0, 8}, 0, 2, 0, out, 0, 1)); // offsets too short
        assertThrows(IndexOutOfBoundsException.class, () -> v.getValueWords(new int[] {0, 8, 16}, 0, 2, 0, out, 3, 1)); // out too short
        assertThrows(IndexOutOfBoundsException.class, () -> v.getValueWords(new int[] {0, 8, 16}, 0, 2, 0, out, 1, 3)); // stride past out
        assertEquals("skip -8, stride 1", assertThrows(IllegalArgumentException.class,
                () -> v.getValueWords(new int[] {0, 8}, 0, 1, -8, out, 0, 1)).getMessage());
        assertEquals("skip 0, stride 0", assertThrows(IllegalArgumentException.class,
                () -> v.getValueWords(new int[] {0, 8}, 0, 1, 0, out, 0, 0)).getMessage());
    }

    @Test
    void compareBytesLooksOnlyAtTheValuesBytesUpToTheEndOfTheView() {
        MemoryView v = MemoryView.of(ByteBuffer.allocateDirect(64));
        byte[] a = "abcdefghijkXq".getBytes();
        byte[] b = "abcdefghijkXz".getBytes();
        v.putBytes(0, a, 0, a.length);
        v.putBytes(16, b, 0, b.length);
        // the tail of 4 bytes is read as one word; the bytes after the values ('q' against 'z') are masked off
        assertEquals(0, v.compareBytes(0, 12, 16, 12));
        assertTrue(v.compareBytes(0, 13, 16, 13) < 0);
        assertTrue(v.compareBytes(0, 12, 16, 13) < 0, "a prefix sorts first");
        assertTrue(v.compareBytes(16, 13, 0, 12) > 0);
        // values ending at the view's last byte: the tail is read byte by byte, never past the end
        v.putBytes(64 - 11, "abcdefghijk".getBytes(), 0, 11);
        assertEquals(0, v.compareBytes(0, 11, 64 - 11, 11));
        v.putByte(63, (byte) 'a');
        assertTrue(v.compareBytes(0, 11, 64 - 11, 11) > 0);
    }

    @Test
    void anArrowBufferIsViewedOverItsCapacity() {
        try (BufferAllocator arrow = new RootAllocator(1 << 20); ArrowBuf buf = arrow.buffer(32)) {
            buf.setLong(16, 42L);
            MemoryView v = ArrowMemory.view(buf);
            assertEquals(buf.capacity(), v.capacity());
            assertEquals(42L, v.getLong(16));
            v.putInt(0, 7);
            assertEquals(7, buf.getInt(0));
            assertEquals("index=" + (buf.capacity() - 3) + " length=4 capacity=" + buf.capacity(),
                    assertThrows(IndexOutOfBoundsException.class, () -> v.getInt(buf.capacity() - 3)).getMessage());
        }
    }

    @Test
    void aHeapBufferHasNoView() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryView.of(ByteBuffer.allocate(8)));
        assertEquals("not a direct buffer", e.getMessage());
    }

    /** Prints {@link MemoryView#SHOULD_BOUNDS_CHECK} in a child JVM. */
    public static final class PrintFlag {
        public static void main(String[] args) {
            System.out.print(MemoryView.SHOULD_BOUNDS_CHECK);
        }
    }

    @Test
    void theOnePropertySwitchesTheChecksOff() throws IOException, InterruptedException {
        assertEquals("false", childFlag("-D" + MemoryView.BOUNDS_CHECKS_PROPERTY + "=false"));
        assertEquals("true", childFlag("-D" + MemoryView.BOUNDS_CHECKS_PROPERTY + "=true"));
        assertEquals("true", childFlag("-Dingot.unrelated=false"));
    }

    private static String childFlag(String property) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), property, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PrintFlag.class.getName()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertEquals(0, p.waitFor(), out.toString());
        return out.toString().trim();
    }
}
