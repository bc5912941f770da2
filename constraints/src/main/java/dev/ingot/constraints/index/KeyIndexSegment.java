package dev.ingot.constraints.index;

import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
    private final KeyRun run;
    private final KeyRunSearch search;
    private final KeyIndexPartition[] partitions;
    private final byte mode;
    private final int bits;
    private final long keyCount;
    private final long bytes;

    private KeyIndexSegment(KeyRun run, KeyRunSearch search, KeyIndexPartition[] partitions, long bytes) {
        this.run = run;
        this.search = search;
        this.partitions = partitions;
        this.mode = partitions.length == 0 ? KeyIndexPartition.MODE_EXACT : partitions[0].mode;
        this.bits = partitions.length == 0 ? 0 : partitions[0].partitionBits;
        long keys = run == null ? 0 : run.rows;
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
        return open(partitionBlobs, file, where, 0, KeyRunSearch.NONE);
    }

    /**
     * Validates and opens one segment: an optional {@link KeyRun sorted run} blob first, then its
     * hash partitions (none when the run covers every row of the segment); each blob's magic,
     * CRC32C, version and header fields are checked, and the partitions must form one segment.
     *
     * @param blobs       the segment's blobs in order, as {@link KeyIndexWriter#finish()} returned them
     * @param file        the store file, for messages
     * @param where       what holds the segment, for messages
     * @param keyColumns  the key's column count (a run exists only for keys of 1 or 2 integer-like
     *                    columns; 0 = unknown, any run is refused)
     * @param search      finds run keys in the table's stored key columns
     * @throws StoreCorruptedException if a blob is damaged or they do not form one segment;
     *                                 the message names the file, {@code where}, blob and offset
     * @throws dev.ingot.pager.UnsupportedFormatException for an intact blob of another format version
     */
    public static KeyIndexSegment open(List<ByteBuffer> blobs, Path file, String where, int keyColumns, KeyRunSearch search)
            throws IOException {
        return open(blobs, file, where, keyColumns, search, true);
    }

    /**
     * As {@link #open(List, Path, String, int, KeyRunSearch)}; with {@code checksums} false the
     * blobs' CRC32Cs are not recomputed, for blobs that passed {@link #checkBlob} before in the
     * same open store (a segment of 2^b partitions of up to 32 MiB each is otherwise read in full
     * at every open); magic, version and every header field are still validated.
     */
    public static KeyIndexSegment open(List<ByteBuffer> blobs, Path file, String where, int keyColumns, KeyRunSearch search,
                                       boolean checksums) throws IOException {
        Objects.requireNonNull(search, "search");
        if (blobs.isEmpty()) {
            throw new StoreCorruptedException(file, -1, where + ": a key index segment without partitions");
        }
        KeyRun run = null;
        int from = 0;
        long bytes = 0;
        if (KeyRun.isRun(blobs.get(0))) {
            if (keyColumns != 1 && keyColumns != 2) {
                throw new StoreCorruptedException(file, -1, where + ": a sorted run for a key that cannot have one ("
                        + keyColumns + " integer-like columns)");
            }
            run = KeyRun.open(blobs.get(0), keyColumns, file, where + " sorted run", checksums);
            bytes += blobs.get(0).remaining();
            from = 1;
        }
        KeyIndexPartition[] parts = new KeyIndexPartition[blobs.size() - from];
        for (int i = 0; i < parts.length; i++) {
            ByteBuffer blob = blobs.get(from + i);
            bytes += blob.remaining();
            KeyIndexPartition p = KeyIndexPartition.open(blob, file, where + " partition " + i, checksums);
            if (p.partition != i || (1 << p.partitionBits) != parts.length || (i > 0 && p.mode != parts[0].mode)) {
                throw new StoreCorruptedException(file, -1, where + " partition " + i + ": says partition " + p.partition + " of "
                        + (1 << p.partitionBits) + " in mode " + p.mode + ", expected partition " + i + " of " + parts.length
                        + (i > 0 ? " in mode " + parts[0].mode : ""));
            }
            parts[i] = p;
        }
        return new KeyIndexSegment(run, search, parts, bytes);
    }

    /**
     * Checks one blob of a segment in full, as {@link #open} does before reading it: its magic and
     * the CRC32C footer over every byte (a sorted run's or a partition's, by its magic).
     *
     * @param where what holds the segment, for messages
     * @param part  the blob's number in the segment (0 is its sorted run when it has one), for messages
     * @throws StoreCorruptedException naming the file, {@code where}, the blob and the offset of the damage
     */
    public static void checkBlob(ByteBuffer blob, Path file, String where, int part) throws IOException {
        boolean run = KeyRun.isRun(blob);
        FormatCodec codec = run ? KeyRun.CODEC : KeyIndexPartition.CODEC;
        String name = where + (run ? " sorted run" : " blob " + part);
        ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        FormatCodec.Corruption corruption = (offset, detail) -> new StoreCorruptedException(file, -1, name + " at offset " + offset
                + ": " + detail);
        if (length < codec.headerBytes() + FormatCodec.FOOTER_BYTES) {
            throw corruption.at(0, "key index blob of " + length + " bytes is shorter than its header and footer");
        }
        codec.checkHeader(b, file, -1, name, corruption, () -> codec.checkFooter(b, length - FormatCodec.FOOTER_BYTES, corruption));
    }

    /** The segment's sorted run, or null. */
    KeyRun run() {
        return run;
    }

    /** The first row id of the segment's sorted run (-1 without one). */
    public long sortedRunFirstRowId() {
        return run == null ? -1 : run.firstRowId;
    }

    /** Rows of the segment's sorted run (0 without one). */
    public long sortedRunRows() {
        return run == null ? 0 : run.rows;
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

    /**
     * {@inheritDoc} The hash partitions first (their rows come after the run's, so a key deleted in
     * the run and inserted again is found at its newer row), then the run: a key outside the run's
     * first and last key is a miss without reading anything, one inside goes to the
     * {@link KeyRunSearch}.
     */
    @Override
    public long find(IndexKeys probe) {
        long r = partitions.length == 0 ? -1 : findHashed(probe);
        if (r >= 0 || run == null) {
            return r;
        }
        long a = probe.currentA();
        long b = probe.currentB();
        return run.mayHold(a, b) ? search.find(a, b, run.firstRowId, run.endRowId()) : -1;
    }

    private long findHashed(IndexKeys probe) {
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

    /** Every (row id) of the segment, for merging and checks; unordered (the run's rows first). */
    public long[] rowIds() {
        long[] out = new long[Math.toIntExact(keyCount)];
        int[] n = {0};
        for (long r = 0; run != null && r < run.rows; r++) {
            out[n[0]++] = run.firstRowId + r;
        }
        List<KeyIndexPartition> ps = new ArrayList<>(List.of(partitions));
        for (KeyIndexPartition p : ps) {
            p.forEach((slotKey, rowId, heapOffset) -> out[n[0]++] = rowId);
        }
        return out;
    }

    @Override
    public String toString() {
        return "KeyIndexSegment[" + keyCount + " keys, " + (run == null ? "" : run + ", ") + partitions.length + " partitions, " + bytes + " bytes, "
                + (exact() ? "EXACT" : "HASHED") + "]";
    }
}
