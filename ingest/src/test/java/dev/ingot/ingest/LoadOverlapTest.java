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
import dev.ingot.columnstore.TableWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a table's load overlaps the end of the tables it references in immediate mode. Its source
 * opens once they have read all their input (its first batches are parsed while they seal and
 * commit); it starts once they have committed their rows and published their key sets, while
 * their key indexes (for later appends and lookups) are still being written in a transaction of
 * their own; it commits only after they finished. A referenced table that fails after the source
 * opened leaves it skipped with its source closed; one whose key indexes fail leaves it skipped, as
 * if it had not started, even when it found a violation of its own meanwhile; a source that
 * cannot open fails the table with the open's own error.
 */
class LoadOverlapTest {
    private static final TableDef P = new TableDef("p", List.of(ColumnDef.notNull("id", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("p_pk", "id")));
    private static final TableDef C = new TableDef("c", List.of(ColumnDef.notNull("k", ColumnType.int64()),
            ColumnDef.notNull("ref", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("c_pk", "k"), ConstraintSpec.foreignKey("c_p_fk", List.of("ref"), "p", List.of("id"))));

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("load-overlap", 1L << 28);

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
        return load(store, new Sources(child), progress);
    }

    private LoadReport load(ColumnStore store, Sources sources, BulkLoader.Progress progress) {
        return new BulkLoader(store, mem.ingot(), LoadOptions.defaults().withMode(ConstraintMode.IMMEDIATE).withParallelism(2, 1))
                .load(List.of(P, C), sources, t -> 0, progress);
    }

    /** In-memory sources of p and c that count c's opens and closes; c's open may fail. */
    private class Sources implements BulkLoader.SourceFactory {
        final Map<String, List<Object[]>> rows;
        final AtomicInteger childOpens = new AtomicInteger();
        final AtomicInteger childCloses = new AtomicInteger();
        volatile boolean failChildOpen;

        Sources(List<Object[]> child) {
            rows = Map.of("p", parentRows(), "c", child);
        }

        @Override
        public BatchSource open(TableDef def, int batchRows, int threads) throws java.io.IOException {
            BatchSource source = MemoryRows.source(mem.arrow(), def, rows.get(def.name()), 7);
            if (!def.name().equals("c")) {
                return source;
            }
            if (failChildOpen) {
                throw new java.io.IOException("injected: cannot open c.rows");
            }
            childOpens.incrementAndGet();
            return new BatchSource() {
                @Override
                public InsertSource.ArrowBatch next() throws java.io.IOException, InterruptedException {
                    return source.next();
                }

                @Override
                public void close() {
                    childCloses.incrementAndGet();
                    source.close();
                }
            };
        }
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
            ColumnStore store = around(ColumnStore.class, real, (method, args, proceed) -> {
                if (method.getName().equals("openTable") && "p".equals(args[0])) {
                    throw new IllegalStateException("injected: cannot read p");
                }
                return proceed.call();
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

    @Test
    void theReferencingTablesSourceOpensOnceTheReferencedTableReadItsInput() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        Sources sources = new Sources(childRows(3)) {
            @Override
            public BatchSource open(TableDef def, int batchRows, int threads) throws java.io.IOException {
                events.add("open " + def.name());
                return super.open(def, batchRows, threads);
            }
        };
        BulkLoader.Progress progress = new BulkLoader.Progress() {
            @Override
            public void tableStarted(String table) {
                events.add("started " + table);
            }
        };
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            LoadReport r = load(store, sources, progress);
            assertNull(r.failure());
            assertEquals(List.of("started p", "open p", "open c", "started c"), events);
            assertEquals(1, sources.childOpens.get());
            assertEquals(1, sources.childCloses.get());
            assertEquals(60, store.table("c").orElseThrow().rowCount());
        }
    }

    @Test
    void aSourceOpenedAheadIsClosedWhenTheReferencedTableFailsToCommit() throws Exception {
        try (ColumnStore real = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            // p reads all its input (c's source opens), then its commit fails
            ColumnStore store = around(ColumnStore.class, real, (method, args, proceed) -> {
                Object result = proceed.call();
                if (method.getName().equals("createTable") && ((TableDef) args[0]).name().equals("p")) {
                    return around(TableWriter.class, (TableWriter) result, (wm, wargs, wproceed) -> {
                        if (wm.getName().equals("commit")) {
                            throw new java.io.IOException("injected: cannot commit p");
                        }
                        return wproceed.call();
                    });
                }
                return result;
            });
            Sources sources = new Sources(childRows(3));
            LoadReport r = load(store, sources, new BulkLoader.Progress() {});
            assertEquals("injected: cannot commit p", rootMessage(r.failure()));
            assertEquals(List.of("c"), r.skipped());
            assertEquals(1, sources.childOpens.get(), "c's source opened ahead");
            assertEquals(1, sources.childCloses.get(), "and closed when c was skipped");
            assertTrue(real.table("p").isEmpty() || real.table("p").orElseThrow().rowCount() == 0, "p rolled back");
        }
    }

    @Test
    void aSourceOpenedAheadIsClosedWhenItsTableFailsToStart() throws Exception {
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            Sources sources = new Sources(childRows(3));
            LoadReport r = load(store, sources, new BulkLoader.Progress() {
                @Override
                public void tableStarted(String table) {
                    if (table.equals("c")) {
                        throw new IllegalStateException("injected: progress of c");
                    }
                }
            });
            assertEquals("injected: progress of c", rootMessage(r.failure()));
            assertEquals(1, sources.childOpens.get(), "c's source opened ahead");
            assertEquals(1, sources.childCloses.get(), "and closed when c failed to start");
        }
    }

    @Test
    void aSourceThatCannotOpenFailsItsTableWithTheOpensError() throws Exception {
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            Sources sources = new Sources(childRows(3));
            sources.failChildOpen = true;
            LoadReport r = load(store, sources, new BulkLoader.Progress() {});
            assertEquals("injected: cannot open c.rows", r.failure().getMessage()); // as when it opens at the table's start
            assertEquals("c", ((TableLoadException) r.failure()).table());
            assertEquals(List.of(), r.skipped());
            assertEquals(20, store.table("p").orElseThrow().rowCount());
        }
    }

    /** Sees a call made through a proxy of {@link #around}; {@code proceed} makes it on the real object. */
    @FunctionalInterface
    private interface Around {
        Object call(java.lang.reflect.Method method, Object[] args, Proceed proceed) throws Throwable;
    }

    @FunctionalInterface
    private interface Proceed {
        Object call() throws Throwable;
    }

    /** A proxy of {@code real} whose every call goes through {@code around}. */
    private static <T> T around(Class<T> type, T real, Around around) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                around.call(method, args, () -> {
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                })));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
