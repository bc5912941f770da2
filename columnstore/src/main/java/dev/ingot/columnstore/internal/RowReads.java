package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.encoding.BitPacking;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.pager.StoreCorruptedException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Single rows of validated chunks ({@link ChunkFormat#parse}) copied into Arrow vectors by random
 * access into each {@link ChunkEncoding}, without decoding the chunk: PLAIN by offset, FOR by bit
 * offset ({@link BitPacking#get}), RLE by a binary search of the bit-packed run ends, DICTIONARY by
 * the row's code and then its entry, PACKED_TEXT (format version 4) through its block index: only
 * the text block holding the row is read and decompressed ({@link TextBlocks#copy}). Version 3
 * PACKED_TEXT chunks have no block index: their value offsets summed from the lengths (and,
 * compressed, the chunk's one LZ4 block decompressed) are kept in a small cache.
 *
 * <p>Cache (version 3 PACKED_TEXT only): the decoded parts by pager key, least recently used first
 * out once they hold more than {@link #CACHE_BYTES} bytes. A reader's chunks never change under
 * their keys (the reader holds its catalog version), so entries never go stale.
 *
 * <p>What a point read can check without decoding the chunk is checked (codes inside the
 * dictionary, dictionary entries inside its data, the run found holding the row, lengths adding
 * up to the text bytes, the LZ4 block decompressing to them); damage elsewhere in the chunk is
 * for the CRC32C ({@link dev.ingot.columnstore.ChunkVerification}) to find. Either way every
 * read stays inside the chunk's validated regions.
 *
 * <p>Thread-safety: not thread-safe; one per {@link TableReaderImpl}.
 */
final class RowReads {
    /** Most bytes of decoded PACKED_TEXT parts kept (offsets and text): 32 MiB. */
    static final long CACHE_BYTES = 32L << 20;

    /** The decoded parts of a PACKED_TEXT chunk: value offsets {@code [0, rows]} and, compressed, its text. */
    private record Text(int[] offsets, byte[] bytes) {
        long size() {
            return 4L * offsets.length + (bytes == null ? 0 : bytes.length);
        }
    }

    private final ChunkDecoder decoder;
    private final TextBlocks blocks = new TextBlocks();
    private final Map<Long, Text> texts = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    RowReads(ChunkDecoder decoder) {
        this.decoder = decoder;
    }

    /** Bytes the cache holds (tests). */
    long cachedBytes() {
        return cachedBytes;
    }

    /**
     * Copies row {@code row} of the chunk {@code blob} (little-endian, index 0 = its first byte,
     * header {@code h}) to row {@code at} of {@code out}, a vector of the chunk's column allocated
     * for at least {@code at + 1} rows whose rows before {@code at} are set (variable-width
     * vectors fill front to back). A NULL leaves row {@code at} null.
     *
     * @throws StoreCorruptedException (a {@link BlobCorruptedException}, blob offsets) on values the chunk cannot hold
     */
    void copy(ChunkFormat.Header h, ByteBuffer blob, long key, int row, FieldVector out, int at, Path file, String where)
            throws StoreCorruptedException {
        if (h.nullCount() > 0 && (blob.get(h.validityOffset() + (row >>> 3)) & (1 << (row & 7))) == 0) {
            if (out instanceof BaseVariableWidthVector) {
                ((BaseVariableWidthVector) out).setNull(at);
            }
            return;
        }
        ColumnType.Kind kind = h.kind();
        if (kind.isVariableWidth()) {
            copyText(h, blob, key, row, (BaseVariableWidthVector) out, at, file, where);
            return;
        }
        BaseFixedWidthVector f = (BaseFixedWidthVector) out;
        if (kind == ColumnType.Kind.BOOLEAN) {
            ((BitVector) f).set(at, (blob.get(h.dataOffset() + (row >>> 3)) >>> (row & 7)) & 1);
            return;
        }
        ArrowBuf data = f.getDataBuffer();
        int w = kind.fixedWidth();
        if (h.encoding() == ChunkEncoding.PLAIN && !ChunkEncoding.isIntegral(kind)) { // floats, DECIMAL128, UUID: the bytes
            data.setBytes((long) w * at, blob, h.dataOffset() + w * row, w);
        } else {
            long v = integral(h, blob, row, file, where);
            if (kind == ColumnType.Kind.DECIMAL64) { // Arrow's 16-byte decimal: low word, sign extension
                data.setLong(16L * at, v);
                data.setLong(16L * at + 8, v >> 63);
            } else if (w == 8) {
                data.setLong(8L * at, v);
            } else if (w == 4) {
                data.setInt(4L * at, (int) v);
            } else if (w == 2) {
                data.setShort(2L * at, (short) v);
            } else {
                data.setByte(at, (byte) v);
            }
        }
        BitVectorHelper.setBit(f.getValidityBuffer(), at);
    }

    /**
     * Loads the byte that {@link #copy} of row {@code row} (within the chunk's rows) of the chunk
     * {@code blob} reads first, or for searches (RLE runs, a text block index) the first probe, and
     * returns it: a caller touching the chunks of every column of a row before reading them lets
     * their cache and TLB misses overlap. Reads only inside the chunk's validated regions, never
     * throws; what it returns means nothing.
     */
    static int touch(ChunkFormat.Header h, ByteBuffer blob, int row) {
        int at;
        switch (h.encoding()) {
            case PLAIN:
                at = h.kind().isVariableWidth() ? h.offsetsOffset() + 4 * row
                        : h.kind() == ColumnType.Kind.BOOLEAN ? h.dataOffset() + (row >>> 3)
                        : h.dataOffset() + (h.kind() == ColumnType.Kind.DECIMAL64 ? 8 : h.kind().fixedWidth()) * row;
                break;
            case FOR:
                at = h.dataOffset() + (int) ((long) row * h.bitWidth() >>> 3);
                break;
            case DICTIONARY:
                at = h.auxOffset() + (int) ((long) row * h.bitWidth() >>> 3);
                break;
            case RLE:
                at = h.auxOffset() + (int) ((long) ((h.entries() - 1) >>> 1) * h.auxBitWidth() >>> 3);
                break;
            default: { // PACKED_TEXT: its lengths (versions 3 and 4) and the first probe of the block index (version 4)
                at = h.offsetsOffset() + (int) ((long) row * h.bitWidth() >>> 3);
                int probe = h.auxOffset() + TextBlocks.INDEX_ENTRY_BYTES * (h.entries() >>> 1);
                if (h.version() >= ChunkFormat.VERSION_4 && probe >= 0 && probe < blob.limit()) {
                    return blob.get(probe) + (at >= 0 && at < blob.limit() ? blob.get(at) : 0);
                }
                break;
            }
        }
        return at >= 0 && at < blob.limit() ? blob.get(at) : 0;
    }

    /**
     * As {@link #touch}, the second load of a DICTIONARY read, after {@link #touch} brought in the
     * row's code: the code's entry in the dictionary's offsets (a code outside the dictionary
     * touches nothing; {@link #copy} reports it). Other encodings touch nothing.
     */
    static int touchEntry(ChunkFormat.Header h, ByteBuffer blob, int row) {
        if (h.encoding() != ChunkEncoding.DICTIONARY) {
            return 0;
        }
        int code = (int) BitPacking.get(blob, h.auxOffset(), h.rowCount(), h.bitWidth(), 0, row);
        int at = h.offsetsOffset() + 4 * code;
        return Integer.compareUnsigned(code, h.entries()) < 0 && at >= 0 && at < blob.limit() ? blob.get(at) : 0;
    }

    /** Row {@code row} of an integral chunk (PLAIN, FOR or RLE) as a signed long. */
    private static long integral(ChunkFormat.Header h, ByteBuffer blob, int row, Path file, String where) throws StoreCorruptedException {
        switch (h.encoding()) {
            case PLAIN: {
                ColumnType.Kind kind = h.kind();
                int w = kind == ColumnType.Kind.DECIMAL64 ? 8 : kind.fixedWidth(); // DECIMAL64 is stored in 8 bytes
                int i = h.dataOffset() + w * row;
                return w == 8 ? blob.getLong(i) : w == 4 ? blob.getInt(i) : w == 2 ? blob.getShort(i) : blob.get(i);
            }
            case FOR:
                return BitPacking.get(blob, h.dataOffset(), h.rowCount(), h.bitWidth(), h.reference(), row);
            default: // RLE
                return runValue(h, blob, run(h, blob, row, file, where));
        }
    }

    /** The run of an RLE chunk holding row {@code row}: the first run whose end lies after the row, checked to hold it. */
    private static int run(ChunkFormat.Header h, ByteBuffer blob, int row, Path file, String where) throws StoreCorruptedException {
        int lo = 0;
        int hi = h.entries() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (runEnd(h, blob, mid) > row) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        int end = runEnd(h, blob, lo);
        int start = lo == 0 ? 0 : runEnd(h, blob, lo - 1);
        if (start > row || end <= row || end > h.rowCount()) { // run ends that do not increase
            throw ChunkDecoder.badRunEnd(h, lo, end, start, file, where);
        }
        return lo;
    }

    private static long runValue(ChunkFormat.Header h, ByteBuffer blob, int run) {
        return BitPacking.get(blob, h.dataOffset(), h.entries(), h.bitWidth(), h.reference(), run);
    }

    /**
     * Row {@code row} of a validated integral chunk (PLAIN, FOR or RLE; not NULL-checked) as a
     * signed long, by random access.
     *
     * @throws StoreCorruptedException (a {@link BlobCorruptedException}, blob offsets) on RLE run ends that do not hold the row
     */
    static long value(ChunkFormat.Header h, ByteBuffer blob, int row, Path file, String where) throws StoreCorruptedException {
        return integral(h, blob, row, file, where);
    }

    /**
     * The rows in {@code [from, to)} (within the chunk's rows) of a validated integral chunk whose
     * value is {@code value}, into {@code range[0, 2)} as {@code [first, end)} (both the row where the
     * value would be when none holds it), for values that do not decrease over the rows: binary
     * searches of the rows by random access (PLAIN, FOR), or of the runs holding the rows (RLE: the
     * first run of at least the value, then the runs of the value after it).
     *
     * @throws StoreCorruptedException (a {@link BlobCorruptedException}, blob offsets) on RLE run ends that do not hold the rows
     */
    static void equalRange(ChunkFormat.Header h, ByteBuffer blob, int from, int to, long value, int[] range, Path file, String where)
            throws StoreCorruptedException {
        if (from >= to) {
            range[0] = to;
            range[1] = to;
            return;
        }
        if (h.encoding() == ChunkEncoding.RLE) {
            int first = from == 0 ? 0 : run(h, blob, from, file, where);
            int last = to == h.rowCount() ? h.entries() - 1 : run(h, blob, to - 1, file, where);
            if (last < first || runEnd(h, blob, last) < to) { // the last run must hold row to - 1 (the first holds row 0 or from)
                throw ChunkDecoder.badRunEnd(h, last, runEnd(h, blob, last), to - 1, file, where);
            }
            int lo = first;
            int hi = last + 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (runValue(h, blob, mid) < value) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int start = lo == first ? from : lo > last ? to : runStart(h, blob, lo, from, to, file, where);
            int r = lo;
            while (r <= last && runValue(h, blob, r) == value) {
                r++;
            }
            range[0] = start;
            range[1] = r == lo ? start : r > last ? to : runStart(h, blob, r, from, to, file, where);
            return;
        }
        for (int bound = 0; bound < 2; bound++) { // the first row >= value, then the first row > value
            int lo = bound == 0 ? from : range[0];
            int hi = to;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                long x = integral(h, blob, mid, file, where);
                if (x < value || bound == 1 && x == value) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            range[bound] = lo;
        }
    }

    /**
     * The first row of run {@code r} of an RLE chunk, a run after the one holding row {@code from}
     * and not after the one holding row {@code to - 1}: checked to lie in {@code (from, to)}.
     */
    private static int runStart(ChunkFormat.Header h, ByteBuffer blob, int r, int from, int to, Path file, String where)
            throws StoreCorruptedException {
        int start = runEnd(h, blob, r - 1);
        if (start <= from || start >= to) {
            throw ChunkDecoder.badRunEnd(h, r - 1, start, from, file, where);
        }
        return start;
    }

    private static int runEnd(ChunkFormat.Header h, ByteBuffer blob, int run) {
        return (int) BitPacking.get(blob, h.auxOffset(), h.entries(), h.auxBitWidth(), 0, run);
    }

    private void copyText(ChunkFormat.Header h, ByteBuffer blob, long key, int row, BaseVariableWidthVector out, int at, Path file,
                          String where) throws StoreCorruptedException {
        switch (h.encoding()) {
            case PLAIN: {
                int start = blob.getInt(h.offsetsOffset() + 4 * row);
                int end = blob.getInt(h.offsetsOffset() + 4 * row + 4);
                if (start < 0 || end < start || end > h.dataLength()) {
                    throw ChunkFormat.corrupt(file, where, h.offsetsOffset() + 4L * row + 4, "text offset " + (row + 1) + " is " + end
                            + " after " + start + " (data length " + h.dataLength() + ")");
                }
                out.setSafe(at, blob, h.dataOffset() + start, end - start);
                return;
            }
            case DICTIONARY: {
                int code = (int) BitPacking.get(blob, h.auxOffset(), h.rowCount(), h.bitWidth(), 0, row);
                if (Integer.compareUnsigned(code, h.entries()) >= 0) {
                    throw ChunkDecoder.badCode(h, row, code, file, where);
                }
                int start = blob.getInt(h.offsetsOffset() + 4 * code);
                int end = blob.getInt(h.offsetsOffset() + 4 * code + 4);
                if (start < 0 || end < start || end > h.dataLength()) {
                    throw ChunkDecoder.badDictionaryOffset(h, code + 1, end, start, file, where);
                }
                out.setSafe(at, blob, h.dataOffset() + start, end - start);
                return;
            }
            default: { // PACKED_TEXT
                if (h.version() >= ChunkFormat.VERSION_4) {
                    blocks.copy(h, blob, key, row, out, at, file, where);
                    return;
                }
                Text t = text(h, blob, key, file, where);
                int start = t.offsets()[row];
                int length = t.offsets()[row + 1] - start;
                if (t.bytes() != null) {
                    out.setSafe(at, t.bytes(), start, length);
                } else {
                    out.setSafe(at, blob, h.dataOffset() + start, length);
                }
            }
        }
    }

    /** The cached offsets (and decompressed text) of the PACKED_TEXT chunk under {@code key}, decoded on a miss. */
    private Text text(ChunkFormat.Header h, ByteBuffer blob, long key, Path file, String where) throws StoreCorruptedException {
        Text t = texts.get(key);
        if (t != null) {
            return t;
        }
        int[] offsets = java.util.Arrays.copyOf(decoder.packedTextOffsets(h, blob, file, where), h.rowCount() + 1);
        byte[] bytes = null;
        if (h.compression() != ChunkFormat.COMPRESSION_NONE) {
            bytes = new byte[(int) h.textBytes()];
            ChunkDecoder.decompress(h, blob, ByteBuffer.wrap(bytes), file, where);
        }
        t = new Text(offsets, bytes);
        texts.put(key, t);
        cachedBytes += t.size();
        var it = texts.values().iterator();
        while (cachedBytes > CACHE_BYTES && texts.size() > 1) {
            cachedBytes -= it.next().size();
            it.remove();
        }
        return t;
    }

    /** Drops every cached entry. */
    void clear() {
        blocks.clear();
        texts.clear();
        cachedBytes = 0;
    }
}
