package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.pager.StoreCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The layout of a sealed column chunk: one pager blob per (column, row group). Little-endian.
 *
 * <pre>
 * blob offset  size  field
 * -----------  ----  ---------------------------------------------------------------
 *      0         4   magic "ICHK" (bytes 'I','C','H','K'; int 0x4B484349)
 *      4         2   format version (1)
 *      6         1   column kind: ColumnType.Kind ordinal (0 INT32, 1 INT64, 2 DECIMAL64,
 *                    3 DATE32, 4 CHAR, 5 VARCHAR)
 *      7         1   flags: 0x01 HAS_MIN_MAX, 0x02 SORTED (non-null values non-decreasing),
 *                    0x04 HAS_NULLS
 *      8         4   header bytes (128)
 *     12         4   CRC32C of blob bytes [0, blobBytes) computed with this field zeroed
 *     16         4   row count
 *     20         4   null count
 *     24         8   min over non-null values (INT32/DATE32 sign-extended, DECIMAL64 unscaled)
 *     32         8   max over non-null values
 *     40         8   text byte total (= data length for CHAR/VARCHAR, 0 otherwise)
 *     48         4   validity offset  (multiple of 64, >= 128)
 *     52         4   validity length  (ceil(rows / 8); bit i set = row i not null, LSB first)
 *     56         4   offsets offset   (text only, multiple of 64; 0 for fixed width)
 *     60         4   offsets length   (text: (rows + 1) * 4, int32 offsets, offsets[0] = 0)
 *     64         4   data offset      (multiple of 64)
 *     68         4   data length      (fixed: rows * width (4 or 8); text: offsets[rows])
 *     72         4   blob bytes (whole chunk, = data offset + data length)
 *     76        52   reserved, zero
 *    128         .   validity bitmap | [offsets] | data, each starting 64-byte aligned;
 *                    gaps between buffers are zero
 * </pre>
 *
 * <p>DECIMAL64 data holds the unscaled value as an 8-byte integer (Arrow's 16-byte decimal is
 * narrowed on write and widened on read). Null slots of fixed-width data hold unspecified values.
 * A reader {@linkplain #parse validates} the header against the blob length and the catalog before
 * dereferencing any buffer.
 */
public final class ChunkFormat {
    public static final int MAGIC = 0x4B484349;
    public static final short VERSION = 1;
    public static final int HEADER_BYTES = 128;
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

    public static final int FLAG_HAS_MIN_MAX = 0x01;
    public static final int FLAG_SORTED = 0x02;
    public static final int FLAG_HAS_NULLS = 0x04;

    private static final ColumnType.Kind[] KINDS = ColumnType.Kind.values();

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
        CRC32C crc = new CRC32C();
        ByteBuffer b = blob.duplicate();
        b.position(0).limit(OFF_CRC);
        crc.update(b);
        crc.update(new byte[4], 0, 4);
        b.limit(blob.limit()).position(OFF_CRC + 4);
        crc.update(b);
        return (int) crc.getValue();
    }

    /**
     * A validated chunk header.
     */
    public record Header(ColumnType.Kind kind, int flags, int crc, int rowCount, int nullCount, long min, long max,
                         long textBytes, int validityOffset, int validityLength, int offsetsOffset, int offsetsLength,
                         int dataOffset, int dataLength, int blobBytes) {
        public ChunkStats stats() {
            return new ChunkStats(kind, rowCount, nullCount, (flags & FLAG_HAS_MIN_MAX) != 0, min, max,
                    (flags & FLAG_SORTED) != 0, textBytes);
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
     * @throws StoreCorruptedException on any inconsistency; offsets in the message are blob offsets
     */
    public static Header parse(ByteBuffer blob, ColumnType.Kind expectedKind, int expectedRows, Path file, String where,
                               boolean checkCrc) throws StoreCorruptedException {
        ByteBuffer b = blob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.limit();
        if (length < HEADER_BYTES) {
            throw corrupt(file, where, 0, "chunk of " + length + " bytes is shorter than its " + HEADER_BYTES + "-byte header");
        }
        int magic = b.getInt(OFF_MAGIC);
        if (magic != MAGIC) {
            throw corrupt(file, where, OFF_MAGIC, String.format("bad chunk magic 0x%08x, expected 0x%08x (\"ICHK\")", magic, MAGIC));
        }
        short version = b.getShort(OFF_VERSION);
        if (version != VERSION) {
            throw corrupt(file, where, OFF_VERSION, "unsupported chunk format version " + version + ", expected " + VERSION);
        }
        if (checkCrc) {
            int stored = b.getInt(OFF_CRC);
            int actual = crc(b);
            if (stored != actual) {
                throw corrupt(file, where, OFF_CRC, String.format("chunk CRC32C mismatch: stored 0x%08x, computed 0x%08x", stored, actual));
            }
        }
        int kindOrdinal = b.get(OFF_KIND) & 0xFF;
        if (kindOrdinal >= KINDS.length || KINDS[kindOrdinal] != expectedKind) {
            throw corrupt(file, where, OFF_KIND, "chunk kind " + kindOrdinal + ", catalog says " + expectedKind + " (" + expectedKind.ordinal() + ")");
        }
        int flags = b.get(OFF_FLAGS) & 0xFF;
        check(b.getInt(OFF_HEADER_BYTES) == HEADER_BYTES, file, where, OFF_HEADER_BYTES, "header bytes " + b.getInt(OFF_HEADER_BYTES) + ", expected " + HEADER_BYTES);
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
        checkRegion(file, where, OFF_VALIDITY_OFFSET, "validity", vOff, vLen, HEADER_BYTES, length);
        check(vLen == validityBytes(rows), file, where, OFF_VALIDITY_LENGTH, "validity length " + vLen + ", expected " + validityBytes(rows));
        long afterValidity = (long) vOff + vLen;
        if (expectedKind.isText()) {
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
            long expected = (long) rows * expectedKind.fixedWidth();
            check(dLen == expected, file, where, OFF_DATA_LENGTH, "data length " + dLen + ", expected " + expected);
            check(textBytes == 0, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes + " in a fixed-width chunk");
        }
        return new Header(expectedKind, flags, b.getInt(OFF_CRC), rows, nulls, b.getLong(OFF_MIN), b.getLong(OFF_MAX), textBytes,
                vOff, vLen, oOff, oLen, dOff, dLen, blobBytes);
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
