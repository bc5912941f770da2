package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.encoding.BitPacking;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.pager.StoreCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;

/**
 * The text blocks of a PACKED_TEXT chunk (format version 4, see {@link ChunkFormat}): the rows cut
 * into blocks of at most {@value #BLOCK_BYTES} value bytes (a larger single value is a block of its
 * own; values are never split) and at most {@value #BLOCK_ROWS} rows, each stored raw or as one
 * independent LZ4 block (the LZ4 block format of lz4-java and the reference LZ4 library, written
 * by LZ4's fast compressor; blocks written by LZ4 HC level 1 before read the same), with a
 * block index of {@code (first row, data offset, text offset)} entries in the chunk's aux buffer.
 * A scan decompresses block after block straight into the Arrow data buffer; a point read
 * ({@link #copy}) finds the row's block by a binary search of the index, decompresses that block
 * only and sums the lengths of the rows before it within the block.
 *
 * <p>Block size and compressor, measured on TPC-H {@code l_comment} (lz4-java JNI, 2 cores under
 * load): with LZ4's fast compressor the compressed size is 0.583 of the text at 2 KiB, 0.531 at
 * 4 KiB, 0.497 at 8 KiB, 0.474 at 16 KiB and 0.418 as one block per chunk (format version 3);
 * decompressing one random block took about 4, 6, 6 and 9 us at 2 to 16 KiB, one whole 1.3 MB
 * block about 350 us. Small blocks lose LZ4's long matches: 8 KiB fast blocks made the SF1 store
 * 25 MiB larger. LZ4 HC at level 1 ({@link #COMPRESSOR}) wins them back: 0.442 at 8 KiB, 0.409 at
 * 16 KiB (below one fast block), compressing at about half the fast compressor's speed (140-150
 * against 200-300 MB/s) and decompressing at 4.1 GB/s (fast blocks: 3.3-3.9). HC cost the SF1
 * load about 1.5 s of CPU on the loading thread (JFR native samples, 2026-11-26), the largest
 * single item of the load above 01b76ed, for about 22 MB of store; the fast compressor
 * ({@link #COMPRESSOR}) writes 16 KiB blocks, so a point read still decompresses about 16 KiB,
 * and the SF1 store file is 341.8 MB instead of 319.9 MB.
 *
 * <p>Every read stays inside the chunk's validated regions; an index entry, a length sum or an LZ4
 * block that disagrees with the chunk is a {@link BlobCorruptedException} naming the block and the
 * blob offset.
 *
 * <p>Thread-safety: the static methods are; an instance (point reads: one scratch block) is not,
 * one per {@link RowReads}.
 */
public final class TextBlocks {
    /** Most value bytes of a block, unless one value is larger. */
    public static final int BLOCK_BYTES = 16 << 10;
    /** Most rows of a block (bounds the lengths a point read sums, e.g. of empty or NULL rows). */
    public static final int BLOCK_ROWS = 1024;
    /** Bytes of a block index entry: first row, data offset, text offset (int32 each). */
    public static final int INDEX_ENTRY_BYTES = 12;

    /** lz4-java's fast compressor (JNI where its bundled library loads): the compressor of text blocks; thread-safe. */
    static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

    /** lz4-java's bounds-checking decompressor (JNI where the bundled library loads): safe on damaged input; thread-safe. */
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.fastestInstance().safeDecompressor();

    /** The decompressed block of the last point read: chunk key and block, or -1. */
    private ByteBuffer scratch = ByteBuffer.allocateDirect(BLOCK_BYTES);
    private long scratchKey = -1;
    private int scratchBlock = -1;

    // ---------------------------------------------------------------- writing

    /**
     * Cuts {@code rows} values with offsets {@code offsets[0, rows]} into blocks; returns how many
     * and puts each block's first row into {@code firstRows[0, blocks)} and {@code rows} after them
     * ({@code firstRows} holds at least {@code rows + 1} entries). No block when there are no rows.
     */
    static int cut(int[] offsets, int rows, int[] firstRows) {
        int blocks = 0;
        int start = 0;
        for (int i = 0; i < rows; i++) {
            if (i == 0) {
                firstRows[blocks++] = 0;
                continue;
            }
            int first = firstRows[blocks - 1];
            // a new block when this value would take the block past its bytes (and it holds some) or its rows are full
            if (offsets[i + 1] - offsets[first] > BLOCK_BYTES && offsets[i] > offsets[first] || i - first >= BLOCK_ROWS) {
                firstRows[blocks++] = i;
            }
        }
        firstRows[blocks] = rows;
        return blocks;
    }

    /** Most bytes {@link #write} puts into the data buffer for these blocks (LZ4's bound per block when compressing). */
    static long dataBound(int[] offsets, int[] firstRows, int blocks, boolean compress, LZ4Compressor lz4) {
        long text = offsets[firstRows[blocks]] - offsets[0];
        if (!compress) {
            return text;
        }
        long bound = 0;
        for (int b = 0; b < blocks; b++) {
            bound += lz4.maxCompressedLength(offsets[firstRows[b + 1]] - offsets[firstRows[b]]);
        }
        return Math.max(bound, text);
    }

    /**
     * Writes the blocks of the staged text {@code text} (value {@code i} at
     * {@code [offsets[i] - offsets[0], offsets[i + 1] - offsets[0])} from {@code text}'s position) into
     * {@code target} at {@code dataOffset}: each block one LZ4 block when {@code compress} and the
     * blocks together come out smaller than the text, else the text as it is. Then the block index
     * at {@code align(dataOffset + data length)}.
     *
     * @param dataOffsets scratch for the blocks' data offsets, at least {@code blocks + 1} entries
     * @return {@code {data length, compression, index offset, index length}}
     */
    static long[] write(MemoryBlock target, long dataOffset, ByteBuffer text, int[] offsets, int[] firstRows, int blocks, int[] dataOffsets,
                        boolean compress, LZ4Compressor lz4) {
        int base = offsets[0];
        long textBytes = offsets[firstRows[blocks]] - base;
        long dataLength = -1;
        if (compress) {
            ByteBuffer out = target.asByteBuffer();
            long at = 0;
            for (int b = 0; b < blocks && at < textBytes; b++) {
                int from = offsets[firstRows[b]] - base;
                int n = offsets[firstRows[b + 1]] - base - from;
                dataOffsets[b] = (int) at;
                int room = (int) (out.capacity() - dataOffset - at);
                at += lz4.compress(text, text.position() + from, n, out, (int) (dataOffset + at), room);
            }
            dataOffsets[blocks] = (int) at;
            if (at < textBytes) {
                dataLength = at;
            }
        }
        boolean compressed = dataLength >= 0;
        if (!compressed) { // raw: data offsets are text offsets
            ByteBuffer src = text.duplicate();
            src.limit((int) (src.position() + textBytes));
            target.asByteBuffer().position((int) dataOffset).put(src);
            dataLength = textBytes;
            for (int b = 0; b <= blocks; b++) {
                dataOffsets[b] = offsets[firstRows[b]] - base;
            }
        }
        long indexOffset = ChunkFormat.align(dataOffset + dataLength);
        for (int b = 0; b <= blocks; b++) {
            long e = indexOffset + (long) INDEX_ENTRY_BYTES * b;
            target.putInt(e, firstRows[b]);
            target.putInt(e + 4, dataOffsets[b]);
            target.putInt(e + 8, offsets[firstRows[b]] - base);
        }
        long indexLength = (long) INDEX_ENTRY_BYTES * (blocks + 1);
        return new long[] {dataLength, compressed ? ChunkFormat.COMPRESSION_LZ4_BLOCKS : ChunkFormat.COMPRESSION_NONE, indexOffset, indexLength};
    }

    // ---------------------------------------------------------------- scans

    /**
     * Decodes the text of the live rows {@code live} of the version 4 PACKED_TEXT chunk
     * {@code blob} into {@code dst} from byte 0 after checking its block index against the value
     * offsets {@code offsets[0, rows]} summed from the lengths of every row. Without deleted rows,
     * raw text in one copy and each LZ4 block decompressed straight into its place in {@code dst}.
     * With deleted rows, raw text copied a live run at a time, and each LZ4 block decompressed to
     * where the live text has got to in {@code dst} and its live values moved together there while
     * the block is in the cache ({@link ChunkDecoder#moveLiveText}). Every block is decompressed and
     * checked, also one whose rows are all deleted.
     *
     * @throws StoreCorruptedException (a {@link BlobCorruptedException}, blob offsets) on an index entry
     *                                 out of order or off the lengths, or a block that does not
     *                                 decompress to its text
     */
    static void decode(ChunkFormat.Header h, ByteBuffer blob, int[] offsets, LiveRows live, ArrowBuf dst, Path file, String where)
            throws StoreCorruptedException {
        int blocks = h.entries();
        int rows = h.rowCount();
        int index = h.auxOffset();
        boolean compressed = h.compression() == ChunkFormat.COMPRESSION_LZ4_BLOCKS;
        ByteBuffer out = compressed ? dst.nioBuffer(0, (int) h.textBytes()) : null;
        int prevRow = 0;
        int prevData = 0;
        int prevText = 0;
        boolean all = live.isAll(); // no deleted row: each block decompressed into its place, nothing moved
        int run = 0; // the first live run that may reach into the next block
        int written = 0; // live text bytes in dst so far (at most the text of the rows before the block: room for the block)
        for (int b = 0; b <= blocks; b++) {
            int at = index + INDEX_ENTRY_BYTES * b;
            int row = blob.getInt(at);
            int data = blob.getInt(at + 4);
            int text = blob.getInt(at + 8);
            boolean ok = b == 0 ? row == 0 && data == 0 : row > prevRow && data >= prevData;
            ok &= row >= 0 && row <= rows && (b < blocks || row == rows) && data <= h.dataLength() && (b < blocks || data == h.dataLength());
            if (!ok) {
                throw badEntry(h, b, row, data, text, b == 0 ? "row 0 and data byte 0" : b == blocks ? "row " + rows + " and data byte "
                        + h.dataLength() + " (the chunk's end)" : "a row in (" + prevRow + ", " + rows + "] and a data byte in [" + prevData
                        + ", " + h.dataLength() + "]", file, where);
            }
            if (text != offsets[row] || !compressed && data != text) {
                throw badEntry(h, b, row, data, text, "text byte " + offsets[row] + " (the lengths of the rows before it)"
                        + (compressed ? "" : " and an equal data byte (raw blocks)"), file, where);
            }
            if (compressed && b > 0) {
                if (all) {
                    decompress(h, blob, b - 1, prevData, data - prevData, out, prevText, text - prevText, file, where);
                } else {
                    decompress(h, blob, b - 1, prevData, data - prevData, out, written, text - prevText, file, where);
                    long moved = ChunkDecoder.moveLiveText(dst, written, offsets, live, run, prevRow, row);
                    run = (int) (moved >>> 32);
                    written = (int) moved;
                }
            }
            prevRow = row;
            prevData = data;
            prevText = text;
        }
        if (!compressed) {
            ChunkDecoder.copyText(blob, h.dataOffset(), offsets, live, dst, h.dataLength());
        }
    }

    /** Decompresses block {@code b} ({@code length} bytes at data offset {@code data}) into {@code out} at {@code to}, checking it gives {@code textLength} bytes. */
    private static void decompress(ChunkFormat.Header h, ByteBuffer blob, int b, int data, int length, ByteBuffer out, int to, int textLength,
                                   Path file, String where) throws StoreCorruptedException {
        int n;
        try {
            n = LZ4.decompress(blob, h.dataOffset() + data, length, out, to, textLength);
        } catch (LZ4Exception | IndexOutOfBoundsException | IllegalArgumentException e) {
            StoreCorruptedException c = ChunkFormat.corrupt(file, where, (long) h.dataOffset() + data, "LZ4 block of text block " + b
                    + " does not decompress: " + e.getMessage());
            c.initCause(e);
            throw c;
        }
        if (n != textLength) {
            throw ChunkFormat.corrupt(file, where, (long) h.dataOffset() + data, "LZ4 block of text block " + b + " decompresses to " + n
                    + " bytes, the block index says " + textLength);
        }
    }

    private static StoreCorruptedException badEntry(ChunkFormat.Header h, int b, int row, int data, int text, String expected, Path file,
                                                    String where) {
        return ChunkFormat.corrupt(file, where, h.auxOffset() + (long) INDEX_ENTRY_BYTES * b, "text block index entry " + b + " of "
                + (h.entries() + 1) + " is (row " + row + ", data byte " + data + ", text byte " + text + "), expected " + expected);
    }

    // ---------------------------------------------------------------- point reads

    /**
     * Copies row {@code row} (not NULL) of the version 4 PACKED_TEXT chunk {@code blob} (pager key
     * {@code key}) to row {@code at} of {@code out}: the block holding it found by a binary search
     * of the block index, checked, its lengths summed up to the row, and (compressed) the block
     * decompressed into this reader's scratch block (kept for the next read of the same block).
     *
     * @throws StoreCorruptedException (a {@link BlobCorruptedException}, blob offsets) when the
     *                                 entries around the row, the block's lengths or its LZ4 block
     *                                 disagree
     */
    void copy(ChunkFormat.Header h, ByteBuffer blob, long key, int row, BaseVariableWidthVector out, int at, Path file, String where)
            throws StoreCorruptedException {
        int index = h.auxOffset();
        int lo = 0;
        int hi = h.entries() - 1;
        while (lo < hi) { // the last block whose first row is at most the row
            int mid = (lo + hi + 1) >>> 1;
            if (blob.getInt(index + INDEX_ENTRY_BYTES * mid) <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int b = lo;
        int e = index + INDEX_ENTRY_BYTES * b;
        int firstRow = blob.getInt(e);
        int data = blob.getInt(e + 4);
        int text = blob.getInt(e + 8);
        int endRow = blob.getInt(e + INDEX_ENTRY_BYTES);
        int endData = blob.getInt(e + INDEX_ENTRY_BYTES + 4);
        int endText = blob.getInt(e + INDEX_ENTRY_BYTES + 8);
        boolean compressed = h.compression() == ChunkFormat.COMPRESSION_LZ4_BLOCKS;
        if (firstRow < 0 || firstRow > row || endRow <= row || endRow > h.rowCount() || data < 0 || endData < data || endData > h.dataLength()
                || text < 0 || endText < text || endText > h.textBytes() || !compressed && (data != text || endData != endText)) {
            throw badEntry(h, b + 1, endRow, endData, endText, "the end of a block from entry " + b + " (row " + firstRow + ", data byte "
                    + data + ", text byte " + text + ") holding row " + row + " within the chunk's " + h.rowCount() + " rows, "
                    + h.dataLength() + " data and " + h.textBytes() + " text bytes" + (compressed ? "" : ", data bytes equal to text bytes"),
                    file, where);
        }
        long before;
        long length;
        long total;
        if (h.reference() >= 0 && h.reference() <= Integer.MAX_VALUE && h.bitWidth() <= 31) { // lengths below 2^32, summed from the packed words
            before = BitPacking.sum(blob, h.offsetsOffset(), h.rowCount(), h.bitWidth(), h.reference(), firstRow, row);
            length = BitPacking.get(blob, h.offsetsOffset(), h.rowCount(), h.bitWidth(), h.reference(), row);
            total = before + length + BitPacking.sum(blob, h.offsetsOffset(), h.rowCount(), h.bitWidth(), h.reference(), row + 1, endRow);
        } else {
            before = 0;
            length = 0;
            total = 0;
            for (int i = firstRow; i < endRow; i++) {
                long len = BitPacking.get(blob, h.offsetsOffset(), h.rowCount(), h.bitWidth(), h.reference(), i) & 0xFFFFFFFFL;
                if (i < row) {
                    before += len;
                } else if (i == row) {
                    length = len;
                }
                total += len;
            }
        }
        if (total != endText - text) {
            throw ChunkFormat.corrupt(file, where, h.offsetsOffset(), "the lengths of rows " + firstRow + " to " + (endRow - 1) + " (text block "
                    + b + ") add up to " + total + " bytes, the block index says " + (endText - text));
        }
        if (!compressed) {
            out.setSafe(at, blob, (int) (h.dataOffset() + text + before), (int) length);
            return;
        }
        if (scratchKey != key || scratchBlock != b) {
            int textLength = endText - text;
            if (scratch.capacity() < textLength) {
                scratch = ByteBuffer.allocateDirect(textLength);
            }
            scratchKey = -1;
            decompress(h, blob, b, data, endData - data, scratch, 0, textLength, file, where);
            scratchKey = key;
            scratchBlock = b;
        }
        out.setSafe(at, scratch, (int) before, (int) length);
    }

    /** Forgets the scratch block. */
    void clear() {
        scratchKey = -1;
        scratchBlock = -1;
    }

    /** The block index entry {@code b} of a version 4 PACKED_TEXT chunk as {first row, data offset, text offset} (tests). */
    public static int[] entry(ChunkFormat.Header h, ByteBuffer blob, int b) {
        ByteBuffer le = blob.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = h.auxOffset() + INDEX_ENTRY_BYTES * b;
        return new int[] {le.getInt(at), le.getInt(at + 4), le.getInt(at + 8)};
    }
}
