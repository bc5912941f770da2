package dev.ingot.ingest.verify;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.TableChecker;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks a whole store: every chunk's and deletion vector's checksums and header, every table's
 * live row count, NOT NULL
 * columns, and every PRIMARY KEY, UNIQUE and FOREIGN KEY constraint (re-checked from the stored
 * data with the same key sets the loader uses), and profiles every column (nulls, min, max,
 * exact sum, text bytes); only live rows are profiled and checked (rows a deletion vector marks
 * deleted are skipped, as in every scan). It always finishes with every problem it can find: a constraint
 * definition that breaks a rule of {@link ConstraintRules} (a duplicate name, a FOREIGN KEY to a
 * missing table or to non-key columns, a cycle, named with its tables) is reported and left out
 * while the other constraints are checked; a table whose key sets do not fit the memory limit is
 * reported and the others are checked.
 *
 * <p>Thread-safety: runs on the calling thread; the store must not be written meanwhile.
 */
public final class StoreVerifier {
    private StoreVerifier() {}

    /**
     * Verifies {@code store}; problems are collected, not thrown.
     *
     * @param memory allocator for the constraint key sets (all freed before returning)
     */
    public static VerifyReport verify(ColumnStore store, NativeAllocator memory) {
        return verify(store, memory, null);
    }

    /**
     * Verifies {@code store}; problems are collected, not thrown. With a spill directory, a key
     * set that does not fit its share of {@code memory}'s limit is checked externally there
     * (sorted runs, merge, merge join; see {@link ConstraintService}) instead of being reported as
     * too large: the temporary files are deleted before returning, and the directory too if this
     * call created it. The store itself is never written.
     *
     * @param memory allocator for the constraint key sets (all freed before returning)
     * @param spill  where key sets that do not fit spill; null = they stay in memory (a table
     *               whose sets do not fit is reported)
     */
    public static VerifyReport verify(ColumnStore store, NativeAllocator memory, SpillDirectory spill) {
        List<String> problems = new ArrayList<>();
        List<TableProfile> profiles = new ArrayList<>();
        List<TableDef> defs = new ArrayList<>();
        for (TableInfo t : store.tables()) {
            defs.add(t.def());
        }
        // a deterministic order (commit order depends on parallel timing): by name, then parents first
        defs.sort(java.util.Comparator.comparing(TableDef::name));
        List<TableDef> ordered = BulkLoader.foreignKeyOrder(checkableDefinitions(store, defs, problems));
        Set<String> damaged = new HashSet<>();
        for (TableDef def : ordered) {
            try {
                profiles.add(profile(store, def, problems));
            } catch (IOException | RuntimeException e) {
                damaged.add(def.name());
                problems.add("table " + def.name() + ": " + e.getMessage());
            }
            try {
                verifyKeyIndexes(store, def, memory);
            } catch (IOException | RuntimeException e) {
                problems.add("table " + def.name() + ": " + e.getMessage());
            }
        }
        checkConstraints(store, ordered, damaged, memory, spill, problems);
        if (spill != null) {
            try {
                spill.removeIfEmpty();
            } catch (IOException e) {
                problems.add("spill directory " + spill.directory() + " not removed: " + e.getMessage());
            }
        }
        return new VerifyReport(profiles, problems);
    }

    /**
     * Opens every persisted key index segment of {@code def}'s table (each partition's header and
     * CRC32C checked, see {@link dev.ingot.constraints.index.KeyIndexSegment#open}); keys themselves
     * are checked by the constraint pass.
     *
     * @throws dev.ingot.pager.StoreCorruptedException naming the table, index, partition and offset of damage
     */
    private static void verifyKeyIndexes(ColumnStore store, TableDef def, NativeAllocator memory) throws IOException {
        if (def.keyConstraints().isEmpty()) {
            return;
        }
        try (dev.ingot.columnstore.StoreSnapshot snapshot = store.snapshot();
             dev.ingot.ingest.keys.StoredTable t = new dev.ingot.ingest.keys.StoredTable(snapshot, def.name(), store.pager().file(), memory)) {
            t.verifySegments();
        }
    }

    /**
     * Profiles one column of a stored table by scanning only that column (no checksum pass, no
     * constraint check): nulls, min, max and exact sum, or total text bytes.
     *
     * @throws IllegalArgumentException if the table has no such column
     * @throws IOException              if a chunk cannot be read
     */
    public static ColumnProfile profileColumn(TableReader reader, String column) throws IOException {
        ColumnDef def = reader.info().def().column(column);
        ColumnAccumulator acc = new ColumnAccumulator(def.name(), def.type());
        for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
            try (VectorSchemaRoot root = reader.readRowGroup(rg, List.of(column))) {
                acc.add(root.getVector(0));
            }
        }
        return acc.profile();
    }

    private static TableProfile profile(ColumnStore store, TableDef def, List<String> problems) throws IOException {
        try (TableReader reader = store.openTable(def.name())) {
            reader.verifyChecksums();
            List<ColumnDef> cols = def.columns();
            List<String> names = cols.stream().map(ColumnDef::name).toList();
            ColumnAccumulator[] acc = new ColumnAccumulator[cols.size()];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = new ColumnAccumulator(cols.get(i).name(), cols.get(i).type());
            }
            long rows = 0;
            for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                try (VectorSchemaRoot root = reader.readRowGroup(rg, names)) {
                    rows += root.getRowCount();
                    for (int i = 0; i < acc.length; i++) {
                        acc[i].add(root.getVector(i));
                    }
                }
            }
            // scans return live rows only: the catalog's rows minus those its deletion vectors mark
            long catalogRows = reader.info().liveRowCount();
            if (rows != catalogRows) {
                problems.add("table " + def.name() + ": catalog says " + catalogRows + " live rows (" + reader.info().deletedRowCount()
                        + " deleted), chunks hold " + rows);
            }
            List<ColumnProfile> out = new ArrayList<>();
            for (int i = 0; i < acc.length; i++) {
                if (!cols.get(i).nullable() && acc[i].nulls() > 0) {
                    problems.add("table " + def.name() + ": NOT NULL column " + cols.get(i).name() + " holds " + acc[i].nulls() + " NULLs");
                }
                out.add(acc[i].profile());
            }
            return new TableProfile(def.name(), rows, out);
        }
    }

    private static void checkConstraints(ColumnStore store, List<TableDef> ordered, Set<String> damaged,
                                         NativeAllocator memory, SpillDirectory spill, List<String> problems) {
        try (NativeAllocator verifyMemory = memory.newChild("verify", memory.limitBytes());
             ConstraintService constraints = new ConstraintService(verifyMemory, verifyMemory.limitBytes(),
                     ConstraintService.DEFAULT_LOAD_FACTOR, spill)) {
            try {
                constraints.planLoad(ordered);
            } catch (IllegalArgumentException e) {
                problems.add("constraints not checked: " + e.getMessage());
                return;
            }
            Set<String> failed = new HashSet<>(damaged);
            for (TableDef def : ordered) {
                if (def.constraints().isEmpty()) {
                    continue;
                }
                List<String> blocked = def.referencedTables().stream().filter(failed::contains).toList();
                if (failed.contains(def.name()) || !blocked.isEmpty()) {
                    constraints.cancelTable(def.name());
                    failed.add(def.name());
                    if (!damaged.contains(def.name())) {
                        problems.add("table " + def.name() + ": constraints not checked because table(s) " + blocked + " failed verification");
                    }
                    continue;
                }
                TableChecker checker = null;
                try (TableReader reader = store.openTable(def.name())) {
                    checker = constraints.beginTable(def, reader.info().liveRowCount(), rowId -> null);
                    checker.checkStored(reader);
                    checker.checkSelfReferences(reader);
                    checker.finish();
                } catch (MemoryLimitException e) { // the key sets' accounted limit (--memory-limit-mb)
                    failed.add(def.name());
                    problems.add("table " + def.name() + ": constraints not checked: the key sets need more off-heap memory than the limit of "
                            + memory.limitBytes() + " bytes (" + e.getMessage() + ")");
                } catch (IOException | RuntimeException e) { // ConstraintViolationException included
                    failed.add(def.name());
                    problems.add("table " + def.name() + ": " + e.getMessage());
                } finally {
                    if (checker != null) {
                        checker.abort(); // no-op after finish
                    }
                }
            }
        }
    }

    /**
     * The tables whose constraints can be checked: each stored definition without the constraints
     * that break a rule of {@link ConstraintRules} (each reported as a problem; for a duplicated
     * name, the later use; for a cycle, the FOREIGN KEY closing it). The other constraints of
     * those tables are still checked.
     */
    private static List<TableDef> checkableDefinitions(ColumnStore store, List<TableDef> defs, List<String> problems) {
        Set<ConstraintSpec> unusable = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<TableDef> out = new ArrayList<>();
        List<ConstraintRules.Problem> found = store.definitionProblems();
        while (true) {
            int before = unusable.size();
            for (ConstraintRules.Problem p : found) {
                problems.add("table " + p.table() + ": " + p.message() + "; constraint \"" + p.constraint().name() + "\" ("
                        + p.constraint().describe() + ") not checked");
                unusable.add(p.constraint());
            }
            if (!found.isEmpty() && unusable.size() == before) {
                throw new IllegalStateException("internal: definition problems name no constraint to leave out: " + found);
            }
            out.clear();
            for (TableDef def : defs) {
                List<ConstraintSpec> kept = def.constraints().stream().filter(c -> !unusable.contains(c)).toList();
                out.add(kept.size() == def.constraints().size() ? def : new TableDef(def.name(), def.columns(), kept));
            }
            // leaving a constraint out can break another (a FOREIGN KEY to a left-out UNIQUE): repeat
            found = ConstraintRules.check(out);
            if (found.isEmpty()) {
                return out;
            }
        }
    }
}
