package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.TableReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Ingot#lookupBy} reads each hit into one-row vectors it keeps between calls: a later
 * lookup never changes a map returned before, a row of NULLs after a row of values (and the
 * reverse) reads back exactly, a long text after a short one grows the kept buffer, every column
 * type comes back with its value, and the kept vectors follow commits.
 */
class PointLookupReuseTest {
    static final String DDL = """
            CREATE TABLE every (id BIGINT PRIMARY KEY, b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INTEGER, f4 REAL, f8 DOUBLE,
              d10 DECIMAL(10,2), d38 DECIMAL(38,4), dt DATE, t TIME, ts TIMESTAMP, tz TIMESTAMP WITH TIME ZONE,
              s VARCHAR(20000), bin BYTEA, u UUID);
            """;

    @TempDir
    Path tmp;

    static List<Object> row(Object... v) {
        return Arrays.asList(v);
    }

    /** The map {@link Ingot#lookup} returns for {@code values} (integers as Long, VARBINARY as {@code byte[]}). */
    static Map<String, Object> expected(List<Object> values) {
        String[] names = {"id", "b", "i8", "i16", "i32", "f4", "f8", "d10", "d38", "dt", "t", "ts", "tz", "s", "bin", "u"};
        Map<String, Object> m = new LinkedHashMap<>();
        for (int c = 0; c < names.length; c++) {
            Object v = values.get(c);
            m.put(names[c], v instanceof Integer || v instanceof Short || v instanceof Byte ? (Object) ((Number) v).longValue() : v);
        }
        return m;
    }

    /** {@code m} with {@code byte[]} values as lists, so that maps compare by content. */
    static Map<String, Object> comparable(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v instanceof byte[] b) {
                List<Byte> l = new ArrayList<>();
                for (byte x : b) {
                    l.add(x);
                }
                out.put(k, l);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    @Test
    void laterLookupsLeaveEarlierRowsAloneAndReadNullsAndEveryType() throws Exception {
        List<Object> full = row(1L, true, (byte) -128, (short) 32767, 2_000_000_000, 3.5f, -0.125, new BigDecimal("12.34"),
                new BigDecimal("-12345678901234567890123456789012.3456"), LocalDate.of(2024, 2, 29), LocalTime.of(23, 59, 59, 1000),
                LocalDateTime.of(1969, 12, 31, 23, 59, 59, 500_000_000), Instant.parse("2024-02-28T23:00:00Z"), "short",
                new byte[] {0, (byte) 0xff, 0x10}, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        List<Object> nulls = row(2L, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        List<Object> other = row(3L, false, (byte) 7, (short) -1, -5, -0.0f, Double.NaN, new BigDecimal("-0.01"),
                new BigDecimal("0.0001"), LocalDate.of(1, 1, 1), LocalTime.MIDNIGHT, LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000),
                Instant.parse("1969-12-31T23:59:59.999999Z"), "x".repeat(15_000) + "\u00e9", new byte[0],
                UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"));
        try (Ingot db = Ingot.open(tmp.resolve("db"), IngotOptions.defaults().createIfMissing())) {
            db.createTables(DDL);
            try (Transaction tx = db.begin(); VectorSchemaRoot r = IngotApiTest.rows(db, "every", List.of(full, nulls, other))) {
                tx.append("every", r);
                tx.commit();
            }
            Map<String, Object> first = db.lookup("every", 1L).orElseThrow();
            byte[] firstBin = (byte[]) first.get("bin");
            Map<String, Object> second = db.lookup("every", 2L).orElseThrow();
            Map<String, Object> third = db.lookup("every", 3L).orElseThrow();
            Map<String, Object> again = db.lookup("every", 1L).orElseThrow();
            assertEquals(comparable(expected(full)), comparable(first), "row 1, read first, unchanged by the three lookups after it");
            assertArrayEquals(new byte[] {0, (byte) 0xff, 0x10}, firstBin);
            assertEquals(comparable(expected(nulls)), comparable(second), "every column NULL after a row of values");
            assertEquals(comparable(expected(other)), comparable(third), "a 15,001-byte text after a 5-byte one, values after NULLs");
            assertEquals(comparable(expected(full)), comparable(again));
            assertEquals(Optional.empty(), db.lookup("every", 99L), "a miss");
            assertEquals(Optional.empty(), db.lookup("every", (Object) null), "a NULL key finds nothing");
            assertEquals(comparable(expected(nulls)), comparable(db.lookup("every", 2L).orElseThrow()), "NULLs after a miss");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> db.lookup("every", 1L, 2L));
            assertEquals("row 0 has 2 values, expected 1 (id)", e.getMessage());
            assertEquals(comparable(expected(full)), comparable(db.lookup("every", 1L).orElseThrow()), "a refused key leaves the next lookup right");

            // a commit moves lookups to the new snapshot, with new kept vectors
            try (Transaction tx = db.begin()) {
                assertEquals(1, tx.deleteKeys("every", List.of(row(3L))));
                tx.commit();
            }
            assertEquals(Optional.empty(), db.lookup("every", 3L), "deleted by the commit");
            assertEquals(comparable(expected(full)), comparable(db.lookup("every", 1L).orElseThrow()));
            assertEquals(comparable(expected(full)), comparable(first), "the first map is still the caller's");
        }
    }

    @Test
    void aRootOfOtherColumnsIsRefused() throws Exception {
        try (Ingot db = Ingot.open(tmp.resolve("db"), IngotOptions.defaults().createIfMissing())) {
            db.createTables(IngotApiTest.DDL);
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = IngotApiTest.rows(db, "customers", List.of(row(1L, "ada@x", "Ada"), row(2L, "alan@x", null)))) {
                tx.append("customers", c);
                tx.commit();
            }
            try (TableReader reader = db.store().openTable("customers");
                 VectorSchemaRoot names = reader.readRows(new long[] {0}, List.of("name"));
                 VectorSchemaRoot ids = reader.readRows(new long[] {0}, List.of("id"))) {
                reader.readRows(new long[] {1, 0}, List.of("name"), names);
                assertEquals(2, names.getRowCount());
                assertEquals(null, names.getVector(0).getObject(0));
                assertEquals("Ada", names.getVector(0).getObject(1).toString(), "grown from one row to two");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> reader.readRows(new long[] {0}, List.of("email"), ids));
                assertEquals("column 0 of the root to read table customers into is id: Int(64, true) not null, not email: Utf8 not null",
                        e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> reader.readRows(new long[] {0}, List.of("id", "name"), ids));
                assertEquals("root to read 2 columns of table customers into has 1 columns", e.getMessage());
            }
        }
    }
}
