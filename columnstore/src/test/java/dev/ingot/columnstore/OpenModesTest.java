package dev.ingot.columnstore;

import static dev.ingot.columnstore.LifecycleTest.live;
import static dev.ingot.columnstore.LifecycleTest.renamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.TestData.Model;
import dev.ingot.columnstore.internal.ColumnStoreImpl;
import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.StoreNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open is not create, read-only opens (no sweep, refresh), and an orphan sweep that cannot commit. */
class OpenModesTest {
    @TempDir
    Path dir;
    BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

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
        Model m = Model.random(new Random(8), 4000, 0.1, 0);
        Set<Long> orphanKeys;
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(allocator, m)) {
            TableWriter never = store.createTable(renamed("never"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1000));
            Set<Long> before = live(store.pager());
            never.appendBatch(root, 0, 4000);
            orphanKeys = live(store.pager());
            orphanKeys.removeAll(before);
            try (TableWriter w = store.createTable(renamed("done"), ColumnStoreWriteHints.estimate(TestData.ALL_TYPES))) {
                w.appendBatch(root, 0, 100);
                w.commit();   // makes the in-flight chunks of "never" durable: orphans after close
            }
        }
        assertEquals(28, orphanKeys.size());
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
             VectorSchemaRoot root = TestData.batch(allocator, m)) {
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
