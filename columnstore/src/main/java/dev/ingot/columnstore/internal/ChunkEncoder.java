package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.encoding.BitPacking;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.MemoryView;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Chooses the encoding of one staged column chunk and writes the chunk's buffers in it
 * ({@link ChunkFormat} version 3, {@link ChunkEncoding}). The choice follows BtrBlocks
 * (Kuschewski et al., SIGMOD 2023): every encoding that applies is sized from the chunk's
 * statistics and one pass over its values (a prefix sample for the dictionary and LZ4), and the
 * smallest wins; plain when nothing is smaller.
 *
 * <ul>
 *   <li>integers, dates, times, timestamps, DECIMAL(p &lt;= 18): {@link ChunkEncoding#FOR} at the
 *       width of max - min (from the chunk stats), or {@link ChunkEncoding#RLE} where the runs
 *       are long enough to beat it (the runs of the whole chunk are counted only when those of
 *       its first {@value #RUN_SAMPLE_ROWS} values promise that); null rows take the value before
 *       them, so they never widen the frame or break a run;</li>
 *   <li>CHAR, VARCHAR, VARBINARY: {@link ChunkEncoding#DICTIONARY} when the first
 *       {@value #DICTIONARY_SAMPLE_ROWS} rows are at most 7/8 distinct and the whole chunk has at
 *       most {@code rows / 2} distinct values (else the dictionary overflows and is dropped; after
 *       a chunk whose dictionary was given up so, the column's next
 *       {@value #DICTIONARY_RETRY_CHUNKS} - 1 chunks do not try one), or
 *       {@link ChunkEncoding#PACKED_TEXT}: lengths bit-packed and the bytes in {@link TextBlocks}
 *       of a few KiB, each one LZ4 block when a {@value #LZ4_SAMPLE_BYTES}-byte sample shrinks to
 *       at most {@value #LZ4_MAX_RATIO_PERCENT}% (TPC-H comments: about 47% in 16 KiB blocks), raw
 *       otherwise;</li>
 *   <li>BOOLEAN, REAL, DOUBLE, DECIMAL(p &gt; 18), UUID: plain.</li>
 * </ul>
 *
 * The staged chunk is read, never changed: constraint checks and stats ran on it before.
 * Scratch arrays grow to the largest chunk seen and are reused.
 *
 * <p>Thread-safety: not thread-safe; one per column writer, used by the thread sealing its chunks.
 */
final class ChunkEncoder {
    /**
     * After a text chunk whose dictionary was given up (too many distinct values; not one that was
     * built and lost to the other encodings on size), the dictionary is next tried on the chunk
     * this many chunks later (the ones between are encoded without trying it). Free text (every TPC-H comment, name and address column) then samples
     * one chunk in eight instead of every chunk: the sample's work, and the C2 compiles of the
     * dictionary loops that those columns' samples alone made hot (the long-value loop: 3 compiles
     * per SF1 load), are left out. A column whose values turn repetitive later is found at most
     * this many chunks late; its chunks before stay PACKED_TEXT or PLAIN, which read the same.
     */
    static final int DICTIONARY_RETRY_CHUNKS = 8;
    /** Rows of the prefix sample that decides whether a dictionary is tried on the whole chunk. */
    static final int DICTIONARY_SAMPLE_ROWS = 1024;
    /** Bytes of the prefix sample compressed to estimate the LZ4 ratio. */
    static final int LZ4_SAMPLE_BYTES = 16 << 10;
    /** Values whose runs decide whether the runs of a whole integer chunk are counted. */
    static final int RUN_SAMPLE_ROWS = 1024;
    /** Text below this many bytes is not compressed. */
    static final int LZ4_MIN_BYTES = 1024;
    /** LZ4 is used when the sample shrinks to at most this share of its bytes. */
    static final int LZ4_MAX_RATIO_PERCENT = 85;

    private final ColumnType.Kind kind;
    /** lz4-java's fast compressor (JNI where the bundled library loads), for the sample that decides on LZ4; thread-safe, shared. */
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    private long[] values = new long[0];
    private long[] words = new long[0];
    private long[] auxWords = new long[0];
    private long[] ends = new long[0];
    private int[] ints = new int[0];
    /** PACKED_TEXT: the first row of each text block and the rows after them; their data offsets. */
    private int[] blockRows = new int[0];
    private int[] blockData = new int[0];
    private int blocks;
    /** Output of the LZ4 sample (direct, so the JNI compressor reads and writes native memory only). */
    private ByteBuffer sample;
    private final TextDictionary dictionary = new TextDictionary();

    /** Rows whose staged values {@link #integralStats} left in {@link #values} for the next {@link #choose}; -1 if none. */
    private int loadedRows = -1;

    // the choice
    private ChunkEncoding encoding;
    private int bitWidth;
    private long reference;
    private int entries;
    private int auxBitWidth;
    private int rows;
    private long textBytes;
    private boolean compress;
    /** Text chunks still to come whose dictionary is not tried ({@link #DICTIONARY_RETRY_CHUNKS}). */
    private int dictionarySkips;
    /** Whether the last text chunk's dictionary was built (whichever encoding won). */
    private boolean dictionaryBuilt;

    ChunkEncoder(ColumnType.Kind kind) {
        this.kind = kind;
    }

    /** Whether the last {@link #choose} of a text chunk built its dictionary (whichever encoding won). */
    boolean dictionaryBuilt() {
        return dictionaryBuilt;
    }

    /** The encoding chosen by the last {@link #choose}. */
    ChunkEncoding encoding() {
        return encoding;
    }

    /**
     * Chooses the encoding of a staged chunk of {@code rows} rows: validity bits, offsets
     * ({@code rows + 1} int32, variable width only, else null) and data as {@link ColumnWriterImpl}
     * stages them; {@code stagedData} is the same data area as a buffer (for LZ4).
     *
     * @return false for {@link ChunkEncoding#PLAIN} (the staged layout is the chunk), true when
     *         {@link #write} is to lay the chunk out
     */
    boolean choose(MemoryView validity, MemoryView offsets, MemoryView data, ByteBuffer stagedData, int rows, int nulls, long textBytes,
                   StatsBuilder stats) {
        this.rows = rows;
        this.textBytes = textBytes;
        encoding = ChunkEncoding.PLAIN;
        bitWidth = 0;
        reference = 0;
        entries = 0;
        auxBitWidth = 0;
        compress = false;
        dictionaryBuilt = false;
        if (ChunkEncoding.isIntegral(kind)) {
            chooseIntegral(validity, data, rows, nulls, stats);
        } else if (kind.isVariableWidth()) {
            chooseText(validity, offsets, data, stagedData, rows, nulls, textBytes);
        }
        loadedRows = -1;
        return encoding != ChunkEncoding.PLAIN;
    }

    /**
     * For the integer kinds ({@link ChunkEncoding#isIntegral}): loads the staged chunk's values
     * into this encoder (where the next {@link #choose} of the same chunk finds them) and puts their
     * min, max and whether they are sorted (null rows skipped) into {@code out}, as
     * {@link ColumnCodec}'s stats would, from a heap array instead of value by value through the
     * staging view. Call only for a chunk with at least one non-null row.
     *
     * @return false (nothing done) for the other kinds
     */
    boolean integralStats(MemoryView validity, MemoryView data, int rows, int nulls, StatsBuilder out) {
        if (!ChunkEncoding.isIntegral(kind)) {
            return false;
        }
        values = grow(values, rows);
        loadSigned(data, rows, kind.fixedWidth());
        loadedRows = rows;
        long[] v = values;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long prev = Long.MIN_VALUE;
        boolean sorted = true;
        for (int i = 0; i < rows; i++) {
            if (nulls > 0 && !dev.ingot.memory.Bits.isSet(validity, i)) {
                continue;
            }
            long x = v[i];
            sorted &= x >= prev;
            prev = x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        out.longStats(min, max, sorted);
        return true;
    }

    // ---------------------------------------------------------------- integers

    private void chooseIntegral(MemoryView validity, MemoryView data, int rows, int nulls, StatsBuilder stats) {
        if (nulls == rows) { // no value: nothing to store but the validity
            encoding = ChunkEncoding.FOR;
            return;
        }
        long min = stats.min();
        long max = stats.max();
        int width = BitPacking.width(max - min);
        int w = kind.fixedWidth();
        if (width >= 8 * w) {
            return; // e.g. the full 64-bit range: plain
        }
        if (loadedRows != rows) {
            values = grow(values, rows);
            loadSigned(data, rows, w);
        }
        if (nulls > 0) {
            fillNulls(validity, rows);
        }
        long plainBytes = ChunkFormat.align(kind.dataBytes(rows));
        long forBytes = ChunkFormat.align(BitPacking.bytes(rows, width));
        int endWidth = BitPacking.width(rows);
        int runs = width == 0 ? 1 : rlePays(rows, width, endWidth, Math.min(forBytes, plainBytes)) ? countRuns(rows) : -1;
        long rleBytes = runs < 0 ? Long.MAX_VALUE : ChunkFormat.align(BitPacking.bytes(runs, width)) + BitPacking.bytes(runs, endWidth);
        if (rleBytes < forBytes && rleBytes < plainBytes) {
            encoding = ChunkEncoding.RLE;
            bitWidth = width;
            reference = min;
            entries = runs;
            auxBitWidth = endWidth;
            // runs compacted in place: values[r] = value of run r, ends[r] = its exclusive end row
            ends = grow(ends, runs);
            int r = 0;
            for (int i = 1; i < rows; i++) {
                if (values[i] != values[i - 1]) {
                    ends[r] = i;
                    values[++r] = values[i];
                }
            }
            ends[r] = rows;
            words = grow(words, BitPacking.words(runs, width));
            BitPacking.pack(values, 0, runs, min, width, words);
            auxWords = grow(auxWords, BitPacking.words(runs, endWidth));
            BitPacking.pack(ends, 0, runs, 0, endWidth, auxWords);
        } else if (forBytes < plainBytes) {
            encoding = ChunkEncoding.FOR;
            bitWidth = width;
            reference = min;
            words = grow(words, BitPacking.words(rows, width));
            BitPacking.pack(values, 0, rows, min, width, words);
        }
    }

    /**
     * Whether run-length encoding may beat {@code bestOther} bytes, judged from the runs among the
     * first {@value #RUN_SAMPLE_ROWS} values (BtrBlocks' sampling: the whole chunk's runs are
     * counted only when the sample's rate of runs, extrapolated to the chunk, is below the size of
     * the best other encoding; a chunk whose first rows change at every row and whose later rows
     * run long is then encoded without runs, a few bytes larger and never wrong).
     */
    private boolean rlePays(int rows, int width, int endWidth, long bestOther) {
        int n = Math.min(rows, RUN_SAMPLE_ROWS);
        int sampleRuns = 1;
        for (int i = 1; i < n; i++) {
            if (values[i] != values[i - 1]) {
                sampleRuns++;
            }
        }
        long estimatedRuns = (long) Math.ceil((double) sampleRuns * rows / n);
        return (Math.min(rows, estimatedRuns) * (width + endWidth) + 7) / 8 < bestOther;
    }

    /** values[0, rows) = the staged little-endian signed values of {@code w} bytes, sign-extended. */
    private void loadSigned(MemoryView data, int rows, int w) {
        if (w == 8) {
            data.getLongs(0, values, 0, rows);
            return;
        }
        // whole words, then split: the staging area is 64-byte aligned and sized for chunkRows
        int perWord = 8 / w;
        int nWords = (rows + perWord - 1) / perWord;
        words = grow(words, nWords);
        data.getLongs(0, words, 0, nWords);
        long[] v = values;
        long[] ws = words;
        if (w == 4) {
            int pairs = rows >>> 1;
            for (int k = 0; k < pairs; k++) {
                long word = ws[k];
                v[2 * k] = (int) word;
                v[2 * k + 1] = word >> 32;
            }
            if ((rows & 1) != 0) {
                v[rows - 1] = (int) ws[pairs];
            }
            return;
        }
        int bits = 8 * w;
        int i = 0;
        for (int k = 0; i < rows; k++) {
            long word = ws[k];
            for (int shift = 64 - bits; shift >= 0 && i < rows; shift -= bits) {
                v[i++] = (word << shift) >> (64 - bits);
            }
        }
    }

    /** Gives each null row the value before it (the first non-null value for leading nulls). */
    private void fillNulls(MemoryView validity, int rows) {
        long prev = Long.MIN_VALUE;
        boolean seen = false;
        int firstNull = -1;
        for (int i = 0; i < rows; i++) {
            if (dev.ingot.memory.Bits.isSet(validity, i)) {
                prev = values[i];
                if (!seen) {
                    seen = true;
                    if (firstNull >= 0) {
                        Arrays.fill(values, firstNull, i, prev);
                    }
                }
            } else if (seen) {
                values[i] = prev;
            } else if (firstNull < 0) {
                firstNull = i;
            }
        }
    }

    /** The runs of equal values among values[0, rows). */
    private int countRuns(int rows) {
        int runs = 1;
        for (int i = 1; i < rows; i++) {
            if (values[i] != values[i - 1]) {
                runs++;
            }
        }
        return runs;
    }

    // ---------------------------------------------------------------- text

    private void chooseText(MemoryView validity, MemoryView offsets, MemoryView data, ByteBuffer stagedData, int rows, int nulls,
                            long textBytes) {
        ints = grow(ints, rows + 1);
        offsets.getInts(0, ints, 0, rows + 1);
        long plainBytes = ChunkFormat.align(4L * rows + 4) + textBytes;
        // packed text: lengths at the width of their range, bytes raw or LZ4
        int minLength = Integer.MAX_VALUE;
        int maxLength = 0;
        for (int i = 0; i < rows; i++) {
            int len = ints[i + 1] - ints[i];
            minLength = Math.min(minLength, len);
            maxLength = Math.max(maxLength, len);
        }
        if (rows == 0) {
            minLength = 0;
        }
        int lengthWidth = BitPacking.width(maxLength - minLength);
        boolean lz4 = textBytes >= LZ4_MIN_BYTES && lz4Pays(stagedData);
        long packedEstimate = ChunkFormat.align(BitPacking.bytes(rows, lengthWidth))
                + (lz4 ? textBytes * LZ4_MAX_RATIO_PERCENT / 100 : textBytes);
        long best = Math.min(plainBytes, packedEstimate);
        if (dictionarySkips > 0) {
            dictionarySkips--; // a recent chunk of this column gave its dictionary up: not tried
        } else if (dictionary.build(validity, ints, data, rows, nulls, maxLength)) {
            dictionaryBuilt = true;
            int codeWidth = BitPacking.width(Math.max(dictionary.size() - 1, 0));
            long dictBytes = ChunkFormat.align(4L * dictionary.size() + 4) + ChunkFormat.align(dictionary.bytes())
                    + BitPacking.bytes(rows, codeWidth);
            if (dictBytes < best) {
                encoding = ChunkEncoding.DICTIONARY;
                bitWidth = codeWidth;
                entries = dictionary.size();
                this.textBytes = dictionary.decodedBytes();
                words = grow(words, BitPacking.words(rows, codeWidth));
                BitPacking.pack(dictionary.codes(), 0, rows, 0, codeWidth, words);
                return;
            }
        } else {
            dictionarySkips = DICTIONARY_RETRY_CHUNKS - 1; // too many distinct values: free text, most likely
        }
        if (packedEstimate < plainBytes) {
            encoding = ChunkEncoding.PACKED_TEXT;
            bitWidth = lengthWidth;
            reference = minLength;
            compress = lz4;
            blockRows = grow(blockRows, rows + 1);
            blockData = grow(blockData, rows + 1);
            blocks = TextBlocks.cut(ints, rows, blockRows);
            entries = blocks;
            values = grow(values, rows);
            for (int i = 0; i < rows; i++) {
                values[i] = ints[i + 1] - ints[i];
            }
            words = grow(words, BitPacking.words(rows, lengthWidth));
            BitPacking.pack(values, 0, rows, minLength, lengthWidth, words);
        }
    }

    /**
     * Min/max of the text chunk of the last {@link #choose} (at least one row not null), from its
     * dictionary's distinct values when one was built, else over the rows' offsets loaded by it.
     */
    void textStats(MemoryView validity, MemoryView data, int rows, int nulls, StatsBuilder out) {
        if (dictionaryBuilt && dictionary.size() > 0) {
            TextStats.entries(dictionary.starts(), dictionary.lengths(), dictionary.size(), data, kind.isText(), out);
        } else {
            TextStats.rows(validity, ints, data, rows, nulls > 0, kind.isText(), out);
        }
    }

    /** Whether LZ4 shrinks a prefix sample of the staged text to at most {@value #LZ4_MAX_RATIO_PERCENT}%. */
    private boolean lz4Pays(ByteBuffer stagedData) {
        int n = (int) Math.min(textBytes, LZ4_SAMPLE_BYTES);
        int bound = LZ4.maxCompressedLength(n);
        if (sample == null || sample.capacity() < bound) {
            sample = ByteBuffer.allocateDirect(bound);
        }
        int compressed = LZ4.compress(stagedData, stagedData.position(), n, sample, 0, bound);
        return 100L * compressed <= (long) LZ4_MAX_RATIO_PERCENT * n;
    }

    // ---------------------------------------------------------------- writing

    /** An upper bound of the encoded blob's bytes, for sizing its block. */
    long blobBytesBound() {
        long vEnd = ChunkFormat.align(ChunkFormat.HEADER_BYTES + ChunkFormat.validityBytes(rows));
        switch (encoding) {
            case FOR:
                return vEnd + 8L * words(rows, bitWidth);
            case RLE:
                return vEnd + ChunkFormat.align(8L * words(entries, bitWidth)) + 8L * words(entries, auxBitWidth);
            case DICTIONARY:
                return vEnd + ChunkFormat.align(4L * entries + 4) + ChunkFormat.align(dictionary.bytes()) + 8L * words(rows, bitWidth);
            case PACKED_TEXT:
                return vEnd + ChunkFormat.align(8L * words(rows, bitWidth))
                        + ChunkFormat.align(TextBlocks.dataBound(ints, blockRows, blocks, compress, TextBlocks.COMPRESSOR))
                        + (long) TextBlocks.INDEX_ENTRY_BYTES * (blocks + 1);
            default:
                throw new IllegalStateException("internal: no encoded layout for " + encoding);
        }
    }

    private static int words(int n, int width) {
        return BitPacking.words(n, width);
    }

    /**
     * Writes the chosen encoding's buffers after the header and validity of {@code target} (whose
     * header the caller has zeroed and filled with the fields every chunk has) and the header
     * fields of the layout and the encoding.
     *
     * @param stagedData the staged text (variable width), positioned at its first byte
     * @return the blob's bytes
     */
    int write(MemoryBlock target, MemoryView data, ByteBuffer stagedData) {
        long at = ChunkFormat.align(ChunkFormat.HEADER_BYTES + ChunkFormat.validityBytes(rows));
        long oOff = 0;
        long oLen = 0;
        long dOff;
        long dLen;
        long aOff = 0;
        long aLen = 0;
        switch (encoding) {
            case FOR:
                dOff = at;
                dLen = putWords(target, dOff, words, words(rows, bitWidth));
                break;
            case RLE:
                dOff = at;
                dLen = putWords(target, dOff, words, words(entries, bitWidth));
                aOff = ChunkFormat.align(dOff + dLen);
                aLen = putWords(target, aOff, auxWords, words(entries, auxBitWidth));
                break;
            case DICTIONARY: {
                oOff = at;
                oLen = 4L * entries + 4;
                dOff = ChunkFormat.align(oOff + oLen);
                dLen = dictionary.writeEntries(data, target, oOff, dOff);
                aOff = ChunkFormat.align(dOff + dLen);
                aLen = putWords(target, aOff, words, words(rows, bitWidth));
                break;
            }
            default: { // PACKED_TEXT
                oOff = at;
                oLen = putWords(target, oOff, words, words(rows, bitWidth));
                dOff = ChunkFormat.align(oOff + oLen);
                long[] written = TextBlocks.write(target, dOff, stagedData, ints, blockRows, blocks, blockData, compress, TextBlocks.COMPRESSOR);
                dLen = written[0];
                target.putByte(ChunkFormat.OFF_COMPRESSION, (byte) written[1]);
                aOff = written[2];
                aLen = written[3];
                break;
            }
        }
        if (aLen == 0) {
            aOff = 0; // no aux buffer (codes of width 0): the blob ends with the data buffer
        }
        long blobBytes = aLen > 0 ? aOff + aLen : dOff + dLen;
        target.putLong(ChunkFormat.OFF_TEXT_BYTES, kind.isVariableWidth() ? textBytes : 0);
        target.putInt(ChunkFormat.OFF_OFFSETS_OFFSET, (int) oOff);
        target.putInt(ChunkFormat.OFF_OFFSETS_LENGTH, (int) oLen);
        target.putInt(ChunkFormat.OFF_DATA_OFFSET, (int) dOff);
        target.putInt(ChunkFormat.OFF_DATA_LENGTH, (int) dLen);
        target.putInt(ChunkFormat.OFF_BLOB_BYTES, (int) blobBytes);
        target.putByte(ChunkFormat.OFF_ENCODING, (byte) encoding.id());
        target.putByte(ChunkFormat.OFF_BIT_WIDTH, (byte) bitWidth);
        target.putLong(ChunkFormat.OFF_REFERENCE, reference);
        target.putInt(ChunkFormat.OFF_ENTRIES, entries);
        target.putInt(ChunkFormat.OFF_AUX_OFFSET, (int) aOff);
        target.putInt(ChunkFormat.OFF_AUX_LENGTH, (int) aLen);
        target.putByte(ChunkFormat.OFF_AUX_BIT_WIDTH, (byte) auxBitWidth);
        return (int) blobBytes;
    }

    /** Puts {@code n} words at {@code at}; returns their bytes. */
    private static long putWords(MemoryBlock target, long at, long[] w, int n) {
        target.putLongs(at, w, 0, n);
        return 8L * n;
    }

    static long[] grow(long[] a, int n) {
        return a.length >= n ? a : new long[Math.max(n, a.length + a.length / 2)];
    }

    static int[] grow(int[] a, int n) {
        return a.length >= n ? a : new int[Math.max(n, a.length + a.length / 2)];
    }
}
