package dev.ingot.constraints;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.internal.KeySet;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.constraints.spill.SpilledViolation;
import dev.ingot.constraints.spill.SpillingKeySet;
import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The key set of one PRIMARY KEY / UNIQUE constraint and its life cycle: who holds it, whether it
 * is visible to foreign-key probes, when it is freed.
 *
 * <p>States:
 * <pre>
 *  loading table:   PLANNED --beginTable--> BUILDING --finish--> PUBLISHED --holds=0--> RELEASED
 *                                               \--abort--> FAILED (memory freed at once) --holds=0--> FAILED
 *  existing table:  UNBUILT --first probe: scan--> PUBLISHED --holds=0--> UNBUILT (memory freed)
 * </pre>
 *
 * <p>Thread-safety: state changes and frees run under this object's monitor; {@link #state} is
 * volatile, so a prober that reads PUBLISHED sees the finished set (the owner's last write
 * happens-before the volatile write). {@link #holds} is the reference count: the memory is freed
 * exactly once, when it drops to zero, and never while a holder may still probe it.
 */
final class KeyEntry {
    enum State { PLANNED, BUILDING, PUBLISHED, FAILED, RELEASED, UNBUILT }

    final TableDef table;
    final ConstraintSpec spec;
    final List<ColumnType> types;
    final boolean existing;
    private final KeyScanner scanner;
    final AtomicInteger holds = new AtomicInteger();
    volatile State state;
    /** Guarded by this; read without the lock only after seeing state == PUBLISHED. */
    KeySet set;
    /** What the set was when last published or freed; guarded by this. */
    private KeySetReport report;

    KeyEntry(TableDef table, ConstraintSpec spec, KeyScanner scanner) {
        this.table = table;
        this.spec = spec;
        this.existing = scanner != null;
        this.scanner = scanner;
        List<ColumnType> t = new ArrayList<>();
        for (String c : spec.columns()) {
            t.add(table.column(c).type());
        }
        this.types = List.copyOf(t);
        this.state = existing ? State.UNBUILT : State.PLANNED;
    }

    String describe() {
        return spec.kind().sql() + " " + spec.name() + " of table " + table.name();
    }

    /** Adds a holder. @throws IllegalStateException if the set was already released for good */
    synchronized void acquire() {
        if (state == State.RELEASED) {
            throw new IllegalStateException("the key set of " + describe() + " was already released");
        }
        holds.incrementAndGet();
    }

    /** Drops a holder; frees the memory when none is left. */
    synchronized void release() {
        int h = holds.decrementAndGet();
        if (h < 0) {
            holds.incrementAndGet();
            throw new IllegalStateException("key set of " + describe() + " released more often than held");
        }
        if (h == 0) {
            freeSet();
            if (existing) {
                state = State.UNBUILT;
            } else if (state != State.FAILED) {
                state = State.RELEASED;
            }
        }
    }

    /**
     * Creates the empty set for a table that begins loading: one that adapts its kind to the keys
     * (see {@link KeySetKind}) unless its own table references it ({@code selfReferenced}: then it
     * is probed while being built and must be a set from the start).
     */
    synchronized void begin(NativeAllocator allocator, long expectedRows, float loadFactor, boolean selfReferenced) {
        begin(allocator, expectedRows, loadFactor, selfReferenced, null, 0);
    }

    /**
     * As {@link #begin(NativeAllocator, long, float, boolean)}; with a spill directory the set is a
     * {@link SpillingKeySet} (wrapping, when self-referenced, a set that can be probed while built)
     * whose memory comes from a child allocator limited to {@code shareBytes}: when it does not
     * fit there, it continues as an external check. A set presized for {@code expectedRows} that
     * does not fit the share at once starts empty instead.
     */
    synchronized void begin(NativeAllocator allocator, long expectedRows, float loadFactor, boolean selfReferenced,
                            SpillDirectory spill, long shareBytes) {
        if (state != State.PLANNED) {
            throw new IllegalStateException("key set of " + describe() + " is " + state + ", expected PLANNED");
        }
        set = spill == null ? KeySet.create(types, allocator, expectedRows, loadFactor, !selfReferenced)
                : spillingSet(allocator, expectedRows, loadFactor, !selfReferenced, spill, shareBytes);
        state = State.BUILDING;
    }

    /**
     * A {@link SpillingKeySet} whose memory comes from a child allocator limited to
     * {@code shareBytes}; a set presized for {@code expectedRows} that does not fit the share at
     * once starts empty instead.
     */
    private SpillingKeySet spillingSet(NativeAllocator allocator, long expectedRows, float loadFactor, boolean adaptive,
                                       SpillDirectory spill, long shareBytes) {
        NativeAllocator own = allocator.newChild(table.name() + "." + spec.name(), shareBytes);
        try {
            KeySet inner;
            try {
                inner = KeySet.create(types, own, expectedRows, loadFactor, adaptive);
            } catch (MemoryLimitException tooBig) {
                inner = KeySet.create(types, own, 0, loadFactor, adaptive); // grows, then spills
            }
            return new SpillingKeySet(inner, types, own, spill);
        } catch (RuntimeException | Error e) {
            try {
                own.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The owner finished: the set is frozen (kept for probes only if a child holds it, that is
     * more than the owner's hold) and becomes visible to probes. If freezing fails (the probe
     * structure cannot be allocated) the set is freed and marked FAILED, and the failure rethrown.
     */
    synchronized void publish() {
        if (state == State.BUILDING) {
            try {
                set.freeze(holds.get() > 1);
            } catch (RuntimeException | Error e) {
                fail();
                throw e;
            }
            report = snapshot();
            state = State.PUBLISHED;
        }
    }

    private KeySetReport snapshot() {
        if (set instanceof SpillingKeySet s) {
            return new KeySetReport(spec.name(), s.kind(), s.peakBytes(), s.size(), s.spilledBytes(), s.nanos());
        }
        return new KeySetReport(spec.name(), set.kind(), set.peakBytes(), set.size());
    }

    /**
     * What the set is now (while it exists) or was when last published or freed; null if it was
     * never built.
     */
    synchronized KeySetReport report() {
        return set != null ? snapshot() : report;
    }

    /** The owner failed: free the memory now (nobody may probe a failed table) and mark it. */
    synchronized void fail() {
        freeSet();
        if (state != State.RELEASED) {
            state = State.FAILED;
        }
    }

    /** Frees the memory regardless of holders (service close). */
    synchronized void forceFree() {
        freeSet();
        state = State.RELEASED;
    }

    private void freeSet() {
        KeySet s = set;
        if (s != null) {
            report = snapshot();
            set = null;
            s.close();
        }
    }

    long allocatedBytes() {
        KeySet s;
        synchronized (this) {
            s = set;
        }
        return s == null ? 0 : s.allocatedBytes();
    }

    /**
     * The published set for a foreign-key probe of {@code fk} by {@code childTable}; builds it
     * from the stored table first if this is an existing table's key. With a spill directory, a
     * built set that does not fit {@code shareBytes} is spilled: its stored keys are sorted
     * externally into the sorted distinct keys that {@link dev.ingot.constraints.spill.ExternalForeignKey}
     * merge-joins against (the returned set is then {@link SpillingKeySet#isExternal() external}).
     *
     * @throws IllegalStateException if the owning table has not finished, failed, or was released
     */
    KeySet setForProbe(String childTable, ConstraintSpec fk, NativeAllocator allocator, float loadFactor,
                       SpillDirectory spill, long shareBytes) {
        synchronized (this) {
            switch (state) {
                case PUBLISHED:
                    return set;
                case UNBUILT:
                    if (holds.get() <= 0) {
                        throw new IllegalStateException("table " + childTable + " holds no reference to " + describe());
                    }
                    set = build(allocator, loadFactor, spill, shareBytes);
                    state = State.PUBLISHED;
                    return set;
                case PLANNED:
                case BUILDING:
                    throw new IllegalStateException("cannot check FOREIGN KEY constraint \"" + fk.name() + "\" of table "
                            + childTable + ": referenced table " + table.name() + " has not finished loading");
                case FAILED:
                    throw new IllegalStateException("cannot check FOREIGN KEY constraint \"" + fk.name() + "\" of table "
                            + childTable + ": referenced table " + table.name() + " failed to load");
                default:
                    throw new IllegalStateException("cannot check FOREIGN KEY constraint \"" + fk.name() + "\" of table "
                            + childTable + ": the key set of " + describe() + " was already released");
            }
        }
    }

    private KeySet build(NativeAllocator allocator, float loadFactor, SpillDirectory spill, long shareBytes) {
        long expected = scanner.estimatedRows();
        KeySet s = spill == null ? KeySet.create(types, allocator, expected, loadFactor, true)
                : spillingSet(allocator, expected, loadFactor, true, spill, shareBytes);
        SpillingKeySet spilling = s instanceof SpillingKeySet sp ? sp : null;
        try {
            long[] scanned = {0};
            scanner.scan(spec.columns(), (columns, rowCount) -> {
                int d = spilling != null ? spilling.addBatch(columns, 0, rowCount, scanned[0]) : s.addBatch(columns, 0, rowCount);
                if (d >= 0) {
                    throw storedDuplicate(scanned[0] + d);
                }
                scanned[0] += rowCount;
            });
            if (spilling != null) {
                // spilled: one merge finds a stored duplicate and writes the sorted distinct keys
                SpilledViolation v = spilling.firstDuplicate(Long.MAX_VALUE, true);
                if (v != null) {
                    throw storedDuplicate(v.rowId());
                }
            }
            s.freeze(true);
        } catch (RuntimeException | Error e) {
            try {
                s.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return s;
    }

    private IllegalStateException storedDuplicate(long row) {
        return new IllegalStateException("stored table " + table.name() + " holds a duplicate key for " + describe() + " at stored row " + row);
    }
}
