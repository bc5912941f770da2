package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.encoding.BitPacking;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The layout of a sealed column chunk: one pager blob per (column, row group). Framed by
 * {@link #CODEC} (magic, version range 1 to 4, and a CRC32C kept in the header at
 * {@link #OFF_CRC}, not in a footer: the blob ends with its last buffer, see below).
 * Little-endian.
 *
 * <pre>
 * blob offset  size  field
 * -----------  ----  ---------------------------------------------------------------
 *      0         4   magic "ICHK" (bytes 'I','C','H','K'; int 0x4B484349)
 *      4         2   format version (4; versions 1 to 3 are still read, see below)
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
 *     40         8   variable-width byte total: bytes of the decoded values of CHAR/VARCHAR/VARBINARY
 *                    (= data length when plain), 0 for fixed-width kinds
 *     48         4   validity offset  (multiple of 64, >= header bytes)
 *     52         4   validity length  (ceil(rows / 8); bit i set = row i not null, LSB first)
 *     56         4   offsets offset   (variable width only, multiple of 64; 0 for fixed width)
 *     60         4   offsets length   (plain: (rows + 1) * 4, int32 offsets, offsets[0] = 0; see encodings)
 *     64         4   data offset      (multiple of 64)
 *     68         4   data length      (plain fixed: Kind.dataBytes(rows), i.e. rows * width (1, 2, 4,
 *                    8 or 16) or ceil(rows / 8) bit-packed for BOOLEAN; plain variable: offsets[rows])
 *     72         4   blob bytes (whole chunk, = end of its last buffer)
 *     76         1   min stat length (0..64), version 2
 *     77         1   max stat length (0..64), version 2
 *     78         1   encoding id (ChunkEncoding: 0 PLAIN, 1 FOR, 2 DICTIONARY, 3 RLE, 4 PACKED_TEXT), version 3
 *     79         1   bit width (0..64) of the packed values, codes or lengths, version 3
 *     80         8   reference: frame of reference added to every packed value, version 3
 *     88         4   entries: dictionary entries (DICTIONARY), runs (RLE) or text blocks (PACKED_TEXT,
 *                    version 4), version 3
 *     92         4   aux offset (multiple of 64, after the data buffer; 0 when there is none), version 3
 *     96         4   aux length, version 3
 *    100         1   aux bit width (RLE: of the run ends), version 3
 *    101         1   compression of the data buffer (PACKED_TEXT: 0 none; 1 one LZ4 block, version 3 only;
 *                    2 one LZ4 block per text block, version 4), version 3
 *    102        26   reserved, zero
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
 * <p>Encodings (version 3; {@link ChunkEncoding}). Packed values are
 * {@link dev.ingot.columnstore.encoding.BitPacking} streams of whole 8-byte words. A value of a
 * packed stream is {@code reference + packed} (wrapping 64-bit addition); null rows of fixed-width
 * chunks decode to a value of the chunk (their content is unspecified, as in plain chunks), null
 * rows of text chunks to empty values.
 * <table>
 *   <caption>buffers per encoding</caption>
 *   <tr><th>encoding</th><th>offsets buffer</th><th>data buffer</th><th>aux buffer</th></tr>
 *   <tr><td>PLAIN</td><td>as above</td><td>as above</td><td>none</td></tr>
 *   <tr><td>FOR</td><td>none</td><td>rows values, bit width</td><td>none</td></tr>
 *   <tr><td>RLE</td><td>none</td><td>one value per run, bit width</td><td>the exclusive end row of
 *       each run, aux bit width; strictly increasing, the last = rows</td></tr>
 *   <tr><td>DICTIONARY</td><td>(entries + 1) int32 offsets into the data buffer</td><td>the entries'
 *       bytes</td><td>one code per row, bit width, reference 0; code &lt; entries for a non-null row</td></tr>
 *   <tr><td>PACKED_TEXT</td><td>rows value lengths, bit width, reference = the smallest</td><td>the
 *       values' bytes (variable-width byte total of them): version 3 raw or one LZ4 block (the LZ4
 *       block format of lz4-java and the reference LZ4 library); version 4 the text blocks one
 *       after the other, raw or each one independent LZ4 block</td><td>version 3 none; version 4
 *       the block index</td></tr>
 * </table>
 *
 * <p>Text blocks (PACKED_TEXT, version 4; {@link TextBlocks}): the rows are cut into blocks of
 * consecutive rows, {@code entries} of them (at least one when there are rows), each holding at
 * most {@link TextBlocks#BLOCK_BYTES} value bytes unless a single value is larger (values are never
 * split) and at most {@link TextBlocks#BLOCK_ROWS} rows. Each block is stored on its own (raw, or
 * as one LZ4 block with compression 2), so a point read decompresses only the block holding its
 * row. The aux buffer is the block index: {@code entries + 1} entries of
 * {@value TextBlocks#INDEX_ENTRY_BYTES} bytes, each three int32: the block's first row, its offset
 * in the data buffer and the offset of its first value byte in the decoded text; entry
 * {@code entries} is {@code (rows, data length, text bytes)}. First rows strictly increase, both
 * offsets never decrease, and a block's text offset is the sum of the lengths of the rows before
 * it; raw blocks have equal data and text offsets.
 * The header CRC32C covers the encoded bytes; {@code verify} decodes every encoded chunk.
 *
 * <p>Version 3 chunks are as version 4 except that PACKED_TEXT has no block index (entries 0, no aux
 * buffer) and its text is raw or ONE LZ4 block (compression 1). Version 2 chunks are plain and have bytes 78..127 zero. Version 1 chunks (written before version 2 added the kinds from BOOLEAN on, byte stats and
 * the 256-byte header) have a 128-byte header with offsets 76..127 reserved and carry only long
 * stats; they are read as they are (text chunks of version 1 have no min/max).
 *
 * <p>DECIMAL64 data holds the unscaled value as an 8-byte integer (Arrow's 16-byte decimal is
 * narrowed on write and widened on read). Null slots of fixed-width data hold unspecified values.
 * A reader {@linkplain #parse validates} the header against the blob length and the catalog before
 * dereferencing any buffer.
 */
public final class ChunkFormat {
    /** The chunk's framing: magic "ICHK" (4 bytes), version (2 bytes), versions 1 to 4. */
    public static final FormatCodec CODEC = FormatCodec.of("chunk", "ICHK", 2, 1, 4);
    public static final int MAGIC = (int) CODEC.magic();
    /** Format version written. */
    public static final short VERSION = (short) CODEC.currentVersion();
    /** The oldest format version still read. */
    public static final short VERSION_1 = (short) CODEC.minVersion();
    /** The version that added the 256-byte header, byte stats and the kinds from BOOLEAN on. */
    public static final short VERSION_2 = 2;
    /** The version that added encodings (bytes 78..101). */
    public static final short VERSION_3 = 3;
    /** The version that cut PACKED_TEXT into independent text blocks with a block index. */
    public static final short VERSION_4 = 4;
    /** Header bytes of a version 2 or 3 chunk. */
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
    public static final int OFF_ENCODING = 78;
    public static final int OFF_BIT_WIDTH = 79;
    public static final int OFF_REFERENCE = 80;
    public static final int OFF_ENTRIES = 88;
    public static final int OFF_AUX_OFFSET = 92;
    public static final int OFF_AUX_LENGTH = 96;
    public static final int OFF_AUX_BIT_WIDTH = 100;
    public static final int OFF_COMPRESSION = 101;
    /** {@link #OFF_COMPRESSION}: the data buffer is as it is. */
    public static final int COMPRESSION_NONE = 0;
    /** {@link #OFF_COMPRESSION}: the data buffer is one LZ4 block (version 3). */
    public static final int COMPRESSION_LZ4 = 1;
    /** {@link #OFF_COMPRESSION}: each text block is one LZ4 block (version 4). */
    public static final int COMPRESSION_LZ4_BLOCKS = 2;
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
     * the chunk has none); the encoding fields are PLAIN and zero for chunks before version 3.
     */
    public record Header(ColumnType.Kind kind, int version, int flags, int crc, int rowCount, int nullCount, long min, long max,
                         long textBytes, int validityOffset, int validityLength, int offsetsOffset, int offsetsLength,
                         int dataOffset, int dataLength, int blobBytes, byte[] minStat, byte[] maxStat, ChunkEncoding encoding,
                         int bitWidth, long reference, int entries, int auxOffset, int auxLength, int auxBitWidth, int compression) {
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
        int headerBytes = version >= VERSION_2 ? HEADER_BYTES : HEADER_BYTES_V1;
        if (length < headerBytes) {
            throw corrupt(file, where, 0, "chunk of " + length + " bytes is shorter than its " + headerBytes + "-byte header");
        }
        int kindOrdinal = b.get(OFF_KIND) & 0xFF;
        if (kindOrdinal >= KINDS.length || KINDS[kindOrdinal] != expectedKind) {
            throw corrupt(file, where, OFF_KIND, "chunk kind " + kindOrdinal + ", catalog says " + expectedKind + " (" + expectedKind.ordinal() + ")");
        }
        check(version >= VERSION_2 || kindOrdinal < V1_KINDS, file, where, OFF_KIND, "chunk kind " + expectedKind
                + " in a version " + version + " chunk");
        int flags = b.get(OFF_FLAGS) & 0xFF;
        check(b.getInt(OFF_HEADER_BYTES) == headerBytes, file, where, OFF_HEADER_BYTES, "header bytes " + b.getInt(OFF_HEADER_BYTES)
                + ", expected " + headerBytes);
        byte[] minStat = NO_STAT;
        byte[] maxStat = NO_STAT;
        if (version >= VERSION_2) {
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
        ChunkEncoding encoding = ChunkEncoding.PLAIN;
        int bitWidth = 0;
        long reference = 0;
        int entries = 0;
        int aOff = 0;
        int aLen = 0;
        int auxWidth = 0;
        int compression = COMPRESSION_NONE;
        if (version >= VERSION_3) {
            int id = b.get(OFF_ENCODING) & 0xFF;
            encoding = ChunkEncoding.ofId(id);
            check(encoding != null && encoding.appliesTo(expectedKind), file, where, OFF_ENCODING, "encoding " + id
                    + (encoding == null ? " is unknown" : " (" + encoding + ") does not apply to " + expectedKind));
            bitWidth = b.get(OFF_BIT_WIDTH) & 0xFF;
            reference = b.getLong(OFF_REFERENCE);
            entries = b.getInt(OFF_ENTRIES);
            aOff = b.getInt(OFF_AUX_OFFSET);
            aLen = b.getInt(OFF_AUX_LENGTH);
            auxWidth = b.get(OFF_AUX_BIT_WIDTH) & 0xFF;
            compression = b.get(OFF_COMPRESSION) & 0xFF;
            int maxWidth = encoding == ChunkEncoding.FOR || encoding == ChunkEncoding.RLE ? 8 * expectedKind.fixedWidth()
                    : encoding == ChunkEncoding.PLAIN ? 0 : 32;
            check(bitWidth <= maxWidth, file, where, OFF_BIT_WIDTH, "bit width " + bitWidth + " above " + maxWidth + " for " + encoding);
            boolean blocks = version >= VERSION_4 && encoding == ChunkEncoding.PACKED_TEXT;
            check(compression == COMPRESSION_NONE || encoding == ChunkEncoding.PACKED_TEXT
                    && compression == (blocks ? COMPRESSION_LZ4_BLOCKS : COMPRESSION_LZ4), file, where,
                    OFF_COMPRESSION, "compression " + compression + " with encoding " + encoding + " in a version " + version + " chunk");
            boolean hasEntries = encoding == ChunkEncoding.DICTIONARY || encoding == ChunkEncoding.RLE || blocks;
            check(hasEntries ? entries >= (encoding != ChunkEncoding.DICTIONARY && rows > 0 ? 1 : 0) && entries <= rows : entries == 0, file,
                    where, OFF_ENTRIES, "entries " + entries + " with encoding " + encoding + " of " + rows + " rows");
            check(encoding == ChunkEncoding.RLE ? auxWidth >= BitPacking.width(rows) && auxWidth <= 32 : auxWidth == 0, file, where,
                    OFF_AUX_BIT_WIDTH, "aux bit width " + auxWidth + " with encoding " + encoding + " of " + rows + " rows");
            check(encoding == ChunkEncoding.PACKED_TEXT ? reference >= 0 && reference <= Integer.MAX_VALUE
                    : encoding != ChunkEncoding.DICTIONARY && encoding != ChunkEncoding.PLAIN || reference == 0, file, where, OFF_REFERENCE,
                    "reference " + reference + " with encoding " + encoding);
        }
        switch (encoding) {
            case PLAIN:
                if (expectedKind.isVariableWidth()) {
                    checkRegion(file, where, OFF_OFFSETS_OFFSET, "offsets", oOff, oLen, afterValidity, length);
                    check(oLen == 4L * rows + 4, file, where, OFF_OFFSETS_LENGTH, "offsets length " + oLen + ", expected " + (4L * rows + 4));
                    checkRegion(file, where, OFF_DATA_OFFSET, "data", dOff, dLen, (long) oOff + oLen, length);
                    check(textBytes == dLen, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes + " differ from data length " + dLen);
                    int first = b.getInt(oOff);
                    int last = b.getInt(oOff + 4 * rows);
                    check(first == 0 && last == dLen, file, where, oOff, "text offsets run from " + first + " to " + last + ", expected 0 to " + dLen);
                } else {
                    checkFixedData(file, where, oOff, oLen, dOff, dLen, afterValidity, length, textBytes, expectedKind.dataBytes(rows));
                }
                break;
            case FOR:
                checkFixedData(file, where, oOff, oLen, dOff, dLen, afterValidity, length, textBytes, BitPacking.bytes(rows, bitWidth));
                break;
            case RLE:
                checkFixedData(file, where, oOff, oLen, dOff, dLen, afterValidity, length, textBytes, BitPacking.bytes(entries, bitWidth));
                checkAux(file, where, aOff, aLen, (long) dOff + dLen, length, BitPacking.bytes(entries, auxWidth));
                break;
            case DICTIONARY: {
                checkRegion(file, where, OFF_OFFSETS_OFFSET, "dictionary offsets", oOff, oLen, afterValidity, length);
                check(oLen == 4L * entries + 4, file, where, OFF_OFFSETS_LENGTH, "dictionary offsets length " + oLen + ", expected "
                        + (4L * entries + 4));
                checkRegion(file, where, OFF_DATA_OFFSET, "dictionary data", dOff, dLen, (long) oOff + oLen, length);
                int first = b.getInt(oOff);
                int last = b.getInt(oOff + 4 * entries);
                check(first == 0 && last == dLen, file, where, oOff, "dictionary offsets run from " + first + " to " + last + ", expected 0 to "
                        + dLen);
                checkAux(file, where, aOff, aLen, (long) dOff + dLen, length, BitPacking.bytes(rows, bitWidth));
                checkTextBytes(file, where, textBytes);
                break;
            }
            default: // PACKED_TEXT
                checkRegion(file, where, OFF_OFFSETS_OFFSET, "lengths", oOff, oLen, afterValidity, length);
                check(oLen == BitPacking.bytes(rows, bitWidth), file, where, OFF_OFFSETS_LENGTH, "lengths buffer length " + oLen
                        + ", expected " + BitPacking.bytes(rows, bitWidth));
                checkRegion(file, where, OFF_DATA_OFFSET, "data", dOff, dLen, (long) oOff + oLen, length);
                checkTextBytes(file, where, textBytes);
                check(compression != COMPRESSION_NONE || textBytes == dLen, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes
                        + " differ from data length " + dLen);
                checkAux(file, where, aOff, aLen, (long) dOff + dLen, length,
                        version >= VERSION_4 ? (long) TextBlocks.INDEX_ENTRY_BYTES * (entries + 1) : 0);
                break;
        }
        return new Header(expectedKind, version, flags, b.getInt(OFF_CRC), rows, nulls, b.getLong(OFF_MIN), b.getLong(OFF_MAX), textBytes,
                vOff, vLen, oOff, oLen, dOff, dLen, blobBytes, minStat, maxStat, encoding, bitWidth, reference, entries, aOff, aLen,
                auxWidth, compression);
    }

    private static void checkFixedData(Path file, String where, int oOff, int oLen, int dOff, int dLen, long afterValidity, int blobBytes,
                                       long textBytes, long expected) throws StoreCorruptedException {
        check(oOff == 0 && oLen == 0, file, where, OFF_OFFSETS_OFFSET, "fixed-width chunk has an offsets buffer (" + oOff + ", " + oLen + ")");
        checkRegion(file, where, OFF_DATA_OFFSET, "data", dOff, dLen, afterValidity, blobBytes);
        check(dLen == expected, file, where, OFF_DATA_LENGTH, "data length " + dLen + ", expected " + expected);
        check(textBytes == 0, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes + " in a fixed-width chunk");
    }

    /** The aux buffer: {@code expected} bytes after {@code notBefore}, or none (offset and length 0) when 0 are expected. */
    private static void checkAux(Path file, String where, int aOff, int aLen, long notBefore, int blobBytes, long expected)
            throws StoreCorruptedException {
        if (expected == 0 && aOff == 0 && aLen == 0) {
            return;
        }
        checkRegion(file, where, OFF_AUX_OFFSET, "aux", aOff, aLen, notBefore, blobBytes);
        check(aLen == expected, file, where, OFF_AUX_LENGTH, "aux length " + aLen + ", expected " + expected);
    }

    /** Decoded text must fit one Arrow data buffer. */
    private static void checkTextBytes(Path file, String where, long textBytes) throws StoreCorruptedException {
        check(textBytes >= 0 && textBytes <= Integer.MAX_VALUE, file, where, OFF_TEXT_BYTES, "text bytes " + textBytes + " outside [0, "
                + Integer.MAX_VALUE + "]");
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
