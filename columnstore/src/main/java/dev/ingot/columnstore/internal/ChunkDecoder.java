package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.encoding.BitPacking;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.MemoryView;
import dev.ingot.pager.StoreCorruptedException;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Rebuilds the Arrow vector of a validated chunk ({@link ChunkFormat#parse}) of any format
 * version and {@link ChunkEncoding}: plain buffers are copied in bulk, encoded ones decoded into
 * the same plain Arrow vector a plain chunk gives (a scan cannot tell them apart, except in the
 * unspecified content of null slots). What {@link ChunkFormat#parse} cannot check without reading
 * the values is checked while decoding and reported as a {@link BlobCorruptedException} naming
 * the chunk and the blob offset: run ends that do not increase to the row count, dictionary
 * offsets that decrease, codes outside the dictionary, lengths that do not add up to the text
 * bytes, an LZ4 block that does not decompress to them.
 *
 * <p>Thread-safety: not thread-safe (scratch arrays, grown to the largest chunk and reused); one
 * per {@link TableReaderImpl}.
 */
final class ChunkDecoder {
    /** lz4-java's bounds-checking decompressor (JNI where the bundled library loads): safe on damaged input; thread-safe. */
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();
    /** 8-byte little-endian loads and stores at any index of a byte array. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** 2-byte little-endian stores at any index of a byte array. */
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** The packed words of the buffer being unpacked ({@link BitPacking#load}). */
    private long[] packed = new long[0];
    private long[] values = new long[0];
    private long[] wide = new long[0];
    private int[] ints = new int[0];
    private int[] offsets = new int[0];
    private short[] shorts = new short[0];
    private byte[] bytes = new byte[0];
    private byte[] dictionaryBytes = new byte[0];
    /** The text of a dictionary chunk being decoded (then copied to the vector in one piece). */
    private byte[] text = new byte[0];
    private long[] validityWords;
    /** The bits of a chunk's validity bitmap or BOOLEAN data, and the live rows' bits moved together. */
    private long[] bitWords;
    private long[] dataWords;
    private long[] liveWords = new long[0];
    /** RLE run ends mapped to the live rows ({@link LiveRows#clipRunEnds}). */
    private int[] liveEnds = new int[0];
    /** Text offsets of the live rows. */
    private int[] liveOffsets = new int[0];

    /**
     * The vector of the live rows {@code live} of the chunk {@code blob} (index 0 = its first byte)
     * with header {@code h}: {@code into} when given (a vector of the column that a scan reuses: its
     * buffers are kept when large enough, else replaced; every byte the live rows need is
     * overwritten, so nothing is zeroed), else a new vector of {@code allocator}. The rows of the
     * runs of {@code live} are stored one after the other (row {@code k} of the vector is the
     * {@code k}-th live row) as each encoding's decoder stores them: deleted rows are skipped while
     * decoding, never moved afterwards. Every row, deleted or not, is still checked: a chunk that
     * is corrupt in a deleted row fails alike. Each encoding chooses its loops once per chunk: when
     * every row is live ({@link LiveRows#isAll}) those that store every row in bulk, the common
     * case of a scan; else separate ones that store the live runs, so that the JIT compiles each
     * on the profile of its own case. The offsets of a PLAIN text chunk are checked only when its
     * rows are rebased (with deletions); read whole, they are copied as stored, and
     * {@link dev.ingot.columnstore.TableReader#verifyChecksums} checks them.
     *
     * @param into  a vector of this column to decode into, owned by the caller (kept open on
     *              failure), or null for a new one (closed on failure)
     * @param live  the rows to keep ({@link LiveRows#all} for every row), of a chunk of the header's row count
     * @param file  the store file, for the exception
     * @param where the chunk ("table t column c row group g (pager key k)"), for the exception
     * @throws IllegalArgumentException if {@code live} is not of a chunk of the header's row count
     * @throws StoreCorruptedException  (a {@link BlobCorruptedException}, blob offsets) if the encoded values are inconsistent
     */
    FieldVector decode(ColumnDef def, ChunkFormat.Header h, ByteBuffer blob, BufferAllocator allocator, FieldVector into, LiveRows live,
                       Path file, String where) throws StoreCorruptedException {
        int rows = h.rowCount();
        if (live.rows() != rows) {
            throw new IllegalArgumentException("live rows of a chunk of " + live.rows() + " rows for the " + rows + " rows of " + where);
        }
        int kept = live.liveRows();
        FieldVector v = into != null ? into : def.arrowField().createVector(allocator);
        try {
            if (h.kind().isVariableWidth()) {
                BaseVariableWidthVector t = (BaseVariableWidthVector) v;
                long dataBytes = h.encoding() == ChunkEncoding.DICTIONARY ? h.textBytes() + DICTIONARY_SLACK : Math.max(h.textBytes(), 1);
                if (into == null || t.getValueCapacity() < rows || t.getDataBuffer().capacity() < dataBytes) {
                    t.allocateNew(dataBytes, Math.max(rows, 1));
                }
                storeValidity(h, blob, t.getValidityBuffer(), live);
                switch (h.encoding()) {
                    case PLAIN:
                        if (live.isAll()) { // the stored offsets and text as they are (checked by verifyChecksums)
                            ColumnCodec.copyOut(blob, h.offsetsOffset(), t.getOffsetBuffer(), h.offsetsLength());
                            ColumnCodec.copyOut(blob, h.dataOffset(), t.getDataBuffer(), h.dataLength());
                        } else {
                            decodePlainText(h, blob, t, live, file, where);
                        }
                        break;
                    case DICTIONARY:
                        decodeDictionary(h, blob, t, live, file, where);
                        break;
                    default:
                        decodePackedText(h, blob, t, live, file, where);
                        break;
                }
                t.setLastSet(kept - 1);
                t.setValueCount(kept);
            } else {
                BaseFixedWidthVector f = (BaseFixedWidthVector) v;
                if (into == null || f.getValueCapacity() < rows) {
                    f.allocateNew(Math.max(rows, 1));
                }
                storeValidity(h, blob, f.getValidityBuffer(), live);
                if (h.encoding() == ChunkEncoding.PLAIN) {
                    decodePlainFixed(def, h, blob, f.getDataBuffer(), live);
                } else {
                    decodeIntegral(h, blob, f.getDataBuffer(), live, file, where);
                }
                f.setValueCount(kept);
            }
            return v;
        } catch (StoreCorruptedException | RuntimeException | Error e) {
            if (into == null) {
                v.close();
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- bits

    /**
     * The validity bitmap of the live rows into {@code dst}: the chunk's bitmap in one copy when
     * every row is live or none is NULL (then the first live bits are set as the chunk's are),
     * else the live rows' bits moved together.
     */
    private void storeValidity(ChunkFormat.Header h, ByteBuffer blob, ArrowBuf dst, LiveRows live) {
        if (live.isAll() || h.nullCount() == 0) {
            ColumnCodec.copyOut(blob, h.validityOffset(), dst, h.validityLength());
            return;
        }
        bitWords = words(blob, h.validityOffset(), h.rowCount(), bitWords);
        storeLiveBits(bitWords, live, dst);
    }

    /** The bits {@code src} of a chunk's rows, those of live rows only, moved together into {@code dst} from bit 0. */
    private void storeLiveBits(long[] src, LiveRows live, ArrowBuf dst) {
        int n = live.liveRows();
        liveWords = ChunkEncoder.grow(liveWords, (n + 63) >>> 6);
        long[] words = live.liveBits(src, liveWords);
        int bytes = (n + 7) >>> 3;
        MemoryView out = ArrowMemory.view(dst);
        out.putLongs(0, words, 0, bytes >>> 3);
        for (int b = bytes & ~7; b < bytes; b++) {
            out.putByte(b, (byte) (words[b >>> 3] >>> (8 * (b & 7))));
        }
    }

    /**
     * A bitmap of {@code rows} bits at {@code at} of the blob as 64-bit words (bit {@code i % 64} of
     * word {@code i / 64} is row {@code i}; bits past the rows clear) in {@code reuse} when large
     * enough, else a new array.
     */
    static long[] words(ByteBuffer blob, int at, int rows, long[] reuse) {
        int words = (rows + 63) >>> 6;
        long[] out = reuse != null && reuse.length >= words ? reuse : new long[Math.max(words, 1)];
        int bytes = (rows + 7) >>> 3;
        int full = bytes >>> 3;
        for (int w = 0; w < full; w++) {
            out[w] = blob.getLong(at + 8 * w);
        }
        if (full < words) {
            long last = 0;
            for (int b = 8 * full; b < bytes; b++) {
                last |= (blob.get(at + b) & 0xFFL) << (8 * (b - 8 * full));
            }
            out[full] = last;
        }
        if ((rows & 63) != 0) {
            out[words - 1] &= (1L << rows) - 1;
        }
        return out;
    }

    // ---------------------------------------------------------------- plain fixed width

    /** The live rows of a PLAIN fixed-width chunk: a copy per live run (BOOLEAN: the live bits moved together). */
    private void decodePlainFixed(ColumnDef def, ChunkFormat.Header h, ByteBuffer blob, ArrowBuf dst, LiveRows live) {
        if (h.kind() == ColumnType.Kind.BOOLEAN) {
            if (live.isAll()) {
                ColumnCodec.copyOut(blob, h.dataOffset(), dst, h.dataLength());
            } else {
                dataWords = words(blob, h.dataOffset(), h.rowCount(), dataWords);
                storeLiveBits(dataWords, live, dst);
            }
            return;
        }
        ColumnCodec codec = ColumnCodec.of(def.type());
        for (int r = 0, at = 0; r < live.runs(); r++) {
            int s = live.start(r);
            int e = live.end(r);
            codec.decode(blob, h.dataOffset(), dst, s, e, at);
            at += e - s;
        }
    }

    // ---------------------------------------------------------------- integers

    /**
     * The live rows of an integral chunk (FOR or RLE) into {@code dst}: each encoding decodes the
     * chunk into a scratch array (or, RLE of 8-byte values, fills its runs in place) and stores
     * its rows from it. Which store runs is chosen once per chunk: without deletions the one that
     * stores every row ({@link #storeInts(int[], int, int, ArrowBuf)}, {@link #storeDecimals},
     * one bulk copy), else the one that stores the live runs ({@link #storeLiveInts},
     * {@link #storeLiveDecimals}, a copy per run, run ends clipped to the live rows), so each
     * loop is compiled on the profile of its own case.
     */
    private void decodeIntegral(ChunkFormat.Header h, ByteBuffer blob, ArrowBuf dst, LiveRows live, Path file, String where)
            throws StoreCorruptedException {
        int rows = h.rowCount();
        ColumnType.Kind kind = h.kind();
        int w = kind.fixedWidth();
        boolean all = live.isAll();
        if (h.encoding() == ChunkEncoding.FOR && w <= 4) { // unpacked straight to ints
            ints = ChunkEncoder.grow(ints, rows);
            unpack(blob, h.dataOffset(), rows, h.bitWidth(), h.reference(), ints);
            storeInts(ints, live, w, dst);
            return;
        }
        if (h.encoding() == ChunkEncoding.RLE && w == 8 && kind != ColumnType.Kind.DECIMAL64) { // each run filled in place
            int runs = checkedRuns(h, blob, file, where);
            int[] ends = offsets;
            if (!all) {
                liveEnds = ChunkEncoder.grow(liveEnds, runs);
                ends = live.clipRunEnds(offsets, runs, liveEnds);
            }
            ArrowMemory.view(dst).putRuns(0, wide, ends, runs);
            return;
        }
        if (kind == ColumnType.Kind.DECIMAL64 && h.encoding() == ChunkEncoding.FOR) { // unpacked and widened a block at a time
            if (all) {
                storeDecimals(h, blob, dst);
            } else {
                storeLiveDecimals(h, blob, dst, live);
            }
            return;
        }
        values = longs(h, blob, values, file, where);
        if (w == 8 || kind == ColumnType.Kind.DECIMAL64) {
            // 8-byte values copied, or widened to 16-byte Arrow decimals (low word, sign extension):
            // a copy per live run, so one bulk copy when every row is live (one run)
            boolean decimal = kind == ColumnType.Kind.DECIMAL64;
            MemoryView out = ArrowMemory.view(dst);
            for (int r = 0, at = 0; r < live.runs(); r++) {
                int s = live.start(r);
                int n = live.end(r) - s;
                if (decimal) {
                    out.putLongsSignExtended(16L * at, values, s, n);
                } else {
                    out.putLongs(8L * at, values, s, n);
                }
                at += n;
            }
        } else {
            ints = ChunkEncoder.grow(ints, rows);
            for (int i = 0; i < rows; i++) {
                ints[i] = (int) values[i];
            }
            storeInts(ints, live, w, dst);
        }
    }

    /** Rows of a FOR decimal chunk unpacked and widened at a time (a scratch array that stays in the first-level cache). */
    private static final int DECIMAL_BLOCK = 256;

    /**
     * Every row of a FOR chunk of DECIMAL(p &lt;= 18) as Arrow's 16-byte decimals (low word the
     * unscaled value, high word its sign extension) into {@code dst}, a block at a time: unpacked
     * into a scratch array, then widened into the buffer with one bounds check a block.
     */
    private void storeDecimals(ChunkFormat.Header h, ByteBuffer blob, ArrowBuf dst) {
        int rows = h.rowCount();
        int width = h.bitWidth();
        long reference = h.reference();
        long[] block = decimalBlock(h, blob);
        MemoryView out = ArrowMemory.view(dst);
        for (int from = 0; from < rows; from += DECIMAL_BLOCK) {
            int n = Math.min(DECIMAL_BLOCK, rows - from);
            BitPacking.unpack(packed, rows, from, n, width, reference, block);
            out.putLongsSignExtended(16L * from, block, 0, n);
        }
    }

    /**
     * {@link #storeDecimals} for the live rows {@code live} only, stored one after the other: a
     * block of {@value #DECIMAL_BLOCK} rows holding live rows is unpacked into a scratch array,
     * then its live rows widened into the buffer, one bounds check per live run within it.
     */
    private void storeLiveDecimals(ChunkFormat.Header h, ByteBuffer blob, ArrowBuf dst, LiveRows live) {
        int rows = h.rowCount();
        int width = h.bitWidth();
        long reference = h.reference();
        long[] block = decimalBlock(h, blob);
        MemoryView out = ArrowMemory.view(dst);
        int unpacked = -1; // the first row of the block in `block`
        int at = 0;
        for (int r = 0; r < live.runs(); r++) {
            int end = live.end(r);
            for (int i = live.start(r); i < end; ) {
                int from = i & -DECIMAL_BLOCK;
                if (from != unpacked) {
                    BitPacking.unpack(packed, rows, from, Math.min(DECIMAL_BLOCK, rows - from), width, reference, block);
                    unpacked = from;
                }
                int n = Math.min(end, from + DECIMAL_BLOCK) - i;
                out.putLongsSignExtended(16L * at, block, i - from, n);
                i += n;
                at += n;
            }
        }
    }

    /** Loads the packed words of a FOR decimal chunk into {@link #packed}; returns the scratch block ({@link #wide}) to unpack into. */
    private long[] decimalBlock(ChunkFormat.Header h, ByteBuffer blob) {
        packed = BitPacking.load(blob, h.dataOffset(), h.rowCount(), h.bitWidth(), packed);
        wide = ChunkEncoder.grow(wide, DECIMAL_BLOCK);
        return wide;
    }

    /**
     * The values of every row of an integral chunk ({@link ChunkEncoding#isIntegral} kinds; PLAIN,
     * FOR or RLE) as signed longs in {@code [0, rowCount)} of {@code reuse} when it is large
     * enough, else of a new array (returned): integers sign-extended, DATE days, TIME and
     * TIMESTAMP microseconds, DECIMAL(p &lt;= 18) the unscaled value. Values of NULL rows are
     * unspecified.
     *
     * @throws StoreCorruptedException (blob offsets) if the run ends of an RLE chunk are inconsistent
     */
    long[] longs(ChunkFormat.Header h, ByteBuffer blob, long[] reuse, Path file, String where) throws StoreCorruptedException {
        int rows = h.rowCount();
        long[] out = reuse != null && reuse.length >= rows ? reuse : new long[Math.max(rows, 1)];
        switch (h.encoding()) {
            case FOR:
                unpack(blob, h.dataOffset(), rows, h.bitWidth(), h.reference(), out);
                break;
            case RLE:
                expandRuns(h, blob, out, file, where);
                break;
            default:
                plainLongs(h, blob, out);
                break;
        }
        return out;
    }

    /**
     * The values of rows {@code positions[0, count)} (each in {@code [0, rowCount)}, any order) of
     * an integral chunk as {@link #longs(ChunkFormat.Header, ByteBuffer, long[], Path, String)}
     * gives them, element {@code i} for {@code positions[i]}: FOR chunks read each value from its
     * bit offset when fewer than a quarter of the rows are asked, other chunks are decoded whole.
     *
     * @throws IllegalArgumentException if a position is beyond the chunk's rows (the caller checks them first)
     * @throws StoreCorruptedException  (blob offsets) if the run ends of an RLE chunk are inconsistent
     */
    long[] longs(ChunkFormat.Header h, ByteBuffer blob, int[] positions, int count, long[] reuse, Path file, String where)
            throws StoreCorruptedException {
        int rows = h.rowCount();
        long[] out = reuse != null && reuse.length >= count ? reuse : new long[Math.max(count, 1)];
        if (h.encoding() == ChunkEncoding.FOR && count < rows / 4) {
            packed = BitPacking.load(blob, h.dataOffset(), rows, h.bitWidth(), packed);
            BitPacking.gather(packed, rows, h.bitWidth(), h.reference(), positions, count, out);
            return out;
        }
        values = longs(h, blob, values, file, where);
        long[] all = values;
        for (int i = 0; i < count; i++) {
            int p = positions[i];
            if (p >= rows) { // the array bounds check stops negative ones
                throw new IllegalArgumentException("position " + p + " outside the " + rows + " rows of " + where);
            }
            out[i] = all[p];
        }
        return out;
    }

    /**
     * The validity bitmap of a chunk as 64-bit words (bit {@code i % 64} of word {@code i / 64}
     * set: row {@code i} is not NULL; bits past the row count clear) in {@code reuse} when large
     * enough, else a new array; null when the chunk has no NULL.
     */
    static long[] validity(ChunkFormat.Header h, ByteBuffer blob, long[] reuse) {
        if (h.nullCount() == 0) {
            return null;
        }
        return words(blob, h.validityOffset(), h.rowCount(), reuse);
    }

    /** The values of a PLAIN integral chunk, sign-extended (DECIMAL(p &lt;= 18) is stored in 8 bytes). */
    private void plainLongs(ChunkFormat.Header h, ByteBuffer blob, long[] out) {
        int rows = h.rowCount();
        int w = h.kind().fixedWidth();
        ByteBuffer b = blob.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(h.dataOffset());
        if (w == 8) {
            b.asLongBuffer().get(out, 0, rows);
        } else if (w == 4) {
            ints = ChunkEncoder.grow(ints, rows);
            b.asIntBuffer().get(ints, 0, rows);
            for (int i = 0; i < rows; i++) {
                out[i] = ints[i];
            }
        } else if (w == 2) {
            if (shorts.length < rows) {
                shorts = new short[rows];
            }
            b.asShortBuffer().get(shorts, 0, rows);
            for (int i = 0; i < rows; i++) {
                out[i] = shorts[i];
            }
        } else {
            if (bytes.length < rows) {
                bytes = new byte[rows];
            }
            b.get(bytes, 0, rows);
            for (int i = 0; i < rows; i++) {
                out[i] = bytes[i];
            }
        }
    }

    /** {@code out[0, rows)} from the runs of an RLE chunk, after checking the run ends. */
    private void expandRuns(ChunkFormat.Header h, ByteBuffer blob, long[] out, Path file, String where) throws StoreCorruptedException {
        int runs = checkedRuns(h, blob, file, where);
        long[] runValues = wide;
        int[] ends = offsets;
        int start = 0;
        for (int r = 0; r < runs; r++) {
            int end = ends[r];
            long value = runValues[r];
            for (int i = start; i < end; i++) { // runs are short as often as long: no call per run
                out[i] = value;
            }
            start = end;
        }
    }

    /**
     * The runs of an RLE chunk, values in {@code wide[0, runs)} and run ends in
     * {@code offsets[0, runs)}, each end checked: after the previous one, within the rows, the
     * last at the row count; returns the run count.
     */
    private int checkedRuns(ChunkFormat.Header h, ByteBuffer blob, Path file, String where) throws StoreCorruptedException {
        int runs = h.entries();
        int rows = h.rowCount();
        wide = ChunkEncoder.grow(wide, runs);
        unpack(blob, h.dataOffset(), runs, h.bitWidth(), h.reference(), wide);
        offsets = ChunkEncoder.grow(offsets, runs);
        unpack(blob, h.auxOffset(), runs, h.auxBitWidth(), 0, offsets);
        int[] ends = offsets;
        int start = 0;
        for (int r = 0; r < runs; r++) {
            int end = ends[r];
            if (end <= start || end > rows || r == runs - 1 && end != rows) {
                throw badRunEnd(h, r, end, start, file, where);
            }
            start = end;
        }
        return runs;
    }

    /** {@code n} values of {@code width} bits at {@code index} of the blob plus {@code reference}, into {@code out}. */
    private void unpack(ByteBuffer blob, int index, int n, int width, long reference, long[] out) {
        packed = BitPacking.load(blob, index, n, width, packed);
        BitPacking.unpack(packed, n, width, reference, out);
    }

    /** {@link #unpack(ByteBuffer, int, int, int, long, long[])} into ints (widths up to 32). */
    private void unpack(ByteBuffer blob, int index, int n, int width, long reference, int[] out) {
        packed = BitPacking.load(blob, index, n, width, packed);
        BitPacking.unpack(packed, n, width, reference, out);
    }

    /**
     * The live rows {@code live} of {@code src} (a chunk's rows) narrowed to {@code w} (1, 2 or 4)
     * bytes each into {@code dst}, one after the other: the store of every row when every row is
     * live, else that of the live runs (chosen here, once per chunk).
     */
    private void storeInts(int[] src, LiveRows live, int w, ArrowBuf dst) {
        if (live.isAll()) {
            storeInts(src, live.rows(), w, dst);
        } else {
            storeLiveInts(src, live, w, dst);
        }
    }

    /** {@code src[0, rows)} narrowed to {@code w} (1, 2 or 4) bytes each into {@code dst}. */
    private void storeInts(int[] src, int rows, int w, ArrowBuf dst) {
        MemoryView out = ArrowMemory.view(dst);
        if (w == 4) {
            out.putInts(0, src, 0, rows);
            return;
        }
        byte[] b = narrowScratch(w * rows);
        if (w == 2) {
            for (int i = 0; i < rows; i++) {
                SHORTS.set(b, 2 * i, (short) src[i]);
            }
        } else {
            for (int i = 0; i < rows; i++) {
                b[i] = (byte) src[i];
            }
        }
        out.putBytes(0, b, 0, w * rows);
    }

    /** The rows of the runs of {@code live} (not every row) of {@code src} narrowed as {@link #storeInts(int[], int, int, ArrowBuf)} does, one after the other. */
    private void storeLiveInts(int[] src, LiveRows live, int w, ArrowBuf dst) {
        MemoryView out = ArrowMemory.view(dst);
        if (w == 4) {
            for (int r = 0, at = 0; r < live.runs(); r++) {
                int s = live.start(r);
                int n = live.end(r) - s;
                out.putInts(4L * at, src, s, n);
                at += n;
            }
            return;
        }
        int kept = live.liveRows();
        byte[] b = narrowScratch(w * kept);
        int at = 0;
        if (w == 2) {
            for (int r = 0; r < live.runs(); r++) {
                for (int i = live.start(r), e = live.end(r); i < e; i++, at += 2) {
                    SHORTS.set(b, at, (short) src[i]);
                }
            }
        } else {
            for (int r = 0; r < live.runs(); r++) {
                for (int i = live.start(r), e = live.end(r); i < e; i++) {
                    b[at++] = (byte) src[i];
                }
            }
        }
        out.putBytes(0, b, 0, w * kept);
    }

    /** The byte scratch array ({@link #bytes}) grown to at least {@code n} bytes. */
    private byte[] narrowScratch(int n) {
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        return bytes;
    }

    // ---------------------------------------------------------------- text

    /** Bytes a dictionary decode may store past the last value (whole 8-byte words of entries up to 32 bytes). */
    static final int DICTIONARY_SLACK = 32;

    /**
     * The live rows of a DICTIONARY chunk: every row's code is checked and the lengths of all rows
     * must add up to the header's text bytes; the live rows' offsets are summed and their entries
     * stored one after the other.
     */
    private void decodeDictionary(ChunkFormat.Header h, ByteBuffer blob, BaseVariableWidthVector t, LiveRows live, Path file, String where)
            throws StoreCorruptedException {
        int rows = h.rowCount();
        int entries = h.entries();
        int[] dict = readInts(blob, h.offsetsOffset(), entries + 1);
        for (int e = 0; e < entries; e++) {
            if (dict[e + 1] < dict[e]) {
                throw badDictionaryOffset(h, e + 1, dict[e + 1], dict[e], file, where);
            }
        }
        int dLen = h.dataLength();
        if (dictionaryBytes.length < dLen) {
            dictionaryBytes = new byte[dLen];
        }
        blob.duplicate().position(h.dataOffset()).get(dictionaryBytes, 0, dLen);
        ints = ChunkEncoder.grow(ints, rows);
        unpack(blob, h.auxOffset(), rows, h.bitWidth(), 0, ints);
        long textBytes = h.textBytes();
        // entries of at most 32 bytes are stored as whole 8-byte words (1 to 4 per value; stores
        // may run past the value, the next value overwrites that, the buffer has DICTIONARY_SLACK
        // bytes of room after the text), longer ones as one bulk put
        int maxLength = 0;
        int[] lengths = new int[entries];
        for (int e = 0; e < entries; e++) {
            lengths[e] = dict[e + 1] - dict[e];
            maxLength = Math.max(maxLength, lengths[e]);
        }
        int wordsPerEntry = maxLength <= 8 ? 1 : maxLength <= 16 ? 2 : maxLength <= 24 ? 3 : maxLength <= 32 ? 4 : 0;
        long[] entryWords = null;
        if (wordsPerEntry > 0) {
            entryWords = new long[entries * wordsPerEntry];
            byte[] padded = new byte[dLen + 32];
            System.arraycopy(dictionaryBytes, 0, padded, 0, dLen);
            for (int e = 0; e < entries; e++) {
                for (int k = 0; k < wordsPerEntry; k++) {
                    int left = lengths[e] - 8 * k;
                    long mask = left >= 8 ? -1L : left <= 0 ? 0 : (1L << (8 * left)) - 1;
                    entryWords[e * wordsPerEntry + k] = (long) LONGS.get(padded, dict[e] + 8 * k) & mask;
                }
            }
        }
        long[] valid = validityWords = validity(h, blob, validityWords); // null: no NULL
        if (t.getDataBuffer().capacity() < textBytes + DICTIONARY_SLACK) {
            throw new IllegalStateException("internal: dictionary text of " + textBytes + " bytes into a buffer of "
                    + t.getDataBuffer().capacity());
        }
        int kept = live.liveRows();
        offsets = ChunkEncoder.grow(offsets, rows + 1);
        int[] offs = offsets;
        int[] codes = ints;
        if (valid == null && wordsPerEntry > 0 && rows < 1 << 26) {
            // codes checked and the text offsets of the live rows summed (without deletions: of
            // every row, in one range), the deleted rows' lengths summed apart; checked against
            // the header's text bytes once, then the entries stored with no check per row
            int[] at = offs;
            if (!live.isAll()) {
                at = liveOffsets = ChunkEncoder.grow(liveOffsets, kept + 1);
            }
            at[0] = 0;
            int pos = 0; // entries of at most 32 bytes, fewer than 2^26 rows: no overflow
            for (int r = 0, k = 0; r < live.runs(); r++) {
                int from = live.start(r);
                int to = live.end(r);
                pos = sumEntries(h, codes, lengths, from, to, pos, at, from - k, file, where);
                k += to - from;
            }
            long total = pos + deletedBytes(h, codes, lengths, null, live, file, where);
            if (total != textBytes) {
                throw textBytesMismatch(h, file, where, total + " bytes, not");
            }
            MemoryView data = ArrowMemory.view(t.getDataBuffer());
            for (int r = 0, k = 0; r < live.runs(); r++) {
                int from = live.start(r);
                int to = live.end(r);
                storeEntryWords(codes, from, to, from - k, entryWords, wordsPerEntry, data, at);
                k += to - from;
            }
            ArrowMemory.view(t.getOffsetBuffer()).putInts(0, at, 0, kept + 1);
            return;
        }
        // into heap arrays (every code is checked, and the text may not pass the header's text
        // bytes, before anything is stored for the row), then two bulk copies into the vector
        if (text.length < textBytes + DICTIONARY_SLACK) {
            text = new byte[(int) textBytes + DICTIONARY_SLACK];
        }
        byte[] out = text;
        int pos = 0;
        offs[0] = 0;
        for (int r = 0, k = 0; r < live.runs(); r++) { // one call for [0, rows) when every row is live
            int s = live.start(r);
            int e = live.end(r);
            pos = dictionaryRows(h, dict, lengths, entryWords, wordsPerEntry, valid, out, pos, offs, s - k, s, e, file, where);
            k += e - s;
        }
        long total = pos + deletedBytes(h, codes, lengths, valid, live, file, where);
        if (total != textBytes) {
            throw textBytesMismatch(h, file, where, total + " bytes, not");
        }
        ArrowMemory.view(t.getDataBuffer()).putBytes(0, out, 0, pos);
        ArrowMemory.view(t.getOffsetBuffer()).putInts(0, offs, 0, kept + 1);
    }

    /**
     * Rows {@code [from, to)} of a DICTIONARY chunk (codes in {@link #ints}) in the general case
     * of {@link #decodeDictionary} (NULLs, or entries longer than 32 bytes): each row's code
     * checked, and its entry (none for a NULL row) stored at {@code pos} of {@code out} without
     * passing the header's text bytes, as its {@code wordsPerEntry} whole words when that is not 0
     * (stores past the value are overwritten by the next one), else copied from
     * {@link #dictionaryBytes}; the end of row {@code i} in {@code offs[i - shift + 1]}.
     * Returns the end of the text stored.
     */
    private int dictionaryRows(ChunkFormat.Header h, int[] dict, int[] lengths, long[] entryWords, int wordsPerEntry, long[] valid, byte[] out,
                               int pos, int[] offs, int shift, int from, int to, Path file, String where) throws StoreCorruptedException {
        int[] codes = ints;
        int entries = h.entries();
        long limit = h.textBytes();
        for (int i = from; i < to; i++) {
            if (valid == null || (valid[i >>> 6] >>> i & 1) != 0) {
                int code = codes[i];
                if (Integer.compareUnsigned(code, entries) >= 0) {
                    throw badCode(h, i, code, file, where);
                }
                int len = lengths[code];
                if (pos + (long) len > limit) {
                    throw textBytesMismatch(h, file, where, dictionaryTotal(h, dict, valid, h.rowCount(), file, where) + " bytes, not");
                }
                if (wordsPerEntry > 0) {
                    for (int w = 0, x = code * wordsPerEntry; w < wordsPerEntry; w++) {
                        LONGS.set(out, pos + 8 * w, entryWords[x + w]);
                    }
                } else {
                    System.arraycopy(dictionaryBytes, dict[code], out, pos, len);
                }
                pos += len;
            }
            offs[i - shift + 1] = pos;
        }
        return pos;
    }

    /**
     * The text bytes of the deleted rows of a DICTIONARY chunk (NULL rows, {@code valid} bit clear,
     * have none), each code checked: what the live rows' bytes fall short of the header's text
     * bytes.
     */
    private static long deletedBytes(ChunkFormat.Header h, int[] codes, int[] lengths, long[] valid, LiveRows live, Path file, String where)
            throws StoreCorruptedException {
        long bytes = 0;
        int entries = h.entries();
        for (int r = 0; r <= live.runs(); r++) { // the rows before each run, then those after the last
            int from = r == 0 ? 0 : live.end(r - 1);
            int to = r < live.runs() ? live.start(r) : live.rows();
            for (int i = from; i < to; i++) {
                if (valid == null || (valid[i >>> 6] >>> i & 1) != 0) {
                    int code = codes[i];
                    if (Integer.compareUnsigned(code, entries) >= 0) {
                        throw badCode(h, i, code, file, where);
                    }
                    bytes += lengths[code];
                }
            }
        }
        return bytes;
    }

    /**
     * Rows {@code [from, to)} of a DICTIONARY chunk in the common case of {@link #decodeDictionary}
     * (no NULL, entries of whole words): each code checked, its entry's length added to
     * {@code pos}, the end of row {@code i} stored in {@code offs[i - shift + 1]} (indexes of the
     * loop's own variable, whose range checks the JIT takes out of the loop). Returns {@code pos}
     * with the rows' lengths added.
     */
    private static int sumEntries(ChunkFormat.Header h, int[] codes, int[] lengths, int from, int to, int pos, int[] offs, int shift, Path file,
                                  String where) throws StoreCorruptedException {
        int entries = h.entries();
        for (int i = from; i < to; i++) {
            int code = codes[i];
            if (Integer.compareUnsigned(code, entries) >= 0) {
                throw badCode(h, i, code, file, where);
            }
            pos += lengths[code];
            offs[i - shift + 1] = pos;
        }
        return pos;
    }

    /**
     * Stores the entry of each row {@code i} in {@code [from, to)} ({@code entryWords},
     * {@code wordsPerEntry} words an entry) at {@code at[i - shift]} of {@code out}, a word at a
     * time, straight into the vector's data buffer (its room for the text and
     * {@link #DICTIONARY_SLACK} checked by the caller): words past a value are overwritten by the
     * next one.
     */
    private static void storeEntryWords(int[] codes, int from, int to, int shift, long[] entryWords, int wordsPerEntry, MemoryView out,
                                        int[] at) {
        switch (wordsPerEntry) {
            case 1:
                for (int i = from; i < to; i++) {
                    out.putLong(at[i - shift], entryWords[codes[i]]);
                }
                break;
            case 2:
                for (int i = from; i < to; i++) {
                    int e = 2 * codes[i];
                    long o = at[i - shift];
                    out.putLong(o, entryWords[e]);
                    out.putLong(o + 8, entryWords[e + 1]);
                }
                break;
            case 3:
                for (int i = from; i < to; i++) {
                    int e = 3 * codes[i];
                    long o = at[i - shift];
                    out.putLong(o, entryWords[e]);
                    out.putLong(o + 8, entryWords[e + 1]);
                    out.putLong(o + 16, entryWords[e + 2]);
                }
                break;
            default:
                for (int i = from; i < to; i++) {
                    int e = 4 * codes[i];
                    long o = at[i - shift];
                    out.putLong(o, entryWords[e]);
                    out.putLong(o + 8, entryWords[e + 1]);
                    out.putLong(o + 16, entryWords[e + 2]);
                    out.putLong(o + 24, entryWords[e + 3]);
                }
                break;
        }
    }

    /** The text bytes the codes of a DICTIONARY chunk add up to (for the message; every code is checked). */
    private long dictionaryTotal(ChunkFormat.Header h, int[] dict, long[] valid, int rows, Path file, String where)
            throws StoreCorruptedException {
        long total = 0;
        for (int i = 0; i < rows; i++) {
            if (valid == null || (valid[i >>> 6] >>> i & 1) != 0) {
                int code = ints[i];
                if (Integer.compareUnsigned(code, h.entries()) >= 0) {
                    throw badCode(h, i, code, file, where);
                }
                total += dict[code + 1] - dict[code];
            }
        }
        return total;
    }

    /**
     * The live rows of a PLAIN text chunk: its offsets read and checked (non-decreasing, within the
     * data), the live rows' offsets rebased and their bytes copied, one copy per live run.
     *
     * @throws StoreCorruptedException (blob offsets) on an offset below the one before it or past the data
     */
    private void decodePlainText(ChunkFormat.Header h, ByteBuffer blob, BaseVariableWidthVector t, LiveRows live, Path file, String where)
            throws StoreCorruptedException {
        int[] offs = plainTextOffsets(h, blob, file, where);
        ArrowMemory.view(t.getOffsetBuffer()).putInts(0, liveOffsets(offs, live), 0, live.liveRows() + 1);
        copyLiveText(blob, h.dataOffset(), offs, live, t.getDataBuffer());
    }

    /**
     * The offsets {@code [0, rows]} of a PLAIN text chunk in a scratch array of this decoder (valid
     * until its next call), each checked: not below the one before it, not past the data length.
     *
     * @throws StoreCorruptedException (blob offsets) at the first offset that is not
     */
    int[] plainTextOffsets(ChunkFormat.Header h, ByteBuffer blob, Path file, String where) throws StoreCorruptedException {
        int rows = h.rowCount();
        offsets = ChunkEncoder.grow(offsets, rows + 1);
        int[] offs = offsets;
        blob.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(h.offsetsOffset()).asIntBuffer().get(offs, 0, rows + 1);
        int prev = 0;
        for (int i = 0; i <= rows; i++) {
            int o = offs[i];
            if (o < prev || o > h.dataLength()) {
                throw ChunkFormat.corrupt(file, where, h.offsetsOffset() + 4L * i,
                        "text offset " + i + " is " + o + " after " + prev + " (data length " + h.dataLength() + ")");
            }
            prev = o;
        }
        return offs;
    }

    /**
     * The offsets of the live rows, {@code [0, liveRows]}, from a chunk's offsets {@code full}
     * ({@code [0, rows]}, non-decreasing): each live run's offsets moved down by the bytes of the
     * deleted rows before it, starting at 0. {@code full} itself when every row is live and it
     * starts at 0; else a scratch array of this decoder.
     */
    private int[] liveOffsets(int[] full, LiveRows live) {
        if (live.isAll() && full[0] == 0) {
            return full;
        }
        liveOffsets = ChunkEncoder.grow(liveOffsets, live.liveRows() + 1);
        int[] out = liveOffsets;
        out[0] = 0;
        for (int r = 0, k = 0; r < live.runs(); r++) {
            int s = live.start(r);
            int e = live.end(r);
            int shift = out[k] - full[s];
            int n = e - s;
            System.arraycopy(full, s + 1, out, k + 1, n);
            for (int j = k + 1; j <= k + n; j++) { // in place, one index: a loop the JIT vectorizes
                out[j] += shift;
            }
            k += n;
        }
        return out;
    }

    /**
     * Copies the text of the live rows, stored raw at {@code base} of the blob (row {@code i} at
     * {@code [offsets[i], offsets[i + 1])} from there), into {@code dst} from byte 0: one copy per live run.
     */
    static void copyLiveText(ByteBuffer blob, int base, int[] offsets, LiveRows live, ArrowBuf dst) {
        long at = 0;
        for (int r = 0; r < live.runs(); r++) {
            int from = offsets[live.start(r)];
            int n = offsets[live.end(r)] - from;
            ColumnCodec.copyOut(blob, base + from, dst, at, n);
            at += n;
        }
    }

    /**
     * Moves the live values among rows {@code [from, to)}, whose text (bytes
     * {@code [offsets[from], offsets[to])} of the chunk) was just decompressed to {@code at} of
     * {@code dst}, together to {@code at} (left only; {@link ArrowBuf#setBytes(long, ArrowBuf, long, long)}
     * copies overlapping ranges as a memmove), while the bytes are still in the cache. Run
     * {@code run} of {@code live} is the first that may reach into the rows; returns the first
     * run that may reach past them in the high int and the end of the moved text in the low int.
     */
    static long moveLiveText(ArrowBuf dst, int at, int[] offsets, LiveRows live, int run, int from, int to) {
        int write = at;
        int r = run;
        while (r < live.runs() && live.start(r) < to) {
            int s = Math.max(live.start(r), from);
            int e = Math.min(live.end(r), to);
            int src = at + offsets[s] - offsets[from];
            int n = offsets[e] - offsets[s];
            if (src != write && n > 0) {
                dst.setBytes(write, dst, src, n);
            }
            write += n;
            if (live.end(r) > to) {
                break; // the run goes on in the next rows
            }
            r++;
        }
        return (long) r << 32 | write & 0xFFFFFFFFL;
    }

    /**
     * The live rows of a PACKED_TEXT chunk, the lengths of every row summed and checked. Without
     * deletions: the offsets stored as summed, version 4 text blocks each decompressed into its
     * place ({@link TextBlocks#decode}), raw text in one copy, a version 3 LZ4 block decompressed
     * whole. With deletions: the live rows' offsets rebased ({@link #liveOffsets}),
     * version 4 text blocks each decompressed to where the live text has got to and the block's
     * live values moved together there, raw text copied a live run at a time, a version 3 LZ4
     * block decompressed whole and its live values moved together.
     */
    private void decodePackedText(ChunkFormat.Header h, ByteBuffer blob, BaseVariableWidthVector t, LiveRows live, Path file, String where)
            throws StoreCorruptedException {
        int rows = h.rowCount();
        int[] textOffsets = packedTextOffsets(h, blob, file, where); // summed from 0: liveOffsets gives them back whole when every row is live
        ArrowMemory.view(t.getOffsetBuffer()).putInts(0, liveOffsets(textOffsets, live), 0, live.liveRows() + 1);
        if (h.version() >= ChunkFormat.VERSION_4) {
            TextBlocks.decode(h, blob, textOffsets, live, t.getDataBuffer(), file, where);
            return;
        }
        if (h.compression() == ChunkFormat.COMPRESSION_NONE) {
            copyText(blob, h.dataOffset(), textOffsets, live, t.getDataBuffer(), h.dataLength());
            return;
        }
        decompress(h, blob, t.getDataBuffer().nioBuffer(0, (int) h.textBytes()), file, where);
        if (!live.isAll()) {
            moveLiveText(t.getDataBuffer(), 0, textOffsets, live, 0, 0, rows);
        }
    }

    /**
     * Copies the raw text ({@code length} bytes at {@code base} of the blob, row {@code i} at
     * {@code [offsets[i], offsets[i + 1])} from there) of the live rows {@code live} into
     * {@code dst} from byte 0: in one copy when every row is live, else one per live run.
     */
    static void copyText(ByteBuffer blob, int base, int[] offsets, LiveRows live, ArrowBuf dst, int length) {
        if (live.isAll()) {
            ColumnCodec.copyOut(blob, base, dst, length);
        } else {
            copyLiveText(blob, base, offsets, live, dst);
        }
    }

    /**
     * The value offsets {@code [0, rows]} of a PACKED_TEXT chunk, summed from its bit-packed
     * lengths and checked to end at the header's text bytes, in a scratch array of this decoder
     * (valid until its next call).
     */
    int[] packedTextOffsets(ChunkFormat.Header h, ByteBuffer blob, Path file, String where) throws StoreCorruptedException {
        int rows = h.rowCount();
        ints = ChunkEncoder.grow(ints, rows);
        unpack(blob, h.offsetsOffset(), rows, h.bitWidth(), h.reference(), ints);
        offsets = ChunkEncoder.grow(offsets, rows + 1);
        long pos = 0;
        offsets[0] = 0;
        for (int i = 0; i < rows; i++) {
            // lengths are below 2^32 (width <= 32), so the long sum cannot overflow; the int offsets
            // may wrap on damaged lengths, but then the sum differs from the header's text bytes
            pos += ints[i] & 0xFFFFFFFFL;
            offsets[i + 1] = (int) pos;
        }
        if (pos != h.textBytes()) {
            throw textBytesMismatch(h, file, where, pos + " bytes, not");
        }
        return offsets;
    }

    /**
     * Decompresses the one LZ4 block of a version 3 PACKED_TEXT chunk into {@code out} (positions 0 to the
     * header's text bytes), checking that it decompresses to exactly that many bytes.
     */
    static void decompress(ChunkFormat.Header h, ByteBuffer blob, ByteBuffer out, Path file, String where) throws StoreCorruptedException {
        long textBytes = h.textBytes();
        int n;
        try {
            n = LZ4.decompress(blob, h.dataOffset(), h.dataLength(), out, 0, (int) textBytes);
        } catch (LZ4Exception | IndexOutOfBoundsException | IllegalArgumentException e) {
            StoreCorruptedException c = ChunkFormat.corrupt(file, where, h.dataOffset(), "LZ4 block does not decompress: " + e.getMessage());
            c.initCause(e);
            throw c;
        }
        if (n != textBytes) {
            throw ChunkFormat.corrupt(file, where, h.dataOffset(), "LZ4 block decompresses to " + n + " bytes, the chunk says " + textBytes);
        }
    }

    /** Run {@code r} of an RLE chunk ends at {@code end}, not after {@code start} and within the rows (the last at the row count). */
    static StoreCorruptedException badRunEnd(ChunkFormat.Header h, int r, int end, int start, Path file, String where) {
        return ChunkFormat.corrupt(file, where, h.auxOffset(), "run " + r + " of " + h.entries() + " ends at row " + end + " after row "
                + start + " (rows " + h.rowCount() + ")");
    }

    /** Row {@code row} of a DICTIONARY chunk has a code outside the dictionary. */
    static StoreCorruptedException badCode(ChunkFormat.Header h, int row, int code, Path file, String where) {
        return ChunkFormat.corrupt(file, where, h.auxOffset(), "row " + row + " has code " + Integer.toUnsignedString(code)
                + ", the dictionary has " + h.entries() + " entries");
    }

    /** Dictionary offset {@code e} ({@code value}) is below the one before it ({@code previous}). */
    static StoreCorruptedException badDictionaryOffset(ChunkFormat.Header h, int e, int value, int previous, Path file, String where) {
        return ChunkFormat.corrupt(file, where, h.offsetsOffset() + 4L * e, "dictionary offset " + e + " is " + value + " after " + previous);
    }

    private static StoreCorruptedException textBytesMismatch(ChunkFormat.Header h, Path file, String where, String what) {
        return ChunkFormat.corrupt(file, where, ChunkFormat.OFF_TEXT_BYTES, "the values have " + what + " the " + h.textBytes()
                + " text bytes of the header");
    }

    /** {@code n} little-endian int32 of the blob from {@code index}, in a fresh array. */
    private static int[] readInts(ByteBuffer blob, int index, int n) {
        int[] out = new int[n];
        ByteBuffer b = blob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(index);
        b.asIntBuffer().get(out, 0, n);
        return out;
    }
}
