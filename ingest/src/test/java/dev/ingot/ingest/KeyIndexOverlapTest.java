package dev.ingot.ingest;

import static dev.ingot.ingest.MemoryRows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * In immediate mode a table starts once the tables it references have committed their rows and
 * published their key sets, while their key indexes (for later appends and lookups) are still
 * being written in a transaction of their own; it commits only after they finished. A referenced
 * table whose key indexes fail leaves the table referencing it skipped, as if it had not started,
 * even when that table found a violation of its own meanwhile.
 */
class KeyIndexOverlapTest {
    private static final TableDef P = new TableDef("p", List.of(ColumnDef.notNull("id", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("p_pk", "id")));
    private static final TableDef C = new TableDef("c", List.of(ColumnDef.notNull("k", ColumnType.int64()),
            ColumnDef.notNull("ref", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("c_pk", "k"), ConstraintSpec.foreignKey("c_p_fk", List.of("ref"), "p", List.of("id"))));

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("key-index-overlap", 1L << 28);

    private static List<Object[]> parentRows() {
        List<Object[]> rows = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            rows.add(row(id));
        }
        return rows;
    }

    private static List<Object[]> childRows(long lastRef) {
        List<Object[]> rows = new ArrayList<>();
        for (long k = 1; k <= 60; k++) {
            rows.add(row(k, k == 60 ? lastRef : k % 20 + 1));
        }
        return rows;
    }

    private LoadReport load(ColumnStore store, List<Object[]> child, BulkLoader.Progress progress) {
        Map<String, List<Object[]>> rows = Map.of("p", parentRows(), "c", child);
        return new BulkLoader(store, mem.ingot(), LoadOptions.defaults().withMode(ConstraintMode.IMMEDIATE).withParallelism(2, 1))
                .load(List.of(P, C), (def, hinted, threads) -> MemoryRows.source(mem.arrow(), def, rows.get(def.name()), 7), t -> 0, progress);
    }

    @Test
    void theReferencingTableStartsBeforeTheReferencedTableFinishes() throws Exception {
        CountDownLatch childStarted = new CountDownLatch(1);
        AtomicBoolean startedFirst = new AtomicBoolean();
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        BulkLoader.Progress progress = new BulkLoader.Progress() {
            @Override
            public void tableStarted(String table) {
                events.add("started " + table);
                if (table.equals("c")) {
                    childStarted.countDown();
                }
            }

            @Override
            public void tableFinished(TableLoadReport report) {
                if (report.table().equals("p")) {
                    // p's rows and key indexes are committed; c started after p's rows committed
                    try {
                        startedFirst.set(childStarted.await(20, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                events.add("finished " + report.table());
            }
        };
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            LoadReport r = load(store, childRows(3), progress);
            assertNull(r.failure());
            assertTrue(startedFirst.get(), "c started while p was still running: " + events);
            assertEquals(List.of("started p", "started c", "finished p", "finished c"), events);
            assertEquals(20, store.table("p").orElseThrow().rowCount());
            assertEquals(60, store.table("c").orElseThrow().rowCount());
        }
    }

    @Test
    void aReferencingTableThatStartedIsSkippedWhenTheReferencedTablesKeyIndexesFail() throws Exception {
        try (ColumnStore real = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            // the key index transaction of p reads p's stored key columns: that read fails
            ColumnStore store = (ColumnStore) Proxy.newProxyInstance(ColumnStore.class.getClassLoader(), new Class<?>[] {ColumnStore.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("openTable") && "p".equals(args[0])) {
                            throw new IllegalStateException("injected: cannot read p");
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            // c's last row references a key p does not hold: c fails on its own, after it started
            LoadReport r = load(store, childRows(999), new BulkLoader.Progress() {});
            assertEquals("table p is committed, but its key indexes could not be written (a later append or lookup indexes it from its"
                    + " key columns): injected: cannot read p", r.failure().getMessage());
            assertEquals(List.of("c"), r.skipped());
            assertEquals(20, real.table("p").orElseThrow().rowCount());
            assertFalse(real.table("c").map(TableInfo::rowCount).orElse(0L) > 0, "c committed no row");
        }
    }
}
