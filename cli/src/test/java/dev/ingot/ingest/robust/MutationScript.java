package dev.ingot.ingest.robust;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A deterministic script of changes to two tables ("a" and "b", rows (id, v, s) with values
 * derived from the id), for the mutation kill loop: step {@code n} (1-based) is one transaction
 * whose operations depend only on the seed, {@code n} and the live row counts before it (appends
 * of new ids, deletes of rows chosen by their position among the live rows, or both on both
 * tables), and which also stores {@code n} as the index blob "step" of the empty table "meta"; every
 * {@link #COMPACT_EVERY}th step is followed by a compaction. {@link #apply} runs a step on a store,
 * {@link Model} replays it on java.util lists.
 */
final class MutationScript {
    static final int COMPACT_EVERY = 4;
    static final ColumnStoreWriteHints HINTS = ColumnStoreWriteHints.estimate(def("a")).withChunkRows(1000);

    private MutationScript() {
    }

    static TableDef def(String name) {
        return new TableDef(name, List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.nullable("v", ColumnType.int64()),
                ColumnDef.nullable("s", ColumnType.varchar(32))), List.of(ConstraintSpec.primaryKey(name + "_pk", "id")));
    }

    static Long v(long id) {
        return id % 9 == 2 ? null : id * 7 - 100;
    }

    static String s(long id) {
        return id % 13 == 5 ? null : "row-" + id;
    }

    /** One change of one table in a step. */
    record Change(String table, int appendRows, int[] deletePositions) {}

    /** The changes of step {@code step} given the live row counts before it. */
    static List<Change> changes(long seed, int step, Map<String, Integer> live) {
        Random r = new Random(seed * 1_000_003L + step);
        List<Change> out = new ArrayList<>();
        int kind = step <= 2 ? 0 : r.nextInt(4);
        for (String t : List.of("a", "b")) {
            if (kind == 1 && t.equals("b") || kind == 2 && t.equals("a")) {
                continue;
            }
            int n = live.getOrDefault(t, 0);
            int append = kind == 0 || kind == 3 ? 500 + r.nextInt(3000) : 0;
            int deletes = kind == 0 || n == 0 ? 0 : Math.min(n, 1 + r.nextInt(Math.max(1, n / 10)));
            int[] positions = r.ints(0, Math.max(1, n)).distinct().limit(deletes).toArray();
            out.add(new Change(t, append, n == 0 ? new int[0] : positions));
        }
        return out;
    }

    /** The ids of the live rows, in row-id order, per table; step 0 = empty tables. */
    static final class Model {
        final Map<String, List<Long>> live = new HashMap<>(Map.of("a", new ArrayList<>(), "b", new ArrayList<>()));
        long nextId = 1;

        Map<String, Integer> counts() {
            return Map.of("a", live.get("a").size(), "b", live.get("b").size());
        }

        void step(long seed, int step) {
            for (Change c : changes(seed, step, counts())) {
                List<Long> rows = live.get(c.table());
                Set<Long> gone = new HashSet<>(); // a set: removeAll asks it once per live row (ids are distinct)
                for (int p : c.deletePositions()) {
                    gone.add(rows.get(p));
                }
                rows.removeAll(gone);
                for (int i = 0; i < c.appendRows(); i++) {
                    rows.add(nextId++);
                }
            }
        }

        static Model after(long seed, int steps) {
            Model m = new Model();
            for (int s = 1; s <= steps; s++) {
                m.step(seed, s);
            }
            return m;
        }
    }

    /**
     * The committed step of the store, 0 if none: the "step" index blob of the empty table "meta"
     * (never rewritten by a compaction, so its index never goes stale).
     */
    static int committedStep(ColumnStore store) throws IOException {
        if (store.table("meta").isEmpty() || store.table("meta").get().index("step").isEmpty()) {
            return 0;
        }
        try (var snapshot = store.snapshot()) {
            return (int) snapshot.indexPart("meta", "step", 0).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        }
    }

    /** Runs step {@code step} on {@code store} as one transaction; {@code model} must be the state before it (it is advanced). */
    static void apply(ColumnStore store, BufferAllocator allocator, long seed, int step, Model model) throws IOException {
        List<Change> changes = changes(seed, step, model.counts());
        try (StoreTransaction tx = store.begin()) {
            for (String t : List.of("a", "b", "meta")) {
                if (tx.table(t).isEmpty()) {
                    TableWriter w = tx.createTable(def(t), HINTS);
                    w.commit();
                    w.close();
                }
            }
            long nextId = model.nextId;
            for (Change c : changes) {
                if (c.deletePositions().length > 0) {
                    long[] ids = liveRowIds(store, c.table());
                    long[] rowIds = new long[c.deletePositions().length];
                    for (int i = 0; i < rowIds.length; i++) {
                        rowIds[i] = ids[c.deletePositions()[i]];
                    }
                    tx.delete(c.table(), rowIds);
                }
                if (c.appendRows() > 0) {
                    try (TableWriter w = tx.append(c.table(), HINTS); VectorSchemaRoot root = batch(allocator, nextId, c.appendRows())) {
                        w.appendBatch(root);
                        w.commit();
                    }
                    nextId += c.appendRows();
                }
            }
            ByteBuffer counter = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, step);
            tx.putIndex("meta", "step", List.of(counter));
            tx.commit();
        }
        model.step(seed, step);
    }

    static long[] liveRowIds(ColumnStore store, String table) throws IOException {
        try (TableReader r = store.openTable(table)) {
            long[] out = new long[(int) r.info().liveRowCount()];
            int n = 0;
            for (int g = 0; g < r.rowGroupCount(); g++) {
                for (long id : r.liveRowIds(g)) {
                    out[n++] = id;
                }
            }
            return out;
        }
    }

    static VectorSchemaRoot batch(BufferAllocator allocator, long firstId, int rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(def("a").arrowSchema(), allocator);
        root.allocateNew();
        BigIntVector id = (BigIntVector) root.getVector(0);
        BigIntVector v = (BigIntVector) root.getVector(1);
        VarCharVector s = (VarCharVector) root.getVector(2);
        for (int i = 0; i < rows; i++) {
            long k = firstId + i;
            id.setSafe(i, k);
            if (v(k) == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, v(k));
            }
            if (s(k) == null) {
                s.setNull(i);
            } else {
                s.setSafe(i, s(k).getBytes(StandardCharsets.UTF_8));
            }
        }
        root.setRowCount(rows);
        return root;
    }

    /**
     * Checks that table {@code table} of {@code store} holds exactly {@code ids} in order with
     * their values; returns a description of the first difference, or null.
     */
    static String difference(ColumnStore store, String table, List<Long> ids) {
        List<Long> seen = new ArrayList<>();
        try (TableReader r = store.openTable(table)) {
            Iterator<VectorSchemaRoot> it = r.scan(null);
            while (it.hasNext()) {
                try (VectorSchemaRoot root = it.next()) {
                    BigIntVector id = (BigIntVector) root.getVector(0);
                    BigIntVector v = (BigIntVector) root.getVector(1);
                    VarCharVector s = (VarCharVector) root.getVector(2);
                    for (int i = 0; i < root.getRowCount(); i++) {
                        long k = id.get(i);
                        Long vv = v.isNull(i) ? null : v.get(i);
                        String ss = s.isNull(i) ? null : new String(s.get(i), StandardCharsets.UTF_8);
                        if (!java.util.Objects.equals(vv, v(k)) || !java.util.Objects.equals(ss, s(k))) {
                            return "table " + table + " row with id " + k + " holds (" + vv + ", " + ss + ")";
                        }
                        seen.add(k);
                    }
                }
            }
        }
        if (!seen.equals(ids)) {
            return "table " + table + " holds " + seen.size() + " rows (id sum " + seen.stream().mapToLong(Long::longValue).sum()
                    + "), the model " + ids.size() + " (id sum " + ids.stream().mapToLong(Long::longValue).sum() + ")";
        }
        return null;
    }
}
