package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.TestData.Model;
import dev.ingot.columnstore.internal.ColumnStoreImpl;
import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.StoreNotFoundException;
import dev.ingot.testing.ArrowPerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    static TableDef renamed(String name) {
        return new TableDef(name, TestData.ALL_TYPES.columns(), List.of());
    }

    static Set<Long> live(Pager pager) {
        Set<Long> s = new HashSet<>();
        for (long k : pager.liveKeys()) {
            s.add(k);
        }
        return s;
    }

    @Test
    void abortLeavesNoTableAndFreesItsKeys() throws Exception {
        Model m = Model.random(new Random(5), 3000, 0.1, 0);
        Set<Long> before;
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            before = live(store.pager());
            TableWriter w = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1000));
            w.appendBatch(root, 0, 3000);
            assertEquals(3 * 7, live(store.pager()).size() - before.size(), "three row groups of seven chunks were put");
            assertEquals(21, w.diagnostics().get(PagerDiagnostics.Counter.BLOBS_PUT));
            assertEquals(3, w.diagnostics().get(PagerDiagnostics.Counter.PUT_BATCHES), "one gathering put per row group");
            w.abort();
            assertEquals(21, w.diagnostics().get(PagerDiagnostics.Counter.FREES));
            assertEquals(before, live(store.pager()));
            assertTrue(store.table("all_types").isEmpty());
            assertThrows(IllegalStateException.class, () -> w.appendBatch(root, 0, 1));
            w.close(); // idempotent
            assertEquals(0, store.stagingAllocator().allocatedBytes());
        }
        // reopened, the store shows no trace of the aborted table: no catalog entry, no chunk
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            assertTrue(store.tables().isEmpty(), () -> "aborted table after reopen: " + store.tables());
            assertTrue(store.table("all_types").isEmpty());
            assertEquals(before, live(store.pager()), "no chunk of the aborted table is live after reopen");
            // the name is free again
            try (TableWriter again = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                again.appendBatch(root, 0, 10);
                again.commit();
            }
            assertEquals(10, store.table("all_types").orElseThrow().rowCount());
        }
    }

    @Test
    void sealForValidationReadsThePendingRowsThenCommitsOrAborts() throws Exception {
        Model m = Model.random(new Random(8), 2500, 0.1, 0);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            Set<Long> before = live(store.pager());
            ColumnStoreWriteHints hints = ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1000);
            try (TableWriter w = store.createTable(TestData.ALL_TYPES, hints)) {
                w.appendBatch(root, 0, 2500);
                try (TableReader pending = w.sealForValidation()) {
                    assertEquals(3, pending.rowGroupCount(), "two full row groups and the sealed partial one");
                    assertEquals(2500, pending.info().rowCount());
                    TestData.assertTable(pending, m);
                }
                assertTrue(store.table("all_types").isEmpty(), "not visible before commit");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.appendBatch(root, 0, 1));
                assertEquals("table all_types was sealed for validation; no more rows can be appended", e.getMessage());
                assertThrows(IllegalStateException.class, w::sealForValidation);
                w.commit();
            }
            try (TableReader reader = store.openTable("all_types")) {
                assertEquals(3, reader.rowGroupCount());
                TestData.assertTable(reader, m);
            }
            Set<Long> afterCommit = live(store.pager());
            try (TableWriter w = store.createTable(renamed("sealed_then_aborted"), hints)) {
                w.appendBatch(root, 0, 1500);
                try (TableReader pending = w.sealForValidation()) {
                    assertEquals(2, pending.rowGroupCount());
                }
                w.abort();
            }
            assertEquals(afterCommit, live(store.pager()), "abort after sealing frees every chunk");
            assertFalse(afterCommit.equals(before));
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options())) {
            assertEquals(List.of("all_types"), store.tables().stream().map(TableInfo::name).toList(),
                    "after reopen only the committed table is there, not the one aborted after sealing");
            assertEquals(2500, store.table("all_types").orElseThrow().rowCount());
        }
    }

    @Test
    void duplicateTableNamesAreRejected() throws Exception {
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            ColumnStoreWriteHints h = ColumnStoreWriteHints.estimate(TestData.ALL_TYPES);
            try (TableWriter w = store.createTable(TestData.ALL_TYPES, h)) {
                assertThrows(IllegalArgumentException.class, () -> store.createTable(TestData.ALL_TYPES, h));
                w.commit();
            }
            // an empty committed table may be filled once with the same definition, never redefined
            TableDef other = new TableDef("all_types", List.of(ColumnDef.notNull("x", ColumnType.int32())), List.of());
            assertEquals("table all_types exists (empty) with a different definition",
                    assertThrows(IllegalArgumentException.class, () -> store.createTable(other, h)).getMessage());
            assertEquals(0, store.table("all_types").orElseThrow().rowCount());
        }
    }

    @Test
    void twoWritersCommitInParallelFromTwoThreads() throws Exception {
        Model m1 = Model.random(new Random(6), 20_000, 0.1, 0);
        Model m2 = Model.random(new Random(7), 15_000, 0.1, 0);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot b1 = TestData.batch(arrow.allocator(), m1);
             VectorSchemaRoot b2 = TestData.batch(arrow.allocator(), m2)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch bothStarted = new CountDownLatch(2);
            try {
                Future<?> f1 = pool.submit(() -> load(store, "t1", b1, bothStarted));
                Future<?> f2 = pool.submit(() -> load(store, "t2", b2, bothStarted));
                f1.get(60, TimeUnit.SECONDS);
                f2.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2, store.tables().size());
        }
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            assertEquals(Set.of("t1", "t2"), Set.of(store.tables().get(0).name(), store.tables().get(1).name()));
            // at most the first catalog blob: freed by the second commit, a free that only the next commit makes durable
            assertTrue(store.orphanKeysFreedOnOpen() <= 1, "freed " + store.orphanKeysFreedOnOpen());
            try (TableReader r = store.openTable("t1")) {
                TestData.assertTable(r, m1);
            }
            try (TableReader r = store.openTable("t2")) {
                TestData.assertTable(r, m2);
            }
        }
    }

    private static Void load(ColumnStore store, String name, VectorSchemaRoot batch, CountDownLatch started) throws Exception {
        try (TableWriter w = store.createTable(renamed(name), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1024))) {
            started.countDown();
            started.await();
            for (int off = 0; off < batch.getRowCount(); off += 777) {
                w.appendBatch(batch, off, Math.min(777, batch.getRowCount() - off));
            }
            w.commit();
        }
        return null;
    }

    /**
     * Leaves a store in {@link #dir} with table "done" (100 rows) committed and the 28 chunks of an
     * uncommitted load of table "never" durable but unreferenced (another table's commit made the
     * pager durable while they were in flight); returns those orphan keys.
     */
    private Set<Long> storeWithOrphans() throws Exception {
        Model m = Model.random(new Random(8), 4000, 0.1, 0);
        Set<Long> orphanKeys;
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            TableWriter never = store.createTable(renamed("never"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1000));
            Set<Long> before = live(store.pager());
            never.appendBatch(root, 0, 4000);
            orphanKeys = live(store.pager());
            orphanKeys.removeAll(before);
            assertEquals(28, orphanKeys.size());
            // another table's commit makes the pager durable, including the in-flight chunks
            try (TableWriter w = store.createTable(renamed("done"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                w.appendBatch(root, 0, 100);
                w.commit();
            }
            assertTrue(live(store.pager()).containsAll(orphanKeys));
            // close the store without committing "never" (its writer is aborted, the frees are not committed)
        }
        return orphanKeys;
    }

    @Test
    void uncommittedLoadIsAbsentAfterReopenAndItsKeysAreFreedOnOpen() throws Exception {
        Set<Long> orphanKeys = storeWithOrphans();
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            assertEquals(List.of("done"), store.tables().stream().map(TableInfo::name).toList());
            assertTrue(store.table("never").isEmpty());
            assertTrue(store.orphanKeysFreedOnOpen() >= 28, "freed " + store.orphanKeysFreedOnOpen());
            for (long k : orphanKeys) {
                assertFalse(store.pager().contains(k), "orphan key " + k);
            }
        }
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            assertEquals(0, store.orphanKeysFreedOnOpen(), "the frees were committed");
            assertEquals(100, store.table("done").orElseThrow().rowCount());
        }
    }

    @Test
    void failedCommitLeavesCatalogUnchangedInMemoryAndOnDisk() throws Exception {
        Model m = Model.random(new Random(9), 500, 0.1, 0);
        FaultyPager[] faulty = new FaultyPager[1];
        try (ColumnStore store = ColumnStoreImpl.open(dir, TestData.options(), OpenMode.CREATE,
                (f, o, mode) -> faulty[0] = new FaultyPager(Pager.open(f, o, mode)));
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            try (TableWriter w = store.createTable(renamed("first"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                w.appendBatch(root);
                w.commit();
            }
            long catalogKey = store.pager().rootKey(0);
            faulty[0].failCommits = true;
            TableWriter w = store.createTable(renamed("second"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES));
            w.appendBatch(root);
            IOException e = assertThrows(IOException.class, w::commit);
            assertEquals("injected commit failure", e.getMessage());
            assertFalse(w.isCommitted());
            assertEquals(List.of("first"), store.tables().stream().map(TableInfo::name).toList());
            assertEquals(catalogKey, store.pager().rootKey(0));
            w.abort();
            faulty[0].failCommits = false;
            // a later commit publishes only committed tables
            try (TableWriter w3 = store.createTable(renamed("third"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                w3.appendBatch(root, 0, 7);
                w3.commit();
            }
        }
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            assertEquals(List.of("first", "third"), store.tables().stream().map(TableInfo::name).toList());
            try (TableReader r = store.openTable("first")) {
                TestData.assertTable(r, m);
            }
        }
    }

    @Test
    void writersStillOpenAtCloseAreAbortedAndStagingIsReleased() throws Exception {
        Model m = Model.random(new Random(10), 100, 0.1, 0);
        ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
        try (VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            TableWriter w = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES));
            w.appendBatch(root);
            assertTrue(store.stagingAllocator().allocatedBytes() > 0);
        }
        store.close(); // would throw if staging leaked
        store.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> store.openTable("all_types"));
    }

    // ---------------------------------------------------------------- open modes

    private static List<String> names(ColumnStore store) {
        return store.tables().stream().map(TableInfo::name).toList();
    }

    @Test
    void openingIsNotCreating() throws Exception {
        Path typo = dir.resolve("typo");
        StoreNotFoundException e = assertThrows(StoreNotFoundException.class, () -> ColumnStore.open(typo));
        assertEquals("no store at " + typo + ": no such directory", e.getMessage());
        e = assertThrows(StoreNotFoundException.class, () -> ColumnStore.openReadOnly(typo));
        assertEquals("no store at " + typo + ": no such directory", e.getMessage());
        assertFalse(Files.exists(typo));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(StoreNotFoundException.class, () -> ColumnStore.openReadOnly(empty));
        assertEquals("no store at " + empty + ": the directory has no store.ingot", e.getMessage());
        assertFalse(Files.exists(empty.resolve(ColumnStore.STORE_FILE_NAME)));
        try (ColumnStore created = ColumnStore.openOrCreate(typo, TestData.options())) {
            assertEquals(List.of(), names(created));
        }
        try (ColumnStore opened = ColumnStore.open(typo, TestData.options())) {
            assertFalse(opened.readOnly());
        }
    }

    @Test
    void readersSkipTheOrphanSweepAndAWriterWhoseSweepCannotCommitStillOpens() throws Exception {
        Set<Long> orphanKeys = storeWithOrphans();
        try (ColumnStore reader = ColumnStore.openReadOnly(dir, TestData.options())) {
            assertTrue(reader.readOnly());
            assertEquals(0, reader.orphanKeysFreedOnOpen());
            assertTrue(live(reader.pager()).containsAll(orphanKeys), "a reader frees nothing");
            assertEquals(List.of("done"), names(reader));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> reader.createTable(renamed("x"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES)));
            assertEquals("column store " + dir + " is open read-only; cannot create table x", e.getMessage());
        }
        FaultyPager[] faulty = new FaultyPager[1];
        try (ColumnStore store = ColumnStoreImpl.open(dir, TestData.options(), OpenMode.READ_WRITE, (f, o, mode) -> {
            faulty[0] = new FaultyPager(Pager.open(f, o, mode));
            faulty[0].failCommits = true;
            return faulty[0];
        })) {
            assertEquals("injected commit failure", store.orphanSweepFailure().orElseThrow().getMessage());
            assertEquals(100, store.table("done").orElseThrow().rowCount());
            try (TableReader r = store.openTable("done"); VectorSchemaRoot rows = r.readRowGroup(0, List.of("id"))) {
                assertEquals(100, rows.getRowCount());
            }
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options())) {
            assertTrue(store.orphanSweepFailure().isEmpty());
            assertTrue(store.orphanKeysFreedOnOpen() >= 28, "freed " + store.orphanKeysFreedOnOpen());
        }
    }

    @Test
    void readerKeepsItsSnapshotUntilRefresh() throws Exception {
        Model m = Model.random(new Random(3), 500, 0.1, 0);
        try (ColumnStore writer = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            try (TableWriter w = writer.createTable(renamed("a"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                w.appendBatch(root);
                w.commit();
            }
            try (ColumnStore reader = ColumnStore.openReadOnly(dir, TestData.options())) {
                assertEquals(List.of("a"), names(reader));
                try (TableWriter w = writer.createTable(renamed("b"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                    w.appendBatch(root, 0, 123);
                    w.commit();
                }
                assertEquals(List.of("a"), names(reader));
                assertFalse(writer.refresh(), "a writer sees its own commits");
                assertTrue(reader.refresh());
                assertEquals(List.of("a", "b"), names(reader));
                try (TableReader r = reader.openTable("b"); VectorSchemaRoot rows = r.readRowGroup(0, List.of("id"))) {
                    assertEquals(123, rows.getRowCount());
                }
                assertFalse(reader.refresh());
            }
        }
    }
}
