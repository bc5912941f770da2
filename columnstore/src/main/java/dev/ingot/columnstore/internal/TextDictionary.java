package dev.ingot.columnstore.internal;

import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.MemoryView;
import java.util.Arrays;

/**
 * The dictionary of one staged text chunk ({@link dev.ingot.columnstore.encoding.ChunkEncoding#DICTIONARY}):
 * its distinct non-null values in order of first appearance, found with an open-addressing hash
 * table (linear probing, load factor at most 1/2, starting at 64 slots so the few entries of a
 * low-cardinality column stay in a few cache lines), and one code per row (0 for null rows).
 * Gives up as soon as the chunk has more distinct values than half its rows (such a dictionary
 * would be no smaller than the values), when the first {@value ChunkEncoder#DICTIONARY_SAMPLE_ROWS}
 * rows are more than 7/8 distinct (keys, names, free text): those cost about that many hashes per
 * chunk, or when more than half the rows seen so far are distinct at the end of a block of
 * {@value #BLOCK_ROWS} rows after the sample (short phrases such as {@code p_comment}, which repeat
 * enough to pass the sample and then grow towards half the chunk: a dictionary they might still
 * reach would save little).
 *
 * <p>Rows are taken {@value #BLOCK_ROWS} at a time: the words of each row's value are gathered
 * first ({@link MemoryView#getValueWords}, one range check per block), then the block is probed
 * from heap arrays in one of four loops of one shape each, chosen by the chunk's longest value,
 * so the JIT compiles each for the columns that have that shape rather than recompiling one loop
 * as its profile changes from column to column:
 * <ul>
 *   <li>at most {@value #TINY_BYTES} byte ({@code l_returnflag}, {@code o_orderstatus}): a direct
 *       table indexed by length and byte, no hashing;</li>
 *   <li>at most {@value #SHORT_BYTES} bytes ({@code l_shipmode}, {@code p_brand}, ...): the
 *       first word and the length identify the value;</li>
 *   <li>at most {@value #MAX_WORD_BYTES} bytes ({@code l_shipinstruct}, {@code o_orderpriority},
 *       {@code p_type}, ...): all its words and the length, compared word by word, the staged data
 *       never read again;</li>
 *   <li>longer: the first word is gathered, the hash reads the rest of the value, and an entry
 *       with the same hash, length and first word is compared byte by byte after it.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; one per {@link ChunkEncoder}. Arrays are reused.
 */
final class TextDictionary {
    /** Values of at most this many bytes are looked up in {@link #direct}, without hashing. */
    static final int TINY_BYTES = 1;
    /** The shape of chunks whose values are at most {@link #TINY_BYTES} long. */
    private static final int TINY = 3;
    /** Values of at most this many bytes are identified by their first word and length. */
    static final int SHORT_BYTES = 8;
    /** Values of at most this many bytes are identified by their words and length (all gathered). */
    static final int MAX_WORD_BYTES = 32;
    /** Rows whose words are gathered at once. */
    static final int BLOCK_ROWS = 4096;
    /** Slots of the hash table at the start of every build. */
    private static final int INITIAL_SLOTS = 64;

    private int[] slots = new int[INITIAL_SLOTS];
    /** Code + 1 of each value of at most {@link #TINY_BYTES} byte, at {@code len << 8 | byte} (0: not seen). */
    private final int[] direct = new int[2 << 8];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int[] hashes = new int[16];
    /** The first 8 bytes of each entry, little-endian, zero past its end. */
    private long[] firsts = new long[16];
    /** Each entry's {@link #words} words (the word loop only). */
    private long[] entryWords = new long[16 * (MAX_WORD_BYTES / 8)];
    /** The words of the rows of the block being coded, {@link #words} per row. */
    private final long[] rowWords = new long[BLOCK_ROWS * (MAX_WORD_BYTES / 8)];
    private long[] codes = new long[0];
    /** Words per row: 1 (short values or the hashing loop) up to {@code MAX_WORD_BYTES / 8}. */
    private int words;
    private int size;
    private int mask;
    private long bytes;
    private long decodedBytes;

    /** Distinct values of the last successful {@link #build}. */
    int size() {
        return size;
    }

    /** Bytes of the distinct values. */
    long bytes() {
        return bytes;
    }

    /** Bytes of every non-null row's value: the decoded chunk's data. */
    long decodedBytes() {
        return decodedBytes;
    }

    /** Where each entry's bytes start in the staged data (valid for the entries of the last successful build). */
    int[] starts() {
        return starts;
    }

    /** Each entry's bytes. */
    int[] lengths() {
        return lengths;
    }

    /** The code of each row (valid for the rows of the last successful build). */
    long[] codes() {
        return codes;
    }

    /**
     * Builds the dictionary of {@code rows} values at {@code offsets[i], offsets[i + 1])} of
     * {@code data}; rows whose validity bit is clear are skipped (code 0).
     *
     * @param maxLength at least the longest value's bytes (null rows included); chooses the loop
     * @return false if the chunk has too many distinct values for a dictionary
     */
    boolean build(MemoryView validity, int[] offsets, MemoryView data, int rows, int nulls, int maxLength) {
        size = 0;
        bytes = 0;
        decodedBytes = 0;
        codes = ChunkEncoder.grow(codes, rows);
        Arrays.fill(slots, 0, INITIAL_SLOTS, 0);
        mask = INITIAL_SLOTS - 1;
        int shape = maxLength <= TINY_BYTES ? TINY : maxLength <= SHORT_BYTES ? 0 : maxLength <= MAX_WORD_BYTES ? 1 : 2;
        if (shape == TINY) {
            Arrays.fill(direct, 0);
        }
        words = shape == 1 ? (maxLength + 7) / 8 : 1;
        entryWords = ChunkEncoder.grow(entryWords, 16 * words);
        int maxEntries = rows / 2;
        // the sample first: a column of mostly distinct values stops after it, its other rows never read
        int sample = Math.min(rows, ChunkEncoder.DICTIONARY_SAMPLE_ROWS);
        if (!buildRows(validity, offsets, data, 0, sample, nulls, shape, maxEntries)) {
            return false;
        }
        if (sample == ChunkEncoder.DICTIONARY_SAMPLE_ROWS && 8 * size > 7 * sample) {
            return false;
        }
        for (int from = sample; from < rows; from += BLOCK_ROWS) {
            int to = Math.min(rows, from + BLOCK_ROWS);
            if (!buildRows(validity, offsets, data, from, to, nulls, shape, maxEntries)) {
                return false;
            }
            if (to < rows && 2 * size > to) {
                return false; // more than half the rows so far distinct: the rest would have to repeat them
            }
        }
        return true;
    }

    /** Codes rows {@code [from, to)} (at most {@link #BLOCK_ROWS}); false once more than {@code maxEntries} values are distinct. */
    private boolean buildRows(MemoryView validity, int[] offsets, MemoryView data, int from, int to, int nulls, int shape, int maxEntries) {
        if (from == to) {
            return true;
        }
        for (int j = 0; j < words; j++) {
            data.getValueWords(offsets, from, to - from, 8 * j, rowWords, j, words);
        }
        if (nulls > 0) {
            codeNulls(validity, from, to);
        }
        boolean hasNulls = nulls > 0;
        switch (shape) {
            case TINY: return tinyRows(offsets, from, to, hasNulls, maxEntries);
            case 0: return shortRows(offsets, from, to, hasNulls, maxEntries);
            case 1: return wordRows(offsets, from, to, hasNulls, maxEntries);
            default: return longRows(offsets, data, from, to, hasNulls, maxEntries);
        }
    }

    /** Marks null rows with code -1 (for the loops to skip; they end up 0). */
    private void codeNulls(MemoryView validity, int from, int to) {
        for (int i = from; i < to; i++) {
            codes[i] = Bits.isSet(validity, i) ? 0 : -1;
        }
    }

    /**
     * The rows of at most {@value #TINY_BYTES} byte ({@code l_returnflag}, {@code l_linestatus},
     * {@code o_orderstatus}): length and byte index {@link #direct}, no hash and no probe. The
     * codes are those of the hash loops: in order of first appearance.
     */
    private boolean tinyRows(int[] offsets, int from, int to, boolean nulls, int maxEntries) {
        long[] rowWords = this.rowWords;
        long[] codes = this.codes;
        int[] direct = this.direct;
        long decoded = 0;
        for (int i = from; i < to; i++) {
            if (nulls && codes[i] < 0) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            long first = rowWords[i - from];
            int key = len << 8 | (int) first;
            int code = direct[key] - 1;
            if (code < 0) {
                if (size >= maxEntries) {
                    return false;
                }
                code = add(start, len, 0, first);
                direct[key] = code + 1;
            }
            codes[i] = code;
            decoded += len;
        }
        decodedBytes += decoded;
        return true;
    }

    /** The rows of at most {@value #SHORT_BYTES} bytes: first word and length identify the value. */
    private boolean shortRows(int[] offsets, int from, int to, boolean nulls, int maxEntries) {
        long[] rowWords = this.rowWords;
        long[] codes = this.codes;
        long decoded = 0;
        for (int i = from; i < to; i++) {
            if (nulls && codes[i] < 0) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            long first = rowWords[i - from];
            int h = mix(first, len);
            int slot = h & mask;
            int code = -1;
            for (int e; (e = slots[slot]) != 0; slot = (slot + 1) & mask) {
                if (firsts[e - 1] == first && lengths[e - 1] == len) {
                    code = e - 1;
                    break;
                }
            }
            if (code < 0 && (code = insert(slot, start, len, h, first, maxEntries)) < 0) {
                return false;
            }
            codes[i] = code;
            decoded += len;
        }
        decodedBytes += decoded;
        return true;
    }

    /** The rows of at most {@value #MAX_WORD_BYTES} bytes: their {@link #words} words and length identify the value. */
    private boolean wordRows(int[] offsets, int from, int to, boolean nulls, int maxEntries) {
        long[] rowWords = this.rowWords;
        long[] codes = this.codes;
        int k = words;
        long decoded = 0;
        for (int i = from; i < to; i++) {
            if (nulls && codes[i] < 0) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            int w = (i - from) * k;
            int hash = wordHash(rowWords, w, k, len);
            int slot = hash & mask;
            int code = -1;
            for (int e; (e = slots[slot]) != 0; slot = (slot + 1) & mask) {
                if (lengths[e - 1] == len && sameWords(entryWords, (e - 1) * k, rowWords, w, k)) {
                    code = e - 1;
                    break;
                }
            }
            if (code < 0) {
                if ((code = insert(slot, start, len, hash, rowWords[w], maxEntries)) < 0) {
                    return false;
                }
                if (entryWords.length < (code + 1) * k) {
                    entryWords = Arrays.copyOf(entryWords, 2 * (code + 1) * k);
                }
                System.arraycopy(rowWords, w, entryWords, code * k, k);
            }
            codes[i] = code;
            decoded += len;
        }
        decodedBytes += decoded;
        return true;
    }

    /** The hash of a value of {@code len} bytes whose {@code k} words are {@code w[at, at + k)}. */
    static int wordHash(long[] w, int at, int k, int len) {
        long h = len * 0x9E3779B97F4A7C15L;
        for (int j = 0; j < k; j++) {
            h = (h ^ w[at + j]) * 0xC2B2AE3D27D4EB4FL;
            h ^= h >>> 29;
        }
        return finish(h);
    }

    private static boolean sameWords(long[] a, int at, long[] b, int bt, int k) {
        for (int j = 0; j < k; j++) {
            if (a[at + j] != b[bt + j]) {
                return false;
            }
        }
        return true;
    }

    /** Rows of any length: the hash covers every byte; equal first words compare the bytes after them. */
    private boolean longRows(int[] offsets, MemoryView data, int from, int to, boolean nulls, int maxEntries) {
        long[] rowWords = this.rowWords;
        long[] codes = this.codes;
        long decoded = 0;
        for (int i = from; i < to; i++) {
            if (nulls && codes[i] < 0) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            long first = rowWords[i - from];
            int h = len <= SHORT_BYTES ? mix(first, len) : hash(data, start, len, first);
            int slot = h & mask;
            int code = -1;
            for (int e; (e = slots[slot]) != 0; slot = (slot + 1) & mask) {
                e--;
                // the first 8 bytes decide almost always; the rest is compared only past them
                if (hashes[e] == h && lengths[e] == len && firsts[e] == first
                        && (len <= SHORT_BYTES || data.compareBytes(starts[e] + 8L, len - 8, start + 8L, len - 8) == 0)) {
                    code = e;
                    break;
                }
            }
            if (code < 0 && (code = insert(slot, start, len, h, first, maxEntries)) < 0) {
                return false;
            }
            codes[i] = code;
            decoded += len;
        }
        decodedBytes += decoded;
        return true;
    }

    /**
     * Adds an entry into the free {@code slot} (growing the table past load 1/2); returns its code,
     * or -1 (nothing added) when the dictionary holds {@code maxEntries} already.
     */
    private int insert(int slot, int start, int len, int h, long first, int maxEntries) {
        if (size >= maxEntries) {
            return -1;
        }
        int code = add(start, len, h, first);
        slots[slot] = code + 1;
        if (2 * size > mask + 1) {
            rehash(2 * (mask + 1));
        }
        return code;
    }

    private int add(int start, int len, int h, long first) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, 2 * size);
            lengths = Arrays.copyOf(lengths, 2 * size);
            hashes = Arrays.copyOf(hashes, 2 * size);
            firsts = Arrays.copyOf(firsts, 2 * size);
        }
        starts[size] = start;
        lengths[size] = len;
        hashes[size] = h;
        firsts[size] = first;
        bytes += len;
        return size++;
    }

    private void rehash(int capacity) {
        if (slots.length < capacity) {
            slots = new int[capacity];
        } else {
            Arrays.fill(slots, 0, capacity, 0);
        }
        mask = capacity - 1;
        for (int e = 0; e < size; e++) {
            int slot = hashes[e] & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = e + 1;
        }
    }

    /**
     * Writes the dictionary: {@code size + 1} int32 offsets at {@code offsetsAt} and the values'
     * bytes at {@code dataAt} of {@code target}. Returns the bytes of the values.
     */
    long writeEntries(MemoryView data, MemoryBlock target, long offsetsAt, long dataAt) {
        long pos = 0;
        for (int e = 0; e < size; e++) {
            target.putInt(offsetsAt + 4L * e, (int) pos);
            data.copyTo(starts[e], target, dataAt + pos, lengths[e]);
            pos += lengths[e];
        }
        target.putInt(offsetsAt + 4L * size, (int) pos);
        return pos;
    }

    /** Bytes {@code [at, at + min(len, 8))} of {@code data} as a little-endian word, zero past the value. */
    static long firstWord(MemoryView data, long at, int len) {
        if (len >= 8) {
            return data.getLong(at);
        }
        if (len == 0) {
            return 0;
        }
        if (at + 8 <= data.capacity()) { // one read, the bytes past the value masked off
            return data.getLong(at) & (-1L >>> (64 - 8 * len));
        }
        long w = 0;
        for (int j = 0; j < len; j++) {
            w |= (data.getByte(at + j) & 0xFFL) << (8 * j);
        }
        return w;
    }

    /** {@link #hash} of a value of at most {@value #SHORT_BYTES} bytes, from its first word alone. */
    static int mix(long first, int len) {
        long h = (len * 0x9E3779B97F4A7C15L ^ first) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        return finish(h);
    }

    /**
     * The 32-bit hash from the running 64-bit state: high bits folded down, multiplied and folded
     * again (the shape of MurmurHash3's fmix64), so the table's low slot bits depend on every byte.
     * Folding once without the multiply left values that differ only in their last bytes
     * ({@code o_clerk}'s {@code Clerk#000000951}, {@code p_brand}'s {@code Brand#13}) on few home
     * slots (1,000 clerks on 571 of 2,048, 25 brands on 8 of 64): 5.6 and 9.3 probes a value
     * against 1.5 and 1.4 now; building o_clerk's dictionary took 41 instead of 23 ns a row.
     */
    private static int finish(long h) {
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return (int) (h ^ h >>> 32);
    }

    /** A 32-bit hash of bytes {@code [at, at + len)} of {@code data} whose first word is {@code first}, read 8 bytes at a time. */
    static int hash(MemoryView data, long at, int len, long first) {
        long h = (len * 0x9E3779B97F4A7C15L ^ first) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        int i = 8;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ data.getLong(at + i)) * 0xC2B2AE3D27D4EB4FL;
            h ^= h >>> 29;
        }
        if (i < len) {
            h = (h ^ firstWord(data, at + i, len - i)) * 0xC2B2AE3D27D4EB4FL;
        }
        return finish(h);
    }
}
