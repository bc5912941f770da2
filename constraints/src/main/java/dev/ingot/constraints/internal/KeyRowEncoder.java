package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.memory.MemoryView;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Serialises the key of one row of Arrow key columns into a reusable {@code byte[]}, window by
 * window, without per-row objects: the one key encoding shared by the in-memory
 * {@link BytesKeySet} and the persisted key index ({@code dev.ingot.constraints.index}), so a key
 * written by a load and a key probed later encode to the same bytes.
 *
 * <p>Encoding (identical for parent and child columns, so FOREIGN KEY probes match; the column
 * classes are {@link KeyVectors#keyClass}):
 * <ul>
 *   <li>a single variable-width column: its bytes as stored in the vector;</li>
 *   <li>otherwise, per column in key order: an integer-like column as its {@code long} value
 *       (8 bytes, little-endian); a 16-byte column as its 16 bytes as stored in the Arrow vector;
 *       a variable-width column as a 4-byte little-endian byte length followed by the bytes (so
 *       ("ab","c") and ("a","bc") differ).</li>
 * </ul>
 *
 * <p>Usage: {@link #prepare} a window of at most {@link #WINDOW} rows (checks the columns and
 * reads the integer columns in bulk), then {@link #encode} each row of it and read the bytes from
 * {@link #key()}; {@link #longValue} gives an integer column's value of a window row.
 *
 * <p>Thread-safety: not thread-safe (scratch arrays); one encoder per thread.
 */
public final class KeyRowEncoder {
    /** Rows per window. */
    public static final int WINDOW = 1024;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final KeyVectors.KeyClass[] classes;
    private final boolean singleVariable;
    private final long[][] longs;
    private final BaseVariableWidthVector[] texts;
    private final MemoryView[] fixed16;
    private byte[] key = new byte[64];
    private int windowStart;

    /**
     * @param keyTypes the key's column types in key order (1 or more)
     * @throws IllegalArgumentException if empty or a column is REAL/DOUBLE
     */
    public KeyRowEncoder(List<ColumnType> keyTypes) {
        if (keyTypes.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one column");
        }
        this.classes = new KeyVectors.KeyClass[keyTypes.size()];
        for (int c = 0; c < classes.length; c++) {
            classes[c] = KeyVectors.keyClass(keyTypes.get(c).kind());
        }
        this.singleVariable = classes.length == 1 && classes[0] == KeyVectors.KeyClass.VARIABLE;
        this.longs = new long[classes.length][];
        for (int c = 0; c < classes.length; c++) {
            if (classes[c] == KeyVectors.KeyClass.LONG) {
                longs[c] = new long[WINDOW];
            }
        }
        this.texts = new BaseVariableWidthVector[classes.length];
        this.fixed16 = new MemoryView[classes.length];
    }

    /** The number of key columns. */
    public int columnCount() {
        return classes.length;
    }

    /** Whether every key column is integer-like (each a {@code long} in {@link #longValue}). */
    public boolean allLongs() {
        for (KeyVectors.KeyClass c : classes) {
            if (c != KeyVectors.KeyClass.LONG) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks {@code cols} against the key (count, types, rows {@code [offset, offset + length)}
     * inside every vector); call once per batch before {@link #prepare}.
     *
     * @throws IllegalArgumentException  on a column count or vector type mismatch
     * @throws IndexOutOfBoundsException if the rows are outside a vector
     */
    public void checkBatch(FieldVector[] cols, int offset, int length) {
        LongKeySet.checkColumns(cols, classes.length);
        for (int c = 0; c < cols.length; c++) {
            KeyVectors.checkRange(cols[c], offset, length);
            if (classes[c] == KeyVectors.KeyClass.VARIABLE) {
                texts[c] = KeyVectors.variable(cols[c]);
            } else if (classes[c] == KeyVectors.KeyClass.FIXED16) {
                fixed16[c] = KeyVectors.fixed16(cols[c], offset, length);
            }
        }
    }

    /**
     * Reads the integer columns of rows {@code [offset, offset + n)} (checked by
     * {@link #checkBatch}), {@code n <= WINDOW}; window row {@code i} is batch row {@code offset + i}.
     */
    public void prepare(FieldVector[] cols, int offset, int n) {
        if (n > WINDOW) {
            throw new IllegalArgumentException("a window holds at most " + WINDOW + " rows: " + n);
        }
        for (int c = 0; c < cols.length; c++) {
            if (classes[c] == KeyVectors.KeyClass.LONG) {
                KeyVectors.readLongs(cols[c], offset, n, longs[c]);
            }
        }
        windowStart = offset;
    }

    /** Integer column {@code column}'s value of window row {@code i}. */
    public long longValue(int column, int i) {
        return longs[column][i];
    }

    /**
     * Encodes the key of window row {@code i} into {@link #key()}.
     *
     * @return the key's length in bytes
     */
    public int encode(int i) {
        int row = windowStart + i;
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

    /** The scratch holding the last encoded key (valid until the next {@link #encode}). */
    public byte[] key() {
        return key;
    }

    /** Forgets the vectors of the last batch (the encoder keeps no reference past a batch). */
    public void release() {
        Arrays.fill(texts, null);
        Arrays.fill(fixed16, null);
    }

    private void ensure(int bytes) {
        if (bytes > key.length) {
            key = Arrays.copyOf(key, Math.max(bytes, key.length * 2));
        }
    }
}
