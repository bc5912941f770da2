package dev.ingot.constraints.index;

import dev.ingot.constraints.hash.Hashing;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * One partition of a persisted key index segment: an open-addressing table (linear probing over a
 * power-of-two slot count, MurmurHash3's {@code fmix64} as the mix, as Agrona's {@code LongHashSet})
 * mapping keys of one PRIMARY KEY or UNIQUE constraint to row ids, stored as one pager blob and
 * probed in place (a mapped buffer, absolute little-endian reads; nothing is copied).
 *
 * <p>Layout (little-endian; framed by {@link FormatCodec}: magic {@code "INGOTKIX"}, version 1,
 * CRC32C footer over every byte before it):
 * <pre>
 * offset              size          field
 * 0                   8             magic "INGOTKIX"
 * 8                   2             format version (1)
 * 10                  1             mode: 1 = EXACT (slot key = the key's exact long form),
 *                                         2 = HASHED (slot key = hash of the key bytes, bytes in the heap)
 * 11                  1             partition bits b: the segment has 2^b partitions; a key's partition is
 *                                   the top b bits of fmix64(slot key)
 * 12                  4             partition number, in [0, 2^b)
 * 16                  4             slot shift s: 2^s slots (s in [4, 30]); a key's first slot is
 *                                   fmix64(slot key) &amp; (2^s - 1), then the next slots in order (wrapping)
 * 20                  4             reserved, 0
 * 24                  8             key count (&lt; 2^s)
 * 32                  8             heap bytes h (0 in EXACT mode)
 * 40                  8             reserved, 0
 * 48                  2^s * w       slots, w = 16 (EXACT) or 24 (HASHED):
 *                                     +0  8  slot key (exact long form, or 64-bit hash of the bytes)
 *                                     +8  8  row id + 1 (0 = empty slot)
 *                                     +16 8  HASHED only: offset of the key in the heap
 * 48 + 2^s * w        h             heap (HASHED): per key a 4-byte length n, then n key bytes
 * 48 + 2^s * w + h    4             CRC32C of bytes [0, 48 + 2^s * w + h)
 * </pre>
 *
 * <p>Why this layout: a point lookup or a duplicate/foreign-key probe touches one slot run (one or
 * two cache lines at load factor 3/4) and, for HASHED keys, one heap entry; integer keys (and pairs
 * of 32-bit integers, such as TPC-H's composite keys) need no key bytes at all (16 bytes a slot, about
 * 21-43 bytes a key on disk); keys are verified in the index itself, never against the stored
 * columns, so a probe never reads a chunk.
 *
 * <p>Thread-safety: immutable once validated; any number of threads may probe.
 */
final class KeyIndexPartition {
    static final FormatCodec CODEC = FormatCodec.of("key index partition", "INGOTKIX", 2, 1, 1);

    static final int OFF_MODE = 10;
    static final int OFF_PARTITION_BITS = 11;
    static final int OFF_PARTITION = 12;
    static final int OFF_SLOT_SHIFT = 16;
    static final int OFF_KEY_COUNT = 24;
    static final int OFF_HEAP_BYTES = 32;
    static final int HEADER_BYTES = 48;

    static final byte MODE_EXACT = 1;
    static final byte MODE_HASHED = 2;
    static final int MIN_SLOT_SHIFT = 4;
    static final int MAX_SLOT_SHIFT = 30;

    /** Slot bytes of a mode. */
    static int slotBytes(byte mode) {
        return mode == MODE_EXACT ? 16 : 24;
    }

    /** The mix of a slot key: its top bits pick the partition, its low bits the first slot. */
    static long mix(long slotKey) {
        return Hashing.fmix64(slotKey);
    }

    /** The partition of a mixed key among {@code 2^bits}. */
    static int partitionOf(long mix, int bits) {
        return bits == 0 ? 0 : (int) (mix >>> (64 - bits));
    }

    private final ByteBuffer b;
    final byte mode;
    final int partitionBits;
    final int partition;
    final int slotShift;
    final long keyCount;
    private final int slotBytes;
    private final long mask;
    private final int heapStart;
    private final int heapBytes;

    private KeyIndexPartition(ByteBuffer b, byte mode, int partitionBits, int partition, int slotShift, long keyCount,
                              int heapBytes) {
        this.b = b;
        this.mode = mode;
        this.partitionBits = partitionBits;
        this.partition = partition;
        this.slotShift = slotShift;
        this.keyCount = keyCount;
        this.slotBytes = slotBytes(mode);
        this.mask = (1L << slotShift) - 1;
        this.heapStart = HEADER_BYTES + (slotBytes << slotShift);
        this.heapBytes = heapBytes;
    }

    /**
     * Validates a partition blob: magic, CRC32C, version, then every header field against the blob's
     * length, before any slot is read.
     *
     * @param blob  the blob (position 0 .. limit); not modified
     * @param file  the store file, for messages
     * @param where what holds the partition, e.g. {@code "key index orders_pk segment 2 partition 0"}
     * @throws StoreCorruptedException naming the file, {@code where} and the offset of the bad field
     * @throws dev.ingot.pager.UnsupportedFormatException for an intact partition of another version
     */
    static KeyIndexPartition open(ByteBuffer blob, Path file, String where) throws IOException {
        return open(blob, file, where, true);
    }

    /**
     * As {@link #open(ByteBuffer, Path, String)}; without {@code checksum} the CRC32C is not
     * recomputed (the blob was checked before, see {@link KeyIndexSegment#checkBlob}), while the
     * magic, version and every header field still are, so a damaged length never reaches a read.
     */
    static KeyIndexPartition open(ByteBuffer blob, Path file, String where, boolean checksum) throws IOException {
        ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        FormatCodec.Corruption corruption = (offset, detail) -> corrupt(file, where, offset, detail);
        if (length < HEADER_BYTES + FormatCodec.FOOTER_BYTES) {
            throw corrupt(file, where, 0, "key index partition of " + length + " bytes is shorter than its header and footer");
        }
        FormatCodec.Checksum footer = () -> CODEC.checkFooter(b, length - FormatCodec.FOOTER_BYTES, corruption);
        if (checksum) {
            CODEC.checkHeader(b, file, -1, where, corruption, footer);
        } else {
            CODEC.checkHeaderUnverified(b, file, -1, where, corruption, footer);
        }
        byte mode = b.get(OFF_MODE);
        if (mode != MODE_EXACT && mode != MODE_HASHED) {
            throw corrupt(file, where, OFF_MODE, "mode " + mode + ", expected 1 (EXACT) or 2 (HASHED)");
        }
        int bits = b.get(OFF_PARTITION_BITS);
        if (bits < 0 || bits > 20) {
            throw corrupt(file, where, OFF_PARTITION_BITS, "partition bits " + bits + ", expected 0..20");
        }
        int partition = b.getInt(OFF_PARTITION);
        if (partition < 0 || partition >= (1 << bits)) {
            throw corrupt(file, where, OFF_PARTITION, "partition " + partition + " of " + (1 << bits));
        }
        int shift = b.getInt(OFF_SLOT_SHIFT);
        if (shift < MIN_SLOT_SHIFT || shift > MAX_SLOT_SHIFT) {
            throw corrupt(file, where, OFF_SLOT_SHIFT, "slot shift " + shift + ", expected " + MIN_SLOT_SHIFT + ".." + MAX_SLOT_SHIFT);
        }
        long keys = b.getLong(OFF_KEY_COUNT);
        if (keys < 0 || keys >= (1L << shift)) {
            throw corrupt(file, where, OFF_KEY_COUNT, "key count " + keys + " for " + (1L << shift) + " slots");
        }
        long heap = b.getLong(OFF_HEAP_BYTES);
        long expected = HEADER_BYTES + ((long) slotBytes(mode) << shift) + heap + FormatCodec.FOOTER_BYTES;
        if (heap < 0 || (mode == MODE_EXACT && heap != 0) || expected != length) {
            throw corrupt(file, where, OFF_HEAP_BYTES, "heap of " + heap + " bytes with " + (1L << shift) + " slots of mode "
                    + mode + " needs a blob of " + expected + " bytes, blob has " + length);
        }
        return new KeyIndexPartition(b, mode, bits, partition, shift, keys, (int) heap);
    }

    private static StoreCorruptedException corrupt(Path file, String where, long offset, String detail) {
        return new StoreCorruptedException(file, -1, where + " at offset " + offset + ": " + detail);
    }

    /** The row id stored for the exact key {@code exact} (mode EXACT), or -1. */
    long findExact(long exact, long mix) {
        long i = mix & mask;
        while (true) {
            int at = HEADER_BYTES + (int) (i << 4);
            long rid = b.getLong(at + 8);
            if (rid == 0) {
                return -1;
            }
            if (b.getLong(at) == exact) {
                return rid - 1;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * The row id stored for the key {@code key[0, length)} whose hash is {@code hash} (mode HASHED),
     * or -1. Heap offsets are covered by the CRC checked at {@link #open}; an entry outside the
     * heap all the same raises {@link IndexOutOfBoundsException}, never a read outside the blob.
     */
    long findHashed(long hash, long mix, byte[] key, int length) {
        long i = mix & mask;
        while (true) {
            int at = HEADER_BYTES + (int) (i * 24);
            long rid = b.getLong(at + 8);
            if (rid == 0) {
                return -1;
            }
            if (b.getLong(at) == hash && heapEquals(b.getLong(at + 16), key, length)) {
                return rid - 1;
            }
            i = (i + 1) & mask;
        }
    }

    private boolean heapEquals(long heapOffset, byte[] key, int length) {
        if (heapOffset < 0 || heapOffset > heapBytes - 4L) {
            throw new IndexOutOfBoundsException("heap offset " + heapOffset + " outside a heap of " + heapBytes + " bytes");
        }
        int at = heapStart + (int) heapOffset;
        int n = b.getInt(at);
        if (n != length) {
            return false;
        }
        if (n < 0 || at + 4L + n > heapStart + (long) heapBytes) {
            throw new IndexOutOfBoundsException("heap entry at " + heapOffset + " of " + n + " bytes outside a heap of " + heapBytes + " bytes");
        }
        for (int k = 0; k < n; k++) {
            if (b.get(at + 4 + k) != key[k]) {
                return false;
            }
        }
        return true;
    }

    /** Number of slots. */
    long slotCount() {
        return 1L << slotShift;
    }

    /** Calls {@code sink} with (slot key, row id, heap offset or -1) of every occupied slot. */
    void forEach(SlotSink sink) {
        long n = 1L << slotShift;
        for (long i = 0; i < n; i++) {
            int at = HEADER_BYTES + (int) (i * slotBytes);
            long rid = b.getLong(at + 8);
            if (rid != 0) {
                sink.accept(b.getLong(at), rid - 1, mode == MODE_HASHED ? b.getLong(at + 16) : -1);
            }
        }
    }

    /** The key bytes of a heap entry (HASHED), as a new array. */
    byte[] heapKey(long heapOffset) {
        int at = heapStart + (int) heapOffset;
        byte[] k = new byte[b.getInt(at)];
        b.get(at + 4, k);
        return k;
    }

    /** Receives one occupied slot. */
    @FunctionalInterface
    interface SlotSink {
        void accept(long slotKey, long rowId, long heapOffset);
    }
}
