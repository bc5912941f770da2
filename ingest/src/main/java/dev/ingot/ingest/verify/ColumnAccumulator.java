package dev.ingot.ingest.verify;

import dev.ingot.columnstore.ColumnType;
import java.math.BigInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Accumulates a {@link ColumnProfile} over the chunks of one column, reading the Arrow buffers
 * directly (no boxing). Sums are exact: a long until it would overflow, then a BigInteger.
 * Not thread-safe.
 */
final class ColumnAccumulator {
    private final String name;
    private final ColumnType type;
    private long nulls;
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long sum;
    private BigInteger overflowSum = BigInteger.ZERO;
    private long textBytes;

    ColumnAccumulator(String name, ColumnType type) {
        this.name = name;
        this.type = type;
    }

    void add(FieldVector vector) {
        int n = vector.getValueCount();
        ArrowBuf validity = vector.getValidityBuffer();
        if (type.kind().isText()) {
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
        ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
        int width = ((BaseFixedWidthVector) vector).getTypeWidth();
        for (int i = 0; i < n; i++) {
            if (BitVectorHelper.get(validity, i) == 0) {
                nulls++;
                continue;
            }
            long v;
            switch (width) {
                case 4: v = data.getInt(4L * i); break;
                case 8: v = data.getLong(8L * i); break;
                case 16: v = data.getLong(16L * i); break; // decimal: low 64 bits of the unscaled value
                default: throw new IllegalStateException("unexpected width " + width + " of column " + name);
            }
            count++;
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
    }

    long nulls() {
        return nulls;
    }

    ColumnProfile profile() {
        if (type.kind().isText()) {
            return new ColumnProfile(name, type.sqlName(), nulls, null, null, null, textBytes);
        }
        BigInteger total = overflowSum.add(BigInteger.valueOf(sum));
        return new ColumnProfile(name, type.sqlName(), nulls, count == 0 ? null : min, count == 0 ? null : max, total, null);
    }
}
