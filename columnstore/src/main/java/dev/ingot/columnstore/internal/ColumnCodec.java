package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ColumnValueException;
import dev.ingot.columnstore.Utf8;
import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryView;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * What differs between column types in the writer and reader, one small strategy per value
 * layout ({@link ChunkFormat}): which Arrow vector a column takes, the value checks beyond NOT
 * NULL, how values are copied into the staging chunk, how the chunk's min/max are computed and
 * how stored data becomes an Arrow data buffer again.
 *
 * <table>
 *   <caption>strategies</caption>
 *   <tr><th>strategy</th><th>kinds</th><th>staging copy</th><th>stats</th></tr>
 *   <tr><td>{@link Signed}</td><td>TINYINT..BIGINT, DATE, TIME, TIMESTAMP[_TZ]</td><td>one block copy</td><td>signed long</td></tr>
 *   <tr><td>{@link Decimal64}</td><td>DECIMAL(p &lt;= 18)</td><td>strided 16 to 8 bytes</td><td>signed long</td></tr>
 *   <tr><td>{@link Bool}</td><td>BOOLEAN</td><td>bit copy</td><td>0/1</td></tr>
 *   <tr><td>{@link Floating}</td><td>REAL, DOUBLE</td><td>one block copy</td><td>{@link Double#compare} order</td></tr>
 *   <tr><td>{@link Decimal128}</td><td>DECIMAL(p &gt; 18)</td><td>one block copy</td><td>signed 128-bit, byte stats</td></tr>
 *   <tr><td>{@link Uuid}</td><td>UUID</td><td>one block copy</td><td>unsigned bytes, byte stats</td></tr>
 *   <tr><td>{@link Variable}</td><td>CHAR, VARCHAR, VARBINARY</td><td>offsets rebased + one data copy (in the writer)</td>
 *       <td>unsigned bytes, bounded prefix</td></tr>
 * </table>
 *
 * <p>Thread-safety: immutable and stateless apart from the column's type; shared freely.
 */
abstract class ColumnCodec {
    static final int MAX_VALUE_CHARS_IN_MESSAGE = 256;

    final ColumnType type;
    final ColumnType.Kind kind;

    ColumnCodec(ColumnType type) {
        this.type = type;
        this.kind = type.kind();
    }

    /** The strategy of a column type. */
    static ColumnCodec of(ColumnType type) {
        switch (type.kind()) {
            case BOOLEAN: return new Bool(type);
            case DECIMAL64: return new Decimal64(type);
            case DECIMAL128: return new Decimal128(type);
            case FLOAT32:
            case FLOAT64: return new Floating(type);
            case UUID: return new Uuid(type);
            case CHAR:
            case VARCHAR:
            case VARBINARY: return new Variable(type);
            default: return new Signed(type);
        }
    }

    /** Whether {@code vector} is the Arrow vector class (and, for decimals, precision/scale) of this column. */
    boolean accepts(FieldVector vector) {
        switch (kind) {
            case INT8: return vector instanceof TinyIntVector;
            case INT16: return vector instanceof SmallIntVector;
            case INT32: return vector instanceof IntVector;
            case INT64: return vector instanceof BigIntVector;
            case DATE32: return vector instanceof DateDayVector;
            case TIME64: return vector instanceof TimeMicroVector;
            case TIMESTAMP: return vector instanceof TimeStampMicroVector;
            case TIMESTAMP_TZ: return vector instanceof TimeStampMicroTZVector;
            case BOOLEAN: return vector instanceof BitVector;
            case FLOAT32: return vector instanceof Float4Vector;
            case FLOAT64: return vector instanceof Float8Vector;
            case DECIMAL64:
            case DECIMAL128: return vector instanceof DecimalVector && vector.getField().getType().equals(type.arrowType());
            case UUID: return vector instanceof FixedSizeBinaryVector && ((FixedSizeBinaryVector) vector).getByteWidth() == 16;
            case VARBINARY: return vector instanceof VarBinaryVector;
            default: return vector instanceof VarCharVector;
        }
    }

    /** Bytes of the Arrow data buffer holding rows {@code [0, rows)} of a fixed-width column. */
    long sourceBytes(long rows) {
        return kind.dataBytes(rows);
    }

    /**
     * Value checks beyond NOT NULL for rows {@code [offset, offset + length)}; {@code validity}
     * is the vector's validity bitmap, {@code firstRowId} the table row id of {@code offset}.
     *
     * @throws ColumnValueException for the first value the column does not admit
     */
    void validate(String table, ColumnDef def, FieldVector vector, MemoryView validity, int offset, int length, long firstRowId) {
    }

    /**
     * Copies {@code k} values of a fixed-width vector from row {@code offset} to staged row
     * {@code stagedRow} of the data area {@code data}; destination bits of BOOLEAN data are zero.
     */
    void stage(FieldVector vector, int offset, MemoryView data, int stagedRow, int k) {
        int w = kind.fixedWidth();
        ArrowMemory.view(vector.getDataBuffer()).copyTo((long) w * offset, data, (long) w * stagedRow, (long) w * k);
    }

    /**
     * Computes min/max (and for fixed-width kinds whether the values are sorted) of the staged
     * chunk: {@code rows} values in {@code data} (variable width: offsets in {@code offsets}, else
     * null), validity in {@code validity}. Called only when at least one value is not null.
     */
    abstract void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out);

    /**
     * Copies rows {@code [from, to)} of the stored data (at {@code index} of a validated PLAIN chunk of a fixed-width kind other than BOOLEAN) into an Arrow data
     * buffer from row {@code at}.
     */
    void decode(ByteBuffer blob, int index, ArrowBuf dst, int from, int to, int at) {
        long w = kind.fixedWidth();
        copyOut(blob, (int) (index + w * from), dst, w * at, w * (to - from));
    }

    /** Copies {@code bytes} bytes of the blob from {@code index} to the start of {@code dst}. */
    static void copyOut(ByteBuffer blob, int index, ArrowBuf dst, long bytes) {
        copyOut(blob, index, dst, 0, bytes);
    }

    /** Copies {@code bytes} bytes of the blob from {@code index} to {@code dst} from {@code dstIndex}. */
    static void copyOut(ByteBuffer blob, int index, ArrowBuf dst, long dstIndex, long bytes) {
        if (bytes == 0) {
            return;
        }
        if (dstIndex < 0 || bytes < 0 || dst.capacity() - dstIndex < bytes || index < 0 || (long) index + bytes > blob.limit()) {
            throw new IllegalStateException("internal: copy of " + bytes + " bytes from blob byte " + index + " of " + blob.limit()
                    + " into a buffer of " + dst.capacity() + " at " + dstIndex);
        }
        if (blob.isDirect()) {
            MemoryView.of(blob).copyTo(index, ArrowMemory.view(dst), dstIndex, bytes);
        } else {
            ByteBuffer src = blob.duplicate();
            src.position(index).limit((int) (index + bytes));
            dst.setBytes(dstIndex, src);
        }
    }

    static ColumnValueException outOfRange(String table, ColumnDef def, long row, String value) {
        return new ColumnValueException(ColumnValueException.Reason.OUT_OF_RANGE, table, def.name(), row, value,
                "value out of range for column " + def.name() + " (" + def.type() + "): " + value + "; row " + row);
    }

    /** Reads a little-endian signed value of {@code width} (1, 2, 4 or 8) bytes at {@code index} of {@code view}. */
    static long readSigned(MemoryView view, long index, int width) {
        switch (width) {
            case 1: return view.getByte(index);
            case 2: return view.getShort(index);
            case 4: return view.getInt(index);
            default: return view.getLong(index);
        }
    }

    // ------------------------------------------------------------------ strategies

    /** Integers, dates, times and timestamps: plain little-endian two's complement of the kind's width. */
    static final class Signed extends ColumnCodec {
        Signed(ColumnType type) {
            super(type);
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            signedStats(kind.fixedWidth(), validity, data, rows, hasNulls, out);
        }

        /** Min/max/sorted of {@code rows} little-endian signed values of {@code w} bytes in {@code data} (w = 0: bits as 0/1). */
        static void signedStats(int w, MemoryView validity, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long prev = Long.MIN_VALUE;
            boolean sorted = true;
            for (int i = 0; i < rows; i++) {
                if (hasNulls && !Bits.isSet(validity, i)) {
                    continue;
                }
                long v = w == 8 ? data.getLong(8L * i) : w == 4 ? data.getInt(4L * i)
                        : w == 0 ? (Bits.isSet(data, i) ? 1 : 0) : readSigned(data, (long) w * i, w);
                sorted &= v >= prev;
                prev = v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            out.longStats(min, max, sorted);
        }
    }

    /** DECIMAL(p &lt;= 18): Arrow's 16-byte value narrowed to its low 8 bytes (validated to be the whole value). */
    static final class Decimal64 extends ColumnCodec {
        /** Values read per bounds check in {@link #validate}. */
        private static final int VALIDATE_PIECE = 1024;

        Decimal64(ColumnType type) {
            super(type);
        }

        @Override
        long sourceBytes(long rows) {
            return 16 * rows;
        }

        @Override
        void validate(String table, ColumnDef def, FieldVector vector, MemoryView validity, int offset, int length, long firstRowId) {
            long limit = ColumnType.powerOfTen(type.precision());
            MemoryView data = ArrowMemory.view(vector.getDataBuffer());
            // read in pieces of VALIDATE_PIECE values with one bounds check each, then check on the heap
            long[] words = new long[2 * Math.min(length, VALIDATE_PIECE)];
            for (int base = 0; base < length; base += VALIDATE_PIECE) {
                int n = Math.min(VALIDATE_PIECE, length - base);
                data.getLongs(16L * (offset + base), words, 0, 2 * n);
                for (int j = 0; j < n; j++) {
                    long low = words[2 * j];
                    long high = words[2 * j + 1];
                    if ((high != (low >> 63) || low >= limit || low <= -limit) && Bits.isSet(validity, offset + base + j)) {
                        throw outOfRange(table, def, firstRowId + base + j, Decimal128.plain(high, low, type.scale()));
                    }
                }
            }
        }

        @Override
        void stage(FieldVector vector, int offset, MemoryView data, int stagedRow, int k) {
            ArrowMemory.view(vector.getDataBuffer()).copyLongs(16L * offset, 16, data, 8L * stagedRow, 8, k);
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            Signed.signedStats(8, validity, data, rows, hasNulls, out);
        }

        /** 8-byte unscaled values -> Arrow 16-byte decimals (high word = sign extension). */
        @Override
        void decode(ByteBuffer blob, int index, ArrowBuf dst, int from, int to, int at) {
            if (dst.capacity() < 16L * (at + to - from) || (long) index + 8L * to > blob.limit()) {
                throw new IllegalStateException("internal: decimal buffer of " + dst.capacity() + " bytes for rows " + from + " to " + to
                        + " at row " + at);
            }
            MemoryView d = ArrowMemory.view(dst);
            MemoryView src = blob.isDirect() ? MemoryView.of(blob) : null;
            for (int i = from, o = at; i < to; i++, o++) {
                long v = src != null ? src.getLong(index + 8L * i) : blob.getLong(index + 8 * i);
                d.putLong(16L * o, v);
                d.putLong(16L * o + 8, v >> 63);
            }
        }
    }

    /** BOOLEAN: bit-packed like the validity bitmap; long stats 0/1. */
    static final class Bool extends ColumnCodec {
        Bool(ColumnType type) {
            super(type);
        }

        @Override
        void stage(FieldVector vector, int offset, MemoryView data, int stagedRow, int k) {
            Bits.copyBits(ArrowMemory.view(vector.getDataBuffer()), offset, data, stagedRow, k);
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            Signed.signedStats(0, validity, data, rows, hasNulls, out);
        }
    }

    /** REAL/DOUBLE: plain IEEE 754 bits; min/max by {@link Double#compare} (REAL widened exactly). */
    static final class Floating extends ColumnCodec {
        Floating(ColumnType type) {
            super(type);
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            boolean single = kind == ColumnType.Kind.FLOAT32;
            double min = Double.NaN;
            double max = Double.NEGATIVE_INFINITY;
            double prev = Double.NEGATIVE_INFINITY;
            boolean sorted = true;
            for (int i = 0; i < rows; i++) {
                if (hasNulls && !Bits.isSet(validity, i)) {
                    continue;
                }
                double v = single ? Float.intBitsToFloat(data.getInt(4L * i)) : Double.longBitsToDouble(data.getLong(8L * i));
                sorted &= Double.compare(v, prev) >= 0;
                prev = v;
                if (Double.compare(v, min) < 0) {
                    min = v;
                }
                if (Double.compare(v, max) > 0) {
                    max = v;
                }
            }
            out.longStats(Double.doubleToLongBits(min), Double.doubleToLongBits(max), sorted);
        }
    }

    /** DECIMAL(p &gt; 18): Arrow's 16-byte two's complement as is; |unscaled| &lt; 10^p checked. */
    static final class Decimal128 extends ColumnCodec {
        private final long limitHigh;
        private final long limitLow;

        Decimal128(ColumnType type) {
            super(type);
            BigInteger limit = BigInteger.TEN.pow(type.precision());
            limitLow = limit.longValue();
            limitHigh = limit.shiftRight(64).longValue();
        }

        @Override
        void validate(String table, ColumnDef def, FieldVector vector, MemoryView validity, int offset, int length, long firstRowId) {
            MemoryView data = ArrowMemory.view(vector.getDataBuffer());
            long at = 16L * offset;
            // -10^p < v < 10^p  <=>  |v| < 10^p; -10^p as (~high, ~low) + 1
            long negLow = -limitLow;
            long negHigh = ~limitHigh + (limitLow == 0 ? 1 : 0);
            for (int i = 0; i < length; i++, at += 16) {
                long low = data.getLong(at);
                long high = data.getLong(at + 8);
                boolean inRange = compare(high, low, limitHigh, limitLow) < 0 && compare(high, low, negHigh, negLow) > 0;
                if (!inRange && Bits.isSet(validity, offset + i)) {
                    throw outOfRange(table, def, firstRowId + i, plain(high, low, type.scale()));
                }
            }
        }

        /** Signed 128-bit comparison of (high, low) pairs. */
        static int compare(long aHigh, long aLow, long bHigh, long bLow) {
            int c = Long.compare(aHigh, bHigh);
            return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
        }

        /** The decimal (high, low) with {@code scale} as plain text. */
        static String plain(long high, long low, int scale) {
            BigInteger unscaled = BigInteger.valueOf(high).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
            return new BigDecimal(unscaled, scale).toPlainString();
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            long minH = Long.MAX_VALUE;
            long minL = -1;
            long maxH = Long.MIN_VALUE;
            long maxL = 0;
            long prevH = Long.MIN_VALUE;
            long prevL = 0;
            boolean sorted = true;
            for (int i = 0; i < rows; i++) {
                if (hasNulls && !Bits.isSet(validity, i)) {
                    continue;
                }
                long l = data.getLong(16L * i);
                long h = data.getLong(16L * i + 8);
                sorted &= compare(h, l, prevH, prevL) >= 0;
                prevH = h;
                prevL = l;
                if (compare(h, l, minH, minL) < 0) {
                    minH = h;
                    minL = l;
                }
                if (compare(h, l, maxH, maxL) > 0) {
                    maxH = h;
                    maxL = l;
                }
            }
            out.sixteenByteStats(minL, minH, maxL, maxH, sorted);
        }
    }

    /** UUID: 16 bytes as given (RFC 9562 order); ordered as unsigned bytes. */
    static final class Uuid extends ColumnCodec {
        Uuid(ColumnType type) {
            super(type);
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            int minRow = -1;
            int maxRow = -1;
            int prevRow = -1;
            boolean sorted = true;
            for (int i = 0; i < rows; i++) {
                if (hasNulls && !Bits.isSet(validity, i)) {
                    continue;
                }
                long a = 16L * i;
                if (prevRow >= 0) {
                    sorted &= data.compareBytes(a, 16, 16L * prevRow, 16) >= 0;
                }
                prevRow = i;
                if (minRow < 0 || data.compareBytes(a, 16, 16L * minRow, 16) < 0) {
                    minRow = i;
                }
                if (maxRow < 0 || data.compareBytes(a, 16, 16L * maxRow, 16) > 0) {
                    maxRow = i;
                }
            }
            out.byteStats(data, 16L * minRow, 16, 16L * maxRow, 16, false, sorted);
        }
    }

    /** CHAR/VARCHAR (length in characters) and VARBINARY (length in bytes); staged by the writer's offset path. */
    static final class Variable extends ColumnCodec {
        /** The offsets of the batch being validated, read in one copy (this codec is confined to its writer's thread). */
        private int[] offsetScratch = new int[0];

        Variable(ColumnType type) {
            super(type);
        }

        @Override
        long sourceBytes(long rows) {
            throw new IllegalStateException("internal: " + kind + " is variable width");
        }

        @Override
        void stage(FieldVector vector, int offset, MemoryView data, int stagedRow, int k) {
            throw new IllegalStateException("internal: " + kind + " is staged through its offsets");
        }

        @Override
        void validate(String table, ColumnDef def, FieldVector vector, MemoryView validity, int offset, int length, long firstRowId) {
            if (type.maxLength() == ColumnType.UNBOUNDED) {
                return;
            }
            int max = type.maxLength();
            boolean text = kind.isText();
            MemoryView data = ArrowMemory.view(vector.getDataBuffer());
            int[] o = offsetScratch = ChunkEncoder.grow(offsetScratch, length + 1);
            ArrowMemory.view(vector.getOffsetBuffer()).getInts(4L * offset, o, 0, length + 1);
            int lo = o[0];
            int hi = o[length];
            int prev = lo;
            for (int i = 0; i < length; i++) {
                int next = o[i + 1];
                if (next - prev > max) { // text fast path: byte length <= n means at most n characters
                    if (prev < lo || next > hi || next < prev) {
                        throw new IllegalArgumentException("malformed offsets in vector " + def.name() + " at value " + (offset + i));
                    }
                    byte[] bytes = Bits.isSet(validity, offset + i) ? new byte[next - prev] : null;
                    if (bytes != null) {
                        data.getBytes(prev, bytes, 0, bytes.length);
                    }
                    if (bytes != null && (!text || characters(bytes) > max)) {
                        String value = text ? new String(bytes, StandardCharsets.UTF_8) : "\\x" + HexFormat.of().formatHex(bytes);
                        String shown = value.length() > MAX_VALUE_CHARS_IN_MESSAGE ? value.substring(0, MAX_VALUE_CHARS_IN_MESSAGE) + "..." : value;
                        long row = firstRowId + i;
                        throw new ColumnValueException(ColumnValueException.Reason.TOO_LONG, table, def.name(), row, value,
                                "value too long for column " + def.name() + " (" + def.type() + "): " + (text ? "\"" + shown + "\"" : shown)
                                        + (text ? "" : " (" + bytes.length + " bytes)") + "; row " + row);
                    }
                }
                prev = next;
            }
        }

        /** Characters of a text value: its UTF-8 code points, or (invalid UTF-8) its bytes, never fewer. */
        static int characters(byte[] bytes) {
            int n = Utf8.codePoints(bytes, 0, bytes.length);
            return n < 0 ? bytes.length : n;
        }

        @Override
        void stats(MemoryView validity, MemoryView offsets, MemoryView data, int rows, boolean hasNulls, StatsBuilder out) {
            int[] o = new int[rows + 1];
            for (int i = 0; i <= rows; i++) {
                o[i] = offsets.getInt(4L * i);
            }
            TextStats.rows(validity, o, data, rows, hasNulls, kind.isText(), out);
        }
    }
}
