package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.hash.BytesKeyHashSet;
import dev.ingot.memory.NativeAllocator;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * {@link KeySet} for keys that do not fit one or two longs: text, binary, DECIMAL(p &gt; 18) or
 * UUID columns, or three or more columns. Each row's key is serialised by a {@link KeyRowEncoder}
 * (the encoding is drawn there; identical for parent and child, so FK probes match) and kept in a
 * {@link BytesKeyHashSet}.
 *
 * <p>Thread-safety: as {@link KeySet}.
 */
final class BytesKeySet implements KeySet {
    private final List<ColumnType> keyTypes;
    private final BytesKeyHashSet set;
    private final Encoder own;

    BytesKeySet(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, float loadFactor) {
        this.keyTypes = List.copyOf(keyTypes);
        this.own = new Encoder();
        this.set = new BytesKeyHashSet(allocator, expectedKeys, loadFactor);
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

    /** Per-thread scratch: one row-key encoder. */
    private final class Encoder {
        final KeyRowEncoder rows = new KeyRowEncoder(keyTypes);

        int run(FieldVector[] cols, int offset, int length, boolean add) {
            rows.checkBatch(cols, offset, length);
            try {
                boolean nulls = KeyVectors.anyNulls(cols);
                for (int base = 0; base < length; base += KeyRowEncoder.WINDOW) {
                    int n = Math.min(KeyRowEncoder.WINDOW, length - base);
                    rows.prepare(cols, offset + base, n);
                    for (int i = 0; i < n; i++) {
                        if (nulls && KeyVectors.anyNullAt(cols, offset + base + i)) {
                            continue;
                        }
                        int len = rows.encode(i);
                        boolean ok = add ? set.add(rows.key(), 0, len) : set.contains(rows.key(), 0, len);
                        if (!ok) {
                            return base + i;
                        }
                    }
                }
                return -1;
            } finally {
                rows.release();
            }
        }
    }

    @Override
    public void exportKeys(KeySink sink) {
        set.forEach(sink::accept);
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
