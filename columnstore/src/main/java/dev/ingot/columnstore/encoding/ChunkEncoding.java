package dev.ingot.columnstore.encoding;

import dev.ingot.columnstore.ColumnType;

/**
 * How the values of one column chunk are stored, recorded in the chunk header (chunk format
 * version 3, byte 78; see {@code dev.ingot.columnstore.internal.ChunkFormat}) and chosen per
 * chunk from its statistics and its values, in the manner of BtrBlocks (Kuschewski et al.,
 * SIGMOD 2023): the smallest of the encodings that apply, plain when none is smaller.
 *
 * <p>Thread-safety: immutable.
 */
public enum ChunkEncoding {
    /** The values as Arrow lays them out (DECIMAL(p &lt;= 18) narrowed to 8 bytes); every kind. */
    PLAIN(0),
    /**
     * Frame of reference + bit-packing: value minus the chunk's reference (its minimum) in
     * {@code bitWidth} bits ({@link BitPacking}); integers, dates, times, timestamps and
     * DECIMAL(p &lt;= 18).
     */
    FOR(1),
    /**
     * Dictionary: the distinct non-null values once (int32 offsets + bytes) and one bit-packed
     * code per row (cascading, as BtrBlocks does); CHAR, VARCHAR, VARBINARY.
     */
    DICTIONARY(2),
    /**
     * Run-length: one value per run (frame of reference + bit-packing) and the bit-packed end row
     * of each run; the kinds of {@link #FOR}, chosen where runs are long.
     */
    RLE(3),
    /**
     * Free text: the value lengths bit-packed (frame of reference on the lengths) and the bytes
     * as they are or as one LZ4 block; CHAR, VARCHAR, VARBINARY.
     */
    PACKED_TEXT(4);

    private static final ChunkEncoding[] BY_ID = values();

    private final int id;

    ChunkEncoding(int id) {
        this.id = id;
    }

    /** The id stored in the chunk header. */
    public int id() {
        return id;
    }

    /** The encoding of header id {@code id}, or null if no encoding has it. */
    public static ChunkEncoding ofId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Whether a chunk of {@code kind} may be stored in this encoding. */
    public boolean appliesTo(ColumnType.Kind kind) {
        switch (this) {
            case PLAIN: return true;
            case FOR:
            case RLE: return isIntegral(kind);
            default: return kind.isVariableWidth();
        }
    }

    /** Kinds stored as signed integers of their width: TINYINT..BIGINT, DATE, TIME, TIMESTAMP[_TZ], DECIMAL(p &lt;= 18). */
    public static boolean isIntegral(ColumnType.Kind kind) {
        switch (kind) {
            case INT8:
            case INT16:
            case INT32:
            case INT64:
            case DATE32:
            case TIME64:
            case TIMESTAMP:
            case TIMESTAMP_TZ:
            case DECIMAL64: return true;
            default: return false;
        }
    }
}
