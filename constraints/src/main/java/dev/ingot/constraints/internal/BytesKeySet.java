package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.hash.BytesKeyHashSet;
import dev.ingot.memory.MemoryView;
import dev.ingot.memory.NativeAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * {@link KeySet} for keys that do not fit one or two longs: text, binary, DECIMAL(p &gt; 18) or
 * UUID columns, or three or more columns. Each row's key is serialised into a reusable
 * {@code byte[]} and kept in a {@link BytesKeyHashSet}.
 *
 * <p>Serialisation (identical for parent and child, so FK probes match; the column classes are
 * {@link KeyVectors#keyClass}):
 * <ul>
 *   <li>a single variable-width column: its bytes as stored in the vector;</li>
 *   <li>otherwise, per column in key order: an integer-like column as its {@code long} value
 *       (8 bytes, little-endian); a 16-byte column as its 16 bytes as stored in the Arrow vector;
 *       a variable-width column as a 4-byte little-endian byte length followed by the bytes (so
 *       ("ab","c") and ("a","bc") differ).</li>
 * </ul>
 *
 * <p>Thread-safety: as {@link KeySet}.
 */
final class BytesKeySet implements KeySet {
    private static final int WINDOW = 1024;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final KeyVectors.KeyClass[] classes;
    private final boolean singleVariable;
    private final BytesKeyHashSet set;
    private final Encoder own;

    BytesKeySet(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, float loadFactor) {
        this.classes = new KeyVectors.KeyClass[keyTypes.size()];
        for (int c = 0; c < classes.length; c++) {
            classes[c] = KeyVectors.keyClass(keyTypes.get(c).kind());
        }
        this.singleVariable = classes.length == 1 && classes[0] == KeyVectors.KeyClass.VARIABLE;
        this.set = new BytesKeyHashSet(allocator, expectedKeys, loadFactor);
        this.own = new Encoder();
    }

    @Override
    public int addBatch(FieldVector[] keyColumns, int offset, int length) {
        return own.run(keyColumns, offset, length, true);
    }

    @Override
    public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
        return own.run(keyColumns, offset, length, false);
    }

    @Override
    public Prober newProber() {
        Encoder e = new Encoder();
        return (cols, offset, length) -> e.run(cols, offset, length, false);
    }

    /** Per-thread scratch: integer columns of a window, and the key bytes of one row. */
    private final class Encoder {
        final long[][] longs = new long[classes.length][];
        byte[] key = new byte[64];

        Encoder() {
            for (int c = 0; c < classes.length; c++) {
                if (classes[c] == KeyVectors.KeyClass.LONG) {
                    longs[c] = new long[WINDOW];
                }
            }
        }

        int run(FieldVector[] cols, int offset, int length, boolean add) {
            LongKeySet.checkColumns(cols, classes.length);
            BaseVariableWidthVector[] texts = new BaseVariableWidthVector[cols.length];
            MemoryView[] fixed16 = new MemoryView[cols.length]; // data buffer of each 16-byte column
            for (int c = 0; c < cols.length; c++) {
                KeyVectors.checkRange(cols[c], offset, length);
                if (classes[c] == KeyVectors.KeyClass.VARIABLE) {
                    texts[c] = KeyVectors.variable(cols[c]);
                } else if (classes[c] == KeyVectors.KeyClass.FIXED16) {
                    fixed16[c] = KeyVectors.fixed16(cols[c], offset, length);
                }
            }
            boolean nulls = KeyVectors.anyNulls(cols);
            for (int base = 0; base < length; base += WINDOW) {
                int n = Math.min(WINDOW, length - base);
                for (int c = 0; c < cols.length; c++) {
                    if (classes[c] == KeyVectors.KeyClass.LONG) {
                        KeyVectors.readLongs(cols[c], offset + base, n, longs[c]);
                    }
                }
                for (int i = 0; i < n; i++) {
                    int row = offset + base + i;
                    if (nulls && KeyVectors.anyNullAt(cols, row)) {
                        continue;
                    }
                    int len = encode(texts, fixed16, row, i);
                    boolean ok = add ? set.add(key, 0, len) : set.contains(key, 0, len);
                    if (!ok) {
                        return base + i;
                    }
                }
            }
            return -1;
        }

        private int encode(BaseVariableWidthVector[] texts, MemoryView[] fixed16, int row, int i) {
            if (singleVariable) {
                BaseVariableWidthVector v = texts[0];
                int start = v.getStartOffset(row);
                int len = v.getEndOffset(row) - start;
                ensure(len);
                v.getDataBuffer().getBytes(start, key, 0, len);
                return len;
            }
            int pos = 0;
            for (int c = 0; c < classes.length; c++) {
                switch (classes[c]) {
                    case LONG:
                        ensure(pos + 8);
                        LONG_LE.set(key, pos, longs[c][i]);
                        pos += 8;
                        break;
                    case FIXED16:
                        ensure(pos + 16);
                        fixed16[c].getBytes(16L * row, key, pos, 16);
                        pos += 16;
                        break;
                    default:
                        BaseVariableWidthVector v = texts[c];
                        int start = v.getStartOffset(row);
                        int len = v.getEndOffset(row) - start;
                        ensure(pos + 4 + len);
                        INT_LE.set(key, pos, len);
                        v.getDataBuffer().getBytes(start, key, pos + 4, len);
                        pos += 4 + len;
                        break;
                }
            }
            return pos;
        }

        private void ensure(int bytes) {
            if (bytes > key.length) {
                key = Arrays.copyOf(key, Math.max(bytes, key.length * 2));
            }
        }
    }

    @Override
    public long size() {
        return set.size();
    }

    @Override
    public long allocatedBytes() {
        return set.allocatedBytes();
    }

    @Override
    public int resizeCount() {
        return set.resizeCount();
    }

    @Override
    public void close() {
        set.close();
    }

    @Override
    public String toString() {
        return "BytesKeySet[" + set + "]";
    }
}
