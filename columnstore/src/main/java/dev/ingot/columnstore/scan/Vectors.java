package dev.ingot.columnstore.scan;

import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.MemoryView;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;

/**
 * Vectorized reading helpers for engines: copies the values of one Arrow vector of a scanned
 * batch (as {@link SelectionScan} and {@link dev.ingot.columnstore.TableReader} return them) into
 * a reused Java array, with one bounds check of the vector's buffer per call (the memory layer's
 * {@link MemoryView#getLongs}), so the caller's loops over the array run without per-value checks
 * of native memory (and the JIT can drop the array checks of counted loops).
 *
 * <p>Each method takes an array to reuse ({@code null} or too small: a new one is allocated) and
 * returns the array holding the values (the one passed in when it was large enough). Values of
 * NULL rows are unspecified; ask {@link #validity} for the NULLs. Values by Ingot kind:
 * <ul>
 *   <li>{@link #longs}: TINYINT..BIGINT sign-extended; BOOLEAN 0/1; DATE days since the epoch;
 *       TIME microseconds of the day; TIMESTAMP[ WITH TIME ZONE] microseconds since the epoch;
 *       DECIMAL(p &lt;= 18) the unscaled value (the low word of Arrow's 16-byte decimal); REAL and
 *       DOUBLE their {@code Double.doubleToRawLongBits} (after widening REAL);</li>
 *   <li>{@link #doubles}: REAL and DOUBLE;</li>
 *   <li>{@link #words}: 16-byte values (DECIMAL(p &gt; 18): low word, high word, little-endian
 *       two's complement; UUID: its two 8-byte halves as stored, big-endian);</li>
 *   <li>{@link #offsets} and {@link #bytes}: CHAR, VARCHAR and VARBINARY.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless; a vector may be read by several threads at once if none changes it.
 */
public final class Vectors {
    private Vectors() {}

    /**
     * The validity bitmap of the first {@code rows} rows as 64-bit words (bit {@code i % 64} of
     * word {@code i / 64} set: row {@code i} is not NULL); bits past {@code rows} are unspecified.
     */
    public static long[] validity(FieldVector v, int rows, long[] reuse) {
        long[] out = ensure(reuse, words(rows));
        if (v.getNullCount() == 0) {
            java.util.Arrays.fill(out, 0, words(rows), -1L);
            return out;
        }
        return bitmap(v.getValidityBuffer(), rows, out);
    }

    /** Number of 64-bit words that hold {@code rows} bits. */
    public static int words(int rows) {
        return (rows + 63) >>> 6;
    }

    private static long[] bitmap(ArrowBuf buf, int rows, long[] out) {
        MemoryView m = ArrowMemory.view(buf);
        int full = rows >>> 6;
        m.getLongs(0, out, 0, full);
        int restBytes = (rows - (full << 6) + 7) >>> 3;
        if (restBytes > 0) {
            long w = 0;
            m.boundsCheck(8L * full, restBytes);
            for (int b = 0; b < restBytes; b++) {
                w |= (m.getByte(8L * full + b) & 0xFFL) << (8 * b);
            }
            out[full] = w;
        }
        return out;
    }

    /**
     * The first {@code rows} values of a fixed-width vector of up to 8 bytes (see the class
     * comment), as longs.
     *
     * @throws IllegalArgumentException for a variable-width or 16-byte vector that is not a decimal
     */
    public static long[] longs(FieldVector v, int rows, long[] reuse) {
        if (v instanceof BitVector) {
            long[] out = ensure(reuse, Math.max(rows, words(rows)));
            bitmap(v.getDataBuffer(), rows, out);
            for (int i = rows - 1; i >= 0; i--) { // in place, back to front: word i >>> 6 <= i is read before it is overwritten
                out[i] = (out[i >>> 6] >>> (i & 63)) & 1L;
            }
            return out;
        }
        if (v instanceof DecimalVector) {
            long[] out = ensure(reuse, 2 * rows);
            ArrowMemory.view(v.getDataBuffer()).getLongs(0, out, 0, 2 * rows);
            for (int i = 1; i < rows; i++) { // in place, front to back: low words 2i >= i
                out[i] = out[2 * i];
            }
            return out;
        }
        if (v instanceof Float4Vector) {
            long[] out = ensure(reuse, rows);
            fixed(v.getDataBuffer(), 4, rows, out);
            for (int i = 0; i < rows; i++) {
                out[i] = Double.doubleToRawLongBits(Float.intBitsToFloat((int) out[i]));
            }
            return out;
        }
        if (v instanceof FixedSizeBinaryVector || v instanceof BaseVariableWidthVector) {
            throw new IllegalArgumentException("vector " + v.getName() + " (" + v.getField().getType() + ") has no long values");
        }
        int width = (int) (v.getDataBuffer().capacity() == 0 && rows == 0 ? 8 : typeWidth(v));
        long[] out = ensure(reuse, rows);
        return fixed(v.getDataBuffer(), width, rows, out);
    }

    private static long typeWidth(FieldVector v) {
        return ((org.apache.arrow.vector.BaseFixedWidthVector) v).getTypeWidth();
    }

    /** {@code rows} signed values of {@code width} (1, 2, 4 or 8) bytes, widened to longs. */
    private static long[] fixed(ArrowBuf buf, int width, int rows, long[] out) {
        MemoryView m = ArrowMemory.view(buf);
        if (width == 8) {
            m.getLongs(0, out, 0, rows);
            return out;
        }
        int per = 8 / width;
        int full = rows / per;
        int bits = 8 * width;
        long tail = 0;
        int tailCount = rows - full * per;
        if (tailCount > 0) {
            m.boundsCheck(8L * full, (long) tailCount * width);
            for (int b = 0; b < tailCount * width; b++) {
                tail |= (m.getByte(8L * full + b) & 0xFFL) << (8 * b);
            }
        }
        m.getLongs(0, out, 0, full);
        // in place, back to front: word k is read before values k * per .. k * per + per - 1 (all >= k) are written
        if (width == 4) {
            for (int k = full - 1; k >= 0; k--) {
                long w = out[k];
                out[2 * k + 1] = w >> 32;
                out[2 * k] = (int) w;
            }
        } else if (width == 2) {
            for (int k = full - 1; k >= 0; k--) {
                long w = out[k];
                out[4 * k + 3] = w >> 48;
                out[4 * k + 2] = (short) (w >>> 32);
                out[4 * k + 1] = (short) (w >>> 16);
                out[4 * k] = (short) w;
            }
        } else {
            for (int k = full - 1; k >= 0; k--) {
                long w = out[k];
                for (int j = 7; j >= 0; j--) {
                    out[8 * k + j] = (byte) (w >>> (8 * j));
                }
            }
        }
        int shift = 64 - bits;
        for (int j = 0; j < tailCount; j++) {
            out[full * per + j] = (tail >>> (bits * j)) << shift >> shift;
        }
        return out;
    }

    /** The first {@code rows} values of a REAL or DOUBLE vector. */
    public static double[] doubles(FieldVector v, int rows, double[] reuse, long[] scratch) {
        double[] out = reuse == null || reuse.length < rows ? new double[rows] : reuse;
        long[] bits = v instanceof Float8Vector ? fixed(v.getDataBuffer(), 8, rows, ensure(scratch, rows)) : longs(v, rows, scratch);
        for (int i = 0; i < rows; i++) {
            out[i] = Double.longBitsToDouble(bits[i]);
        }
        return out;
    }

    /** The first {@code rows} 16-byte values as {@code 2 * rows} words (see the class comment). */
    public static long[] words(FieldVector v, int rows, long[] reuse) {
        if (!(v instanceof DecimalVector) && !(v instanceof FixedSizeBinaryVector f && f.getByteWidth() == 16)) {
            throw new IllegalArgumentException("vector " + v.getName() + " (" + v.getField().getType() + ") is not of 16-byte values");
        }
        long[] out = ensure(reuse, 2 * rows);
        ArrowMemory.view(v.getDataBuffer()).getLongs(0, out, 0, 2 * rows);
        return out;
    }

    /** The {@code rows + 1} offsets of a variable-width vector's first {@code rows} values. */
    public static long[] offsets(FieldVector v, int rows, long[] reuse) {
        if (!(v instanceof BaseVariableWidthVector)) {
            throw new IllegalArgumentException("vector " + v.getName() + " (" + v.getField().getType() + ") is not variable-width");
        }
        return fixed(v.getOffsetBuffer(), 4, rows + 1, ensure(reuse, rows + 1));
    }

    /** The data bytes {@code [0, length)} of a variable-width vector (the values of {@link #offsets}). */
    public static byte[] bytes(FieldVector v, int length, byte[] reuse) {
        if (!(v instanceof BaseVariableWidthVector)) {
            throw new IllegalArgumentException("vector " + v.getName() + " (" + v.getField().getType() + ") is not variable-width");
        }
        byte[] out = reuse == null || reuse.length < length ? new byte[length] : reuse;
        ArrowMemory.view(v.getDataBuffer()).getBytes(0, out, 0, length);
        return out;
    }

    private static long[] ensure(long[] a, int n) {
        return a == null || a.length < n ? new long[Math.max(n, 1)] : a;
    }
}
