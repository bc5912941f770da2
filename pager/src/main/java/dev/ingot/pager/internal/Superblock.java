package dev.ingot.pager.internal;

import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * One decoded superblock: the root of a committed state of a {@link MappedPager} store, and the
 * owner of its byte layout (one per 4096-byte slot; bytes 104..4095 of the slot are zero).
 * Framed by {@link #CODEC}: magic, version, CRC32C footer. Little-endian:
 * <pre>
 * offset  size  field                 constant
 * 0       8     magic "INGOTSB1"      OFF_MAGIC (ASCII in file order; the little-endian long 0x314253544f474e49)
 * 8       4     format version = 1    OFF_VERSION
 * 12      4     segmentBytes          OFF_SEGMENT_BYTES (power of two, 1 MiB .. 1 GiB)
 * 16      8     epoch                 OFF_EPOCH (0 = new store; +1 per commit)
 * 24      8     nextKey               OFF_NEXT_KEY: the next key allocMany hands out (keys start at 1)
 * 32      8     appendOffset          OFF_APPEND_OFFSET: end of the used data region (file offset)
 * 40      8     directoryOffset       OFF_DIRECTORY_OFFSET: file offset of the key directory blob (0 = none yet)
 * 48      8     directoryLength       OFF_DIRECTORY_LENGTH: bytes of the key directory blob (0 = none yet)
 * 56      4     directoryCrc          OFF_DIRECTORY_CRC: CRC32C of the directory blob without its footer
 * 60      32    rootKeys[4]           OFF_ROOT_KEYS (8 bytes each; 0 = no key)
 * 92      8     dataStartOffset       OFF_DATA_START (file offset where the data region begins)
 * 100     4     CRC32C of [0, 100)    OFF_CRC (the codec's footer)
 * </pre>
 * Decoding checks magic, CRC and version in that order (a superblock of a newer format raises
 * {@link dev.ingot.pager.FormatTooNewException}, never a fall back to the other slot); field
 * values are checked by {@link #validate}.
 *
 * <p>Thread-safety: immutable (the root key array is copied in and out).
 *
 * @param segmentBytes      segment size of the store, bytes (power of two, 1 MiB to 1 GiB)
 * @param dataStartOffset   file offset where the data region begins, bytes
 * @param epoch             commit epoch (0 for a new store)
 * @param nextKey           the next physical key {@code allocMany} hands out ({@code >= 1})
 * @param appendOffset      end of the used data region, file offset in bytes
 * @param directoryOffset   file offset of the key directory blob (0 if the store never committed)
 * @param directoryLength   length of the key directory blob in bytes (0 if none)
 * @param directoryCrc      CRC32C of the directory blob without its footer (equal to the footer)
 * @param rootKeys          the {@link Pager#ROOT_SLOTS} root keys
 */
record Superblock(int segmentBytes, long dataStartOffset, long epoch, long nextKey, long appendOffset,
                  long directoryOffset, long directoryLength, int directoryCrc, long[] rootKeys) {

    /** The superblock's framing: magic "INGOTSB1" (8 bytes), version (4 bytes), versions 1 to 1. */
    static final FormatCodec CODEC = FormatCodec.of("superblock", "INGOTSB1", 4, 1, 1);
    /** "INGOTSB1" read as a little-endian long, so a hex dump of the file shows the text. */
    static final long MAGIC = CODEC.magic();

    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = 8;
    static final int OFF_SEGMENT_BYTES = 12;
    static final int OFF_EPOCH = 16;
    static final int OFF_NEXT_KEY = 24;
    static final int OFF_APPEND_OFFSET = 32;
    static final int OFF_DIRECTORY_OFFSET = 40;
    static final int OFF_DIRECTORY_LENGTH = 48;
    static final int OFF_DIRECTORY_CRC = 56;
    static final int OFF_ROOT_KEYS = 60;
    static final int OFF_DATA_START = OFF_ROOT_KEYS + 8 * Pager.ROOT_SLOTS; // 92
    static final int OFF_CRC = OFF_DATA_START + 8; // 100
    /** Bytes covered by the structure including its CRC; the rest of the 4096-byte slot is zero. */
    static final int ENCODED_BYTES = OFF_CRC + 4; // 104

    Superblock {
        rootKeys = rootKeys.clone();
        if (rootKeys.length != Pager.ROOT_SLOTS) {
            throw new IllegalArgumentException("need " + Pager.ROOT_SLOTS + " root keys: " + rootKeys.length);
        }
    }

    @Override
    public long[] rootKeys() {
        return rootKeys.clone();
    }

    /** The superblock of a new store: epoch 0, no directory, first key 1. */
    static Superblock initial(int segmentBytes, long dataStartOffset) {
        return new Superblock(segmentBytes, dataStartOffset, 0, 1, dataStartOffset, 0, 0, 0, new long[Pager.ROOT_SLOTS]);
    }

    /** File offset of the slot a superblock of {@code epoch} is written to: slot {@code epoch % 2}. */
    static long slotOffset(long epoch) {
        return (epoch & 1) * PagerOptions.SUPERBLOCK_BYTES;
    }

    /** A whole 4096-byte slot image, position 0, limit 4096. */
    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(PagerOptions.SUPERBLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        CODEC.writeHeader(b);
        b.putInt(OFF_SEGMENT_BYTES, segmentBytes);
        b.putLong(OFF_EPOCH, epoch);
        b.putLong(OFF_NEXT_KEY, nextKey);
        b.putLong(OFF_APPEND_OFFSET, appendOffset);
        b.putLong(OFF_DIRECTORY_OFFSET, directoryOffset);
        b.putLong(OFF_DIRECTORY_LENGTH, directoryLength);
        b.putInt(OFF_DIRECTORY_CRC, directoryCrc);
        for (int i = 0; i < Pager.ROOT_SLOTS; i++) {
            b.putLong(OFF_ROOT_KEYS + 8 * i, rootKeys[i]);
        }
        b.putLong(OFF_DATA_START, dataStartOffset);
        CODEC.writeFooter(b, OFF_CRC);
        return b;
    }

    /**
     * Decodes and checks magic, CRC and version of the slot image {@code slot} (4096 bytes) read
     * from file offset {@code slotOffset}. Field values are checked by {@link #validate}.
     *
     * @throws StoreCorruptedException    naming the slot offset and what did not match
     * @throws UnsupportedFormatException if an intact superblock has a version this build does not read
     */
    static Superblock decode(Path file, long slotOffset, byte[] slot) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
        FormatCodec.Corruption corruption = (offset, detail) -> new StoreCorruptedException(file, slotOffset, detail);
        CODEC.checkHeader(b, file, slotOffset, null, corruption, () -> CODEC.checkFooter(b, OFF_CRC, corruption));
        long[] roots = new long[Pager.ROOT_SLOTS];
        for (int i = 0; i < roots.length; i++) {
            roots[i] = b.getLong(OFF_ROOT_KEYS + 8 * i);
        }
        return new Superblock(b.getInt(OFF_SEGMENT_BYTES), b.getLong(OFF_DATA_START), b.getLong(OFF_EPOCH),
                b.getLong(OFF_NEXT_KEY), b.getLong(OFF_APPEND_OFFSET), b.getLong(OFF_DIRECTORY_OFFSET),
                b.getLong(OFF_DIRECTORY_LENGTH), b.getInt(OFF_DIRECTORY_CRC), roots);
    }

    /**
     * Checks that every field is in range and consistent with a file of {@code fileLength} bytes.
     *
     * @param maxNextKey the largest next-key value this implementation can index
     * @throws StoreCorruptedException naming the slot offset and the bad field
     */
    void validate(Path file, long slotOffset, long fileLength, long maxNextKey) throws StoreCorruptedException {
        if (segmentBytes < (1 << 20) || segmentBytes > (1 << 30) || Integer.bitCount(segmentBytes) != 1) {
            throw bad(file, slotOffset, "segmentBytes " + segmentBytes + " is not a power of two in [1 MiB, 1 GiB]");
        }
        if (dataStartOffset < 2L * PagerOptions.SUPERBLOCK_BYTES || dataStartOffset % PagerOptions.SUPERBLOCK_BYTES != 0) {
            throw bad(file, slotOffset, "dataStartOffset " + dataStartOffset + " is not a multiple of 4096 >= 8192");
        }
        if (epoch < 0) {
            throw bad(file, slotOffset, "negative epoch " + epoch);
        }
        if (nextKey < 1 || nextKey > maxNextKey) {
            throw bad(file, slotOffset, "nextKey " + nextKey + " outside [1, " + maxNextKey + "]");
        }
        if (appendOffset < dataStartOffset) {
            throw bad(file, slotOffset, "appendOffset " + appendOffset + " below dataStartOffset " + dataStartOffset);
        }
        if (appendOffset > fileLength) {
            throw new StoreCorruptedException(file, fileLength, "file is " + fileLength
                    + " bytes but the committed data region ends at " + appendOffset + " (file truncated)");
        }
        if (directoryLength == 0) {
            if (directoryOffset != 0 || directoryCrc != 0) {
                throw bad(file, slotOffset, "empty directory with offset " + directoryOffset + " and CRC " + directoryCrc);
            }
        } else {
            if (directoryLength < KeyDirectory.HEADER_BYTES + KeyDirectory.FOOTER_BYTES
                    || directoryLength > Integer.MAX_VALUE - 64
                    || (directoryLength - KeyDirectory.HEADER_BYTES - KeyDirectory.FOOTER_BYTES)
                            % KeyDirectory.ENTRY_BYTES != 0) {
                throw bad(file, slotOffset, "directoryLength " + directoryLength + " is not 20 + 24 * entries");
            }
            if (directoryOffset < dataStartOffset || directoryOffset > appendOffset - directoryLength) {
                throw bad(file, slotOffset, "directory [" + directoryOffset + ", +" + directoryLength
                        + ") outside the data region [" + dataStartOffset + ", " + appendOffset + ")");
            }
        }
        for (int i = 0; i < rootKeys.length; i++) {
            if (rootKeys[i] < 0 || rootKeys[i] >= nextKey) {
                throw bad(file, slotOffset, "root key " + i + " = " + rootKeys[i] + " outside [0, " + nextKey + ")");
            }
        }
    }

    private static StoreCorruptedException bad(Path file, long slotOffset, String detail) {
        return new StoreCorruptedException(file, slotOffset, "superblock field out of range: " + detail);
    }
}
