package dev.ingot.constraints;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.hash.Hashing;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.memory.internal.Failures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Enforces PRIMARY KEY, UNIQUE and FOREIGN KEY constraints during bulk loads, and owns every key
 * set and its lifetime.
 *
 * <p>Usage, per load of a set of tables:
 * <ol>
 *   <li>{@link #registerExistingTable} for each already-stored table that a loading table
 *       references (before or after step 2, but before the child's {@link #beginTable});</li>
 *   <li>{@link #planLoad} with the tables to load: counts, for each PRIMARY KEY / UNIQUE set, its
 *       holders (the owning table plus every loading table with a FOREIGN KEY to it);</li>
 *   <li>per table, on one thread: {@link #beginTable}, then {@link TableChecker#checkBatch} for
 *       every batch, then {@link TableChecker#finish()} (or {@link TableChecker#abort()}). Parents
 *       must finish before a child checks a batch: the service never waits;</li>
 *   <li>{@link #close()}; after a complete load {@link #outstandingBytes()} is already 0.</li>
 * </ol>
 *
 * <p>SQL semantics: a NULL in a PRIMARY KEY column is a violation. A row with a NULL in any column
 * of a UNIQUE key is exempt from that constraint (NULLs are never equal), and a row with a NULL in
 * any column of a FOREIGN KEY is exempt from it (MATCH SIMPLE, the SQL default).
 *
 * <p>Key sets: one per PRIMARY KEY / UNIQUE constraint, built as the table's rows arrive (or, for
 * a registered existing table, built once by scanning only its key columns when a child first
 * probes it). A FOREIGN KEY probes the referenced table's published set; the parent table is never
 * scanned or copied when it is loading in the same plan. The referenced columns must be exactly
 * the columns of a declared PRIMARY KEY or UNIQUE constraint (in any order).
 *
 * <p>Release rule: each set's memory is freed the moment its hold count reaches zero, that is when
 * its own table has finished or aborted and every loading child referencing it has finished or
 * aborted. A table that aborts frees its own sets at once and marks them failed: a child that then
 * checks a batch gets an {@link IllegalStateException} saying the referenced table failed to load
 * (rather than a misleading orphan-key violation).
 *
 * <p>Deferred (bulk) mode needs nothing special: append first, then stream the stored key columns
 * through {@link TableChecker#checkBatch} with the exact row count as {@code expectedRows}, which
 * presizes every set so that it never grows.
 *
 * <p>Thread-safety: thread-safe; tables may be planned, begun, finished and aborted from any
 * threads, and different tables' checkers run in parallel. Each {@link TableChecker} is confined
 * to one thread. {@link #close()} must not run while a checker is checking a batch.
 *
 * <p>Ownership: memory comes from a child allocator named {@code constraints} of the allocator
 * passed in; {@link #close()} frees every set still held and closes that child, which throws
 * {@link IllegalStateException} if anything leaked.
 *
 * <p>A self-referencing FOREIGN KEY (a table referencing a PRIMARY KEY / UNIQUE of its own) holds
 * the table's own set like any child and is validated after the table's own keys are known:
 * see {@link TableChecker#checkSelfReferences}.
 *
 * <p>Limitations: a table cannot be loaded while also registered as existing: appends to a stored
 * table are checked by an {@link AppendChecker} over the persisted key indexes instead.
 */
public final class ConstraintService implements AutoCloseable {
    /** Load factor of the key sets unless given: keeps presized tables at most 3/4 full. */
    public static final float DEFAULT_LOAD_FACTOR = 0.75f;

    private final NativeAllocator allocator;
    private final float loadFactor;
    /** Where key sets that do not fit their share spill; null = they stay in memory (or fail). */
    private final SpillDirectory spill;
    /** Guarded by this. */
    private final Map<String, TableSlot> tables = new HashMap<>();
    /** FOREIGN KEYs whose referenced table is neither loading nor registered yet; guarded by this. */
    private final Map<String, List<PendingRef>> unresolved = new HashMap<>();
    /** Every key entry ever created, so close() frees even those of replaced slots; guarded by this. */
    private final List<KeyEntry> allEntries = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Creates a service whose memory comes from a child of {@code parent} named {@code constraints}
     * with the parent's limit and {@link #DEFAULT_LOAD_FACTOR}.
     */
    public ConstraintService(NativeAllocator parent) {
        this(parent, parent.limitBytes(), DEFAULT_LOAD_FACTOR);
    }

    /**
     * Creates a service whose memory comes from a child of {@code parent} named {@code constraints}.
     *
     * @param parent     the allocator to account against; must outlive this service
     * @param limitBytes the most off-heap bytes all key sets together may hold, {@code > 0}
     * @param loadFactor the key sets' load factor, in [0.1, 0.9]
     * @throws IllegalArgumentException for a bad limit or load factor
     */
    public ConstraintService(NativeAllocator parent, long limitBytes, float loadFactor) {
        this(parent, limitBytes, loadFactor, null);
    }

    /**
     * Creates a service whose key sets spill to {@code spill} instead of failing: each PRIMARY
     * KEY / UNIQUE set of a loading table gets an equal share of {@code limitBytes} (the limit
     * divided by the number of such constraints planned so far, at the table's
     * {@link #beginTable}); a set that does not fit its share continues as an external check
     * (see {@link TableChecker}; a self-referenced set too), and so does a stored parent's set built
     * for a probe (share: {@link #existingShareBytes}).
     *
     * @param spill where temporary files go; null = no spilling (as the other constructors)
     * @throws IllegalArgumentException for a bad limit or load factor
     */
    public ConstraintService(NativeAllocator parent, long limitBytes, float loadFactor, SpillDirectory spill) {
        Objects.requireNonNull(parent, "parent");
        Hashing.validateLoadFactor(loadFactor);
        this.loadFactor = loadFactor;
        this.allocator = parent.newChild("constraints", limitBytes);
        this.spill = spill;
    }

    /** Where key sets spill, or null if they never do. */
    SpillDirectory spillDirectory() {
        return spill;
    }

    /** Each loading PRIMARY KEY / UNIQUE set's share of the limit: the limit over their number. */
    private long shareBytes() {
        return shareBytes(0);
    }

    /**
     * The share of the limit for an existing (stored) table's key set built for a probe: the
     * limit over the loading sets plus this one; 0 when nothing spills.
     */
    long existingShareBytes() {
        return spill == null ? 0 : shareBytes(1);
    }

    /** The limit over the loading tables' PRIMARY KEY / UNIQUE sets plus {@code others}. */
    private synchronized long shareBytes(int others) {
        long sets = others;
        for (TableSlot t : tables.values()) {
            if (t.status != TableSlot.Status.EXISTING) {
                sets += t.keys.size();
            }
        }
        return Math.max(1, allocator.limitBytes() / Math.max(1, sets));
    }

    /** A table known to the service: loading (planned) or existing (registered). */
    static final class TableSlot {
        enum Status { PLANNED, BEGUN, FINISHED, ABORTED, EXISTING }

        final TableDef def;
        final Map<String, KeyEntry> keys = new LinkedHashMap<>();
        /** FOREIGN KEY name -> resolved parent; guarded by the service. */
        final Map<String, FkLink> fkLinks = new HashMap<>();
        Status status;

        TableSlot(TableDef def, KeyScanner scanner) {
            this.def = def;
            this.status = scanner == null ? Status.PLANNED : Status.EXISTING;
            for (ConstraintSpec k : def.keyConstraints()) {
                keys.put(k.name(), new KeyEntry(def, k, scanner));
            }
        }

        boolean isLoading() {
            return status == Status.PLANNED || status == Status.BEGUN;
        }

        boolean isDone() {
            return status == Status.FINISHED || status == Status.ABORTED;
        }

        boolean isHeld() {
            for (KeyEntry e : keys.values()) {
                if (e.holds.get() > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A resolved FOREIGN KEY: the parent's key set and the child's columns in parent key order. */
    record FkLink(ConstraintSpec foreignKey, KeyEntry parent, List<String> childColumnsInKeyOrder) {}

    private record PendingRef(TableSlot child, ConstraintSpec foreignKey) {}

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ConstraintService is closed");
        }
    }

    /**
     * Plans the load of {@code tablesToLoad}: every PRIMARY KEY / UNIQUE set of a loading table
     * gets one hold for its own table plus one per FOREIGN KEY of a loading table referencing it;
     * a registered existing table's set gets one hold per such FOREIGN KEY. May be called more
     * than once (for disjoint sets of tables). Atomic: on an exception nothing is recorded.
     *
     * @throws IllegalArgumentException if a table is listed twice or is already loading or
     *         registered as existing; if a FOREIGN KEY references columns that are not exactly
     *         a PRIMARY KEY / UNIQUE of the referenced table (its own table included), or columns
     *         of an incompatible type (text vs integer, or DECIMALs of different scale)
     * @throws IllegalStateException if the service is closed, or a referenced key set was already
     *         released
     */
    public synchronized void planLoad(Collection<TableDef> tablesToLoad) {
        ensureOpen();
        Map<String, TableSlot> fresh = new LinkedHashMap<>();
        for (TableDef def : tablesToLoad) {
            String name = def.name();
            if (fresh.containsKey(name)) {
                throw new IllegalArgumentException("table " + name + " is listed twice");
            }
            TableSlot old = tables.get(name);
            if (old != null && old.isLoading()) {
                throw new IllegalArgumentException("table " + name + " is already planned for loading");
            }
            if (old != null && old.status == TableSlot.Status.EXISTING) {
                throw new IllegalArgumentException("table " + name + " is registered as an existing table; it cannot also be loaded");
            }
            fresh.put(name, new TableSlot(def, null));
        }
        List<FkLink> links = new ArrayList<>();
        List<TableSlot> linkChildren = new ArrayList<>();
        List<PendingRef> pending = new ArrayList<>();
        for (TableSlot child : fresh.values()) {
            for (ConstraintSpec fk : child.def.foreignKeys()) {
                // a self-reference resolves to the child's own slot: its set gets one more hold
                TableSlot parent = fresh.get(fk.referencedTable());
                if (parent == null) {
                    parent = tables.get(fk.referencedTable());
                    if (parent != null && parent.isDone()) {
                        parent = null; // finished in an earlier plan: must be registered as existing
                    }
                }
                if (parent == null) {
                    pending.add(new PendingRef(child, fk));
                } else {
                    FkLink link = resolve(child.def, fk, parent);
                    if (!fresh.containsKey(parent.def.name()) && link.parent().state == KeyEntry.State.RELEASED) {
                        throw new IllegalStateException("the key set of " + link.parent().describe() + " was already released");
                    }
                    links.add(link);
                    linkChildren.add(child);
                }
            }
        }
        // commit
        for (TableSlot slot : fresh.values()) {
            tables.put(slot.def.name(), slot);
            allEntries.addAll(slot.keys.values());
            for (KeyEntry e : slot.keys.values()) {
                e.acquire();
            }
        }
        for (int i = 0; i < links.size(); i++) {
            FkLink link = links.get(i);
            link.parent().acquire();
            linkChildren.get(i).fkLinks.put(link.foreignKey().name(), link);
        }
        for (PendingRef p : pending) {
            unresolved.computeIfAbsent(p.foreignKey().referencedTable(), k -> new ArrayList<>()).add(p);
        }
    }

    /**
     * Registers a table that is already stored and is not loading now, so loading tables may
     * reference it. Its key sets are built lazily, once, when a child first probes them, by
     * scanning only the key columns through {@code scanner}, and freed under the same hold
     * counting as loading tables' sets. May be called before or after the {@link #planLoad} that
     * references it, but before the referencing child's {@link #beginTable}.
     *
     * @param def     the stored table's definition
     * @param scanner reads its key columns; kept until the service closes or the table is
     *                registered again
     * @throws IllegalArgumentException if the table is loading, is registered and still in use,
     *         or a planned FOREIGN KEY does not match one of its PRIMARY KEY / UNIQUE constraints
     * @throws IllegalStateException    if the service is closed
     */
    public synchronized void registerExistingTable(TableDef def, KeyScanner scanner) {
        ensureOpen();
        Objects.requireNonNull(scanner, "scanner");
        String name = def.name();
        TableSlot old = tables.get(name);
        if (old != null && old.isLoading()) {
            throw new IllegalArgumentException("table " + name + " is planned for loading; it cannot also be registered as existing");
        }
        if (old != null && old.status == TableSlot.Status.EXISTING && old.isHeld()) {
            throw new IllegalArgumentException("table " + name + " is already registered and referenced by a loading table");
        }
        TableSlot slot = new TableSlot(def, scanner);
        List<PendingRef> pending = unresolved.getOrDefault(name, List.of());
        List<FkLink> links = new ArrayList<>();
        for (PendingRef p : pending) {
            links.add(resolve(p.child().def, p.foreignKey(), slot));
        }
        tables.put(name, slot);
        allEntries.addAll(slot.keys.values());
        unresolved.remove(name);
        for (int i = 0; i < links.size(); i++) {
            FkLink link = links.get(i);
            link.parent().acquire();
            pending.get(i).child().fkLinks.put(link.foreignKey().name(), link);
        }
    }

    private static FkLink resolve(TableDef child, ConstraintSpec fk, TableSlot parent) {
        ConstraintSpec key = ConstraintRules.referencedKey(parent.def, fk.referencedColumns());
        KeyEntry e = key == null ? null : parent.keys.get(key.name());
        if (e == null || e.spec != key) {
            throw new IllegalArgumentException("FOREIGN KEY " + fk.name() + " of table " + child.name() + " references "
                    + parent.def.name() + " (" + String.join(", ", fk.referencedColumns()) + "), which is not a PRIMARY KEY or UNIQUE constraint of "
                    + parent.def.name());
        }
        List<String> keyCols = key.columns();
        List<String> childCols = new ArrayList<>();
        for (int j = 0; j < keyCols.size(); j++) {
            String childCol = fk.columns().get(fk.referencedColumns().indexOf(keyCols.get(j)));
            ColumnType childType = child.column(childCol).type();
            if (!ConstraintRules.compatible(childType, e.types.get(j))) {
                throw new IllegalArgumentException("FOREIGN KEY " + fk.name() + " of table " + child.name() + ": column "
                        + childCol + " " + childType + " cannot reference " + fk.referencedTable() + "." + keyCols.get(j) + " " + e.types.get(j));
            }
            childCols.add(childCol);
        }
        return new FkLink(fk, e, List.copyOf(childCols));
    }

    /**
     * Begins the load of a planned table and returns its checker, to be used by one thread.
     * Creates the table's PRIMARY KEY / UNIQUE sets presized for {@code expectedRows}. Never waits
     * for parents: checking a batch before a referenced table has finished throws
     * {@link IllegalStateException}.
     *
     * @param def          the table, as passed to {@link #planLoad}
     * @param expectedRows rows expected ({@code >= 0}, 0 = unknown); exact counts avoid any rehash
     * @param locator      maps row ids to source locations for messages; null = unknown
     * @throws IllegalStateException    if the table was not planned, was already begun, a referenced
     *                                  table is neither loading nor registered, or the service is
     *                                  closed
     * @throws IllegalArgumentException if {@code def} differs from the planned definition or
     *                                  {@code expectedRows < 0}
     * @throws dev.ingot.memory.MemoryLimitException if the key sets cannot be allocated; the table is then aborted
     */
    public TableChecker beginTable(TableDef def, long expectedRows, RowLocator locator) {
        if (expectedRows < 0) {
            throw new IllegalArgumentException("expectedRows must be >= 0: " + expectedRows);
        }
        TableSlot slot;
        synchronized (this) {
            ensureOpen();
            slot = tables.get(def.name());
            if (slot == null || slot.status == TableSlot.Status.EXISTING) {
                throw new IllegalStateException("table " + def.name() + " was not planned for loading (call planLoad first)");
            }
            if (slot.status != TableSlot.Status.PLANNED) {
                throw new IllegalStateException("table " + def.name() + " is " + slot.status + "; beginTable may be called once per planned load");
            }
            if (!slot.def.equals(def)) {
                throw new IllegalArgumentException("table " + def.name() + " differs from the definition given to planLoad");
            }
            for (ConstraintSpec fk : def.foreignKeys()) {
                if (!slot.fkLinks.containsKey(fk.name())) {
                    throw new IllegalStateException("FOREIGN KEY " + fk.name() + " of table " + def.name() + " references table "
                            + fk.referencedTable() + ", which is neither loading nor registered (call registerExistingTable)");
                }
            }
            slot.status = TableSlot.Status.BEGUN;
        }
        try {
            for (KeyEntry e : slot.keys.values()) {
                e.begin(allocator, expectedRows, loadFactor, isSelfReferenced(slot, e), spill, spill == null ? 0 : shareBytes());
            }
            return new TableChecker(this, slot, locator == null ? RowLocator.NONE : locator);
        } catch (RuntimeException | Error e) {
            try {
                endTable(slot, false);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Whether a FOREIGN KEY of {@code slot}'s own table references {@code key}. */
    private synchronized boolean isSelfReferenced(TableSlot slot, KeyEntry key) {
        for (FkLink l : slot.fkLinks.values()) {
            if (l.parent() == key) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives up on a planned table that will not be loaded (for example because the loader stops
     * after another table failed): releases its holds as if it had begun and aborted. No-op for a
     * table that already finished or aborted.
     *
     * @throws IllegalStateException if the table is not planned, or has begun (use its checker)
     */
    public void cancelTable(String tableName) {
        TableSlot slot;
        synchronized (this) {
            slot = tables.get(tableName);
            if (slot == null || slot.status == TableSlot.Status.EXISTING) {
                throw new IllegalStateException("table " + tableName + " was not planned for loading");
            }
            if (slot.isDone() || closed) {
                return;
            }
            if (slot.status == TableSlot.Status.BEGUN) {
                throw new IllegalStateException("table " + tableName + " has begun loading; abort its TableChecker instead");
            }
        }
        endTable(slot, false);
    }

    /** Ends a begun or planned table: publish (success) or fail its sets, then drop all its holds. */
    void endTable(TableSlot slot, boolean success) {
        List<KeyEntry> own;
        List<FkLink> links;
        synchronized (this) {
            if (closed || slot.isDone()) {
                return;
            }
            slot.status = success ? TableSlot.Status.FINISHED : TableSlot.Status.ABORTED;
            own = new ArrayList<>(slot.keys.values());
            links = new ArrayList<>(slot.fkLinks.values());
            for (Iterator<List<PendingRef>> it = unresolved.values().iterator(); it.hasNext(); ) {
                List<PendingRef> refs = it.next();
                refs.removeIf(p -> p.child() == slot);
                if (refs.isEmpty()) {
                    it.remove();
                }
            }
        }
        RuntimeException failure = null;
        for (KeyEntry e : own) {
            try {
                if (success) {
                    e.publish();
                } else {
                    e.fail();
                }
            } catch (RuntimeException ex) {
                failure = Failures.chain(failure, ex);
            }
        }
        for (KeyEntry e : own) {
            try {
                e.release();
            } catch (RuntimeException ex) {
                failure = Failures.chain(failure, ex);
            }
        }
        for (FkLink l : links) {
            try {
                l.parent().release();
            } catch (RuntimeException ex) {
                failure = Failures.chain(failure, ex);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    NativeAllocator allocator() {
        return allocator;
    }

    float loadFactor() {
        return loadFactor;
    }

    boolean isClosed() {
        return closed;
    }

    /** Off-heap bytes currently held by all key sets (from the {@code constraints} allocator). */
    public long outstandingBytes() {
        return allocator.allocatedBytes();
    }

    /** The most off-heap bytes the key sets have held at once. */
    public long peakBytes() {
        return allocator.peakBytes();
    }

    /**
     * The current hold count of the PRIMARY KEY / UNIQUE constraint {@code constraintName} of
     * {@code tableName} (diagnostics and tests).
     *
     * @throws IllegalArgumentException if no such table or constraint is known
     */
    public synchronized int holdCount(String tableName, String constraintName) {
        KeyEntry e = entry(tableName, constraintName);
        return e.holds.get();
    }

    /**
     * Off-heap bytes held by the key set of {@code constraintName} of {@code tableName}; 0 once
     * freed or not yet built.
     *
     * @throws IllegalArgumentException if no such table or constraint is known
     */
    public synchronized long keySetBytes(String tableName, String constraintName) {
        return entry(tableName, constraintName).allocatedBytes();
    }

    /**
     * The kind, peak bytes and keys of the key set of {@code constraintName} of {@code tableName}:
     * as it is now, or as it was when last published or freed; null if it was never built.
     *
     * @throws IllegalArgumentException if no such table or constraint is known
     */
    public synchronized KeySetReport keySetReport(String tableName, String constraintName) {
        return entry(tableName, constraintName).report();
    }

    private KeyEntry entry(String tableName, String constraintName) {
        TableSlot slot = tables.get(tableName);
        KeyEntry e = slot == null ? null : slot.keys.get(constraintName);
        if (e == null) {
            throw new IllegalArgumentException("no key constraint " + constraintName + " on table " + tableName);
        }
        return e;
    }

    /**
     * Frees every key set still held and closes the {@code constraints} allocator; idempotent.
     * Checkers still open become unusable ({@link IllegalStateException}).
     *
     * @throws IllegalStateException if memory allocated through the service's allocator leaked
     */
    @Override
    public void close() {
        List<KeyEntry> all = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all.addAll(allEntries);
            allEntries.clear();
            tables.clear();
            unresolved.clear();
        }
        RuntimeException failure = null;
        for (KeyEntry e : all) {
            try {
                e.forceFree();
            } catch (RuntimeException ex) {
                failure = Failures.chain(failure, ex);
            }
        }
        try {
            allocator.close();
        } catch (RuntimeException ex) {
            failure = Failures.chain(failure, ex);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
