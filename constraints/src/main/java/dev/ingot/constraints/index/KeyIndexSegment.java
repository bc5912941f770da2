package dev.ingot.constraints.index;

import dev.ingot.pager.StoreCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored segment of a persisted key index: the keys of one PRIMARY KEY or UNIQUE constraint
 * among the rows of one append (or of a whole table after compaction) with their row ids, as
 * {@code 2^b} partitions of the layout drawn in {@link KeyIndexPartition}, probed in place in the
 * buffers the pager hands out (mapped memory; nothing is copied or materialised).
 *
 * <p>Thread-safety: immutable; any number of threads may probe at once.
 *
 * <p>Ownership: the buffers belong to the pager (or whoever gave them); the segment is valid while
 * they are (for a store, until it is closed).
 */
public final class KeyIndexSegment implements KeyIndexSource {
    private final KeyIndexPartition[] partitions;
    private final byte mode;
    private final int bits;
    private final long keyCount;
    private final long bytes;

    private KeyIndexSegment(KeyIndexPartition[] partitions, long bytes) {
        this.partitions = partitions;
        this.mode = partitions[0].mode;
        this.bits = partitions[0].partitionBits;
        long keys = 0;
        for (KeyIndexPartition p : partitions) {
            keys += p.keyCount;
        }
        this.keyCount = keys;
        this.bytes = bytes;
    }

    /**
     * Validates and opens the partitions of one segment (each: magic, CRC32C, version, header fields
     * against its length; together: one mode, one partition count, partitions in order).
     *
     * @param partitionBlobs the partition blobs in partition order, as {@link KeyIndexWriter#finish()}
     *                       returned them and the pager gives them back
     * @param file           the store file, for messages
     * @param where          what holds the segment, e.g. {@code "table orders key index orders_pk segment 0"}
     * @throws StoreCorruptedException if a partition is damaged or they do not form one segment;
     *                                 the message names the file, {@code where}, partition and offset
     * @throws dev.ingot.pager.UnsupportedFormatException for an intact partition of another format version
     */
    public static KeyIndexSegment open(List<ByteBuffer> partitionBlobs, Path file, String where) throws IOException {
        if (partitionBlobs.isEmpty()) {
            throw new StoreCorruptedException(file, -1, where + ": a key index segment without partitions");
        }
        KeyIndexPartition[] parts = new KeyIndexPartition[partitionBlobs.size()];
        long bytes = 0;
        for (int i = 0; i < parts.length; i++) {
            ByteBuffer blob = partitionBlobs.get(i);
            bytes += blob.remaining();
            KeyIndexPartition p = KeyIndexPartition.open(blob, file, where + " partition " + i);
            if (p.partition != i || (1 << p.partitionBits) != parts.length || (i > 0 && p.mode != parts[0].mode)) {
                throw new StoreCorruptedException(file, -1, where + " partition " + i + ": says partition " + p.partition + " of "
                        + (1 << p.partitionBits) + " in mode " + p.mode + ", expected partition " + i + " of " + parts.length
                        + (i > 0 ? " in mode " + parts[0].mode : ""));
            }
            parts[i] = p;
        }
        return new KeyIndexSegment(parts, bytes);
    }

    /** Keys in the segment. */
    public long keyCount() {
        return keyCount;
    }

    /** Bytes of all partitions on disk. */
    public long bytes() {
        return bytes;
    }

    /** Number of partitions (blobs). */
    public int partitionCount() {
        return partitions.length;
    }

    /** Whether keys are stored in their exact long form (else hashed, with their bytes). */
    public boolean exact() {
        return mode == KeyIndexPartition.MODE_EXACT;
    }

    @Override
    public long find(IndexKeys probe) {
        if (mode == KeyIndexPartition.MODE_EXACT) {
            if (!probe.currentHasExact()) {
                return -1;
            }
            long exact = probe.currentExact();
            long mix = KeyIndexPartition.mix(exact);
            return partitions[KeyIndexPartition.partitionOf(mix, bits)].findExact(exact, mix);
        }
        int len = probe.currentBytes();
        long hash = probe.currentHash();
        long mix = KeyIndexPartition.mix(hash);
        return partitions[KeyIndexPartition.partitionOf(mix, bits)].findHashed(hash, mix, probe.bytes(), len);
    }

    /** Every (row id) of the segment, for merging and checks; unordered. */
    public long[] rowIds() {
        long[] out = new long[Math.toIntExact(keyCount)];
        int[] n = {0};
        List<KeyIndexPartition> ps = new ArrayList<>(List.of(partitions));
        for (KeyIndexPartition p : ps) {
            p.forEach((slotKey, rowId, heapOffset) -> out[n[0]++] = rowId);
        }
        return out;
    }

    @Override
    public String toString() {
        return "KeyIndexSegment[" + keyCount + " keys, " + partitions.length + " partitions, " + bytes + " bytes, "
                + (exact() ? "EXACT" : "HASHED") + "]";
    }
}
