package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Rows of a small table (id BIGINT NOT NULL, v BIGINT, s VARCHAR(24), f BOOLEAN) for the tests of
 * changing tables: batches from java.util rows, and every live row of a reader back as rows.
 */
final class Rows {
    record Row(long id, Long v, String s, Boolean f) {
        static Row of(long id) {
            return new Row(id, id % 7 == 3 ? null : id * 3 - 11, id % 5 == 1 ? null : "s" + id + (id % 3 == 0 ? "-long-text" : ""),
                    id % 11 == 4 ? null : id % 2 == 0);
        }
    }

    private Rows() {
    }

    static TableDef def(String name) {
        return new TableDef(name, List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.nullable("v", ColumnType.int64()),
                ColumnDef.nullable("s", ColumnType.varchar(24)), ColumnDef.nullable("f", ColumnType.bool())),
                List.of(ConstraintSpec.primaryKey(name + "_pk", "id")));
    }

    /** A child of {@code parent}: its column v references the parent's id. */
    static TableDef child(String name, String parent) {
        return new TableDef(name, def(name).columns(),
                List.of(ConstraintSpec.primaryKey(name + "_pk", "id"), ConstraintSpec.foreignKey(name + "_fk", List.of("v"), parent, List.of("id"))));
    }

    static List<Row> range(long from, long to) {
        List<Row> rows = new ArrayList<>();
        for (long i = from; i < to; i++) {
            rows.add(Row.of(i));
        }
        return rows;
    }

    static VectorSchemaRoot batch(BufferAllocator allocator, TableDef def, List<Row> rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), allocator);
        BigIntVector id = (BigIntVector) root.getVector(0);
        BigIntVector v = (BigIntVector) root.getVector(1);
        VarCharVector s = (VarCharVector) root.getVector(2);
        BitVector f = (BitVector) root.getVector(3);
        root.allocateNew();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            id.setSafe(i, r.id());
            if (r.v() == null) {
                v.setNull(i);
            } else {
                v.setSafe(i, r.v());
            }
            if (r.s() == null) {
                s.setNull(i);
            } else {
                s.setSafe(i, r.s().getBytes(StandardCharsets.UTF_8));
            }
            if (r.f() == null) {
                f.setNull(i);
            } else {
                f.setSafe(i, r.f() ? 1 : 0);
            }
        }
        root.setRowCount(rows.size());
        return root;
    }

    /** Appends {@code rows} through {@code w} and commits it. */
    static void write(BufferAllocator allocator, TableWriter w, List<Row> rows) throws IOException {
        try (w; VectorSchemaRoot root = batch(allocator, w.def(), rows)) {
            w.appendBatch(root);
            w.commit();
        }
    }

    static List<Row> read(TableReader reader) {
        List<Row> out = new ArrayList<>();
        Iterator<VectorSchemaRoot> it = reader.scan(null);
        while (it.hasNext()) {
            try (VectorSchemaRoot root = it.next()) {
                BigIntVector id = (BigIntVector) root.getVector(0);
                BigIntVector v = (BigIntVector) root.getVector(1);
                VarCharVector s = (VarCharVector) root.getVector(2);
                BitVector f = (BitVector) root.getVector(3);
                for (int i = 0; i < root.getRowCount(); i++) {
                    out.add(new Row(id.get(i), v.isNull(i) ? null : v.get(i),
                            s.isNull(i) ? null : new String(s.get(i), StandardCharsets.UTF_8), f.isNull(i) ? null : f.get(i) == 1));
                }
            }
        }
        return out;
    }

    static List<Row> read(ColumnStore store, String table) {
        try (TableReader reader = store.openTable(table)) {
            return read(reader);
        }
    }

    /** An order-dependent checksum of rows computed from the values, independent of the reader. */
    static long checksum(List<Row> rows) {
        long h = 0;
        for (Row r : rows) {
            h = h * 31 + Objects.hash(r.id(), r.v(), r.s(), r.f());
        }
        return h;
    }

    static void assertRows(List<Row> expected, List<Row> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": row count");
        assertEquals(expected.stream().mapToLong(Row::id).sum(), actual.stream().mapToLong(Row::id).sum(), what + ": sum of ids");
        assertEquals(checksum(expected), checksum(actual), what + ": row checksum");
        assertEquals(expected, actual, what);
    }
}
