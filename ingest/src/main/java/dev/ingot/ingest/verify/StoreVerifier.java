package dev.ingot.ingest.verify;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.TableChecker;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.pager.memory.NativeAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks a whole store: every chunk's checksums and header, every table's row count, NOT NULL
 * columns, and every PRIMARY KEY, UNIQUE and FOREIGN KEY constraint (re-checked from the stored
 * data with the same key sets the loader uses), and profiles every column (nulls, min, max,
 * exact sum, text bytes).
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
        List<String> problems = new ArrayList<>();
        List<TableProfile> profiles = new ArrayList<>();
        List<TableDef> defs = new ArrayList<>();
        for (TableInfo t : store.tables()) {
            defs.add(t.def());
        }
        // a deterministic order (commit order depends on parallel timing): by name, then parents first
        defs.sort(java.util.Comparator.comparing(TableDef::name));
        List<TableDef> ordered = BulkLoader.foreignKeyOrder(defs);
        Set<String> damaged = new HashSet<>();
        for (TableDef def : ordered) {
            try {
                profiles.add(profile(store, def, problems));
            } catch (IOException | RuntimeException e) {
                damaged.add(def.name());
                problems.add("table " + def.name() + ": " + e.getMessage());
            }
        }
        checkConstraints(store, ordered, damaged, memory, problems);
        return new VerifyReport(profiles, problems);
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
            long catalogRows = reader.info().rowCount();
            if (rows != catalogRows) {
                problems.add("table " + def.name() + ": catalog says " + catalogRows + " rows, chunks hold " + rows);
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
                                         NativeAllocator memory, List<String> problems) {
        try (NativeAllocator verifyMemory = memory.newChild("verify", memory.limitBytes());
             ConstraintService constraints = new ConstraintService(verifyMemory)) {
            try {
                constraints.planLoad(ordered);
            } catch (IllegalArgumentException e) {
                problems.add("constraints not checked: the catalog's constraints are inconsistent: " + e.getMessage());
                return;
            }
            Set<String> failed = new HashSet<>(damaged);
            for (TableDef def : ordered) {
                if (def.constraints().isEmpty()) {
                    continue;
                }
                List<String> blocked = def.referencedTables().stream().filter(failed::contains).toList();
                TableChecker checker = constraints.beginTable(def, store.table(def.name()).orElseThrow().rowCount(), rowId -> null);
                if (failed.contains(def.name()) || !blocked.isEmpty()) {
                    checker.abort();
                    failed.add(def.name());
                    if (!damaged.contains(def.name())) {
                        problems.add("table " + def.name() + ": constraints not checked because table(s) " + blocked + " failed verification");
                    }
                    continue;
                }
                try (TableReader reader = store.openTable(def.name())) {
                    checker.checkStored(reader);
                    checker.finish();
                } catch (IOException | RuntimeException e) { // ConstraintViolationException included
                    checker.abort();
                    failed.add(def.name());
                    problems.add("table " + def.name() + ": " + e.getMessage());
                }
            }
        }
    }
}
