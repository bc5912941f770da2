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
 * {@link #next()} hands out one at a time; a pass's memory is freed when the next pass starts. A key
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
        if (fromRowId < 0 || passBytes < 1) {
            throw new IllegalArgumentException("fromRowId " + fromRowId + " and passBytes " + passBytes + " must be >= 0 and >= 1");
        }
        this.keyTypes = List.copyOf(keyTypes);
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.fromRowId = fromRowId;
        this.passBytes = passBytes;
        this.maxPartitionBytes = maxPartitionBytes;
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
            forEachKey((ik, i, rowId) -> {
                if (m == MODE_EXACT) {
                    if (!ik.hasExact(i)) {
                        notExact[0] = true;
                        return false;
                    }
                    k[bucket(KeyIndexPartition.mix(ik.exact(i)))]++;
                } else {
                    int len = ik.encode(i);
                    int b = bucket(KeyIndexPartition.mix(Hashing.hashBytes(ik.bytes(), 0, len)));
                    k[b]++;
                    h[b] += 4L + len;
                }
                return true;
            });
            if (!notExact[0]) {
                keys = k;
                heap = h;
                break;
            }
            mode = MODE_HASHED; // a pair outside [0, 2^32): count again with the hashes of the key bytes
        }
        layout(keys, heap);
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
        if (mode == MODE_EXACT) {
            scatterAndInsert(w, lo, hi);
        } else {
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
            forEachKey((ik, i, rowId) -> {
                long exact = ik.exact(i);
                int p = KeyIndexPartition.partitionOf(KeyIndexPartition.mix(exact), b);
                if (p >= lo && p < hi) {
                    long slot = at[p - lo] + end[p - lo]++;
                    if (end[p - lo] > partitionKeys[p]) {
                        throw new IllegalStateException("internal: partition " + p + " holds more keys than the " + partitionKeys[p] + " counted");
                    }
                    pairs.putLong(16 * slot, exact);
                    pairs.putLong(16 * slot + 8, rowId);
                }
                return true;
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

    /** Frees the current pass's partitions; idempotent. */
    @Override
    public void close() {
        closed = true;
        closePass();
    }

    @Override
    public String toString() {
        return "KeyIndexBuilder[" + keyCount + " keys, " + (bits < 0 ? "not counted" : (1 << bits) + " partitions, next " + nextPartition)
                + ", " + (mode == MODE_EXACT ? "EXACT" : "HASHED") + "]";
    }
}
