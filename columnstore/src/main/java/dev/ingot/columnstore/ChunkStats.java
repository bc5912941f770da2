package dev.ingot.columnstore;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Statistics of one sealed chunk, as recorded in its header (layout and ordering rules in
 * {@code dev.ingot.columnstore.internal.ChunkFormat}). Immutable; the arrays handed out are the
 * record's own: do not modify them.
 *
 * <p>Where min/max live, by kind (all over non-null values):
 * <ul>
 *   <li>{@code min}/{@code max} ("long stats"): BOOLEAN (0/1), TINYINT..BIGINT, DATE (days),
 *       TIME (microseconds since midnight), TIMESTAMP[ WITH TIME ZONE] (microseconds since the
 *       epoch), DECIMAL(p &lt;= 18) (unscaled); REAL/DOUBLE as {@code Double.doubleToLongBits},
 *       see {@link #minDouble()};</li>
 *   <li>{@code minBytes}/{@code maxBytes} ("byte stats"): DECIMAL(p &gt; 18) (16 bytes,
 *       little-endian two's complement; {@link #minUnscaled()}), UUID (its 16 bytes;
 *       {@link #minUuid()}), CHAR/VARCHAR (UTF-8) and VARBINARY: a bounded prefix of at most 64
 *       bytes, exact unless {@link #minExact()} / {@link #maxExact()} say otherwise.</li>
 * </ul>
 *
 * @param kind      the column kind
 * @param rowCount  values in the chunk (nulls included)
 * @param nullCount null values
 * @param hasMinMax whether the min/max fields are meaningful: the chunk has a non-null value
 *                  (and, for byte strings, the largest value's 64-byte prefix is not all 0xFF;
 *                  text chunks written by format version 1 have none)
 * @param min       smallest non-null value for long-stat kinds; 0 otherwise
 * @param max       largest non-null value for long-stat kinds; 0 otherwise
 * @param sorted    whether the non-null values are non-decreasing in row order (fixed-width kinds only)
 * @param textBytes total bytes of the chunk's variable-width values (CHAR/VARCHAR/VARBINARY; 0 otherwise)
 * @param minBytes  byte-stat min (empty for long-stat kinds)
 * @param maxBytes  byte-stat max (empty for long-stat kinds)
 * @param minExact  whether {@code minBytes} is the smallest value itself (false: a prefix of it)
 * @param maxExact  whether {@code maxBytes} is the largest value itself (false: a byte string
 *                  greater than every value of the chunk, see ChunkFormat)
 */
public record ChunkStats(ColumnType.Kind kind, int rowCount, int nullCount, boolean hasMinMax, long min, long max,
                         boolean sorted, long textBytes, byte[] minBytes, byte[] maxBytes, boolean minExact, boolean maxExact) {
    /** REAL/DOUBLE min (REAL widened exactly). @throws IllegalStateException for other kinds */
    public double minDouble() {
        requireKind(kind.isFloatingPoint(), "REAL or DOUBLE");
        return Double.longBitsToDouble(min);
    }

    /** REAL/DOUBLE max. @throws IllegalStateException for other kinds */
    public double maxDouble() {
        requireKind(kind.isFloatingPoint(), "REAL or DOUBLE");
        return Double.longBitsToDouble(max);
    }

    /** Unscaled min of a DECIMAL column (either width). @throws IllegalStateException for other kinds */
    public BigInteger minUnscaled() {
        return unscaled(min, minBytes);
    }

    /** Unscaled max of a DECIMAL column (either width). @throws IllegalStateException for other kinds */
    public BigInteger maxUnscaled() {
        return unscaled(max, maxBytes);
    }

    /** UUID min. @throws IllegalStateException for other kinds */
    public UUID minUuid() {
        requireKind(kind == ColumnType.Kind.UUID, "UUID");
        return uuid(minBytes);
    }

    /** UUID max. @throws IllegalStateException for other kinds */
    public UUID maxUuid() {
        requireKind(kind == ColumnType.Kind.UUID, "UUID");
        return uuid(maxBytes);
    }

    private BigInteger unscaled(long value, byte[] littleEndian) {
        if (kind == ColumnType.Kind.DECIMAL64) {
            return BigInteger.valueOf(value);
        }
        requireKind(kind == ColumnType.Kind.DECIMAL128, "DECIMAL");
        byte[] bigEndian = new byte[littleEndian.length];
        for (int i = 0; i < bigEndian.length; i++) {
            bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
        }
        return new BigInteger(bigEndian);
    }

    private static UUID uuid(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new UUID(bb.getLong(), bb.getLong());
    }

    private void requireKind(boolean ok, String expected) {
        if (!ok) {
            throw new IllegalStateException("chunk stats of a " + kind + " column, not " + expected);
        }
        if (!hasMinMax) {
            throw new IllegalStateException("chunk has no min/max");
        }
    }
}
