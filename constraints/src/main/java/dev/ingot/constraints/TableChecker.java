package dev.ingot.constraints;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.internal.KeySet;
import dev.ingot.constraints.internal.KeyVectors;
import dev.ingot.constraints.spill.ExternalForeignKey;
import dev.ingot.constraints.spill.SpilledViolation;
import dev.ingot.constraints.spill.SpillingKeySet;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.memory.internal.Failures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks the constraints of one table load, batch by batch: PRIMARY KEY (NOT NULL, then
 * uniqueness), UNIQUE (rows with a NULL key column are exempt) and FOREIGN KEY (MATCH SIMPLE: rows
 * with a NULL key column are exempt; otherwise the key must be in the referenced table's published
 * key set). Created by {@link ConstraintService#beginTable}.
 *
 * <p>A self-referencing FOREIGN KEY (the referenced key is a PRIMARY KEY / UNIQUE of this same
 * table) is validated after the table's own keys are known: a row may reference a key of a later
 * row. {@link #checkBatch} probes the table's own set as far as it is built and remembers the
 * lowest row whose key was not there yet; {@link #checkSelfReferences} then re-probes the stored
 * rows from that row on against the complete set, before the commit. Such a violation therefore
 * ranks after every other error of the table: it is reported only when no row breaks anything
 * else (an error that stops the load at row R comes first, since whether an earlier row
 * references a key that only a row after R holds cannot be known).
 *
 * <p>A key set that outgrew its share of the memory limit continues as an external check
 * ({@link SpillingKeySet}; a FOREIGN KEY referencing it then spills its keys too,
 * {@link ExternalForeignKey}): such a constraint reports its violations only when they are
 * resolved, by {@link #checkSpilled} (the loader calls it before the commit, before an earlier
 * error is reported, and {@link #checkStored} at its end), or by {@link #checkBatch} when it finds an
 * in-memory violation, so that the violation thrown is always the lowest row over all constraints,
 * exactly as if every set had stayed in memory.
 *
 * <p>Thread-safety: not thread-safe; confine each checker to the thread loading its table.
 * Checkers of different tables may run in parallel.
 *
 * <p>Ownership: the loader must end every checker with {@link #finish()} (load succeeded) or
 * {@link #abort()} (load failed); {@link #close()} aborts unless finished, so try-with-resources
 * is safe. All three are idempotent, and any of them ends the checker's use.
 */
public final class TableChecker implements BatchChecker {
    private final ConstraintService service;
    private final ConstraintService.TableSlot slot;
    private final RowLocator locator;
    private final Step[] steps;
    /** The self-referencing FOREIGN KEY steps, in declaration order (usually none). */
    private final Step[] selfSteps;
    /** Lowest row id whose self-reference was not yet in the own set when checked; {@link #NO_ROW} if none. */
    private long selfRecheckFromRowId = NO_ROW;
    private boolean selfReferencesChecked;
    private boolean ended;

    private static final long NO_ROW = Long.MAX_VALUE;

    /** One constraint to check per batch, in declaration order. */
    private static final class Step {
        final ConstraintSpec spec;
        /** Columns of this table fed to the set, in the set's key order. */
        final String[] columns;
        final FieldVector[] vectors;
        final KeyEntry own;
        /** The own set, captured once (the entry frees it only after this checker ends). */
        final KeySet ownSet;
        final ConstraintService.FkLink link;
        /** A FOREIGN KEY to a key of this same table: probes the own set while it is being built. */
        final boolean selfReference;
        /** The own set when it may spill, else null. */
        final SpillingKeySet spill;
        KeySet.Prober prober;
        /** A FOREIGN KEY whose referenced set was spilled: its external check and that set. */
        ExternalForeignKey external;
        SpillingKeySet externalParent;
        /** A self-reference's own set when it may spill, else null. */
        final SpillingKeySet selfSpill;
        /**
         * A self-reference checked externally: the first row id whose key went to {@link #external}
         * while its batch was checked; the rows below it that were not found in memory are read
         * back from the stored rows by {@link #checkSelfReferences}.
         */
        long externalFromRowId = NO_ROW;

        Step(ConstraintSpec spec, List<String> columns, KeyEntry own, ConstraintService.FkLink link, boolean selfReference) {
            this.spec = spec;
            this.columns = columns.toArray(new String[0]);
            this.vectors = new FieldVector[this.columns.length];
            this.own = own;
            this.ownSet = own == null ? null : own.set;
            this.link = link;
            this.selfReference = selfReference;
            this.spill = ownSet instanceof SpillingKeySet s ? s : null;
            // the own set exists since beginTable; its prober follows its growth
            this.prober = selfReference ? link.parent().set.newProber() : null;
            this.selfSpill = selfReference && link.parent().set instanceof SpillingKeySet s ? s : null;
        }

        /** Whether this self-reference's own set was spilled, so that its in-memory prober is gone. */
        boolean selfSpilled() {
            return selfSpill != null && selfSpill.isExternal();
        }
    }

    TableChecker(ConstraintService service, ConstraintService.TableSlot slot, RowLocator locator) {
        this.service = service;
        this.slot = slot;
        this.locator = locator;
        List<Step> list = new ArrayList<>();
        for (ConstraintSpec c : checkOrder(slot.def)) {
            if (c.isKey()) {
                list.add(new Step(c, c.columns(), slot.keys.get(c.name()), null, false));
            } else {
                ConstraintService.FkLink link;
                synchronized (service) {
                    link = slot.fkLinks.get(c.name());
                }
                boolean self = slot.keys.get(link.parent().spec.name()) == link.parent();
                list.add(new Step(c, link.childColumnsInKeyOrder(), null, link, self));
            }
        }
        this.steps = list.toArray(new Step[0]);
        this.selfSteps = list.stream().filter(s -> s.selfReference).toArray(Step[]::new);
    }

    /**
     * The order in which a row's constraints are ranked when it breaks several: the PRIMARY KEY,
     * then the UNIQUE constraints, then the FOREIGN KEYs, each kind in declaration order.
     */
    static List<ConstraintSpec> checkOrder(TableDef def) {
        List<ConstraintSpec> order = new ArrayList<>();
        for (ConstraintSpec.Kind kind : ConstraintSpec.Kind.values()) {
            for (ConstraintSpec c : def.constraints()) {
                if (c.kind() == kind) {
                    order.add(c);
                }
            }
        }
        return order;
    }

    /** The table this checker loads. */
    @Override
    public TableDef table() {
        return slot.def;
    }

    /**
     * Checks every row of a stored table, or of one still being loaded (a pending reader), in one
     * streaming pass: row group by row group it reads only the columns the table's constraints
     * name (each once) and feeds them to {@link #checkBatch}, row ids counting from the first row
     * group's (deleted rows skipped, the live rows keeping their row ids). Used by the
     * deferred (bulk) constraint mode and by {@code verify}.
     *
     * @throws ConstraintViolationException at the first violation, as {@link #checkBatch}
     * @throws IOException                  if reading the chunks fails (e.g. a checksum mismatch)
     */
    public void checkStored(TableReader reader) throws IOException {
        Set<String> keyColumns = new LinkedHashSet<>();
        for (ConstraintSpec c : slot.def.constraints()) {
            keyColumns.addAll(c.columns());
        }
        List<String> columns = List.copyOf(keyColumns);
        hintKeyRanges(reader);
        List<RowGroupInfo> groups = reader.info().rowGroups();
        long base = groups.isEmpty() ? 0 : groups.get(0).firstRowId();
        for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
            try (VectorSchemaRoot keys = reader.readRowGroup(rg, columns)) {
                int n = keys.getRowCount();
                if (!groups.get(rg).hasDeletions()) {
                    checkBatch(keys, 0, n, groups.get(rg).firstRowId() - base);
                    continue;
                }
                // deleted rows are skipped: check each stretch of consecutive live row ids with its own first row id
                long[] live = reader.liveRowIds(rg);
                for (int start = 0, end; start < n; start = end) {
                    end = start + 1;
                    while (end < n && live[end] == live[end - 1] + 1) {
                        end++;
                    }
                    checkBatch(keys, start, end - start, live[start] - base);
                }
            }
        }
        checkSpilled(Long.MAX_VALUE);
    }

    /**
     * Tells each own key set of one column the range of its stored keys, from the chunk headers'
     * min/max (no data is read), so that a set that stops being sorted picks a bitmap over the
     * whole range at once if it is dense enough. Skipped for a column with a chunk without
     * min/max (all NULL).
     */
    private void hintKeyRanges(TableReader reader) throws IOException {
        for (Step step : steps) {
            if (step.own == null || step.columns.length != 1) {
                continue;
            }
            int column = slot.def.columnIndex(step.columns[0]);
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            boolean known = reader.rowGroupCount() > 0;
            for (int rg = 0; rg < reader.rowGroupCount() && known; rg++) {
                ChunkStats st = reader.chunkStats(column, rg);
                known = st.hasMinMax() && KeyVectors.isIntegerLike(st.kind());
                min = Math.min(min, st.min());
                max = Math.max(max, st.max());
            }
            if (known) {
                step.ownSet.hintRange(min, max);
            }
        }
    }

    /**
     * Checks rows {@code [offset, offset + length)} of {@code batch} against every constraint of
     * the table, in declaration order, and adds their PRIMARY KEY / UNIQUE keys to the table's
     * sets. The batch must contain (at least) every column named by the table's constraints,
     * matched by name; other columns are ignored, so a root holding only the key columns works
     * (deferred mode).
     *
     * @param batch      the rows; not retained
     * @param offset     first row of the batch to check
     * @param length     rows to check
     * @param firstRowId row id (0-based row number within the table's load) of batch row {@code offset}
     * @throws ConstraintViolationException for the lowest violating row of the range over all
     *         constraints; when one row breaks several, the first in the order PRIMARY KEY (a NULL,
     *         then a duplicate), UNIQUE, FOREIGN KEY (each kind in declaration order). The result
     *         does not depend on how the rows are split into batches. Keys of this batch may
     *         already be in the sets, so the loader must abort the table (not retryable)
     * @throws IllegalStateException     if the checker has ended or the service is closed, or a
     *                                   referenced table has not finished or failed to load; this
     *                                   is raised before anything is inserted, so the batch may be
     *                                   retried once the parent has finished
     * @throws IllegalArgumentException  if a key column is missing or has an unsupported vector type
     * @throws IndexOutOfBoundsException if the rows lie outside the batch
     */
    @Override
    public void checkBatch(VectorSchemaRoot batch, int offset, int length, long firstRowId) {
        ensureUsable();
        requireRows(batch, offset, length);
        if (length == 0) {
            return;
        }
        // Resolve every referenced set before inserting anything, so a lifecycle error (parent
        // not finished / failed) leaves this table's sets untouched and the batch can be retried.
        for (Step step : steps) {
            if (step.link != null && step.prober == null && step.external == null) {
                KeySet parent = step.link.parent().setForProbe(slot.def.name(), step.spec, service.allocator(), service.loadFactor(),
                        service.spillDirectory(), service.existingShareBytes());
                if (parent instanceof SpillingKeySet s && s.isExternal()) {
                    step.external = new ExternalForeignKey(keyTypes(step), service.spillDirectory(), s);
                    step.externalParent = s;
                } else {
                    step.prober = parent.newProber();
                }
            }
        }
        // the lowest violating row over all constraints: each step checks only the rows below the
        // lowest violation found so far, so for one row the earlier step (kind order) wins
        int limit = length;
        ConstraintViolationException lowest = null;
        int lowestStep = -1;
        for (int si = 0; si < steps.length; si++) {
            Step step = steps[si];
            if (limit == 0) {
                break;
            }
            bind(batch, slot.def.name(), step.spec, step.columns, step.vectors);
            int bad = -1;
            ConstraintViolationException found = null;
            if (step.own != null) {
                int rows = limit;
                if (step.spec.kind() == ConstraintSpec.Kind.PRIMARY_KEY) {
                    int nullRow = KeyVectors.firstNullRow(step.vectors, offset, rows);
                    if (nullRow >= 0) {
                        bad = nullRow - offset;
                        found = nullViolation(step, nullRow, firstRowId + bad);
                        rows = bad; // a duplicate below the NULL comes first
                    }
                }
                int d = rows == 0 ? -1 : step.spill != null ? step.spill.addBatch(step.vectors, offset, rows, firstRowId)
                        : step.ownSet.addBatch(step.vectors, offset, rows);
                if (d >= 0) {
                    bad = d;
                    found = ConstraintViolationException.duplicateKey(step.spec, slot.def.name(),
                            values(batch, step.spec.columns(), offset + d), firstRowId + d, locator.describe(firstRowId + d));
                }
            } else {
                if (step.external == null && step.selfSpilled()) {
                    // the own set just spilled: from this batch on, the keys are merge-joined at the end
                    startExternalSelfReference(step, firstRowId);
                }
                int m = -1;
                if (step.external != null) {
                    step.external.addBatch(step.vectors, offset, limit, firstRowId);
                } else {
                    m = step.prober.firstMissing(step.vectors, offset, limit);
                }
                if (m >= 0 && step.selfReference) {
                    // maybe a key of a later row: checkSelfReferences re-probes from here on
                    selfRecheckFromRowId = Math.min(selfRecheckFromRowId, firstRowId + m);
                } else if (m >= 0) {
                    bad = m;
                    found = ConstraintViolationException.missingReference(step.spec, slot.def.name(),
                            values(batch, step.spec.columns(), offset + m), firstRowId + m, locator.describe(firstRowId + m));
                }
            }
            java.util.Arrays.fill(step.vectors, null);
            if (found != null) {
                lowest = found;
                lowestStep = si;
                limit = bad;
            }
        }
        if (lowest != null) {
            // a spilled constraint may hold a lower violation (or the same row, earlier in check order)
            ConstraintViolationException spilled = lowestSpilled(lowest.rowId() + 1);
            if (spilled != null && (spilled.rowId() < lowest.rowId()
                    || (spilled.rowId() == lowest.rowId() && spilledStep < lowestStep))) {
                throw spilled;
            }
            throw lowest;
        }
    }

    /** The step index of the last {@link #lowestSpilled} result. */
    private int spilledStep;

    /**
     * The lowest violation below {@code belowRowId} among the spilled constraints (for one row,
     * the first in check order), or null; sets {@link #spilledStep}. With {@code belowRowId ==
     * Long.MAX_VALUE} (every row is in) a spilled key set that children probe also writes its
     * sorted distinct keys in the same pass.
     */
    private ConstraintViolationException lowestSpilled(long belowRowId) {
        ConstraintViolationException best = null;
        for (int si = 0; si < steps.length; si++) {
            Step step = steps[si];
            SpilledViolation v = null;
            if (step.spill != null && step.spill.isExternal()) {
                v = step.spill.firstDuplicate(belowRowId, belowRowId == Long.MAX_VALUE && step.own.holds.get() > 1);
            } else if (step.external != null && !step.selfReference) {
                // (a self-reference ranks after every other error: checkSelfReferences resolves it)
                v = step.external.firstOrphan(step.externalParent, belowRowId);
            }
            if (v != null && (best == null || v.rowId() < best.rowId())) {
                belowRowId = v.rowId(); // a later step only matters below it
                spilledStep = si;
                best = violation(step, v);
            }
        }
        return best;
    }

    /** The exception for a violation found in spilled keys: the key's values in the constraint's column order. */
    private ConstraintViolationException violation(Step step, SpilledViolation v) {
        return spilledViolation(step.spec, slot.def.name(), step.columns, v, v.rowId(), locator);
    }

    /**
     * The exception for a violation found among spilled keys (a duplicate of a PRIMARY KEY /
     * UNIQUE, or a FOREIGN KEY's missing reference): the key's values, which the spilled check holds
     * in the order of {@code columns}, given in the constraint's column order; {@code row} is the
     * row named in the message.
     */
    static ConstraintViolationException spilledViolation(ConstraintSpec spec, String table, String[] columns, SpilledViolation v, long row,
                                                         RowLocator locator) {
        List<Object> vals = new ArrayList<>();
        for (String c : spec.columns()) {
            vals.add(v.keyValues().get(java.util.Arrays.asList(columns).indexOf(c)));
        }
        return spec.isKey()
                ? ConstraintViolationException.duplicateKey(spec, table, vals, row, locator.describe(row))
                : ConstraintViolationException.missingReference(spec, table, vals, row, locator.describe(row));
    }

    /** Switches a self-reference whose own set spilled to an external check of the rows from {@code fromRowId} on. */
    private void startExternalSelfReference(Step step, long fromRowId) {
        step.external = new ExternalForeignKey(keyTypes(step), service.spillDirectory(), step.selfSpill);
        step.externalParent = step.selfSpill;
        step.externalFromRowId = fromRowId;
        step.prober = null; // it probed the freed in-memory set
    }

    /** The column types of a step's key columns, in the order it feeds them to a set. */
    private List<ColumnType> keyTypes(Step step) {
        List<ColumnType> types = new ArrayList<>();
        for (String c : step.columns) {
            types.add(slot.def.column(c).type());
        }
        return types;
    }

    /**
     * Resolves the constraints that are checked externally (spilled) for the rows checked so far
     * below {@code belowRowId}: merges their runs and throws the lowest violation (for one row,
     * the first in check order). Does nothing when no constraint spilled. Call it with
     * {@code Long.MAX_VALUE} once every row has passed {@link #checkBatch}, before the commit (and
     * before {@link #checkSelfReferences}); with a lower bound when an error at that row stops
     * the load, since a violation below it comes first.
     *
     * @throws ConstraintViolationException for the lowest violating row below {@code belowRowId}
     * @throws java.io.UncheckedIOException naming the spill directory if a temporary file fails
     * @throws IllegalStateException if the checker has ended or the service is closed
     */
    @Override
    public void checkSpilled(long belowRowId) {
        ensureUsable();
        ConstraintViolationException v = lowestSpilled(belowRowId);
        if (v != null) {
            throw v;
        }
    }

    /**
     * Checks the table's self-referencing FOREIGN KEYs against its complete key sets, once every
     * row has passed {@link #checkBatch}: re-probes the stored rows from the lowest row whose key
     * was not yet known when its batch was checked (reading only those constraints' columns, row
     * group by row group). Does nothing, and reads nothing, when the table has no self-referencing
     * FOREIGN KEY or every reference was found at once. A self-reference whose own key set was
     * spilled is checked externally instead: its keys went to sorted runs with their row ids from
     * the batch where the set spilled on, the rows before that which were not found in memory are
     * read back here, and the runs are merge-joined with the own set's sorted distinct keys (which
     * {@link #checkSpilled checkSpilled(Long.MAX_VALUE)} writes, so call that first); the violation
     * is the same as in memory. Call it before the table is committed; {@link #finish()} refuses to
     * publish a table whose self-references were left unchecked.
     *
     * @param stored every row of this load, row ids counting from 0 (the writer's pending reader
     *               before the commit, or the stored table for {@code verify})
     * @throws ConstraintViolationException for the lowest row whose key is in no row of the table;
     *         for one row, the first such FOREIGN KEY in declaration order
     * @throws IOException           if reading the chunks fails
     * @throws IllegalStateException if the checker has ended or the service is closed
     */
    public void checkSelfReferences(TableReader stored) throws IOException {
        ensureUsable();
        for (Step s : selfSteps) {
            if (s.external == null && s.selfSpilled()) {
                startExternalSelfReference(s, NO_ROW); // every row not found in memory is read back below
            }
        }
        ConstraintViolationException lowest = null;
        int lowestIndex = -1; // in selfSteps
        if (selfRecheckFromRowId != NO_ROW) {
            Set<String> keyColumns = new LinkedHashSet<>();
            for (Step s : selfSteps) {
                keyColumns.addAll(java.util.Arrays.asList(s.columns));
            }
            List<String> columns = List.copyOf(keyColumns);
            List<RowGroupInfo> groups = stored.info().rowGroups();
            for (int rg = 0; rg < groups.size() && lowest == null; rg++) {
                RowGroupInfo g = groups.get(rg);
                if (g.firstRowId() + g.rowCount() <= selfRecheckFromRowId) {
                    continue;
                }
                try (VectorSchemaRoot keys = stored.readRowGroup(rg, columns)) {
                    int start = (int) Math.max(0, selfRecheckFromRowId - g.firstRowId());
                    int length = keys.getRowCount() - start;
                    long firstRowId = g.firstRowId() + start;
                    for (Step s : selfSteps) {
                        // an external self-reference takes back the rows before its batches went to the runs
                        if (s.external != null && firstRowId < s.externalFromRowId) {
                            bindStored(keys, s);
                            s.external.addBatch(s.vectors, start, (int) Math.min(length, s.externalFromRowId - firstRowId), firstRowId);
                            java.util.Arrays.fill(s.vectors, null);
                        }
                    }
                    lowest = recheckSelfReferences(keys, start, length, firstRowId);
                    lowestIndex = recheckedStep;
                }
            }
        }
        // the external self-references: a merge join with the own spilled keys, below any violation found in memory
        long below = lowest == null ? NO_ROW : lowest.rowId() + 1;
        for (int i = 0; i < selfSteps.length; i++) {
            Step s = selfSteps[i];
            if (s.external == null || s.external.keys() == 0) {
                continue;
            }
            SpilledViolation v = s.external.firstOrphan(s.externalParent, below);
            if (v != null && (lowest == null || v.rowId() < lowest.rowId() || i < lowestIndex)) {
                lowest = violation(s, v);
                lowestIndex = i;
                below = v.rowId() + 1;
            }
        }
        if (lowest != null) {
            throw lowest;
        }
        selfReferencesChecked = true;
    }

    private static void bindStored(VectorSchemaRoot keys, Step step) {
        for (int j = 0; j < step.columns.length; j++) {
            step.vectors[j] = keys.getVector(step.columns[j]);
        }
    }

    /** The index in {@link #selfSteps} of the last {@link #recheckSelfReferences} result. */
    private int recheckedStep;

    /**
     * Probes rows {@code [offset, offset + length)} against the complete in-memory own sets; returns
     * the lowest violation (for one row, the first such step) or null, and sets {@link #recheckedStep}.
     */
    private ConstraintViolationException recheckSelfReferences(VectorSchemaRoot keys, int offset, int length, long firstRowId) {
        int limit = length;
        ConstraintViolationException lowest = null;
        for (int i = 0; i < selfSteps.length; i++) {
            Step step = selfSteps[i];
            if (limit == 0) {
                break;
            }
            if (step.external != null) {
                continue;
            }
            bindStored(keys, step);
            int m = step.prober.firstMissing(step.vectors, offset, limit);
            java.util.Arrays.fill(step.vectors, null);
            if (m >= 0) {
                limit = m;
                recheckedStep = i;
                lowest = ConstraintViolationException.missingReference(step.spec, slot.def.name(),
                        values(keys, step.spec.columns(), offset + m), firstRowId + m, locator.describe(firstRowId + m));
            }
        }
        return lowest;
    }

    /**
     * Whether some row referenced a key of its own table that was not known when its batch was
     * checked, or a self-referenced key set was spilled, so that {@link #checkSelfReferences} must
     * run (and read the stored rows) before the commit.
     */
    public boolean needsSelfReferenceCheck() {
        if (selfReferencesChecked) {
            return false;
        }
        if (selfRecheckFromRowId != NO_ROW) {
            return true;
        }
        for (Step s : selfSteps) {
            if (s.external != null || s.selfSpilled()) {
                return true;
            }
        }
        return false;
    }

    private ConstraintViolationException nullViolation(Step step, int row, long rowId) {
        return nullViolation(step.spec, slot.def.name(), step.columns, step.vectors, row, rowId, locator);
    }

    /** @throws IndexOutOfBoundsException if rows {@code [offset, offset + length)} are outside the batch */
    static void requireRows(VectorSchemaRoot batch, int offset, int length) {
        if (offset < 0 || length < 0 || offset > batch.getRowCount() - length) {
            throw new IndexOutOfBoundsException("rows [" + offset + ", " + ((long) offset + length) + ") outside a batch of "
                    + batch.getRowCount() + " rows");
        }
    }

    /**
     * Looks up {@code columns} in {@code batch} into {@code vectors}.
     *
     * @throws IllegalArgumentException naming the table, column and constraint if one is missing
     */
    static void bind(VectorSchemaRoot batch, String table, ConstraintSpec spec, String[] columns, FieldVector[] vectors) {
        for (int j = 0; j < columns.length; j++) {
            FieldVector v = batch.getVector(columns[j]);
            if (v == null) {
                throw new IllegalArgumentException("batch for table " + table + " has no column " + columns[j]
                        + " needed by constraint " + spec.name());
            }
            vectors[j] = v;
        }
    }

    /** The NULL-in-a-PRIMARY-KEY violation of batch row {@code row}, naming its first NULL column. */
    static ConstraintViolationException nullViolation(ConstraintSpec spec, String table, String[] columns, FieldVector[] vectors,
                                                      int row, long rowId, RowLocator locator) {
        String nullColumn = null;
        List<Object> vals = new ArrayList<>(columns.length);
        for (int j = 0; j < columns.length; j++) {
            Object v = KeyVectors.value(vectors[j], row);
            if (v == null && nullColumn == null) {
                nullColumn = columns[j];
            }
            vals.add(v);
        }
        return ConstraintViolationException.nullKey(spec, table, nullColumn, vals, rowId, locator.describe(rowId));
    }

    static List<Object> values(VectorSchemaRoot batch, List<String> columns, int row) {
        List<Object> vals = new ArrayList<>(columns.size());
        for (String c : columns) {
            vals.add(KeyVectors.value(batch.getVector(c), row));
        }
        return vals;
    }

    private void ensureUsable() {
        if (ended) {
            throw new IllegalStateException("TableChecker of table " + slot.def.name() + " has already finished or aborted");
        }
        if (service.isClosed()) {
            throw new IllegalStateException("ConstraintService is closed");
        }
    }

    /**
     * The kind, peak bytes and keys of each of this table's own PRIMARY KEY / UNIQUE key sets, in
     * check order: live while loading, as published (or freed) once the checker has ended.
     */
    @Override
    public List<KeySetReport> keySetReports() {
        List<KeySetReport> out = new ArrayList<>();
        for (Step s : steps) {
            if (s.own != null) {
                KeySetReport r = s.own.report();
                if (r != null) {
                    out.add(r);
                }
            } else if (s.external != null) {
                out.add(new KeySetReport(s.spec.name(), KeySetKind.EXTERNAL, 0, s.external.keys(), s.external.spilledBytes(),
                        s.external.nanos()));
            }
        }
        return out;
    }

    /** Off-heap bytes held by this table's own key sets. */
    @Override
    public long keySetBytes() {
        long total = 0;
        for (Step s : steps) {
            if (s.own != null) {
                total += s.own.allocatedBytes();
            }
        }
        return total;
    }

    /** How many times this table's own key sets have grown (0 when {@code expectedRows} was exact). */
    public int resizeCount() {
        int total = 0;
        for (Step s : steps) {
            if (s.ownSet != null) {
                total += s.ownSet.resizeCount();
            }
        }
        return total;
    }

    /**
     * Marks the load successful: publishes the table's key sets (visible to children's FOREIGN KEY
     * checks from now on), drops the table's own holds and its holds on referenced tables' sets;
     * each set whose hold count reaches zero is freed. Idempotent.
     *
     * @throws IllegalStateException if a self-referencing FOREIGN KEY still needs
     *         {@link #checkSelfReferences} (the checker stays usable, so it can still be aborted)
     */
    @Override
    public void finish() {
        if (ended) {
            return;
        }
        if (needsSelfReferenceCheck()) {
            throw new IllegalStateException("table " + slot.def.name() + " references keys of its own table "
                    + (selfRecheckFromRowId != NO_ROW ? "from row " + selfRecheckFromRowId + " on that were not known when checked"
                    : "whose key set was spilled") + "; call checkSelfReferences before finish");
        }
        ended = true;
        try {
            releaseProbers();
        } finally {
            service.endTable(slot, true);
        }
    }

    /**
     * Marks the load failed: frees the table's own key sets at once and marks them failed (a child
     * that checks a batch afterwards gets {@link IllegalStateException}), and drops all holds.
     * Idempotent; no-op after {@link #finish()}.
     */
    @Override
    public void abort() {
        if (ended) {
            return;
        }
        ended = true;
        try {
            releaseProbers();
        } finally {
            service.endTable(slot, false);
        }
    }

    private void releaseProbers() {
        RuntimeException failure = null;
        for (Step s : steps) {
            s.prober = null;
            java.util.Arrays.fill(s.vectors, null);
            if (s.external != null) {
                try {
                    s.external.close(); // its statistics stay readable for the report
                } catch (RuntimeException e) {
                    failure = Failures.chain(failure, e);
                }
                s.externalParent = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Aborts unless {@link #finish()} was called. */
    @Override
    public void close() {
        abort();
    }

    @Override
    public String toString() {
        return "TableChecker[" + slot.def.name() + (ended ? ", ended]" : "]");
    }
}
