package dev.ingot.pager.internal;

import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The in-memory key directory of a {@link MappedPager}: for each physical key, where its blob
 * lies in the file, how long it is and its CRC32C; plus the encoder and decoder of the on-disk
 * directory blob written at each commit.
 *
 * <p>Physical keys are dense (handed out in contiguous ranges from 1), so the directory is
 * three parallel arrays indexed by key, grown by doubling: O(1) lookups with no boxing and
 * 16 bytes per key up to the largest key stored. A file offset of 0 marks "no blob" (blob data
 * never starts below the 8 KiB of superblocks).
 *
 * <p>On-disk layout of the directory blob, framed by {@link #CODEC} (magic, version, CRC32C
 * footer); little-endian. Written in the data region at each commit; it may cross segment
 * boundaries because it is read with file reads at open, never through a mapping:
 * <pre>
 * offset        size  field                                    constant
 * 0             8     magic "INGOTDIR" (the little-endian      OFF_MAGIC
 *                     long 0x524944544f474e49)
 * 8             4     format version = 1                       OFF_VERSION
 * 12            4     entry count n                            OFF_COUNT
 * 16 + 24*i     8     key of entry i (entries sorted by key,   HEADER_BYTES + ENTRY_BYTES * i + ENTRY_KEY
 *                     strictly ascending)
 * 24 + 24*i     8     file offset of the blob                  ... + ENTRY_FILE_OFFSET
 * 32 + 24*i     4     blob length in bytes (0 .. segmentBytes) ... + ENTRY_LENGTH
 * 36 + 24*i     4     CRC32C of the blob                       ... + ENTRY_CRC
 * 16 + 24*n     4     CRC32C of bytes [0, 16 + 24*n)           the codec's footer (FOOTER_BYTES)
 * </pre>
 *
 * <p>Thread-safety: not thread-safe; the pager guards it with its directory lock.
 */
final class KeyDirectory {
    /** The directory blob's framing: magic "INGOTDIR" (8 bytes), version (4 bytes), versions 1 to 1. */
    static final FormatCodec CODEC = FormatCodec.of("key directory", "INGOTDIR", 4, 1, 1);
    static final long MAGIC = CODEC.magic();
    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = 8;
    static final int OFF_COUNT = 12;
    static final int HEADER_BYTES = 16;
    static final int ENTRY_KEY = 0;
    static final int ENTRY_FILE_OFFSET = 8;
    static final int ENTRY_LENGTH = 16;
    static final int ENTRY_CRC = 20;
    static final int ENTRY_BYTES = 24;
    static final int FOOTER_BYTES = FormatCodec.FOOTER_BYTES;

    private long[] fileOffsets;
    private int[] lengths;
    private int[] crcs;
    private int liveCount;

    KeyDirectory() {
        this(16);
    }

    private KeyDirectory(int capacity) {
        fileOffsets = new long[capacity];
        lengths = new int[capacity];
        crcs = new int[capacity];
    }

    /** Number of keys with a blob. */
    int liveCount() {
        return liveCount;
    }

    boolean contains(long key) {
        return key > 0 && key < fileOffsets.length && fileOffsets[(int) key] != 0;
    }

    /** File offset of the blob of {@code key}, or 0 if none. */
    long fileOffset(long key) {
        return key > 0 && key < fileOffsets.length ? fileOffsets[(int) key] : 0;
    }

    /** Length of the blob of {@code key}; only meaningful when {@link #contains}. */
    int length(long key) {
        return lengths[(int) key];
    }

    /** CRC32C of the blob of {@code key}; only meaningful when {@link #contains}. */
    int crc(long key) {
        return crcs[(int) key];
    }

    /**
     * Records the blob of {@code key} (1 <= key <= Integer.MAX_VALUE - 8, checked by the pager).
     *
     * @return whether the key already had a blob (an overwrite)
     */
    boolean put(long key, long fileOffset, int length, int crc) {
        int k = (int) key;
        if (k >= fileOffsets.length) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(k + 1L, 2L * fileOffsets.length));
            fileOffsets = Arrays.copyOf(fileOffsets, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            crcs = Arrays.copyOf(crcs, capacity);
        }
        boolean overwrite = fileOffsets[k] != 0;
        fileOffsets[k] = fileOffset;
        lengths[k] = length;
        crcs[k] = crc;
        if (!overwrite) {
            liveCount++;
        }
        return overwrite;
    }

    /** Removes the blob of {@code key}; returns whether there was one. */
    boolean remove(long key) {
        if (!contains(key)) {
            return false;
        }
        int k = (int) key;
        fileOffsets[k] = 0;
        lengths[k] = 0;
        crcs[k] = 0;
        liveCount--;
        return true;
    }

    /** Every key with a blob, ascending. */
    long[] liveKeys() {
        long[] keys = new long[liveCount];
        int n = 0;
        for (int k = 1; k < fileOffsets.length && n < keys.length; k++) {
            if (fileOffsets[k] != 0) {
                keys[n++] = k;
            }
        }
        return keys;
    }

    /** Bytes of the encoded directory blob for the current entries. */
    long encodedBytes() {
        return HEADER_BYTES + (long) ENTRY_BYTES * liveCount + FOOTER_BYTES;
    }

    /**
     * Encodes the directory blob (layout in the class comment).
     *
     * @return a heap buffer, position 0, limit = the blob length
     * @throws IllegalStateException if the directory would exceed 2 GiB
     */
    ByteBuffer encode() {
        long bytes = encodedBytes();
        if (bytes > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("key directory of " + liveCount + " entries exceeds 2 GiB");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        CODEC.writeHeader(b);
        b.putInt(OFF_COUNT, liveCount);
        int at = HEADER_BYTES;
        for (int k = 1; k < fileOffsets.length && at < HEADER_BYTES + (long) ENTRY_BYTES * liveCount; k++) {
            if (fileOffsets[k] != 0) {
                b.putLong(at + ENTRY_KEY, k).putLong(at + ENTRY_FILE_OFFSET, fileOffsets[k])
                        .putInt(at + ENTRY_LENGTH, lengths[k]).putInt(at + ENTRY_CRC, crcs[k]);
                at += ENTRY_BYTES;
            }
        }
        CODEC.writeFooter(b, at);
        return b;
    }

    /** The CRC32C footer value of an encoded directory blob (equal to the superblock's directoryCrc). */
    static int footerCrc(ByteBuffer encoded) {
        return encoded.order(ByteOrder.LITTLE_ENDIAN).getInt(encoded.limit() - FOOTER_BYTES);
    }

    /**
     * Decodes and validates a directory blob read from {@code directoryOffset}.
     *
     * @param blob            the whole blob (its length is the superblock's directoryLength)
     * @param expectedCrc     the superblock's directoryCrc
     * @param nextKey         every key must be in {@code [1, nextKey)}
     * @param dataStartOffset every blob must start at or after this file offset
     * @param appendOffset    every blob must end at or before this file offset
     * @param segmentBytes    every blob must lie inside one segment
     * @throws StoreCorruptedException    naming the file offset of the bad header, footer or entry
     * @throws UnsupportedFormatException if an intact directory has a version this build does not read
     */
    static KeyDirectory decode(Path file, long directoryOffset, byte[] blob, int expectedCrc, long nextKey,
                               long dataStartOffset, long appendOffset, int segmentBytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        FormatCodec.Corruption corruption = (offset, detail) -> new StoreCorruptedException(file, directoryOffset, detail);
        if (blob.length < HEADER_BYTES + FOOTER_BYTES) {
            throw corruption.at(0, "key directory of " + blob.length + " bytes is shorter than its header");
        }
        int footerAt = blob.length - FOOTER_BYTES;
        CODEC.checkHeader(b, file, directoryOffset, null, corruption, () -> {
            int crc = CODEC.checkFooter(b, footerAt, corruption);
            if (crc != expectedCrc) {
                throw corruption.at(footerAt, String.format("key directory CRC32C mismatch: the superblock expects 0x%08x,"
                        + " the directory's bytes and footer hold 0x%08x", expectedCrc, crc));
            }
        });
        int count = b.getInt(OFF_COUNT);
        if (count < 0 || HEADER_BYTES + (long) ENTRY_BYTES * count + FOOTER_BYTES != blob.length) {
            throw new StoreCorruptedException(file, directoryOffset, "key directory entry count " + count
                    + " does not match its length of " + blob.length + " bytes");
        }
        long lastKey = 0;
        if (count > 0) {
            lastKey = b.getLong(HEADER_BYTES + ENTRY_BYTES * (count - 1) + ENTRY_KEY);
            if (lastKey < 1 || lastKey >= nextKey) {
                throw new StoreCorruptedException(file, directoryOffset + HEADER_BYTES + (long) ENTRY_BYTES * (count - 1),
                        "key directory entry key " + lastKey + " outside [1, " + nextKey + ")");
            }
        }
        KeyDirectory dir = new KeyDirectory((int) Math.max(16, lastKey + 1));
        long previousKey = 0;
        for (int i = 0; i < count; i++) {
            int at = HEADER_BYTES + ENTRY_BYTES * i;
            long entryFileOffset = directoryOffset + at;
            long key = b.getLong(at + ENTRY_KEY);
            long offset = b.getLong(at + ENTRY_FILE_OFFSET);
            int length = b.getInt(at + ENTRY_LENGTH);
            int crc = b.getInt(at + ENTRY_CRC);
            if (key <= previousKey || key >= nextKey) {
                throw new StoreCorruptedException(file, entryFileOffset, "key directory entry " + i + ": key " + key
                        + " not ascending (previous " + previousKey + ") or outside [1, " + nextKey + ")");
            }
            if (length < 0 || length > segmentBytes) {
                throw new StoreCorruptedException(file, entryFileOffset, "key directory entry " + i + " (key " + key
                        + "): length " + length + " outside [0, " + segmentBytes + "]");
            }
            if (offset < dataStartOffset || offset > appendOffset - length) {
                throw new StoreCorruptedException(file, entryFileOffset, "key directory entry " + i + " (key " + key
                        + "): blob [" + offset + ", +" + length + ") outside the data region [" + dataStartOffset
                        + ", " + appendOffset + ")");
            }
            if (length > 0 && (offset & (segmentBytes - 1)) + length > segmentBytes) {
                throw new StoreCorruptedException(file, entryFileOffset, "key directory entry " + i + " (key " + key
                        + "): blob [" + offset + ", +" + length + ") crosses a segment boundary (segment "
                        + segmentBytes + " bytes)");
            }
            dir.put(key, offset, length, crc);
            previousKey = key;
        }
        return dir;
    }
}
