package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.ArrowValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API end to end: appends checked against stored rows through the persisted key
 * indexes (one segment per append), deletes by key and by filter, a deleted key inserted again,
 * FOREIGN KEYs against stored parents and parents of the same transaction, RESTRICT at commit,
 * updates, lookups (single, batched, UNIQUE), reopening, drop and compaction; exact messages.
 */
class IngotApiTest {
    static final String DDL = """
            CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE, name VARCHAR(40));
            CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers (id), total DECIMAL(10,2));
            """;

    @TempDir
    Path tmp;

    static VectorSchemaRoot rows(Ingot db, String table, List<List<Object>> rows) {
        TableDef def = db.table(table).orElseThrow();
        return ArrowValues.root(db.allocator(), def.columns(), rows);
    }

    static List<Object> row(Object... v) {
        return java.util.Arrays.asList(v);
    }

    @Test
    void appendsDeletesUpdatesAndLookups() throws Exception {
        Path dir = tmp.resolve("db");
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing())) {
            db.createTables(DDL);
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = rows(db, "customers", List.of(row(1L, "ada@x", "Ada"), row(2L, "alan@x", null)))) {
                tx.append("customers", c);
                tx.commit();
            }
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = rows(db, "customers", List.of(row(3L, "grace@x", "Grace")));
                 VectorSchemaRoot o = rows(db, "orders", List.of(row(10L, 1L, new java.math.BigDecimal("5.00")),
                         row(11L, 3L, new java.math.BigDecimal("7.50"))))) {
                tx.append("customers", c);
                tx.append("orders", o); // customer 3 is appended in this same transaction
                tx.commit();
            }
            List<String> segments = db.store().table("customers").orElseThrow().indexes().stream().map(IndexInfo::name).toList();
            assertEquals(List.of("key/customers_email_key/0000000000000000000", "key/customers_email_key/0000000000000000002",
                    "key/customers_pkey/0000000000000000000"), segments.stream().sorted().toList(),
                    "id 3 above the stored 1, 2 extends the sorted run of the PRIMARY KEY (no index bytes); the text key gets a segment per append");
            assertEquals(3, db.store().table("customers").orElseThrow().index("key/customers_pkey/0000000000000000000").orElseThrow()
                    .tableRows(), "the extended run covers all 3 rows");

            // a duplicate of a stored key, in a later batch row
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = rows(db, "customers", List.of(row(4L, "kate@x", "K"), row(2L, "other@x", "dup")))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("customers", c));
                assertEquals("duplicate key value violates PRIMARY KEY constraint \"customers_pkey\" on table customers: key (id)=(2) already exists; row 1",
                        e.getMessage());
                IllegalStateException failed = assertThrows(IllegalStateException.class, tx::commit);
                assertTrue(failed.getMessage().startsWith("transaction failed and can only be closed (rolled back): duplicate key value"), failed.getMessage());
            }
            // UNIQUE against a stored row; FOREIGN KEY to a missing parent
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = rows(db, "customers", List.of(row(5L, "ada@x", "again")))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("customers", c));
                assertEquals("duplicate key value violates UNIQUE constraint \"customers_email_key\" on table customers: key (email)=('ada@x') already exists; row 0",
                        e.getMessage());
            }
            try (Transaction tx = db.begin();
                 VectorSchemaRoot o = rows(db, "orders", List.of(row(12L, 1L, null), row(13L, 99L, null)))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("orders", o));
                assertEquals("insert into table orders violates FOREIGN KEY constraint \"orders_customer_id_fkey\": key (customer_id)=(99) is not present in table customers; row 1",
                        e.getMessage());
            }
            assertEquals(3, db.scan("customers").count(), "failed transactions left nothing");

            // RESTRICT: customer 1 has order 10
            try (Transaction tx = db.begin()) {
                assertEquals(1, tx.deleteKeys("customers", List.of(row(1L), row(77L))));
                ConstraintViolationException e = assertThrows(ConstraintViolationException.class, tx::commit);
                assertEquals("delete from table customers violates FOREIGN KEY constraint \"orders_customer_id_fkey\" on table orders: "
                        + "key (id)=(1) is still referenced from table orders", e.getMessage());
            }
            assertTrue(db.lookup("customers", 1L).isPresent(), "the failed delete deleted nothing");
            // delete the child first, then the parent, in one transaction; then insert key 1 again
            try (Transaction tx = db.begin()) {
                assertEquals(1, tx.deleteWhere("orders", RowFilter.eq("customer_id", 1L)));
                assertEquals(1, tx.deleteKeys("customers", List.of(row(1L))));
                tx.commit();
            }
            assertEquals(Optional.empty(), db.lookup("customers", 1L));
            try (Transaction tx = db.begin()) {
                assertEquals(0, tx.deleteKeys("customers", List.of(row(1L))), "a deleted key is deleted once");
            }
            // a deleted parent key is no parent any more
            try (Transaction tx = db.begin();
                 VectorSchemaRoot o = rows(db, "orders", List.of(row(14L, 1L, null)))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("orders", o));
                assertEquals("insert into table orders violates FOREIGN KEY constraint \"orders_customer_id_fkey\": key (customer_id)=(1) is not present in table customers; row 0",
                        e.getMessage());
            }
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = rows(db, "customers", List.of(row(1L, "ada@x", "Ada again")))) {
                tx.append("customers", c);
                tx.commit();
            }
            assertEquals(Map.of("id", 1L, "email", "ada@x", "name", "Ada again"), db.lookup("customers", 1L).orElseThrow());
            // update a referenced parent: delete + append of the same key passes RESTRICT
            try (Transaction tx = db.begin();
                 VectorSchemaRoot c = rows(db, "customers", List.of(row(3L, "grace@y", "Grace H")))) {
                assertEquals(1, tx.update("customers", c));
                tx.commit();
            }
            assertEquals("Grace H", db.lookup("customers", 3L).orElseThrow().get("name"));
            // RESTRICT sees a child row appended earlier in the same transaction
            try (Transaction tx = db.begin();
                 VectorSchemaRoot o = rows(db, "orders", List.of(row(20L, 2L, null)))) {
                tx.append("orders", o);
                assertEquals(1, tx.deleteKeys("customers", List.of(row(2L))));
                ConstraintViolationException e = assertThrows(ConstraintViolationException.class, tx::commit);
                assertEquals("delete from table customers violates FOREIGN KEY constraint \"orders_customer_id_fkey\" on table orders: "
                        + "key (id)=(2) is still referenced from table orders", e.getMessage());
            }
            assertEquals(3L, db.lookupBy("customers", "customers_email_key", "grace@y").orElseThrow().get("id"));
            assertEquals(Optional.empty(), db.lookupBy("customers", "customers_email_key", "grace@x"));
            // batched lookup
            try (VectorSchemaRoot keys = ArrowValues.root(db.allocator(), List.of(db.table("customers").orElseThrow().column("id")),
                    List.of(row(3L), row(1L), row(42L)));
                 Lookup found = db.lookup("customers", "customers_pkey", keys, List.of("name"))) {
                assertEquals(2, found.foundCount());
                assertEquals("Grace H", ArrowValues.get(found.rows().getVector(0), 0));
                assertEquals("Ada again", ArrowValues.get(found.rows().getVector(0), 1));
                assertFalse(found.found(2));
            }
        }
        // reopen: the indexes are on disk, the data is as committed
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults())) {
            List<Map<String, Object>> all = db.scan("customers").columns("id", "name").toList();
            List<Object> ids = new ArrayList<>();
            all.forEach(m -> ids.add(m.get("id")));
            assertEquals(List.of(2L, 1L, 3L), ids);
            assertEquals("alan@x", db.lookup("customers", 2L).orElseThrow().get("email"));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> db.drop("customers"));
            assertTrue(refused.getMessage().contains("orders"), refused.getMessage());
            db.compact();
            assertEquals(List.of("key/customers_email_key/0000000000000000000", "key/customers_pkey/0000000000000000000"),
                    db.store().table("customers").orElseThrow().indexes().stream().map(IndexInfo::name).sorted().toList(),
                    "compaction merged the segments");
            assertEquals("Grace H", db.lookup("customers", 3L).orElseThrow().get("name"));
            assertEquals(Optional.empty(), db.lookup("orders", 10L));
            assertEquals(3L, db.lookup("orders", 11L).orElseThrow().get("customer_id"));
            db.drop("orders");
            db.drop("customers");
            assertEquals(List.of(), db.tableNames());
        }
    }
}
