package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import java.util.List;

/**
 * How the key of a constraint is encoded for hashing.
 *
 * <ul>
 *   <li>{@link #LONG}: one integer-like column; the value itself, in a
 *       {@link dev.ingot.constraints.hash.LongOpenHashSet}.</li>
 *   <li>{@link #PACKED_PAIR}: two integer-like columns; packed as {@code (a << 32) | b} while every
 *       value is in {@code [0, 2^32)}, else (after a one-time migration) a
 *       {@link dev.ingot.constraints.hash.LongPairOpenHashSet}.</li>
 *   <li>{@link #BYTES}: anything else (text, binary, DECIMAL(p &gt; 18) or UUID columns, three or
 *       more columns), serialised to bytes
 *       in a {@link dev.ingot.constraints.hash.BytesKeyHashSet}.</li>
 * </ul>
 */
public enum KeyEncoding {
    LONG, PACKED_PAIR, BYTES;

    /**
     * The encoding for a key of these column types.
     *
     * @throws IllegalArgumentException if empty or a column is REAL/DOUBLE
     */
    public static KeyEncoding of(List<ColumnType> keyTypes) {
        if (keyTypes.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one column");
        }
        for (ColumnType t : keyTypes) {
            if (!KeyVectors.isIntegerLike(t.kind())) {
                return BYTES;
            }
        }
        switch (keyTypes.size()) {
            case 1: return LONG;
            case 2: return PACKED_PAIR;
            default: return BYTES;
        }
    }
}
