package dev.ingot.constraints.index;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyEncoding;
import dev.ingot.constraints.internal.KeyRowEncoder;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * The forms a key takes in the persisted key index, computed window by window from Arrow key
 * columns through the shared {@link KeyRowEncoder} (so the index of a load and a probe made later
 * agree byte for byte):
 * <ul>
 *   <li><b>exact</b>: the key as one {@code long}: a single integer-like column's value; two
 *       integer-like columns packed as {@code (a << 32) | b} when both lie in {@code [0, 2^32)}.
 *       Two keys are equal exactly when their exact forms are.</li>
 *   <li><b>bytes</b>: the {@link KeyRowEncoder} bytes, and their 64-bit
 *       {@link dev.ingot.constraints.hash.Hashing#hashBytes hash}; every key has them.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe (scratch of its encoder); one per thread.
 */
final class IndexKeys {
    /** The key's shape: decides which forms exist. */
    enum Shape { LONG, PAIR, BYTES }

    final Shape shape;
    final KeyRowEncoder encoder;

    IndexKeys(List<ColumnType> keyTypes) {
        KeyEncoding e = KeyEncoding.of(keyTypes);
        this.shape = e == KeyEncoding.LONG ? Shape.LONG : e == KeyEncoding.PACKED_PAIR ? Shape.PAIR : Shape.BYTES;
        this.encoder = new KeyRowEncoder(keyTypes);
    }

    /** Checks a batch's key columns and rows (see {@link KeyRowEncoder#checkBatch}). */
    void checkBatch(FieldVector[] cols, int offset, int length) {
        encoder.checkBatch(cols, offset, length);
    }

    /** Reads the integer columns of a window of at most {@link KeyRowEncoder#WINDOW} rows. */
    void prepare(FieldVector[] cols, int offset, int n) {
        encoder.prepare(cols, offset, n);
    }

    /** Key columns (1 or 2 for the LONG and PAIR shapes). */
    int columns() {
        return encoder.columnCount();
    }

    /** Integer column {@code column}'s value of window row {@code i} (LONG and PAIR shapes). */
    long longValue(int column, int i) {
        return encoder.longValue(column, i);
    }

    /** Whether window row {@code i} has an exact form. */
    boolean hasExact(int i) {
        switch (shape) {
            case LONG:
                return true;
            case PAIR:
                return (encoder.longValue(0, i) >>> 32) == 0 && (encoder.longValue(1, i) >>> 32) == 0;
            default:
                return false;
        }
    }

    /** The exact form of window row {@code i}; only if {@link #hasExact}. */
    long exact(int i) {
        return shape == Shape.LONG ? encoder.longValue(0, i) : (encoder.longValue(0, i) << 32) | encoder.longValue(1, i);
    }

    /** Encodes window row {@code i} into {@link #bytes()}; returns the length. */
    int encode(int i) {
        return encoder.encode(i);
    }

    /** The bytes of the last {@link #encode}. */
    byte[] bytes() {
        return encoder.key();
    }

    /** The bytes form of a packed pair's exact form {@code (a << 32) | b}: two little-endian longs. */
    static void unpackPair(long exact, byte[] dst) {
        putLongLE(dst, 0, exact >>> 32);
        putLongLE(dst, 8, exact & 0xFFFF_FFFFL);
    }

    private static void putLongLE(byte[] b, int at, long v) {
        for (int k = 0; k < 8; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
    }

    private int current;
    private int currentLength = -1;
    private long currentHash;

    /** Selects window row {@code i} for the {@code current*} accessors (bytes and hash computed lazily, once). */
    void select(int i) {
        current = i;
        currentLength = -1;
    }

    boolean currentHasExact() {
        return hasExact(current);
    }

    long currentExact() {
        return exact(current);
    }

    /** The selected row's column 0 as a {@code long} (LONG and PAIR shapes). */
    long currentA() {
        return encoder.longValue(0, current);
    }

    /** The selected row's column 1 as a {@code long} (PAIR shape), else 0. */
    long currentB() {
        return shape == Shape.PAIR ? encoder.longValue(1, current) : 0;
    }

    /** The selected row's key bytes (in {@link #bytes()}); their length. */
    int currentBytes() {
        if (currentLength < 0) {
            currentLength = encode(current);
            currentHash = dev.ingot.constraints.hash.Hashing.hashBytes(bytes(), 0, currentLength);
        }
        return currentLength;
    }

    /** The hash of the selected row's key bytes. */
    long currentHash() {
        currentBytes();
        return currentHash;
    }

    void release() {
        encoder.release();
    }
}
