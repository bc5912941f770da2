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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;
import org.apache.arrow.vector.FieldVector;

/**
 * Builds one segment of a persisted key index (the keys of one PRIMARY KEY or UNIQUE constraint
 * among the rows of one append, with their row ids) directly in its on-disk form: off-heap
 * partitions in the layout of {@link KeyIndexPartition}, grown by doubling like the in-memory key
 * sets, handed to the pager as they are by {@link #finish()}.
 *
 * <p>The segment starts in EXACT mode for integer keys (one column, or two that are both in
 * {@code [0, 2^32)}) and switches once, for good, to HASHED mode when a pair outside that range
 * arrives; text, binary, 16-byte and wider keys are HASHED from the start. A partition's slot table
 * stays at most {@value #MAX_PARTITION_BYTES} bytes (its heap of key bytes at most 3/4 of that): beyond that the segment
 * doubles its partition count, so every blob stays well under the pager's largest blob.
 *
 * <p><b>Sorted run first.</b> A key of one or two integer-like columns starts as an implicit
 * {@link KeyRun sorted run}: while the rows come with strictly increasing keys (signed, column 0
 * first) and consecutive row ids, nothing is hashed and nothing is persisted but the run's bounds
 * (the stored key columns are the run; lookups binary-search them). The first row that breaks the
 * order ends the run for good; it and every later row go to the hash partitions. With
 * {@code retainRun} the run's keys are also kept in memory (8 bytes a column a key) so that the
 * writer can {@link #find} them and refuse a later duplicate of one; without it (a fresh load,
 * whose key sets prove uniqueness) they are not, and a duplicate of a run key is not detected here.
 *
 * <p><b>Run only.</b> A fresh load's writer ({@link #runOnly}) keeps the run's bounds alone and stops
 * at the first row that breaks it: the load's key set checks the keys, and a {@link KeyIndexBuilder}
 * hashes the rows from {@link #hashFrom()} on at the commit, from the stored key columns, each
 * partition sized for its exact count (the builder's passes are writers of a fixed layout: some
 * partitions of a counted segment, never grown).
 *
 * <p>Rows with a NULL in a key column are not indexed (a UNIQUE key with a NULL is exempt; a PRIMARY
 * KEY never holds one: the checker refuses it before).
 *
 * <p>Thread-safety: not thread-safe; one loading thread, which may also {@link #find} keys before
 * {@link #finish()}. After {@link #finish()} {@link #find} throws {@link IllegalStateException}: the
 * finished blobs are probed as a {@link KeyIndexSegment}.
 *
 * <p>Ownership: memory comes from the allocator given; {@link #close()} frees it (the buffers
 * {@link #finish()} returned become invalid) and is idempotent.
 */
public final class KeyIndexWriter implements KeyIndexSource, AutoCloseable {
    /** Largest slot table (and heap) of one partition, bytes. */
    public static final long MAX_PARTITION_BYTES = 32L << 20;
    /** Fraction of a partition's slots in use before it doubles. */
    public static final double LOAD_FACTOR = 0.75;
    private static final int MAX_PARTITION_BITS = 20;

    private final long maxPartitionBytes;
    private final List<ColumnType> keyTypes;
    private final NativeAllocator allocator;
    private final IndexKeys keys;
    private final long expectedKeys;
    private final boolean retainRun;
    /** Whether rows after the sorted run are hashed here (false: {@link #runOnly}). */
    private final boolean hashRest;
    /** A fixed layout ({@link KeyIndexBuilder}'s passes): some partitions only, sized exactly; null slots elsewhere. */
    private final boolean fixedLayout;
    /** {@link #runOnly}: the first row id with a key that the run does not cover (-1: none yet). */
    private long hashFrom = -1;
    /** Whether rows still extend the sorted run. */
    private boolean runOpen;
    private long runFirst = -1;
    private long runRows;
    private long firstA;
    private long firstB;
    private long lastA;
    private long lastB;
    /** Retained run keys (retainRun): per key its column values, 8 bytes each. */
    private MemoryBlock runKeys;
    private byte mode;
    private int bits;
    private Part[] parts;
    private long size;
    private boolean finished;
    private List<MemoryBlock> finals;
    private byte[] scratch = new byte[16];
    /** See {@link #rowsDone()}. */
    private int rowsDone;

    /** One partition under construction. */
    private final class Part {
        MemoryBlock slots;
        int shift;
        long mask;
        long count;
        long threshold;
        MemoryBlock heap;
        long heapUsed;

        Part(int shift) {
            this.shift = shift;
            this.slots = allocator.allocate(HEADER_BYTES + ((long) KeyIndexPartition.slotBytes(mode) << shift)
                    + FormatCodec.FOOTER_BYTES, "key index partition slots");
            this.mask = (1L << shift) - 1;
            this.threshold = threshold(shift);
        }

        long slotAt(long i) {
            return HEADER_BYTES + i * KeyIndexPartition.slotBytes(mode);
        }

        void close() {
            slots.close();
            if (heap != null) {
                heap.close();
            }
        }
    }

    /**
     * @param keyTypes     the key's column types in key order
     * @param allocator    where the partitions live until {@link #close()}
     * @param expectedKeys keys expected ({@code >= 0}, 0 = unknown): presizes so that no partition grows
     * @throws IllegalArgumentException for an empty key, a REAL/DOUBLE column or {@code expectedKeys < 0}
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses the first partitions
     */
    public KeyIndexWriter(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys) {
        this(keyTypes, allocator, expectedKeys, true, MAX_PARTITION_BYTES);
    }

    /**
     * As {@link #KeyIndexWriter(List, NativeAllocator, long)}, choosing whether the sorted run's keys
     * are kept in memory: {@code false} only where another structure proves the keys unique (the
     * key sets of a fresh load), since the writer then neither finds run keys nor refuses their
     * duplicates.
     */
    public KeyIndexWriter(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, boolean retainRun) {
        this(keyTypes, allocator, expectedKeys, retainRun, MAX_PARTITION_BYTES);
    }

    /** As the public constructor, with the largest partition given (tests use small ones). */
    KeyIndexWriter(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, boolean retainRun, long maxPartitionBytes) {
        this(keyTypes, allocator, expectedKeys, retainRun, maxPartitionBytes, true);
    }

    private KeyIndexWriter(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, boolean retainRun,
                           long maxPartitionBytes, boolean hashRest) {
        this.maxPartitionBytes = maxPartitionBytes;
        if (expectedKeys < 0) {
            throw new IllegalArgumentException("expectedKeys must be >= 0: " + expectedKeys);
        }
        this.keyTypes = List.copyOf(keyTypes);
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.keys = new IndexKeys(keyTypes);
        this.expectedKeys = expectedKeys;
        this.retainRun = retainRun;
        this.hashRest = hashRest;
        this.fixedLayout = false;
        this.runOpen = keys.shape != IndexKeys.Shape.BYTES;
        this.mode = keys.shape == IndexKeys.Shape.BYTES ? MODE_HASHED : MODE_EXACT;
        if (!runOpen && hashRest) {
            allocateParts(expectedKeys);
        }
    }

    /**
     * A writer that keeps only the sorted run of a fresh load's rows (its bounds, no keys) and
     * ignores every row from the first one that does not extend it on: {@link #hashFrom()} says
     * where that is, and a {@link KeyIndexBuilder} hashes those rows from the stored key columns at
     * the commit, sized from their exact count, so no hash partitions are built beside the load's
     * key sets while rows arrive. {@link #finish()} returns the run's blob, or nothing if the run
     * is empty and rows must be hashed (a key of text, binary or more columns has no run). Finds
     * nothing ({@link #find} throws {@link IllegalStateException}): only for loads whose key sets
     * prove uniqueness.
     *
     * @param keyTypes  the key's column types in key order
     * @param allocator where the run's blob lives until {@link #close()}
     * @throws IllegalArgumentException for an empty key or a REAL/DOUBLE column
     */
    public static KeyIndexWriter runOnly(List<ColumnType> keyTypes, NativeAllocator allocator) {
        return new KeyIndexWriter(keyTypes, allocator, 0, false, MAX_PARTITION_BYTES, false);
    }

    /**
     * A writer of the partitions {@code [firstPartition, firstPartition + shifts.length)} of a
     * segment of {@code 2^bits} partitions in {@code mode}, each presized ({@code shifts},
     * {@code heapBytes}) for the keys a {@link KeyIndexBuilder} counted in it: keys of other
     * partitions are skipped, no partition grows beyond its largest size and the mode never
     * changes (either would be an internal error); no sorted run.
     */
    KeyIndexWriter(List<ColumnType> keyTypes, NativeAllocator allocator, byte mode, int bits, int firstPartition, int[] shifts,
                   long[] heapBytes, long maxPartitionBytes) {
        this.maxPartitionBytes = maxPartitionBytes;
        this.keyTypes = List.copyOf(keyTypes);
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.keys = new IndexKeys(keyTypes);
        this.expectedKeys = 0;
        this.retainRun = false;
        this.hashRest = true;
        this.fixedLayout = true;
        this.runOpen = false;
        this.mode = mode;
        this.bits = bits;
        Part[] p = new Part[1 << bits];
        try {
            for (int j = 0; j < shifts.length; j++) {
                Part part = new Part(shifts[j]);
                p[firstPartition + j] = part;
                if (heapBytes[j] > 0) {
                    part.heap = allocator.allocate(heapBytes[j], "key index partition heap");
                }
            }
        } catch (RuntimeException | Error e) {
            closeAll(p);
            throw e;
        }
        this.parts = p;
    }

    /**
     * {@link #runOnly} writers: the first row id whose key the sorted run does not cover (the rows
     * from there on are to be hashed by a {@link KeyIndexBuilder}), or -1 if the run covers every
     * row with a key added so far.
     */
    public long hashFrom() {
        return hashFrom;
    }

    /** The largest slot count of a partition at the load factor: keys of a partition of {@code 2^shift} slots before it doubles. */
    static long threshold(int shift) {
        return Math.min((1L << shift) - 1, (long) ((1L << shift) * LOAD_FACTOR));
    }

    /** Allocates the hash partitions, presized for {@code expected} keys. */
    private void allocateParts(long expected) {
        long slotsNeeded = (long) Math.ceil(Math.max(1, expected) / LOAD_FACTOR) + 1;
        long perPartitionSlots = 1L << maxSlotShift();
        int b = 0;
        while (b < MAX_PARTITION_BITS && (slotsNeeded >> b) > perPartitionSlots) {
            b++;
        }
        this.parts = newParts(b, slotsNeeded >> b);
        this.bits = b;
    }

    /** The largest slot shift of a partition in the current mode: its slot table stays within {@link #maxPartitionBytes}. */
    private int maxSlotShift() {
        return maxSlotShift(mode, maxPartitionBytes);
    }

    /** The largest slot shift of a partition in {@code mode} whose slot table stays within {@code maxPartitionBytes}. */
    static int maxSlotShift(byte mode, long maxPartitionBytes) {
        int shift = KeyIndexPartition.MIN_SLOT_SHIFT;
        while (((long) KeyIndexPartition.slotBytes(mode) << (shift + 1)) <= maxPartitionBytes && shift < KeyIndexPartition.MAX_SLOT_SHIFT) {
            shift++;
        }
        return shift;
    }

    /** The largest heap of a partition: with the slot table, a blob stays under the pager's largest (64 MiB). */
    private long maxHeapBytes() {
        return maxHeapBytes(maxPartitionBytes);
    }

    /** The largest heap of a partition whose slot table is at most {@code maxPartitionBytes}. */
    static long maxHeapBytes(long maxPartitionBytes) {
        return maxPartitionBytes / 4 * 3;
    }

    private Part[] newParts(int partitionBits, long slotsEach) {
        int shift = KeyIndexPartition.MIN_SLOT_SHIFT;
        int maxShift = maxSlotShift();
        while ((1L << shift) < slotsEach && shift < maxShift) {
            shift++;
        }
        Part[] p = new Part[1 << partitionBits];
        try {
            for (int i = 0; i < p.length; i++) {
                p[i] = new Part(shift);
            }
        } catch (RuntimeException | Error e) {
            closeAll(p);
            throw e;
        }
        return p;
    }

    /** Frees every partition of {@code p} (null entries skipped). */
    private static void closeAll(Part[] p) {
        for (Part x : p) {
            if (x != null) {
                x.close();
            }
        }
    }

    /** The key's column types. */
    public List<ColumnType> keyTypes() {
        return keyTypes;
    }

    /** Keys indexed so far (in the sorted run and hashed). */
    public long size() {
        return size + runRows;
    }

    /** Rows of the sorted run so far (0 when the key cannot have one or the first row broke it). */
    public long sortedRunRows() {
        return runRows;
    }

    /** Off-heap bytes held. */
    public long allocatedBytes() {
        long total = runKeys == null ? 0 : runKeys.capacity();
        if (finals != null) {
            for (MemoryBlock m : finals) {
                total += m.capacity();
            }
            return total;
        }
        if (parts != null) {
            for (Part p : parts) {
                if (p != null) {
                    total += p.slots.capacity() + (p.heap == null ? 0 : p.heap.capacity());
                }
            }
        }
        return total;
    }

    /**
     * Indexes rows {@code [offset, offset + length)} of the key columns with row ids
     * {@code firstRowId, firstRowId + 1, ...}, skipping rows with a NULL key column, and stops at the
     * first key already indexed by this writer.
     *
     * @param cols one vector per key column, in key order
     * @return the row of the first duplicate relative to {@code offset}, or -1; rows before it are indexed
     * @throws IllegalArgumentException  if the columns do not fit the key
     * @throws IndexOutOfBoundsException if the rows are outside a vector
     * @throws IllegalStateException     after {@link #finish()} or {@link #close()}
     * @throws dev.ingot.memory.MemoryLimitException if a partition cannot grow (the rows before stay indexed)
     */
    public int add(FieldVector[] cols, int offset, int length, long firstRowId) {
        return add(cols, offset, length, firstRowId, NONE_DELETED);
    }

    private static final LongPredicate NONE_DELETED = rowId -> false;

    /**
     * As {@link #add(FieldVector[], int, int, long)}, but a key this writer holds for a row that
     * {@code deleted} reports deleted (a row appended and then deleted in the same unit of work) is
     * not a duplicate: the entry is repointed at the new row.
     */
    public int add(FieldVector[] cols, int offset, int length, long firstRowId, LongPredicate deleted) {
        return add(cols, offset, length, firstRowId, deleted, false);
    }

    /**
     * Indexes the rows of {@code [offset, offset + length)} whose key this writer does not hold yet
     * (row ids {@code firstRowId, firstRowId + 1, ...}), skipping rows with a NULL key column and
     * rows whose key is already held: what the writer then holds is each distinct key once, with the
     * first row that had it. One pass over the rows, however many repeat.
     *
     * @return how many keys were added
     * @throws IllegalArgumentException  if the columns do not fit the key
     * @throws IndexOutOfBoundsException if the rows are outside a vector
     * @throws IllegalStateException     after {@link #finish()} or {@link #close()}
     * @throws dev.ingot.memory.MemoryLimitException if a partition cannot grow (the rows before stay indexed)
     */
    public long addDistinct(FieldVector[] cols, int offset, int length, long firstRowId) {
        long before = size();
        add(cols, offset, length, firstRowId, NONE_DELETED, true);
        return size() - before;
    }

    /**
     * How many rows of the last {@code add} call were done (indexed, or skipped for a NULL key
     * column) when it returned or threw: after a {@link dev.ingot.memory.MemoryLimitException} the
     * row at this position (from the call's {@code offset}) is the first one not indexed.
     */
    public int rowsDone() {
        return rowsDone;
    }

    private int add(FieldVector[] cols, int offset, int length, long firstRowId, LongPredicate deleted, boolean skipHeld) {
        if (finished) {
            throw new IllegalStateException("key index writer is finished");
        }
        rowsDone = 0;
        keys.checkBatch(cols, offset, length);
        if (!hashRest && hashFrom >= 0) {
            return -1; // runOnly: the run has ended; the rest is hashed by a KeyIndexBuilder
        }
        try {
            boolean nulls = KeyVectors.anyNulls(cols);
            for (int base = 0; base < length; base += KeyRowEncoder.WINDOW) {
                int n = Math.min(KeyRowEncoder.WINDOW, length - base);
                keys.prepare(cols, offset + base, n);
                for (int i = 0; i < n; i++) {
                    rowsDone = base + i;
                    if (nulls && KeyVectors.anyNullAt(cols, offset + base + i)) {
                        continue;
                    }
                    long rowId = firstRowId + base + i;
                    if (runOpen) {
                        if (extendRun(i, rowId)) {
                            continue;
                        }
                        closeRun();
                    }
                    if (!hashRest) {
                        hashFrom = rowId;
                        return -1;
                    }
                    if (runRows > 0 && retainRun) {
                        long inRun = findInRun(keys.longValue(0, i), keys.columns() == 2 ? keys.longValue(1, i) : 0);
                        if (inRun >= 0 && !deleted.test(inRun)) {
                            if (skipHeld) {
                                continue;
                            }
                            return base + i;
                        }
                    }
                    if (mode == MODE_EXACT && !keys.hasExact(i)) {
                        rebuild(bits, MODE_HASHED);
                    }
                    boolean added;
                    if (mode == MODE_EXACT) {
                        added = insertExact(keys.exact(i), rowId, deleted);
                    } else {
                        int len = keys.encode(i);
                        added = insertHashed(keys.bytes(), len, rowId, deleted);
                    }
                    if (!added && !skipHeld) {
                        return base + i;
                    }
                }
            }
            rowsDone = length;
            return -1;
        } finally {
            keys.release();
        }
    }

    /** Adds window row {@code i} (row id {@code rowId}) to the open run if it extends it; false if it breaks it. */
    private boolean extendRun(int i, long rowId) {
        long a = keys.longValue(0, i);
        long b = keys.columns() == 2 ? keys.longValue(1, i) : 0;
        if (runRows == 0) {
            runFirst = rowId;
            firstA = a;
            firstB = b;
        } else if (rowId != runFirst + runRows || KeyRun.compare(a, b, lastA, lastB) <= 0) {
            return false;
        }
        if (retainRun) {
            int w = 8 * keys.columns();
            long need = (runRows + 1) * w;
            if (runKeys == null || need > runKeys.capacity()) {
                MemoryBlock bigger = allocator.allocate(Math.max(4096, runKeys == null ? 0 : runKeys.capacity() * 2),
                        "key index sorted run keys");
                if (runKeys != null) {
                    runKeys.copyTo(0, bigger, 0, runRows * w);
                    runKeys.close();
                }
                runKeys = bigger;
            }
            runKeys.putLong(runRows * w, a);
            if (w == 16) {
                runKeys.putLong(runRows * w + 8, b);
            }
        }
        lastA = a;
        lastB = b;
        runRows++;
        return true;
    }

    /** Ends the sorted run for good: later rows are hashed. */
    private void closeRun() {
        runOpen = false;
        if (parts == null && hashRest) {
            allocateParts(Math.max(0, expectedKeys - runRows));
        }
    }

    /** The row id of the run key {@code (a, b)} (retained keys, binary search), or -1. */
    private long findInRun(long a, long b) {
        if (runRows == 0 || !retainRun || KeyRun.compare(a, b, firstA, firstB) < 0 || KeyRun.compare(a, b, lastA, lastB) > 0) {
            return -1;
        }
        int w = 8 * keys.columns();
        long lo = 0;
        long hi = runRows - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            long ma = runKeys.getLong(mid * w);
            long mb = w == 16 ? runKeys.getLong(mid * w + 8) : 0;
            int c = KeyRun.compare(ma, mb, a, b);
            if (c == 0) {
                return runFirst + mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /**
     * Adds the key whose exact form is {@code exact} with row id {@code rowId} (EXACT mode; a
     * {@link KeyIndexBuilder}'s pass, keys grouped by partition).
     *
     * @return false if the key is held already
     */
    boolean addExact(long exact, long rowId) {
        return insertExact(exact, rowId, NONE_DELETED);
    }

    private boolean insertExact(long exact, long rowId, LongPredicate deleted) {
        long mix = KeyIndexPartition.mix(exact);
        Part p = parts[KeyIndexPartition.partitionOf(mix, bits)];
        if (p == null) {
            return true; // a fixed layout: another pass's partition
        }
        // one probe run: the key's slot, or the empty slot that ends the run
        long i = mix & p.mask;
        while (true) {
            long at = HEADER_BYTES + (i << 4);
            long rid = p.slots.getLong(at + 8);
            if (rid == 0) {
                if (p.count + 1 > p.threshold) {
                    grow(p);
                    p = parts[KeyIndexPartition.partitionOf(mix, bits)];
                    putExact(p, exact, mix, rowId);
                } else {
                    p.slots.putLong(at, exact);
                    p.slots.putLong(at + 8, rowId + 1);
                    p.count++;
                }
                size++;
                return true;
            }
            if (p.slots.getLong(at) == exact) {
                return repoint(p, at, rowId, deleted);
            }
            i = (i + 1) & p.mask;
        }
    }

    private boolean insertHashed(byte[] key, int len, long rowId, LongPredicate deleted) {
        long hash = Hashing.hashBytes(key, 0, len);
        long mix = KeyIndexPartition.mix(hash);
        Part p = parts[KeyIndexPartition.partitionOf(mix, bits)];
        if (p == null) {
            return true; // a fixed layout: another pass's partition
        }
        long slot = slotOfHashed(p, hash, mix, key, len);
        if (slot >= 0) {
            return repoint(p, slot, rowId, deleted);
        }
        if (4L + len > maxHeapBytes()) {
            throw new IllegalArgumentException("a key of " + len + " bytes is longer than a key index partition holds ("
                    + (maxHeapBytes() - 4) + " bytes)");
        }
        if (p.count + 1 > p.threshold || (p.heap != null && p.heapUsed + 4 + len > maxHeapBytes())) {
            grow(p);
            p = parts[KeyIndexPartition.partitionOf(mix, bits)];
        }
        putHashed(p, hash, mix, key, len, rowId);
        size++;
        return true;
    }

    /** The byte offset of the slot holding {@code exact}, or -1. */
    private static long slotOfExact(Part p, long exact, long mix) {
        long i = mix & p.mask;
        while (true) {
            long at = HEADER_BYTES + (i << 4);
            long rid = p.slots.getLong(at + 8);
            if (rid == 0) {
                return -1;
            }
            if (p.slots.getLong(at) == exact) {
                return at;
            }
            i = (i + 1) & p.mask;
        }
    }

    /** The byte offset of the slot holding the key, or -1. */
    private static long slotOfHashed(Part p, long hash, long mix, byte[] key, int len) {
        long i = mix & p.mask;
        while (true) {
            long at = HEADER_BYTES + i * 24;
            long rid = p.slots.getLong(at + 8);
            if (rid == 0) {
                return -1;
            }
            if (p.slots.getLong(at) == hash && heapEquals(p, p.slots.getLong(at + 16), key, len)) {
                return at;
            }
            i = (i + 1) & p.mask;
        }
    }

    private static long rowAt(Part p, long slot) {
        return slot < 0 ? -1 : p.slots.getLong(slot + 8) - 1;
    }

    /** A key already held: repoint it at {@code rowId} if its row was deleted; false (a duplicate) otherwise. */
    private static boolean repoint(Part p, long slot, long rowId, LongPredicate deleted) {
        if (!deleted.test(p.slots.getLong(slot + 8) - 1)) {
            return false;
        }
        p.slots.putLong(slot + 8, rowId + 1);
        return true;
    }

    private static boolean heapEquals(Part p, long heapOffset, byte[] key, int len) {
        if (p.heap.getInt(heapOffset) != len) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (p.heap.getByte(heapOffset + 4 + k) != key[k]) {
                return false;
            }
        }
        return true;
    }

    private static void putExact(Part p, long exact, long mix, long rowId) {
        checkRoom(p);
        long i = mix & p.mask;
        while (p.slots.getLong(HEADER_BYTES + (i << 4) + 8) != 0) {
            i = (i + 1) & p.mask;
        }
        long at = HEADER_BYTES + (i << 4);
        p.slots.putLong(at, exact);
        p.slots.putLong(at + 8, rowId + 1);
        p.count++;
    }

    private void putHashed(Part p, long hash, long mix, byte[] key, int len, long rowId) {
        long need = p.heapUsed + 4 + len;
        if (p.heap == null || need > p.heap.capacity()) {
            long cap = Math.max(64 << 10, p.heap == null ? 0 : p.heap.capacity());
            while (cap < need) {
                cap <<= 1;
            }
            MemoryBlock bigger = allocator.allocate(cap, "key index partition heap");
            if (p.heap != null) {
                p.heap.copyTo(0, bigger, 0, p.heapUsed);
                p.heap.close();
            }
            p.heap = bigger;
        }
        checkRoom(p);
        long heapOffset = p.heapUsed;
        p.heap.putInt(heapOffset, len);
        p.heap.putBytes(heapOffset + 4, key, 0, len);
        p.heapUsed = need;
        long i = mix & p.mask;
        while (p.slots.getLong(HEADER_BYTES + i * 24 + 8) != 0) {
            i = (i + 1) & p.mask;
        }
        long at = HEADER_BYTES + i * 24;
        p.slots.putLong(at, hash);
        p.slots.putLong(at + 8, rowId + 1);
        p.slots.putLong(at + 16, heapOffset);
        p.count++;
    }

    /** A partition must keep an empty slot, or probe runs would never end. */
    private static void checkRoom(Part p) {
        if (p.count + 1 >= p.mask + 1) {
            throw new IllegalStateException("key index partition of " + (p.mask + 1) + " slots is full (" + p.count + " keys)");
        }
    }

    /** Doubles one partition, or doubles the partition count when the partition is at its largest. */
    private void grow(Part p) {
        boolean heapFull = p.heap != null && p.heapUsed > maxHeapBytes() / 2;
        if (p.shift + 1 > maxSlotShift() || heapFull) {
            if (bits >= MAX_PARTITION_BITS) {
                throw new IllegalStateException("key index segment cannot grow beyond " + parts.length + " partitions of "
                        + maxPartitionBytes + " bytes");
            }
            rebuild(bits + 1, mode);
            return;
        }
        Part[] one = {p};
        Part bigger = new Part(p.shift + 1);
        Part[] target = {bigger};
        try {
            moveAll(one, target, 0, mode);
        } catch (RuntimeException | Error e) {
            bigger.close();
            throw e;
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == p) {
                parts[i] = bigger;
            }
        }
        p.close();
    }

    /** Moves every key into new partitions: {@code 2^newBits} of them, in {@code newMode}. */
    private void rebuild(int newBits, byte newMode) {
        if (fixedLayout) {
            throw new IllegalStateException("internal: a key index partition of a counted layout (" + parts.length
                    + " partitions) would need " + (newMode != mode ? "another mode" : "more partitions") + "; the key count was wrong");
        }
        byte oldMode = mode;
        long slotsNeeded = (long) Math.ceil(Math.max(1, size + 1) / LOAD_FACTOR) + 1;
        mode = newMode;
        // enough partitions that each is at most half full at its largest (the new mode's slots may be wider)
        while (newBits < MAX_PARTITION_BITS && (slotsNeeded >> newBits) > (1L << maxSlotShift()) / 2) {
            newBits++;
        }
        Part[] fresh;
        try {
            fresh = newParts(newBits, Math.max(16, (slotsNeeded >> newBits) * 2));
        } catch (RuntimeException | Error e) {
            mode = oldMode;
            throw e;
        }
        try {
            moveAllFrom(parts, oldMode, fresh, newBits, newMode);
        } catch (RuntimeException | Error e) {
            mode = oldMode;
            for (Part x : fresh) {
                x.close();
            }
            throw e;
        }
        for (Part x : parts) {
            x.close();
        }
        parts = fresh;
        bits = newBits;
    }

    private void moveAll(Part[] from, Part[] to, int toBits, byte m) {
        moveAllFrom(from, m, to, toBits, m);
    }

    private void moveAllFrom(Part[] from, byte fromMode, Part[] to, int toBits, byte toMode) {
        int w = KeyIndexPartition.slotBytes(fromMode);
        for (Part p : from) {
            long n = 1L << p.shift;
            for (long i = 0; i < n; i++) {
                long at = HEADER_BYTES + i * w;
                long rid = p.slots.getLong(at + 8);
                if (rid == 0) {
                    continue;
                }
                long slotKey = p.slots.getLong(at);
                if (toMode == MODE_EXACT) {
                    long mix = KeyIndexPartition.mix(slotKey);
                    putExact(to[KeyIndexPartition.partitionOf(mix, toBits)], slotKey, mix, rid - 1);
                } else {
                    byte[] key;
                    int len;
                    long hash;
                    if (fromMode == MODE_EXACT) {
                        IndexKeys.unpackPair(slotKey, scratch);
                        key = scratch;
                        len = 16;
                        hash = Hashing.hashBytes(key, 0, len);
                    } else {
                        long heapOffset = p.slots.getLong(at + 16);
                        len = p.heap.getInt(heapOffset);
                        if (scratch.length < len) {
                            scratch = new byte[Math.max(len, scratch.length * 2)];
                        }
                        p.heap.getBytes(heapOffset + 4, scratch, 0, len);
                        key = scratch;
                        hash = slotKey;
                    }
                    long mix = KeyIndexPartition.mix(hash);
                    putHashed(to[KeyIndexPartition.partitionOf(mix, toBits)], hash, mix, key, len, rid - 1);
                }
            }
        }
    }

    /**
     * Ends indexing and returns the segment's partitions as blobs in the layout of
     * {@link KeyIndexPartition} (header and CRC32C footer written), in partition order. The buffers
     * are views of this writer's memory, valid until {@link #close()}; put them through the pager
     * before closing. Idempotent (returns the same buffers).
     */
    public List<ByteBuffer> finish() {
        return finish(null);
    }

    /**
     * As {@link #finish()}, but when this writer holds only a sorted run that continues the sorted
     * run of {@code previous} (a stored segment of the same key that is a run without hash
     * partitions, ending where this run starts, its last key below this run's first), returns one
     * run blob covering both: put it in place of {@code previous}, so an append in key order keeps the
     * table one run. Returns null (and finishes nothing) otherwise; then call {@link #finish()}.
     *
     * @throws IllegalStateException if this writer is finished or closed
     */
    public List<ByteBuffer> finishExtending(KeyIndexSegment previous) {
        if (finished) {
            throw new IllegalStateException("key index writer is finished");
        }
        KeyRun before = previous.run();
        if (before == null || previous.partitionCount() > 0 || size > 0 || runRows == 0 || before.endRowId() != runFirst
                || KeyRun.compare(before.lastA, before.lastB, firstA, firstB) >= 0) {
            return null;
        }
        KeyRun merged = new KeyRun(keys.columns(), before.firstRowId, before.rows + runRows, before.firstA, before.firstB, lastA, lastB);
        return finish(merged);
    }

    private List<ByteBuffer> finish(KeyRun replacingRun) {
        if (finals == null) {
            finished = true;
            runOpen = false;
            List<MemoryBlock> out = new ArrayList<>();
            KeyRun run = replacingRun != null ? replacingRun
                    : runRows == 0 ? null : new KeyRun(keys.columns(), runFirst, runRows, firstA, firstB, lastA, lastB);
            if (run != null) {
                MemoryBlock blob = allocator.allocate(KeyRun.BYTES, "key index sorted run");
                run.write(blob.asByteBuffer());
                out.add(blob);
            }
            if (parts == null && run == null && (hashRest || hashFrom < 0)) {
                allocateParts(0);
            }
            if (parts == null || (run != null && size == 0)) {
                finals = out;
                if (parts != null) {
                    for (Part p : parts) {
                        p.close();
                    }
                }
                parts = new Part[0];
                return buffers();
            }
            for (int i = 0; i < parts.length; i++) {
                Part p = parts[i];
                if (p == null) {
                    continue; // a fixed layout: another pass's partition
                }
                MemoryBlock blob;
                if (mode == MODE_EXACT) {
                    blob = p.slots;
                } else {
                    long slotBytes = (long) KeyIndexPartition.slotBytes(mode) << p.shift;
                    blob = allocator.allocate(HEADER_BYTES + slotBytes + p.heapUsed + FormatCodec.FOOTER_BYTES, "key index partition");
                    p.slots.copyTo(HEADER_BYTES, blob, HEADER_BYTES, slotBytes);
                    if (p.heapUsed > 0) {
                        p.heap.copyTo(0, blob, HEADER_BYTES + slotBytes, p.heapUsed);
                    }
                    p.close();
                }
                blob.putByte(KeyIndexPartition.OFF_MODE, mode);
                blob.putByte(KeyIndexPartition.OFF_PARTITION_BITS, (byte) bits);
                blob.putInt(KeyIndexPartition.OFF_PARTITION, i);
                blob.putInt(KeyIndexPartition.OFF_SLOT_SHIFT, p.shift);
                blob.putLong(KeyIndexPartition.OFF_KEY_COUNT, p.count);
                blob.putLong(KeyIndexPartition.OFF_HEAP_BYTES, mode == MODE_EXACT ? 0 : p.heapUsed);
                ByteBuffer bb = blob.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                KeyIndexPartition.CODEC.writeHeader(bb);
                KeyIndexPartition.CODEC.writeFooter(bb, (int) blob.capacity() - FormatCodec.FOOTER_BYTES);
                out.add(blob);
            }
            finals = out;
            parts = new Part[0];
        }
        return buffers();
    }

    private List<ByteBuffer> buffers() {
        List<ByteBuffer> buffers = new ArrayList<>(finals.size());
        for (MemoryBlock m : finals) {
            buffers.add(m.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        return buffers;
    }

    /** Frees every partition; idempotent. */
    @Override
    public void close() {
        finished = true;
        if (finals != null) {
            for (MemoryBlock m : finals) {
                m.close();
            }
            finals = List.of();
        }
        if (parts != null) {
            closeAll(parts);
        }
        parts = new Part[0];
        if (runKeys != null) {
            runKeys.close();
            runKeys = null;
        }
    }

    @Override
    public String toString() {
        return "KeyIndexWriter[" + size() + " keys, run of " + runRows + ", " + (mode == MODE_EXACT ? "EXACT" : "HASHED") + ", "
                + (parts == null ? 0 : parts.length) + " partitions" + (finals == null ? "" : ", finished " + finals.size()) + "]";
    }

    @Override
    public long find(IndexKeys probe) {
        if (finals != null) {
            throw new IllegalStateException("key index writer is finished; open its blobs as a KeyIndexSegment to probe them");
        }
        if (!hashRest) {
            throw new IllegalStateException("a run-only key index writer keeps no keys; it cannot find them");
        }
        long hashed = parts == null ? -1 : findHashedOrExact(probe);
        if (hashed >= 0 || runRows == 0) {
            return hashed;
        }
        if (!retainRun) {
            throw new IllegalStateException("this key index writer does not keep its sorted run's keys; it cannot find them");
        }
        return findInRun(probe.currentA(), probe.currentB());
    }

    private long findHashedOrExact(IndexKeys probe) {
        if (mode == MODE_EXACT) {
            if (!probe.currentHasExact()) {
                return -1;
            }
            long exact = probe.currentExact();
            long mix = KeyIndexPartition.mix(exact);
            Part p = parts[KeyIndexPartition.partitionOf(mix, bits)];
            return p == null ? -1 : rowAt(p, slotOfExact(p, exact, mix));
        }
        int len = probe.currentBytes();
        long hash = probe.currentHash();
        long mix = KeyIndexPartition.mix(hash);
        Part p = parts[KeyIndexPartition.partitionOf(mix, bits)];
        return p == null ? -1 : rowAt(p, slotOfHashed(p, hash, mix, probe.bytes(), len));
    }
}
