package dev.ingot.columnstore.internal;

import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.MemoryView;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Drops the deleted rows of a decoded chunk vector in place: the live rows move left, run by run
 * (a run is the rows between two deleted ones), with one block move per run of fixed-width
 * values, variable-width bytes and rebased offsets, and a bit loop for validity only when the
 * vector has nulls (without nulls the first {@code live} validity bits are already set).
 * Moves go left only (destination never after source), so each run is read before it is
 * overwritten; {@link ArrowBuf#setBytes(long, ArrowBuf, long, long)} copies overlapping ranges
 * correctly (Unsafe.copyMemory is a memmove).
 *
 * <p>Thread-safety: stateless; the vector is the caller's.
 */
final class LiveRows {
    /** Offsets rebased per block of this many rows. */
    private static final int OFFSET_BLOCK = 1024;

    private LiveRows() {
    }

    /** Keeps the rows of {@code v} whose positions are not in {@code deleted}; sets the value count to the rows kept. */
    static void retain(FieldVector v, RoaringBitmap deleted) {
        int rows = v.getValueCount();
        if (deleted.isEmpty()) {
            return;
        }
        boolean nulls = v.getNullCount() > 0;
        ArrowBuf validity = v.getValidityBuffer();
        int dst = 0;
        int src = 0;
        int dataDst = 0;
        IntIterator it = deleted.getIntIterator();
        MemoryView offsetView = v instanceof BaseVariableWidthVector t ? ArrowMemory.view(t.getOffsetBuffer()) : null;
        int[] scratch = offsetView == null ? null : new int[OFFSET_BLOCK];
        while (src < rows) {
            int stop = it.hasNext() ? Math.min(it.next(), rows) : rows;
            int len = stop - src;
            if (len > 0) {
                if (nulls) {
                    moveBits(validity, src, dst, len);
                }
                if (v instanceof BitVector bits) {
                    moveBits(bits.getDataBuffer(), src, dst, len);
                } else if (v instanceof BaseFixedWidthVector f) {
                    long w = f.getTypeWidth();
                    if (dst != src) {
                        ArrowBuf data = f.getDataBuffer();
                        data.setBytes(dst * w, data, src * w, len * w);
                    }
                } else if (v instanceof BaseVariableWidthVector t) {
                    dataDst = moveVariable(t, src, dst, len, dataDst, offsetView, scratch);
                } else {
                    throw new IllegalArgumentException("no live-row filter for vector " + v.getClass().getSimpleName());
                }
            }
            dst += len;
            src = stop + 1;
        }
        if (v instanceof BaseVariableWidthVector t) {
            t.getOffsetBuffer().setInt(4L * dst, dataDst);
            t.setLastSet(dst - 1);
        }
        v.setValueCount(dst);
    }

    /** Moves rows {@code [src, src + len)} of a variable-width vector to {@code dst}; returns the new data end. */
    private static int moveVariable(BaseVariableWidthVector t, int src, int dst, int len, int dataDst, MemoryView offsetView, int[] scratch) {
        ArrowBuf offsets = t.getOffsetBuffer();
        int base = offsets.getInt(4L * src);
        int end = offsets.getInt(4L * (src + len));
        int delta = dataDst - base;
        // offsets rebased in blocks: one range check and one bulk copy each way per block (moves go left,
        // so a block is read before anything at or after its destination is written)
        for (int done = 0; done < len; ) {
            int n = Math.min(scratch.length, len - done);
            offsetView.getInts(4L * (src + done), scratch, 0, n);
            for (int i = 0; i < n; i++) {
                scratch[i] += delta;
            }
            offsetView.putInts(4L * (dst + done), scratch, 0, n);
            done += n;
        }
        if (dataDst != base && end > base) {
            ArrowBuf data = t.getDataBuffer();
            data.setBytes(dataDst, data, base, end - base);
        }
        return dataDst + end - base;
    }

    private static void moveBits(ArrowBuf bits, int src, int dst, int len) {
        if (src == dst) {
            return;
        }
        for (int i = 0; i < len; i++) {
            BitVectorHelper.setValidityBit(bits, dst + i, BitVectorHelper.get(bits, src + i));
        }
    }
}
