package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The layout of a sealed column chunk: one pager blob per (column, row group). Framed by
 * {@link #CODEC} (magic, version range 1 to 2, and a CRC32C kept in the header at
 * {@link #OFF_CRC}, not in a footer: the blob ends with its data buffer, see below).
 * Little-endian.
 *
 * <pre>
 * blob offset  size  field
 * -----------  ----  ---------------------------------------------------------------
 *      0         4   magic "ICHK" (bytes 'I','C','H','K'; int 0x4B484349)
 *      4         2   format version (2; version 1 is still read, see below)
 *      6         1   column kind: ColumnType.Kind ordinal (0 INT32, 1 INT64, 2 DECIMAL64,
 *                    3 DATE32, 4 CHAR, 5 VARCHAR, 6 BOOLEAN, 7 INT8, 8 INT16, 9 FLOAT32,
 *                    10 FLOAT64, 11 DECIMAL128, 12 TIME64, 13 TIMESTAMP, 14 TIMESTAMP_TZ,
 *                    15 VARBINARY, 16 UUID)
 *      7         1   flags: 0x01 HAS_MIN_MAX, 0x02 SORTED (non-null values non-decreasing,
 *                    fixed-width kinds only), 0x04 HAS_NULLS, 0x08 MIN_TRUNCATED, 0x10 MAX_TRUNCATED
 *      8         4   header bytes (256; 128 in version 1)
 *     12         4   CRC32C of blob bytes [0, blobBytes) computed with this field zeroed
 *     16         4   row count
 *     20         4   null count
 *     24         8   min over non-null values, "long stats" (see below; 0 otherwise)
 *     32         8   max over non-null values
 *     40         8   variable-width byte total (= data length for CHAR/VARCHAR/VARBINARY, 0 otherwise)
 *     48         4   validity offset  (multiple of 64, >= header bytes)
 *     52         4   validity length  (ceil(rows / 8); bit i set = row i not null, LSB first)
 *     56         4   offsets offset   (variable width only, multiple of 64; 0 for fixed width)
 *     60         4   offsets length   (variable width: (rows + 1) * 4, int32 offsets, offsets[0] = 0)
 *     64         4   data offset      (multiple of 64)
 *     68         4   data length      (fixed: Kind.dataBytes(rows), i.e. rows * width (1, 2, 4, 8
 *                    or 16) or ceil(rows / 8) bit-packed for BOOLEAN; variable: offsets[rows])
 *     72         4   blob bytes (whole chunk, = data offset + data length)
 *     76         1   min stat length (0..64), version 2
 *     77         1   max stat length (0..64), version 2
 *     78        50   reserved, zero
 *    128        64   min stat bytes ("byte stats", version 2), zero after the length
 *    192        64   max stat bytes
 *    256         .   validity bitmap | [offsets] | data, each starting 64-byte aligned;
 *                    gaps between buffers are zero
 * </pre>
 *
 * <p>Statistics (min/max over non-null values; HAS_MIN_MAX is clear when every value is NULL):
 * <ul>
 *   <li>long stats, for BOOLEAN (0/1), TINYINT..BIGINT, DATE32, TIME64, TIMESTAMP[_TZ] (sign-
 *       extended) and DECIMAL64 (unscaled);</li>
 *   <li>REAL/DOUBLE: the long stats hold {@code Double.doubleToLongBits} of the min/max (REAL
 *       widened exactly), ordered by {@link Double#compare}: -0.0 &lt; 0.0, NaN above +Infinity;</li>
 *   <li>byte stats, for DECIMAL128 (16-byte little-endian two's complement, ordered as signed
 *       128-bit integers), UUID (its 16 bytes, ordered as unsigned bytes like PostgreSQL's
 *       {@code uuid}) and CHAR/VARCHAR/VARBINARY (ordered as unsigned bytes, which for UTF-8 is
 *       code point order). A variable-width value longer than {@value #MAX_STAT_BYTES} bytes is
 *       cut: the min stat is the longest prefix of at most 64 bytes (ending on a UTF-8 character
 *       boundary for text) and MIN_TRUNCATED is set; a prefix is never greater than the value, so
 *       the min stat stays a lower bound. The max stat of a longer max value is its 64-byte
 *       prefix with the last byte below 0xFF incremented and everything after it dropped, and
 *       MAX_TRUNCATED is set: greater than every value with that prefix, so an upper bound (for
 *       text it may not be valid UTF-8). If those 64 bytes are all 0xFF no upper bound fits and
 *       HAS_MIN_MAX is clear.</li>
 * </ul>
 *
 * <p>Version 1 chunks (written before version 2 added the kinds from BOOLEAN on, byte stats and
 * the 256-byte header) have a 128-byte header with offsets 76..127 reserved and carry only long
 * stats; they are read as they are (text chunks of version 1 have no min/max).
 *
 * <p>DECIMAL64 data holds the unscaled value as an 8-byte integer (Arrow's 16-byte decimal is
 * narrowed on write and widened on read). Null slots of fixed-width data hold unspecified values.
 * A reader {@linkplain #parse validates} the header against the blob length and the catalog before
 * dereferencing any buffer.
 */
public final class ChunkFormat {
    /** The chunk's framing: magic "ICHK" (4 bytes), version (2 bytes), versions 1 to 2. */
    public static final FormatCodec CODEC = FormatCodec.of("chunk", "ICHK", 2, 1, 2);
    public static final int MAGIC = (int) CODEC.magic();
    /** Format version written. */
    public static final short VERSION = (short) CODEC.currentVersion();
    /** The oldest format version still read. */
    public static final short VERSION_1 = (short) CODEC.minVersion();
    /** Header bytes of a version 2 chunk. */
    public static final int HEADER_BYTES = 256;
    /** Header bytes of a version 1 chunk. */
    public static final int HEADER_BYTES_V1 = 128;
    /** Largest min/max stat of the byte stats. */
    public static final int MAX_STAT_BYTES = 64;
    public static final int ALIGN = 64;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 4;
    public static final int OFF_KIND = 6;
    public static final int OFF_FLAGS = 7;
    public static final int OFF_HEADER_BYTES = 8;
    public static final int OFF_CRC = 12;
    public static final int OFF_ROWS = 16;
    public static final int OFF_NULLS = 20;
    public static final int OFF_MIN = 24;
    public static final int OFF_MAX = 32;
    public static final int OFF_TEXT_BYTES = 40;
    public static final int OFF_VALIDITY_OFFSET = 48;
    public static final int OFF_VALIDITY_LENGTH = 52;
    public static final int OFF_OFFSETS_OFFSET = 56;
    public static final int OFF_OFFSETS_LENGTH = 60;
    public static final int OFF_DATA_OFFSET = 64;
    public static final int OFF_DATA_LENGTH = 68;
    public static final int OFF_BLOB_BYTES = 72;
    public static final int OFF_MIN_STAT_LENGTH = 76;
    public static final int OFF_MAX_STAT_LENGTH = 77;
    public static final int OFF_MIN_STAT = 128;
    public static final int OFF_MAX_STAT = 192;

    public static final int FLAG_HAS_MIN_MAX = 0x01;
    public static final int FLAG_SORTED = 0x02;
    public static final int FLAG_HAS_NULLS = 0x04;
    public static final int FLAG_MIN_TRUNCATED = 0x08;
    public static final int FLAG_MAX_TRUNCATED = 0x10;
    /** Kinds a version 1 chunk may hold (ordinals 0..5). */
    private static final int V1_KINDS = ColumnType.Kind.VARCHAR.ordinal() + 1;

    private static final ColumnType.Kind[] KINDS = ColumnType.Kind.values();
    private static final byte[] NO_STAT = new byte[0];

    private ChunkFormat() {}

    /** {@code n} rounded up to a multiple of 64. */
    public static long align(long n) {
        return (n + ALIGN - 1) & ~(long) (ALIGN - 1);
    }

    /** Bytes of a validity bitmap of {@code rows} rows. */
    public static long validityBytes(long rows) {
        return (rows + 7) >>> 3;
    }

    /** CRC32C of the chunk in {@code blob} (position 0 to limit) with the CRC field taken as zero. */
    public static int crc(ByteBuffer blob) {
        return FormatCodec.crc32cSkipping(blob, OFF_CRC);
    }

    /**
     * A validated chunk header; {@code minStat}/{@code maxStat} are the byte stats (empty when
     * the chunk has none).
     */
    public record Header(ColumnType.Kind kind, int version, int flags, int crc, int rowCount, int nullCount, long min, long max,
                         long textBytes, int validityOffset, int validityLength, int offsetsOffset, int offsetsLength,
                         int dataOffset, int dataLength, int blobBytes, byte[] minStat, byte[] maxStat) {
        public ChunkStats stats() {
            return new ChunkStats(kind, rowCount, nullCount, (flags & FLAG_HAS_MIN_MAX) != 0, min, max,
                    (flags & FLAG_SORTED) != 0, textBytes, minStat.clone(), maxStat.clone(),
                    (flags & FLAG_MIN_TRUNCATED) == 0, (flags & FLAG_MAX_TRUNCATED) == 0);
        }
    }

    /**
     * Parses and validates the header of the chunk in {@code blob} (position 0, limit = blob length).
     *
     * @param expectedKind kind recorded in the catalog for the column
     * @param expectedRows row count recorded in the catalog for the row group
     * @param file         the store file, for the exception
     * @param where        "table t column c row group g (key k)", for the exception
     * @param checkCrc     whether to recompute the CRC32C as well
     * @throws StoreCorruptedException    on any inconsistency; offsets in the message are blob
     *                                    offsets (a {@link BlobCorruptedException})
     * @throws UnsupportedFormatException at file offset -1 (the caller relocates it) if an intact
     *                                    chunk has a version this build does not read; checked
     *                                    after the CRC even when {@code checkCrc} is false
     */
    public static Header parse(ByteBuffer blob, ColumnType.Kind expectedKind, int expectedRows, Path file, String where,
                               boolean checkCrc) throws IOException {
        ByteBuffer b = blob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.limit();
        if (length < HEADER_BYTES_V1) {
            throw corrupt(file, where, 0, "chunk of " + length + " bytes is shorter than its " + HEADER_BYTES_V1 + "-byte header");
        }
        FormatCodec.Corruption corruption = (offset, detail) -> corrupt(file, where, offset, detail);
        FormatCodec.Checksum checksum = () -> CODEC.checkChecksumField(b, OFF_CRC, corruption);
        int version = checkCrc ? CODEC.checkHeader(b, file, -1, where, corruption, checksum)
                : CODEC.checkHeaderUnverified(b, file, -1, where, corruption, checksum);
        int headerBytes = version == VERSION ? HEADER_BYTES : HEADER_BYTES_V1;
        if (length < headerBytes) {
            throw corrupt(file, where, 0, "chunk of " + length + " bytes is shorter than its " + headerBytes + "-byte header");
        }
        int kindOrdinal = b.get(OFF_KIND) & 0xFF;
        if (kindOrdinal >= KINDS.length || KINDS[kindOrdinal] != expectedKind) {
            throw corrupt(file, where, OFF_KIND, "chunk kind " + kindOrdinal + ", catalog says " + expectedKind + " (" + expectedKind.ordinal() + ")");
        }
        check(version == VERSION || kindOrdinal < V1_KINDS, file, where, OFF_KIND, "chunk kind " + expectedKind
                + " in a version " + version + " chunk");
        int flags = b.get(OFF_FLAGS) & 0xFF;
        check(b.getInt(OFF_HEADER_BYTES) == headerBytes, file, where, OFF_HEADER_BYTES, "header bytes " + b.getInt(OFF_HEADER_BYTES)
                + ", expected " + headerBytes);
        byte[] minStat = NO_STAT;
        byte[] maxStat = NO_STAT;
        if (version == VERSION) {
            int minLength = b.get(OFF_MIN_STAT_LENGTH) & 0xFF;
            int maxLength = b.get(OFF_MAX_STAT_LENGTH) & 0xFF;
            check(minLength <= MAX_STAT_BYTES, file, where, OFF_MIN_STAT_LENGTH, "min stat length " + minLength + " above " + MAX_STAT_BYTES);
            check(maxLength <= MAX_STAT_BYTES, file, where, OFF_MAX_STAT_LENGTH, "max stat length " + maxLength + " above " + MAX_STAT_BYTES);
            minStat = new byte[minLength];
            maxStat = new byte[maxLength];
            b.get(OFF_MIN_STAT, minStat);
            b.get(OFF_MAX_STAT, maxStat);
        }
        int blobBytes = b.getInt(OFF_BLOB_BYTES);
        check(blobBytes == length, file, where, OFF_BLOB_BYTES, "chunk says " + blobBytes + " bytes, blob has " + length);
        int rows = b.getInt(OFF_ROWS);
        check(rows == expectedRows, file, where, OFF_ROWS, "chunk row count " + rows + ", catalog says " + expectedRows);
        int nulls = b.getInt(OFF_NULLS);
        check(nulls >= 0 && nulls <= rows, file, where, OFF_NULLS, "null count " + nulls + " outside [0, " + rows + "]");
        long textBytes = b.getLong(OFF_TEXT_BYTES);
        int vOff = b.getInt(OFF_VALIDITY_OFFSET);
        int vLen = b.getInt(OFF_VALIDITY_LENGTH);
        int oOff = b.getInt(OFF_OFFSETS_OFFSET);
        int oLen = b.getInt(OFF_OFFSETS_LENGTH);
        int dOff = b.getInt(OFF_DATA_OFFSET);
        int dLen = b.getInt(OFF_DATA_LENGTH);
        checkRegion(file, where, OFF_VALIDITY_OFFSET, "validity", vOff, vLen, headerBytes, length);
        check(vLen == validityBytes(rows), file, where, OFF_VALIDITY_LENGTH, "validity length " + vLen + ", expected " + validityBytes(rows));
        long afterValidity = (long) vOff + vLen;
        if (expectedKind.isVariableWidth()) {
            checkRegion(file, where, OFF_OFFSETS_OFFSET, "offsets", oOff, oLen, afterValidity, length);
            check(oLen == 4L * rows + 4, file, where, OFF_OFFSETS_LENGTH, "offsets length " + oLen + ", expected " + (4L * rows + 4));
            checkRegion(file, where, OFF_DATA_OFFSET, "data", dOff, dLen, (long) oOff + oLen, length);
            check(textBytes == dLen, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes + " differ from data length " + dLen);
            int first = b.getInt(oOff);
            int last = b.getInt(oOff + 4 * rows);
            check(first == 0 && last == dLen, file, where, oOff, "text offsets run from " + first + " to " + last + ", expected 0 to " + dLen);
        } else {
            check(oOff == 0 && oLen == 0, file, where, OFF_OFFSETS_OFFSET, "fixed-width chunk has an offsets buffer (" + oOff + ", " + oLen + ")");
            checkRegion(file, where, OFF_DATA_OFFSET, "data", dOff, dLen, afterValidity, length);
            long expected = expectedKind.dataBytes(rows);
            check(dLen == expected, file, where, OFF_DATA_LENGTH, "data length " + dLen + ", expected " + expected);
            check(textBytes == 0, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes + " in a fixed-width chunk");
        }
        return new Header(expectedKind, version, flags, b.getInt(OFF_CRC), rows, nulls, b.getLong(OFF_MIN), b.getLong(OFF_MAX), textBytes,
                vOff, vLen, oOff, oLen, dOff, dLen, blobBytes, minStat, maxStat);
    }

    private static void checkRegion(Path file, String where, int field, String name, int offset, int length, long notBefore, int blobBytes)
            throws StoreCorruptedException {
        if (offset % ALIGN != 0 || offset < notBefore || length < 0 || (long) offset + length > blobBytes) {
            throw corrupt(file, where, field, name + " buffer [" + offset + ", +" + length + ") is misaligned or outside [" + notBefore
                    + ", " + blobBytes + ")");
        }
    }

    private static void check(boolean ok, Path file, String where, int blobOffset, String detail) throws StoreCorruptedException {
        if (!ok) {
            throw corrupt(file, where, blobOffset, detail);
        }
    }

    static StoreCorruptedException corrupt(Path file, String where, long blobOffset, String detail) {
        return new BlobCorruptedException(file, blobOffset, where + ", chunk byte " + blobOffset + ": " + detail);
    }
}
