package dev.ingot.constraints;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.constraints.internal.KeyVectors;
import dev.ingot.constraints.spill.ExternalForeignKey;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.constraints.spill.SpilledViolation;
import dev.ingot.memory.internal.Failures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks the constraints of rows appended to a table that may already hold rows, through persisted
 * key indexes, so the cost grows with the rows appended and never with the table:
 * <ul>
 *   <li>PRIMARY KEY / UNIQUE: a key must not be held by a live stored row (the table's stored
 *       {@link KeyIndex}, with the deletion test of the unit of work: a deleted key may be inserted
 *       again) nor by a row appended earlier in the same unit of work (the constraint's
 *       {@link AppendedKeys}, which this checker fills, row ids {@code baseRowId + load row}; they
 *       spill to disk when they outgrow their share of memory, and duplicates among the spilled
 *       keys are then found by {@link #checkSpilled});</li>
 *   <li>FOREIGN KEY: the key must be held by a live row of the referenced table, stored or appended in
 *       the same unit of work (the parent's {@link KeyIndex} with its pending writers; when the
 *       parent's appended keys spilled to disk, rows not found there are merge-joined against them
 *       by {@link #checkSpilled}).</li>
 * </ul>
 * The first-error rule and the messages are those of a fresh load ({@link TableChecker#checkBatch}):
 * the lowest violating row wins; for one row PRIMARY KEY (a NULL, then a duplicate), UNIQUE, FOREIGN
 * KEY, each kind in declaration order; row numbers in messages count from the append's first row.
 *
 * <p>Thread-safety: not thread-safe; one loading thread. Ownership: the key index writers belong
 * to the caller (the unit of work), which puts them at its commit or closes them.
 */
public final class AppendChecker implements BatchChecker {
    /**
     * What the checker needs of one of the table's PRIMARY KEY / UNIQUE constraints: the stored
     * rows' index and the keys the unit of work appended (which this checker adds to).
     */
    public record OwnKey(KeyIndex stored, AppendedKeys pending) {
        public OwnKey {
            Objects.requireNonNull(stored, "stored");
            Objects.requireNonNull(pending, "pending");
        }
    }

    /**
     * What the checker needs of the key a FOREIGN KEY references.
     *
     * @param childColumnsInKeyOrder the child's columns in the order of the parent key's columns
     * @param parent                 the parent key's index (stored segments and pending writers); a
     *                               supplier, because a parent appended later in the same unit of
     *                               work adds writers
     * @param parentDeleted          whether a parent row id is deleted in the unit of work's view
     * @param parentAppended         the keys the unit of work appended to the parent, or a supplier
     *                               of null when it appended none: when they spilled, a key missing
     *                               from {@code parent} may be among them
     */
    public record ParentKey(List<String> childColumnsInKeyOrder, Supplier<KeyIndex> parent, LongPredicate parentDeleted,
                            Supplier<AppendedKeys> parentAppended) {
        /** A parent whose appended keys never spill. */
        public ParentKey(List<String> childColumnsInKeyOrder, Supplier<KeyIndex> parent, LongPredicate parentDeleted) {
            this(childColumnsInKeyOrder, parent, parentDeleted, () -> null);
        }
    }

    private final TableDef def;
    private final long baseRowId;
    private final LongPredicate deleted;
    private final RowLocator locator;
    private final Step[] steps;
    private final SpillDirectory spill;
    private boolean ended;

    private static final class Step {
        final ConstraintSpec spec;
        final String[] columns;
        final FieldVector[] vectors;
        final OwnKey own;
        final KeyIndex.Finder storedFinder;
        final ParentKey parent;
        /** Rows whose referenced key may be among the parent's spilled appended keys, merge-joined at {@link #checkSpilled}. */
        ExternalForeignKey external;
        AppendedKeys externalParent;

        Step(ConstraintSpec spec, List<String> columns, OwnKey own, ParentKey parent) {
            this.spec = spec;
            this.columns = columns.toArray(new String[0]);
            this.vectors = new FieldVector[this.columns.length];
            this.own = own;
            this.storedFinder = own == null ? null : own.stored().newFinder();
            this.parent = parent;
        }
    }

    /**
     * @param def       the table appended to
     * @param baseRowId the table row id of the append's load row 0 (the table's row count before it)
     * @param deleted   whether a row id of this table is deleted (stored deletion vectors and deletes
     *                  of the unit of work)
     * @param ownKeys   every PRIMARY KEY / UNIQUE constraint of {@code def}, by name
     * @param parents   every FOREIGN KEY of {@code def}, by name
     * @param locator   names rows in messages; null = unknown
     * @throws IllegalArgumentException if a constraint of {@code def} has no entry
     */
    public AppendChecker(TableDef def, long baseRowId, LongPredicate deleted, Map<String, OwnKey> ownKeys,
                         Map<String, ParentKey> parents, RowLocator locator) {
        this(def, baseRowId, deleted, ownKeys, parents, locator, null);
    }

    /**
     * As {@link #AppendChecker(TableDef, long, LongPredicate, Map, Map, RowLocator)}; rows whose
     * referenced key may be among a parent's appended keys spilled to disk go to temporary files
     * in {@code spill} and are resolved by {@link #checkSpilled} (null: no parent spills).
     */
    public AppendChecker(TableDef def, long baseRowId, LongPredicate deleted, Map<String, OwnKey> ownKeys,
                         Map<String, ParentKey> parents, RowLocator locator, SpillDirectory spill) {
        this.spill = spill;
        this.def = Objects.requireNonNull(def, "def");
        this.baseRowId = baseRowId;
        this.deleted = Objects.requireNonNull(deleted, "deleted");
        this.locator = locator == null ? RowLocator.NONE : locator;
        List<Step> list = new ArrayList<>();
        for (ConstraintSpec c : TableChecker.checkOrder(def)) {
            if (c.isKey()) {
                OwnKey own = ownKeys.get(c.name());
                if (own == null) {
                    throw new IllegalArgumentException("no key index given for " + c.kind().sql() + " " + c.name() + " of table " + def.name());
                }
                list.add(new Step(c, c.columns(), own, null));
            } else {
                ParentKey p = parents.get(c.name());
                if (p == null) {
                    throw new IllegalArgumentException("no referenced key given for FOREIGN KEY " + c.name() + " of table " + def.name());
                }
                list.add(new Step(c, p.childColumnsInKeyOrder(), null, p));
            }
        }
        this.steps = list.toArray(new Step[0]);
        for (Step step : steps) {
            if (step.own != null) {
                step.own.pending().reportDuplicatesWith(v -> spilledViolation(step, v, v.rowId() - baseRowId));
            }
        }
    }

    @Override
    public TableDef table() {
        return def;
    }

    @Override
    public void checkBatch(VectorSchemaRoot batch, int offset, int length, long firstRowId) {
        if (ended) {
            throw new IllegalStateException("AppendChecker of table " + def.name() + " has already finished or aborted");
        }
        TableChecker.requireRows(batch, offset, length);
        int limit = length;
        ConstraintViolationException lowest = null;
        for (Step step : steps) {
            if (limit == 0) {
                break;
            }
            TableChecker.bind(batch, def.name(), step.spec, step.columns, step.vectors);
            int bad = -1;
            ConstraintViolationException found = null;
            if (step.own != null) {
                int rows = limit;
                if (step.spec.kind() == ConstraintSpec.Kind.PRIMARY_KEY) {
                    int nullRow = KeyVectors.firstNullRow(step.vectors, offset, rows);
                    if (nullRow >= 0) {
                        bad = nullRow - offset;
                        found = TableChecker.nullViolation(step.spec, def.name(), step.columns, step.vectors, nullRow,
                                firstRowId + bad, locator);
                        rows = bad;
                    }
                }
                int stored = rows == 0 ? -1 : step.storedFinder.firstPresent(step.vectors, offset, rows, deleted);
                int upTo = stored >= 0 ? stored : rows;
                int dup = upTo == 0 ? -1 : step.own.pending().add(step.vectors, offset, upTo, baseRowId + firstRowId, deleted);
                int d = dup >= 0 ? dup : stored;
                if (d >= 0) {
                    bad = d;
                    found = ConstraintViolationException.duplicateKey(step.spec, def.name(),
                            TableChecker.values(batch, step.spec.columns(), offset + d), firstRowId + d, locator.describe(firstRowId + d));
                }
            } else {
                int m = firstMissing(step, offset, limit, firstRowId);
                if (m >= 0) {
                    bad = m;
                    found = ConstraintViolationException.missingReference(step.spec, def.name(),
                            TableChecker.values(batch, step.spec.columns(), offset + m), firstRowId + m, locator.describe(firstRowId + m));
                }
            }
            Arrays.fill(step.vectors, null);
            if (found != null) {
                lowest = found;
                limit = bad;
            }
        }
        if (lowest != null) {
            ConstraintViolationException spilled = lowestSpilled(lowest.rowId()); // a spilled violation below it comes first
            throw spilled != null ? spilled : lowest;
        }
    }

    /**
     * The first row of {@code [offset, offset + limit)} (relative) whose FOREIGN KEY value no live
     * parent row holds, stored or appended; rows that may reference a parent's appended keys spilled
     * to disk are not decided here but collected for {@link #checkSpilled}.
     */
    private int firstMissing(Step step, int offset, int limit, long firstRowId) {
        KeyIndex.Finder finder = step.parent.parent().get().newFinder();
        AppendedKeys appended = step.parent.parentAppended().get();
        if (appended == null || !appended.isSpilled()) {
            return finder.firstMissing(step.vectors, offset, limit, step.parent.parentDeleted());
        }
        for (int from = 0; from < limit; ) {
            int r = finder.firstMissing(step.vectors, offset + from, limit - from, step.parent.parentDeleted());
            if (r < 0) {
                return -1;
            }
            int row = from + r;
            if (!appended.spilledToDisk()) {
                if (!appended.holds(step.vectors, offset + row)) {
                    return row;
                }
            } else {
                if (step.external == null) {
                    if (spill == null) {
                        throw new IllegalStateException("FOREIGN KEY " + step.spec.name() + " of table " + def.name()
                                + ": the referenced table's appended keys were spilled, and this checker has no spill directory");
                    }
                    List<ColumnType> types = new ArrayList<>();
                    for (String c : step.columns) {
                        types.add(def.column(c).type());
                    }
                    step.external = new ExternalForeignKey(types, spill, null);
                    step.externalParent = appended;
                }
                step.external.addBatch(step.vectors, offset + row, 1, firstRowId + row);
            }
            from = row + 1;
        }
        return -1;
    }

    /**
     * {@inheritDoc} Here: duplicates among the appended keys that spilled to disk (by a merge of
     * their runs) and rows referencing a parent whose appended keys spilled to disk (merge-joined
     * against them, which freezes them: see {@link AppendedKeys#keysForProbes}). Row numbers count
     * from the append's first row.
     */
    @Override
    public void checkSpilled(long belowRowId) {
        if (ended) {
            throw new IllegalStateException("AppendChecker of table " + def.name() + " has already finished or aborted");
        }
        ConstraintViolationException best = lowestSpilled(belowRowId);
        if (best != null) {
            throw best;
        }
    }

    /** Whether a check of this append was deferred to temporary files ({@link #checkSpilled} then has work). */
    public boolean hasSpilled() {
        for (Step step : steps) {
            if (step.external != null || (step.own != null && step.own.pending().spilledToDisk())) {
                return true;
            }
        }
        return false;
    }

    /** The lowest violation below load row {@code belowRowId} among the spilled checks (for one row, the first in check order), or null. */
    private ConstraintViolationException lowestSpilled(long belowRowId) {
        long below = belowRowId;
        ConstraintViolationException best = null;
        for (Step step : steps) {
            SpilledViolation v = null;
            long row = 0;
            if (step.own != null) {
                v = step.own.pending().firstDuplicate(below == Long.MAX_VALUE ? Long.MAX_VALUE : baseRowId + below);
                row = v == null ? 0 : v.rowId() - baseRowId;
            } else if (step.external != null) {
                v = step.external.firstOrphan(step.externalParent.keysForProbes(), below);
                row = v == null ? 0 : v.rowId();
            }
            if (v != null && row < below) {
                below = row;
                best = spilledViolation(step, v, row);
            }
        }
        return best;
    }

    /** The exception for a violation found among spilled keys, at load row {@code row}. */
    private ConstraintViolationException spilledViolation(Step step, SpilledViolation v, long row) {
        return TableChecker.spilledViolation(step.spec, def.name(), step.columns, v, row, locator);
    }

    /** Off-heap bytes of the key index writers this checker fills. */
    @Override
    public long keySetBytes() {
        long total = 0;
        for (Step s : steps) {
            if (s.own != null) {
                total += s.own.pending().writer().allocatedBytes();
            }
        }
        return total;
    }

    @Override
    public void finish() {
        ended = true;
        closeExternal();
    }

    @Override
    public void abort() {
        ended = true;
        closeExternal();
    }

    /** Deletes the temporary files of the referencing rows collected for spilled parents. */
    private void closeExternal() {
        RuntimeException failure = null;
        for (Step s : steps) {
            if (s.external != null) {
                try {
                    s.external.close();
                } catch (RuntimeException e) {
                    failure = Failures.chain(failure, e);
                }
                s.external = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        abort();
    }

    @Override
    public String toString() {
        return "AppendChecker[" + def.name() + (ended ? ", ended]" : "]");
    }
}
