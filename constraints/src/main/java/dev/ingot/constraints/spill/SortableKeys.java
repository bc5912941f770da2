package dev.ingot.constraints.spill;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyVectors;
import java.util.List;

/**
 * The spill files' key encoding: the {@link dev.ingot.constraints.internal.KeyRowEncoder} encoding
 * with every integer-like column turned from 8 bytes little-endian into 8 bytes big-endian with
 * the sign bit flipped, so that the unsigned byte order in which spilled keys are sorted and
 * merged is the numeric order of those columns (column by column for a composite key). Keys that
 * arrive in ascending order (a TPC-H {@code l_orderkey}, {@code (l_orderkey, l_linenumber)}) then
 * arrive in the spill order too, and a spilled check can take them as one sorted run. 16-byte and
 * variable-width columns keep their bytes (their order is only required to be consistent: the
 * parent's and the child's keys are encoded alike). The 4-byte length before a variable-width
 * column of a composite key is unchanged, so the layout stays walkable.
 *
 * <p>Immutable; thread-safe.
 */
final class SortableKeys {
    private final KeyVectors.KeyClass[] classes;
    private final boolean singleVariable;
    private final boolean anyLong;

    /** @param types the key's column types in key order */
    SortableKeys(List<ColumnType> types) {
        this.classes = new KeyVectors.KeyClass[types.size()];
        boolean longs = false;
        for (int c = 0; c < classes.length; c++) {
            classes[c] = KeyVectors.keyClass(types.get(c).kind());
            longs |= classes[c] == KeyVectors.KeyClass.LONG;
        }
        this.singleVariable = classes.length == 1 && classes[0] == KeyVectors.KeyClass.VARIABLE;
        this.anyLong = longs;
    }

    /** The length of every key, when no column is variable-width; -1 otherwise. */
    int fixedLength() {
        int n = 0;
        for (KeyVectors.KeyClass c : classes) {
            if (c == KeyVectors.KeyClass.VARIABLE) {
                return -1;
            }
            n += c == KeyVectors.KeyClass.LONG ? 8 : 16;
        }
        return n;
    }

    /** Turns the row encoding {@code key[0, length)} into the sortable encoding, in place. */
    void toSortable(byte[] key, int length) {
        transform(key, length, true);
    }

    /** Turns the sortable encoding {@code key[0, length)} back into the row encoding, in place. */
    void toRowEncoding(byte[] key, int length) {
        transform(key, length, false);
    }

    private void transform(byte[] key, int length, boolean toSortable) {
        if (!anyLong || singleVariable) {
            return;
        }
        int p = 0;
        for (KeyVectors.KeyClass c : classes) {
            switch (c) {
                case LONG:
                    if (!toSortable) {
                        key[p] ^= (byte) 0x80; // big-endian: the sign bit is the first byte's
                    }
                    for (int i = 0; i < 4; i++) {
                        byte t = key[p + i];
                        key[p + i] = key[p + 7 - i];
                        key[p + 7 - i] = t;
                    }
                    if (toSortable) {
                        key[p] ^= (byte) 0x80;
                    }
                    p += 8;
                    break;
                case FIXED16:
                    p += 16;
                    break;
                default:
                    int n = (key[p] & 0xFF) | (key[p + 1] & 0xFF) << 8 | (key[p + 2] & 0xFF) << 16 | (key[p + 3] & 0xFF) << 24;
                    p += 4 + n;
                    break;
            }
        }
        if (p != length) {
            throw new IllegalArgumentException("a key of " + length + " bytes does not match its columns (" + p + " bytes)");
        }
    }
}
