package dev.ingot.constraints.index;

import static dev.ingot.constraints.index.KeyIndexPartition.HEADER_BYTES;
import static dev.ingot.constraints.index.KeyIndexPartition.MODE_EXACT;
import static dev.ingot.constraints.index.KeyIndexPartition.MODE_HASHED;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.hash.Hashing;
import dev.ingot.constraints.internal.KeyRowEncoder;
import dev.ingot.constraints.internal.KeyVectors;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.FieldVector;

/**
 * Builds the hash partitions of one persisted key index segment (the layout of
 * {@link KeyIndexPartition}) from key columns that can be read more than once, such as a committed
 * table's stored key columns, in bounded memory. A fresh load builds no index beside its key sets
 * while rows arrive: a {@link KeyIndexWriter#runOnly run-only writer} keeps the sorted run, and at
 * the commit this builder hashes the rows after it (for TPC-H, partsupp's keys).
 *
 * <p>How: a first pass over the rows counts the keys (and, in HASHED mode, their heap bytes) per
 * {@code 2^}{@value #HISTOGRAM_BITS} buckets of their mix's top bits; from the counts it picks the
 * fewest partitions whose every slot table stays within {@link #MAX_PARTITION_BYTES}
 * (and heap within 3/4 of it)
 * and sizes each partition exactly (the smallest power-of-two slot count holding its keys at the
 * load factor 3/4), so no partition ever grows or is rehashed. Then each further pass reads the rows
 * again and fills as many consecutive partitions as fit in {@code passBytes} (at least one; EXACT
 * keys are first grouped by partition in a buffer of 16 bytes a key, then inserted one partition at
 * a time, so the inserts hit a slot table the caches hold), which
 * {@link #next()} hands out one at a time; a pass's memory is freed when the next pass starts.
 * EXACT keys whose (key, row id) pairs take at most a quarter of {@code passBytes} (16 bytes a
 * key; partsupp's 800,000 keys at SF1 take 12.8 MB) are kept off-heap by the counting read, and
 * the passes group them from there instead of reading the rows again; the builder then holds at
 * most {@code 1.25 * passBytes} at once. Where they take more (found while counting, or the
 * allocator refuses them), the kept pairs are freed and each pass reads the rows again. A key
 * of one or two integer columns is EXACT unless a pair lies outside {@code [0, 2^32)} (then the
 * first pass counts again in HASHED mode), as in {@link KeyIndexWriter}; the blobs are those a
 * writer given the same rows would build, with partitions sized for their real counts.
 *
 * <p>Rows with a NULL key column are not indexed. The rows must hold no key twice (the load's key
 * sets proved it); a duplicate found all the same is an {@link IllegalStateException}.
 *
 * <p>Thread-safety: not thread-safe; one thread. Ownership: memory comes from the allocator given;
 * a blob from {@link #next()} is valid until the next call or {@link #close()}, which frees
 * everything and is idempotent.
 */
public final class KeyIndexBuilder implements AutoCloseable {
    /**
     * Largest slot table of a partition this builder makes, bytes: small enough that a partition
     * being filled stays in the processor's caches (keys are inserted partition by partition), that
     * a partition never leaves much of a pager segment unused when it does not fit the segment's
     * rest (the pager puts a blob whole into one segment), and that passes can be fine-grained.
     */
    public static final long MAX_PARTITION_BYTES = 1L << 20;
    /** Top bits of a key's mix by which the first pass counts keys (partitions are unions of these buckets). */
    static final int HISTOGRAM_BITS = 16;
    /** EXACT (key, row id) pairs per block of the pairs kept by the counting read. */
    static final int KEPT_BLOCK_PAIRS = 1 << 15;

    /** The rows to index, readable more than once. */
    @FunctionalInterface
    public interface KeyRows {
        /**
         * Calls {@code window} with the key columns (one vector per key column, in key order) of
         * every row from {@code fromRowId} to the last, in row order.
         *
         * @throws IOException if reading fails
         */
        void read(long fromRowId, KeyWindow window) throws IOException;
    }

    /** Receives rows {@code [offset, offset + length)} of the key columns, row ids from {@code firstRowId}. */
    @FunctionalInterface
    public interface KeyWindow {
        void accept(FieldVector[] columns, int offset, int length, long firstRowId);
    }

    private final List<ColumnType> keyTypes;
    private final NativeAllocator allocator;
    private final KeyRows rows;
    private final long fromRowId;
    private final long passBytes;
    private final long maxPartitionBytes;
    private final int keptBlockPairs;
    private byte mode;
    private int bits = -1;
    private int[] shifts;
    private long[] heapBytes;
    private long[] partitionKeys;
    private long keyCount;
    private int nextPartition;
    private KeyIndexWriter pass;
    private List<ByteBuffer> passBlobs = List.of();
    private int handedOut;
    private boolean closed;
    /** EXACT pairs the counting read kept (key, row id interleaved), {@link #keptBlockPairs} a block; null when the passes read the rows. */
    private java.util.ArrayList<MemoryBlock> kept;
    private long keptPairs;
    /** Reads of the rows so far (the counting read and one per pass without kept pairs). */
    private int reads;
    /** Passes run so far. */
    private int passes;

    /**
     * @param keyTypes  the key's column types in key order
     * @param allocator where each pass's partitions live
     * @param rows      the rows, read once to count and once per pass
     * @param fromRowId the first row id to index (rows before are not read)
     * @param passBytes partition bytes one pass may hold (at least one partition per pass, whatever its size)
     * @throws IllegalArgumentException for an empty key, a REAL/DOUBLE column, a negative row id or {@code passBytes < 1}
     */
    public KeyIndexBuilder(List<ColumnType> keyTypes, NativeAllocator allocator, KeyRows rows, long fromRowId, long passBytes) {
        this(keyTypes, allocator, rows, fromRowId, passBytes, MAX_PARTITION_BYTES);
    }

    /** As the public constructor, with the largest partition given (tests use small ones). */
    KeyIndexBuilder(List<ColumnType> keyTypes, NativeAllocator allocator, KeyRows rows, long fromRowId, long passBytes,
                    long maxPartitionBytes) {
        this(keyTypes, allocator, rows, fromRowId, passBytes, maxPartitionBytes, KEPT_BLOCK_PAIRS);
    }

    /** As the public constructor, with the largest partition and the pairs of a kept block given (tests use small ones). */
    KeyIndexBuilder(List<ColumnType> keyTypes, NativeAllocator allocator, KeyRows rows, long fromRowId, long passBytes,
                    long maxPartitionBytes, int keptBlockPairs) {
        if (fromRowId < 0 || passBytes < 1) {
            throw new IllegalArgumentException("fromRowId " + fromRowId + " and passBytes " + passBytes + " must be >= 0 and >= 1");
        }
        this.keyTypes = List.copyOf(keyTypes);
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.fromRowId = fromRowId;
        this.passBytes = passBytes;
        this.maxPartitionBytes = maxPartitionBytes;
        if (keptBlockPairs < 1) {
            throw new IllegalArgumentException("keptBlockPairs " + keptBlockPairs + " must be >= 1");
        }
        this.keptBlockPairs = keptBlockPairs;
        this.mode = new IndexKeys(keyTypes).shape == IndexKeys.Shape.BYTES ? MODE_HASHED : MODE_EXACT;
    }

    /**
     * The next partition blob (header and CRC32C footer written), in partition order, or null after
     * the last; counts the keys first and runs a pass over the rows when the previous pass's
     * partitions are all handed out (freeing them).
     *
     * @throws IOException                           if reading the rows fails
     * @throws IllegalStateException                 if closed, or the rows hold a key twice
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses a pass's partitions
     */
    public ByteBuffer next() throws IOException {
        if (closed) {
            throw new IllegalStateException("key index builder is closed");
        }
        if (bits < 0) {
            count();
        }
        if (handedOut == passBlobs.size()) {
            closePass();
            if (nextPartition == 1 << bits) {
                return null;
            }
            runPass();
        }
        return passBlobs.get(handedOut++);
    }

    /** Keys indexed (known after the first {@link #next()}). */
    public long keyCount() {
        return keyCount;
    }

    /** Partitions of the segment (known after the first {@link #next()}; -1 before). */
    public int partitionCount() {
        return bits < 0 ? -1 : 1 << bits;
    }

    /** Receives each row with a key (no NULL key column): window row {@code i} of {@code keys}, its row id. */
    @FunctionalInterface
    private interface KeyVisitor {
        /** @return false to skip the rest of the rows */
        boolean visit(IndexKeys keys, int i, long rowId);
    }

    /** Reads the rows from {@link #fromRowId} and calls {@code visitor} for every row with a key, in row order. */
    private void forEachKey(KeyVisitor visitor) throws IOException {
        reads++;
        IndexKeys ik = new IndexKeys(keyTypes);
        boolean[] stopped = {false};
        rows.read(fromRowId, (cols, offset, length, firstRowId) -> {
            if (stopped[0]) {
                return;
            }
            ik.checkBatch(cols, offset, length);
            boolean nulls = KeyVectors.anyNulls(cols);
            try {
                for (int base = 0; base < length; base += KeyRowEncoder.WINDOW) {
                    int n = Math.min(KeyRowEncoder.WINDOW, length - base);
                    ik.prepare(cols, offset + base, n);
                    for (int i = 0; i < n; i++) {
                        if (nulls && KeyVectors.anyNullAt(cols, offset + base + i)) {
                            continue;
                        }
                        if (!visitor.visit(ik, i, firstRowId + base + i)) {
                            stopped[0] = true;
                            return;
                        }
                    }
                }
            } finally {
                ik.release();
            }
        });
    }

    /** Counts the keys per histogram bucket, then chooses the partitions and their sizes. */
    private void count() throws IOException {
        int buckets = 1 << HISTOGRAM_BITS;
        long[] keys;
        long[] heap;
        while (true) {
            long[] k = new long[buckets];
            long[] h = mode == MODE_HASHED ? new long[buckets] : null;
            boolean[] notExact = {false};
            byte m = mode;
            if (m == MODE_EXACT) {
                kept = new java.util.ArrayList<>();
            }
            long[] staged = m == MODE_EXACT ? new long[2 * keptBlockPairs] : null;
            forEachKey((ik, i, rowId) -> {
                if (m == MODE_EXACT) {
                    if (!ik.hasExact(i)) {
                        notExact[0] = true;
                        return false;
                    }
                    long exact = ik.exact(i);
                    k[bucket(KeyIndexPartition.mix(exact))]++;
                    if (kept != null) {
                        keep(staged, exact, rowId);
                    }
                } else {
                    int len = ik.encode(i);
                    int b = bucket(KeyIndexPartition.mix(Hashing.hashBytes(ik.bytes(), 0, len)));
                    k[b]++;
                    h[b] += 4L + len;
                }
                return true;
            });
            if (!notExact[0]) {
                if (kept != null && keptPairs % keptBlockPairs != 0) { // the last, partial block
                    kept.get(kept.size() - 1).putLongs(0, staged, 0, 2 * (int) (keptPairs % keptBlockPairs));
                }
                keys = k;
                heap = h;
                break;
            }
            dropKept();
            mode = MODE_HASHED; // a pair outside [0, 2^32): count again with the hashes of the key bytes
        }
        layout(keys, heap);
    }

    /**
     * Keeps one EXACT pair: staged on the heap, each full block of {@link #keptBlockPairs} pairs
     * moved off-heap at once; drops every kept pair when they would take more than a quarter of
     * {@link #passBytes} or the allocator refuses a block (the passes then read the rows).
     */
    private void keep(long[] staged, long exact, long rowId) {
        int at = (int) (keptPairs % keptBlockPairs);
        if (at == 0) {
            long blockBytes = 16L * keptBlockPairs;
            if (16L * keptPairs + blockBytes > passBytes / 4) {
                dropKept();
                return;
            }
            try {
                kept.add(allocator.allocate(blockBytes, "key index build kept pairs"));
            } catch (dev.ingot.memory.MemoryLimitException e) {
                dropKept();
                return;
            }
        }
        staged[2 * at] = exact;
        staged[2 * at + 1] = rowId;
        keptPairs++;
        if (at == keptBlockPairs - 1) {
            kept.get(kept.size() - 1).putLongs(0, staged, 0, 2 * keptBlockPairs);
        }
    }

    /** Frees the kept pairs, if any; the passes read the rows from then on. */
    private void dropKept() {
        if (kept != null) {
            for (MemoryBlock b : kept) {
                b.close();
            }
            kept = null;
        }
        keptPairs = 0;
    }

    /** Receives one EXACT (key, row id) pair. */
    @FunctionalInterface
    private interface PairVisitor {
        void visit(long exact, long rowId);
    }

    /** Calls {@code visitor} for every EXACT pair in row order: from the kept pairs when there are, else from a read of the rows. */
    private void forEachPair(PairVisitor visitor) throws IOException {
        if (kept == null) {
            forEachKey((ik, i, rowId) -> {
                visitor.visit(ik.exact(i), rowId);
                return true;
            });
            return;
        }
        long[] pairs = new long[2 * keptBlockPairs];
        long left = keptPairs;
        for (MemoryBlock b : kept) {
            int n = (int) Math.min(left, keptBlockPairs);
            b.getLongs(0, pairs, 0, 2 * n);
            for (int j = 0; j < n; j++) {
                visitor.visit(pairs[2 * j], pairs[2 * j + 1]);
            }
            left -= n;
        }
    }

    /** Reads of the rows so far: one to count, then one per pass unless the counting read kept the pairs. */
    int reads() {
        return reads;
    }

    /** Passes run so far. */
    int passes() {
        return passes;
    }

    private static int bucket(long mix) {
        return (int) (mix >>> (64 - HISTOGRAM_BITS));
    }

    /** Picks the fewest partitions that each fit the largest partition, and each one's slot count. */
    private void layout(long[] bucketKeys, long[] bucketHeap) {
        int maxShift = KeyIndexWriter.maxSlotShift(mode, maxPartitionBytes);
        long maxHeap = KeyIndexWriter.maxHeapBytes(maxPartitionBytes);
        long total = 0;
        for (long k : bucketKeys) {
            total += k;
        }
        for (int b = 0; b <= HISTOGRAM_BITS; b++) {
            int n = 1 << b;
            long[] keys = new long[n];
            long[] heap = new long[n];
            int per = 1 << (HISTOGRAM_BITS - b);
            boolean fits = true;
            for (int p = 0; p < n && fits; p++) {
                for (int j = p * per; j < (p + 1) * per; j++) {
                    keys[p] += bucketKeys[j];
                    heap[p] += bucketHeap == null ? 0 : bucketHeap[j];
                }
                fits = keys[p] <= KeyIndexWriter.threshold(maxShift) && heap[p] <= maxHeap;
            }
            if (fits) {
                bits = b;
                partitionKeys = keys;
                shifts = new int[n];
                heapBytes = heap;
                for (int p = 0; p < n; p++) {
                    int s = KeyIndexPartition.MIN_SLOT_SHIFT;
                    while (keys[p] > KeyIndexWriter.threshold(s)) {
                        s++;
                    }
                    shifts[p] = s;
                }
                keyCount = total;
                return;
            }
        }
        throw new IllegalStateException("a key index segment of " + total + " keys does not fit " + (1 << HISTOGRAM_BITS)
                + " partitions of " + maxPartitionBytes + " bytes");
    }

    /**
     * Bytes partition {@code p} takes while it is built: EXACT its blob and its keys' 16 bytes each
     * in the pass's scatter buffer; HASHED twice its slots and heap (finishing copies them).
     */
    private long partitionBytes(int p) {
        long slots = (long) KeyIndexPartition.slotBytes(mode) << shifts[p];
        return HEADER_BYTES + FormatCodec.FOOTER_BYTES + (mode == MODE_HASHED ? 2 * (slots + heapBytes[p]) : slots + 16 * partitionKeys[p]);
    }

    /** Fills the next partitions that fit in {@link #passBytes} from one read of the rows. */
    private void runPass() throws IOException {
        int lo = nextPartition;
        int hi = lo + 1;
        long bytes = partitionBytes(lo);
        while (hi < shifts.length && bytes + partitionBytes(hi) <= passBytes) {
            bytes += partitionBytes(hi);
            hi++;
        }
        int[] s = java.util.Arrays.copyOfRange(shifts, lo, hi);
        long[] h = java.util.Arrays.copyOfRange(heapBytes, lo, hi);
        KeyIndexWriter w = new KeyIndexWriter(keyTypes, allocator, mode, bits, lo, s, h, maxPartitionBytes);
        pass = w;
        passes++;
        if (mode == MODE_EXACT) {
            scatterAndInsert(w, lo, hi);
        } else {
            reads++;
            rows.read(fromRowId, (cols, offset, length, firstRowId) -> {
                int dup = w.add(cols, offset, length, firstRowId);
                if (dup >= 0) {
                    throw duplicate(firstRowId + dup);
                }
            });
        }
        passBlobs = w.finish();
        handedOut = 0;
        nextPartition = hi;
        if (nextPartition == shifts.length) {
            dropKept(); // every partition is built: the pairs are not needed again
        }
    }

    private static IllegalStateException duplicate(long rowId) {
        return new IllegalStateException("key index build: row id " + rowId + " repeats a key of an earlier row, which the load's key checks passed");
    }

    /**
     * EXACT mode: puts the (key, row id) pairs of partitions {@code [lo, hi)} into one buffer,
     * grouped by partition (the counts are known, so each partition's place is too), then inserts
     * them partition by partition: each partition's slot table is touched while it is the only one,
     * a few MiB that the caches hold, instead of random probes across all of the pass's tables.
     */
    private void scatterAndInsert(KeyIndexWriter w, int lo, int hi) throws IOException {
        long[] at = new long[hi - lo];
        long total = 0;
        for (int p = lo; p < hi; p++) {
            at[p - lo] = total;
            total += partitionKeys[p];
        }
        if (total == 0) {
            return;
        }
        long[] end = new long[hi - lo];
        try (MemoryBlock pairs = allocator.allocate(16 * total, "key index build pairs")) {
            int b = bits;
            forEachPair((exact, rowId) -> {
                int p = KeyIndexPartition.partitionOf(KeyIndexPartition.mix(exact), b);
                if (p >= lo && p < hi) {
                    long slot = at[p - lo] + end[p - lo]++;
                    if (end[p - lo] > partitionKeys[p]) {
                        throw new IllegalStateException("internal: partition " + p + " holds more keys than the " + partitionKeys[p] + " counted");
                    }
                    pairs.putLong(16 * slot, exact);
                    pairs.putLong(16 * slot + 8, rowId);
                }
            });
            for (int p = lo; p < hi; p++) {
                for (long k = at[p - lo], last = k + end[p - lo]; k < last; k++) {
                    long rowId = pairs.getLong(16 * k + 8);
                    if (!w.addExact(pairs.getLong(16 * k), rowId)) {
                        throw duplicate(rowId);
                    }
                }
            }
        }
    }

    private void closePass() {
        if (pass != null) {
            pass.close();
            pass = null;
        }
        passBlobs = List.of();
        handedOut = 0;
    }

    /** Frees the current pass's partitions and the kept pairs; idempotent. */
    @Override
    public void close() {
        closed = true;
        closePass();
        dropKept();
    }

    @Override
    public String toString() {
        return "KeyIndexBuilder[" + keyCount + " keys, " + (bits < 0 ? "not counted" : (1 << bits) + " partitions, next " + nextPartition)
                + ", " + (mode == MODE_EXACT ? "EXACT" : "HASHED") + "]";
    }
}
