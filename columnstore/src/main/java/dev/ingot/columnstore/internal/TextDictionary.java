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
 * would be no smaller than the values), or when the first {@value ChunkEncoder#DICTIONARY_SAMPLE_ROWS}
 * rows are more than 7/8 distinct (keys, names, free text): those cost about that many hashes per
 * chunk.
 *
 * <p>The first word of every row is gathered once ({@link MemoryView#getPrefixWords}, one range
 * check per block of rows), and the rows are then probed from heap arrays in one of two loops
 * of one shape each, so the JIT compiles each for the columns that have that shape rather than
 * recompiling one loop as its profile changes from column to column: values of at most 8 bytes
 * ({@code l_shipmode}, {@code l_returnflag}, ...), which the first word and the length identify,
 * are found without reading the staged data again; longer ones ({@code l_shipinstruct},
 * {@code p_type}, ...) hash their remaining words and compare the bytes past the first word.
 *
 * <p>Thread-safety: not thread-safe; one per {@link ChunkEncoder}. Arrays are reused.
 */
final class TextDictionary {
    /** Values of at most this many bytes are identified by their first word and length. */
    static final int SHORT_BYTES = 8;
    /** Slots of the hash table at the start of every build. */
    private static final int INITIAL_SLOTS = 64;

    private int[] slots = new int[INITIAL_SLOTS];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int[] hashes = new int[16];
    /** The first 8 bytes of each entry, little-endian, zero past its end. */
    private long[] firsts = new long[16];
    /** The first 8 bytes of each row being built (as {@link #firsts}). */
    private long[] rowFirsts = new long[0];
    private long[] codes = new long[0];
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
     * @param maxLength the longest value's bytes (null rows included); at most {@value #SHORT_BYTES}
     *                  selects the loop that never reads {@code data} past the first words
     * @return false if the chunk has too many distinct values for a dictionary
     */
    boolean build(MemoryView validity, int[] offsets, MemoryView data, int rows, int nulls, int maxLength) {
        size = 0;
        bytes = 0;
        decodedBytes = 0;
        codes = ChunkEncoder.grow(codes, rows);
        rowFirsts = ChunkEncoder.grow(rowFirsts, rows);
        Arrays.fill(slots, 0, INITIAL_SLOTS, 0);
        mask = INITIAL_SLOTS - 1;
        boolean isShort = maxLength <= SHORT_BYTES;
        int maxEntries = rows / 2;
        // the sample first: a column of mostly distinct values stops after it, its other rows never read
        int sample = Math.min(rows, ChunkEncoder.DICTIONARY_SAMPLE_ROWS);
        if (!buildRows(validity, offsets, data, 0, sample, nulls, isShort, maxEntries)) {
            return false;
        }
        if (sample == ChunkEncoder.DICTIONARY_SAMPLE_ROWS && 8 * size > 7 * sample) {
            return false;
        }
        return buildRows(validity, offsets, data, sample, rows, nulls, isShort, maxEntries);
    }

    /** Codes rows {@code [from, to)}; false once more than {@code maxEntries} values are distinct. */
    private boolean buildRows(MemoryView validity, int[] offsets, MemoryView data, int from, int to, int nulls, boolean isShort,
                              int maxEntries) {
        if (from == to) {
            return true;
        }
        data.getPrefixWords(offsets, from, to - from, rowFirsts, from);
        if (nulls > 0) {
            codeNulls(validity, from, to);
        }
        return isShort ? shortRows(offsets, from, to, nulls > 0, maxEntries) : longRows(offsets, data, from, to, nulls > 0, maxEntries);
    }

    /** Marks null rows with code -1 (for the loops to skip; they end up 0). */
    private void codeNulls(MemoryView validity, int from, int to) {
        for (int i = from; i < to; i++) {
            codes[i] = Bits.isSet(validity, i) ? 0 : -1;
        }
    }

    /** The rows of at most {@value #SHORT_BYTES} bytes: first word and length identify the value. */
    private boolean shortRows(int[] offsets, int from, int to, boolean nulls, int maxEntries) {
        long[] rowFirsts = this.rowFirsts;
        long[] codes = this.codes;
        long decoded = 0;
        for (int i = from; i < to; i++) {
            if (nulls && codes[i] < 0) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            long first = rowFirsts[i];
            int h = mix(first, len);
            int slot = h & mask;
            int code = -1;
            for (int e; (e = slots[slot]) != 0; slot = (slot + 1) & mask) {
                if (firsts[e - 1] == first && lengths[e - 1] == len) {
                    code = e - 1;
                    break;
                }
            }
            if (code < 0) {
                if (size >= maxEntries) {
                    return false;
                }
                code = insert(slot, start, len, h, first);
            }
            codes[i] = code;
            decoded += len;
        }
        decodedBytes += decoded;
        return true;
    }

    /** Rows of any length: the hash covers every byte; equal first words compare the bytes after them. */
    private boolean longRows(int[] offsets, MemoryView data, int from, int to, boolean nulls, int maxEntries) {
        long[] rowFirsts = this.rowFirsts;
        long[] codes = this.codes;
        long decoded = 0;
        for (int i = from; i < to; i++) {
            if (nulls && codes[i] < 0) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            long first = rowFirsts[i];
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
            if (code < 0) {
                if (size >= maxEntries) {
                    return false;
                }
                code = insert(slot, start, len, h, first);
            }
            codes[i] = code;
            decoded += len;
        }
        decodedBytes += decoded;
        return true;
    }

    /** Adds an entry into the free {@code slot} (growing the table past load 1/2); returns its code. */
    private int insert(int slot, int start, int len, int h, long first) {
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
        h ^= h >>> 32;
        return (int) h;
    }
}
