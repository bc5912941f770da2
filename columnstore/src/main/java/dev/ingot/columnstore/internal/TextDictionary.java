package dev.ingot.columnstore.internal;

import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.MemoryView;
import java.util.Arrays;

/**
 * The dictionary of one staged text chunk ({@link dev.ingot.columnstore.encoding.ChunkEncoding#DICTIONARY}):
 * its distinct non-null values in order of first appearance, found with an open-addressing hash
 * table over the staged bytes (linear probing, load factor at most 1/2), and one code per row
 * (0 for null rows). Gives up as soon as the chunk has more distinct values than half its rows
 * (such a dictionary would be no smaller than the values), or when the first
 * {@value ChunkEncoder#DICTIONARY_SAMPLE_ROWS} rows are more than 7/8 distinct (keys, names,
 * free text): those cost about that many hashes per chunk.
 *
 * <p>Thread-safety: not thread-safe; one per {@link ChunkEncoder}. Arrays are reused.
 */
final class TextDictionary {
    private int[] slots = new int[0];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int[] hashes = new int[16];
    /** The first 8 bytes of each entry, little-endian, zero past its end. */
    private long[] firsts = new long[16];
    private long[] codes = new long[0];
    private int size;
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
     * @return false if the chunk has too many distinct values for a dictionary
     */
    boolean build(MemoryView validity, int[] offsets, MemoryView data, int rows, int nulls) {
        size = 0;
        bytes = 0;
        decodedBytes = 0;
        int maxEntries = rows / 2;
        codes = ChunkEncoder.grow(codes, rows);
        int capacity = Integer.highestOneBit(Math.max(64, Math.min(rows, 4096)) * 2 - 1) << 1;
        if (slots.length < capacity) {
            slots = new int[capacity];
        }
        Arrays.fill(slots, 0, capacity, 0);
        int mask = capacity - 1;
        for (int i = 0; i < rows; i++) {
            if (i == ChunkEncoder.DICTIONARY_SAMPLE_ROWS && 8 * size > 7 * i) {
                return false;
            }
            if (nulls > 0 && !Bits.isSet(validity, i)) {
                codes[i] = 0;
                continue;
            }
            int start = offsets[i];
            int len = offsets[i + 1] - start;
            long first = firstWord(data, start, len);
            int h = hash(data, start, len, first);
            int slot = h & mask;
            int code = -1;
            for (int e; (e = slots[slot]) != 0; slot = (slot + 1) & mask) {
                e--;
                // the first 8 bytes decide almost always; the rest is compared only past them
                if (hashes[e] == h && lengths[e] == len && firsts[e] == first
                        && (len <= 8 || data.compareBytes(starts[e] + 8L, len - 8, start + 8L, len - 8) == 0)) {
                    code = e;
                    break;
                }
            }
            if (code < 0) {
                if (size >= maxEntries) {
                    return false;
                }
                code = add(start, len, h, first);
                slots[slot] = code + 1;
                if (2 * size > capacity) {
                    capacity *= 2;
                    mask = capacity - 1;
                    rehash(capacity);
                }
            }
            codes[i] = code;
            decodedBytes += len;
        }
        return true;
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
        int mask = capacity - 1;
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
