package dev.ingot.ingest.verify;

import dev.ingot.columnstore.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Accumulates a {@link ColumnProfile} over the chunks of one column, reading the Arrow buffers
 * directly (no boxing for integer-like columns). Sums are exact: integer-like values in a long
 * until it would overflow, then a BigInteger; 128-bit decimals in a BigInteger; REAL/DOUBLE as
 * an exact BigDecimal sum of the finite values. Not thread-safe.
 */
final class ColumnAccumulator {
    private enum Mode { LONG, BOOLEAN, DECIMAL128, FLOATING, UUID, VARIABLE }

    private final String name;
    private final ColumnType type;
    private final Mode mode;
    private final int width;
    private long nulls;
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long sum;
    private BigInteger overflowSum = BigInteger.ZERO;
    private long textBytes;
    // DECIMAL128: (high, low) of min and max; UUID: (msb, lsb) compared unsigned
    private long minHigh;
    private long minLow;
    private long maxHigh;
    private long maxLow;
    private double minDouble = Double.NaN;
    private double maxDouble = Double.NEGATIVE_INFINITY;
    private BigDecimal floatSum = BigDecimal.ZERO;
    private long nonFinite;

    ColumnAccumulator(String name, ColumnType type) {
        this.name = name;
        this.type = type;
        ColumnType.Kind kind = type.kind();
        if (kind.isVariableWidth()) {
            mode = Mode.VARIABLE;
        } else if (kind == ColumnType.Kind.BOOLEAN) {
            mode = Mode.BOOLEAN;
        } else if (kind == ColumnType.Kind.DECIMAL128) {
            mode = Mode.DECIMAL128;
        } else if (kind.isFloatingPoint()) {
            mode = Mode.FLOATING;
        } else if (kind == ColumnType.Kind.UUID) {
            mode = Mode.UUID;
        } else {
            mode = Mode.LONG;
        }
        // Arrow bytes per value: DECIMAL64 is a 16-byte Arrow decimal whose low 8 bytes hold the value
        width = kind == ColumnType.Kind.DECIMAL64 ? 16 : kind.fixedWidth();
    }

    void add(FieldVector vector) {
        int n = vector.getValueCount();
        ArrowBuf validity = vector.getValidityBuffer();
        if (mode == Mode.VARIABLE) {
            ArrowBuf offsets = ((BaseVariableWidthVector) vector).getOffsetBuffer();
            for (int i = 0; i < n; i++) {
                if (BitVectorHelper.get(validity, i) == 0) {
                    nulls++;
                } else {
                    textBytes += offsets.getInt(4L * (i + 1)) - offsets.getInt(4L * i);
                }
            }
            return;
        }
        ArrowBuf data = vector.getDataBuffer();
        for (int i = 0; i < n; i++) {
            if (BitVectorHelper.get(validity, i) == 0) {
                nulls++;
                continue;
            }
            count++;
            switch (mode) {
                case LONG: addLong(readLong(data, i)); break;
                case BOOLEAN: addLong(BitVectorHelper.get(data, i)); break;
                case DECIMAL128: addDecimal128(data.getLong(16L * i + 8), data.getLong(16L * i)); break;
                case FLOATING: addDouble(width == 4 ? data.getFloat(4L * i) : data.getDouble(8L * i)); break;
                default: addUuid(Long.reverseBytes(data.getLong(16L * i)), Long.reverseBytes(data.getLong(16L * i + 8))); break;
            }
        }
    }

    private long readLong(ArrowBuf data, int i) {
        switch (width) {
            case 1: return data.getByte(i);
            case 2: return data.getShort(2L * i);
            case 4: return data.getInt(4L * i);
            case 8: return data.getLong(8L * i);
            case 16: return data.getLong(16L * i); // DECIMAL64: low 64 bits of the unscaled value
            default: throw new IllegalStateException("unexpected width " + width + " of column " + name);
        }
    }

    private void addLong(long v) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        long s = sum + v;
        if (((sum ^ s) & (v ^ s)) < 0) { // overflow: move the running sum into the BigInteger
            overflowSum = overflowSum.add(BigInteger.valueOf(sum)).add(BigInteger.valueOf(v));
            sum = 0;
        } else {
            sum = s;
        }
    }

    private void addDecimal128(long high, long low) {
        if (count == 1 || compare(high, low, minHigh, minLow, false) < 0) {
            minHigh = high;
            minLow = low;
        }
        if (count == 1 || compare(high, low, maxHigh, maxLow, false) > 0) {
            maxHigh = high;
            maxLow = low;
        }
        overflowSum = overflowSum.add(toBigInteger(high, low));
    }

    private void addUuid(long msb, long lsb) {
        if (count == 1 || compare(msb, lsb, minHigh, minLow, true) < 0) {
            minHigh = msb;
            minLow = lsb;
        }
        if (count == 1 || compare(msb, lsb, maxHigh, maxLow, true) > 0) {
            maxHigh = msb;
            maxLow = lsb;
        }
    }

    private void addDouble(double v) {
        if (Double.compare(v, minDouble) < 0) {
            minDouble = v;
        }
        if (Double.compare(v, maxDouble) > 0) {
            maxDouble = v;
        }
        if (Double.isFinite(v)) {
            floatSum = floatSum.add(new BigDecimal(v));
        } else {
            nonFinite++;
        }
    }

    /** Compares (high, low) pairs: high signed (or unsigned), low unsigned. */
    private static int compare(long aHigh, long aLow, long bHigh, long bLow, boolean unsignedHigh) {
        int c = unsignedHigh ? Long.compareUnsigned(aHigh, bHigh) : Long.compare(aHigh, bHigh);
        return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
    }

    private static BigInteger toBigInteger(long high, long low) {
        return BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    long nulls() {
        return nulls;
    }

    ColumnProfile profile() {
        String sql = type.sqlName();
        boolean none = count == 0;
        switch (mode) {
            case VARIABLE:
                return new ColumnProfile(name, sql, nulls, null, null, null, textBytes, null);
            case BOOLEAN:
                return new ColumnProfile(name, sql, nulls, none ? null : min == 1, none ? null : max == 1, total(), null, null);
            case DECIMAL128:
                return new ColumnProfile(name, sql, nulls, none ? null : toBigInteger(minHigh, minLow),
                        none ? null : toBigInteger(maxHigh, maxLow), overflowSum, null, null);
            case FLOATING:
                return new ColumnProfile(name, sql, nulls, none ? null : minDouble, none ? null : maxDouble, floatSum, null, nonFinite);
            case UUID:
                return new ColumnProfile(name, sql, nulls, none ? null : new UUID(minHigh, minLow), none ? null : new UUID(maxHigh, maxLow),
                        null, null, null);
            default:
                return new ColumnProfile(name, sql, nulls, none ? null : min, none ? null : max, total(), null, null);
        }
    }

    private BigInteger total() {
        return overflowSum.add(BigInteger.valueOf(sum));
    }
}
