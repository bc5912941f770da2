package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RowFilter} over the columnstore predicate model through the embedding API: ranges, IN
 * lists, NOT with NULLs (three-valued), numbers across types, scans and deletes by filter; a value
 * of the wrong kind refused with the exact message.
 */
class RowFilterTest {
    @TempDir
    Path tmp;

    @Test
    void rangesInListsAndNotWithNullsInScansAndDeletes() throws Exception {
        try (Ingot db = Ingot.open(tmp.resolve("db"), IngotOptions.defaults().createIfMissing())) {
            db.createTables("CREATE TABLE t (id BIGINT PRIMARY KEY, qty INTEGER, price DECIMAL(9,2), day DATE, tag VARCHAR(10));");
            List<List<Object>> rows = new ArrayList<>();
            for (long i = 0; i < 20; i++) {
                rows.add(IngotApiTest.row(i, i % 5 == 0 ? null : (int) i, BigDecimal.valueOf(i * 25, 2),
                        LocalDate.of(2024, 1, 1).plusDays(i), i % 2 == 0 ? "even" : "odd"));
            }
            try (Transaction tx = db.begin(); VectorSchemaRoot r = IngotApiTest.rows(db, "t", rows)) {
                tx.append("t", r);
                tx.commit();
            }
            assertEquals(List.of(3L, 4L, 6L, 7L), ids(db, RowFilter.between("qty", 3, 7)));
            assertEquals(List.of(3L, 6L, 7L), ids(db, RowFilter.and(RowFilter.between("qty", 2.5, 7.5), RowFilter.ne("qty", 4L))));
            assertEquals(List.of(1L, 2L, 4L), ids(db, RowFilter.in("id", 4, 2L, new BigDecimal("1.0"), 99)));
            // NOT (qty < 15): FALSE for 1..14 and UNKNOWN for the NULLs at 0, 5, 10, 15: only 16..19
            assertEquals(List.of(16L, 17L, 18L, 19L), ids(db, RowFilter.not(RowFilter.lt("qty", 15))));
            assertEquals(List.of(0L, 5L, 10L, 15L), ids(db, RowFilter.isNull("qty")));
            assertEquals(List.of(18L, 19L), ids(db, RowFilter.and(RowFilter.gt("price", new BigDecimal("4.3")), RowFilter.ge("day", LocalDate.of(2024, 1, 19)))));
            assertEquals(List.of(1L, 3L), ids(db, RowFilter.and(RowFilter.eq("tag", "odd"), RowFilter.le("id", 3))));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ids(db, RowFilter.eq("day", 5)));
            assertEquals("cannot compare column day (DATE) with 5 (Integer)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> RowFilter.in("id"));
            assertEquals("IN list of column id is empty", e.getMessage());

            try (Transaction tx = db.begin()) {
                assertEquals(7, tx.deleteWhere("t", RowFilter.or(RowFilter.between("id", 17, 30), RowFilter.isNull("qty"))));
                tx.commit();
            }
            assertEquals(13, db.scan("t").count());
            assertEquals(List.of(16L), ids(db, RowFilter.not(RowFilter.lt("qty", 15))));
        }
    }

    private static List<Long> ids(Ingot db, RowFilter f) throws Exception {
        List<Long> out = new ArrayList<>();
        for (Map<String, Object> row : db.scan("t").columns("id").where(f).toList()) {
            out.add((Long) row.get("id"));
        }
        return out;
    }
}
