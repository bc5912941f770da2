package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.Rows.Row;
import dev.ingot.columnstore.internal.ColumnStoreImpl;
import dev.ingot.pager.StoreLockedException;
import dev.ingot.testing.ArrowPerTest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** Transactions: appends, deletes, drops, index blobs, snapshots and compaction of {@link ColumnStore}. */
class TransactionTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();
    static final TableDef T = Rows.def("t");
    static final ColumnStoreWriteHints HINTS = ColumnStoreWriteHints.estimate(T).withChunkRows(1000);

    ColumnStore open() throws Exception {
        return ColumnStore.openOrCreate(dir, TestData.options());
    }

    /** 1 MiB segments: the file grows and shrinks by whole segments. */
    ColumnStore openSmallSegments() throws Exception {
        return ColumnStore.openOrCreate(dir, TestData.options().withPagerOptions(
                TestData.options().pagerOptions().withSegmentBytes(1 << 20)));
    }

    static Set<Long> live(ColumnStore store) {
        Set<Long> s = new HashSet<>();
        for (long k : store.pager().liveKeys()) {
            s.add(k);
        }
        return s;
    }

    /** Rows without the ids in {@code deleted}. */
    static List<Row> without(List<Row> rows, Set<Long> deleted) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (!deleted.contains(r.id())) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void appendsContinueTheRowIdsAndSurviveReopen() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 2500));
            try (StoreTransaction tx = store.begin()) {
                TableWriter w = tx.append("t", HINTS);
                assertEquals(2500, w.firstRowId());
                Rows.write(arrow.allocator(), w, Rows.range(2500, 3100));
                assertEquals(3100, tx.table("t").orElseThrow().rowCount(), "the transaction sees its append");
                assertEquals(2500, store.table("t").orElseThrow().rowCount(), "readers do not, before the commit");
                tx.commit();
            }
            try (StoreTransaction tx = store.begin()) {
                Rows.write(arrow.allocator(), tx.append("t", HINTS), Rows.range(3100, 3101));
                tx.commit();
            }
        }
        try (ColumnStore store = open()) {
            TableInfo t = store.table("t").orElseThrow();
            assertEquals(3101, t.rowCount());
            assertEquals(List.of(0L, 1000L, 2000L, 2500L, 3100L), t.rowGroups().stream().map(RowGroupInfo::firstRowId).toList());
            Rows.assertRows(Rows.range(0, 3101), Rows.read(store, "t"), "after two appends and a reopen");
        }
    }

    @Test
    void appendValueErrorsNameTheTableRowId() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 10));
            try (StoreTransaction tx = store.begin();
                 TableWriter w = tx.append("t", HINTS);
                 var root = Rows.batch(arrow.allocator(), T, Rows.range(10, 13))) {
                root.getVector(0).setNull(2);
                ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.appendBatch(root));
                assertEquals(12, e.rowId(), "row ids continue after the stored rows");
            }
            assertEquals(10, store.table("t").orElseThrow().rowCount());
        }
    }

    @Test
    void deletesSkipRowsInScansAndCountLiveAndDeletedRows() throws Exception {
        List<Row> rows = Rows.range(0, 3000);
        Set<Long> deleted = new HashSet<>(List.of(0L, 1L, 999L, 1000L, 1500L, 2998L, 2999L));
        for (long i = 2000; i < 3000; i += 3) {
            deleted.add(i);
        }
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), rows);
            try (StoreTransaction tx = store.begin()) {
                assertEquals(deleted.size(), tx.delete("t", deleted.stream().mapToLong(Long::longValue).toArray()));
                tx.commit();
            }
        }
        try (ColumnStore store = open()) {
            TableInfo t = store.table("t").orElseThrow();
            assertEquals(3000, t.rowCount());
            assertEquals(deleted.size(), t.deletedRowCount());
            assertEquals(3000 - deleted.size(), t.liveRowCount());
            assertEquals(List.of(3, 2, 335), t.rowGroups().stream().map(RowGroupInfo::deletedRows).toList());
            Rows.assertRows(without(rows, deleted), Rows.read(store, "t"), "scan without the deleted rows");
            try (TableReader r = store.openTable("t")) {
                assertEquals(RoaringBitmap.bitmapOf(0, 1, 999), r.deletedRows(0));
                long[] ids = r.liveRowIds(1);
                assertEquals(998, ids.length);
                assertEquals(1001, ids[0]);
                try (var all = r.readRowGroup(1, List.of("id"), true); var liveOnly = r.readRowGroup(1, List.of("id"))) {
                    assertEquals(1000, all.getRowCount());
                    assertEquals(998, liveOnly.getRowCount());
                }
                assertEquals(3 * 4 + 3, r.verifyChecksums(), "12 chunks and 3 deletion vectors");
            }
        }
    }

    @Test
    void scansSkipDeletedRowsOfEveryColumnLayout() throws Exception {
        java.util.Random r = new java.util.Random(11);
        TestData.Model m = TestData.Model.random(r, 5000, 0.2, 0);
        Set<Integer> deleted = new HashSet<>();
        try (ColumnStore store = open(); var root = TestData.batch(arrow.allocator(), m)) {
            TableWriter w = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(700));
            w.appendBatch(root);
            w.commit();
            w.close();
            for (int i = 0; i < 5000; i++) {
                if (r.nextInt(4) == 0 || (i >= 1400 && i < 2100) || i % 700 == 699) { // scattered, a whole group, group ends
                    deleted.add(i);
                }
            }
            try (StoreTransaction tx = store.begin()) {
                tx.delete("all_types", deleted.stream().mapToLong(Integer::longValue).toArray());
                tx.commit();
            }
            try (TableReader reader = store.openTable("all_types")) {
                int i = 0;
                for (int g = 0; g < reader.rowGroupCount(); g++) {
                    try (var live = reader.readRowGroup(g, null)) {
                        assertEquals(reader.info().rowGroups().get(g).liveRows(), live.getRowCount());
                        for (int row = 0; row < live.getRowCount(); row++, i++) {
                            while (deleted.contains(i)) {
                                i++;
                            }
                            TestData.assertRow(m, i, live, row);
                        }
                    }
                }
                assertEquals(5000 - deleted.size(), reader.info().liveRowCount());
            }
        }
    }

    @Test
    void readRowsReadsRowsByRowIdAndRefusesDeletedOnes() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 2500));
            try (StoreTransaction tx = store.begin()) {
                tx.delete("t", 1001);
                tx.commit();
            }
            try (TableReader r = store.openTable("t");
                 var rows = r.readRows(new long[] {2400, 3, 1000, 3}, null)) {
                List<Row> got = new ArrayList<>();
                for (int i = 0; i < rows.getRowCount(); i++) {
                    var s = (org.apache.arrow.vector.VarCharVector) rows.getVector(2);
                    var v = (org.apache.arrow.vector.BigIntVector) rows.getVector(1);
                    var f = (org.apache.arrow.vector.BitVector) rows.getVector(3);
                    got.add(new Row(((org.apache.arrow.vector.BigIntVector) rows.getVector(0)).get(i), v.isNull(i) ? null : v.get(i),
                            s.isNull(i) ? null : new String(s.get(i), java.nio.charset.StandardCharsets.UTF_8),
                            f.isNull(i) ? null : f.get(i) == 1));
                }
                assertEquals(List.of(Row.of(2400), Row.of(3), Row.of(1000), Row.of(3)), got);
                assertEquals("row id 1001 of table t is deleted",
                        assertThrows(IllegalArgumentException.class, () -> r.readRows(new long[] {5, 1001}, List.of("id"))).getMessage());
                assertEquals("row id 2500 is outside table t of 2500 rows",
                        assertThrows(IllegalArgumentException.class, () -> r.readRows(new long[] {2500}, null)).getMessage());
            }
        }
    }

    @Test
    void refusedDeletesNameTheRowIdAndChangeNothing() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 1500));
            try (StoreTransaction tx = store.begin()) {
                tx.delete("t", 5);
                tx.commit();
            }
            try (StoreTransaction tx = store.begin()) {
                assertEquals("cannot delete row id 5 of table t: already deleted",
                        assertThrows(IllegalArgumentException.class, () -> tx.delete("t", 7, 5)).getMessage());
                assertEquals("cannot delete row id 1500 of table t: outside [0, 1500)",
                        assertThrows(IllegalArgumentException.class, () -> tx.delete("t", 1, 1500)).getMessage());
                assertEquals("cannot delete row id -1 of table t: outside [0, 1500)",
                        assertThrows(IllegalArgumentException.class, () -> tx.delete("t", -1)).getMessage());
                assertEquals("cannot delete row id 9 of table t: listed twice",
                        assertThrows(IllegalArgumentException.class, () -> tx.delete("t", 9, 1200, 9)).getMessage());
                assertEquals(1, tx.table("t").orElseThrow().deletedRowCount(), "the refused calls deleted nothing");
                tx.delete("t", 7);
                assertEquals("cannot delete row id 7 of table t: already deleted",
                        assertThrows(IllegalArgumentException.class, () -> tx.delete("t", 7)).getMessage(),
                        "a row deleted earlier in the same transaction");
                tx.commit();
            }
            assertEquals(2, store.table("t").orElseThrow().deletedRowCount());
            assertEquals(1498, Rows.read(store, "t").size());
        }
    }

    @Test
    void deletesOfRowsAppendedInTheSameTransaction() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 100));
            try (StoreTransaction tx = store.begin()) {
                Rows.write(arrow.allocator(), tx.append("t", HINTS), Rows.range(100, 200));
                tx.delete("t", 50, 150);
                tx.delete("t", 151);
                tx.commit();
            }
            Rows.assertRows(without(Rows.range(0, 200), Set.of(50L, 150L, 151L)), Rows.read(store, "t"), "update = delete + append");
        }
    }

    @Test
    void oneCommitPublishesEveryChangeOfEveryTable() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(Rows.def("a"), HINTS), Rows.range(0, 10));
            Rows.write(arrow.allocator(), store.createTable(Rows.def("b"), HINTS), Rows.range(0, 10));
            long epoch = store.pager().epoch();
            try (StoreTransaction tx = store.begin()) {
                Rows.write(arrow.allocator(), tx.append("a", HINTS), Rows.range(10, 20));
                tx.delete("b", 3);
                tx.drop("a");
                Rows.write(arrow.allocator(), tx.createTable(Rows.def("a"), HINTS), Rows.range(100, 105));
                Rows.write(arrow.allocator(), tx.createTable(Rows.def("c"), HINTS), Rows.range(0, 4));
                tx.putIndex("c", "keys", List.of(ByteBuffer.wrap(new byte[] {1, 2, 3})));
                assertEquals(List.of("a", "b", "c"), tx.tableNames());
                tx.commit();
            }
            assertEquals(epoch + 1, store.pager().epoch(), "one pager commit");
            Rows.assertRows(Rows.range(100, 105), Rows.read(store, "a"), "a dropped and created anew");
            assertEquals(9, Rows.read(store, "b").size());
            assertEquals(4, Rows.read(store, "c").size());
        }
    }

    @Test
    void closingWithoutCommitLeavesNoTrace() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(Rows.def("a"), HINTS), Rows.range(0, 2000));
            Set<Long> before = live(store);
            long epoch = store.pager().epoch();
            List<TableInfo> tables = store.tables();
            try (StoreTransaction tx = store.begin()) {
                Rows.write(arrow.allocator(), tx.append("a", HINTS), Rows.range(2000, 3000));
                tx.delete("a", 1, 2, 2500);
                Rows.write(arrow.allocator(), tx.createTable(Rows.def("b"), HINTS), Rows.range(0, 10));
                tx.putIndex("a", "keys", List.of(ByteBuffer.allocate(100)));
                TableWriter open = tx.append("b", HINTS);
                try (var root = Rows.batch(arrow.allocator(), Rows.def("b"), Rows.range(10, 11))) {
                    open.appendBatch(root);
                }
            }
            assertEquals(before, live(store), "every blob the transaction put is freed");
            assertEquals(epoch, store.pager().epoch(), "nothing committed");
            assertEquals(tables, store.tables());
            try (StoreTransaction tx = store.begin()) {
                Rows.write(arrow.allocator(), tx.createTable(Rows.def("b"), HINTS), Rows.range(0, 1));
                tx.commit();
            }
        }
    }

    @Test
    void commitWithAnOpenWriterIsRefused() throws Exception {
        try (ColumnStore store = open(); var root = Rows.batch(arrow.allocator(), T, Rows.range(0, 5))) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 5));
            try (StoreTransaction tx = store.begin()) {
                TableWriter w = tx.append("t", HINTS);
                assertEquals("cannot commit the transaction: the writer of table t is still open (commit or close it first)",
                        assertThrows(IllegalStateException.class, tx::commit).getMessage());
                assertEquals("cannot delete from table t: a writer of it is open in this transaction",
                        assertThrows(IllegalStateException.class, () -> tx.delete("t", 1)).getMessage());
                w.close();
                tx.commit();
            }
        }
    }

    @Test
    void dropIsRefusedWhileAnotherTableReferencesIt() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(Rows.def("parent"), HINTS), Rows.range(0, 10));
            Rows.write(arrow.allocator(), store.createTable(Rows.child("child", "parent"), HINTS), Rows.range(0, 10));
            Set<Long> withoutTables = new HashSet<>();
            try (StoreTransaction tx = store.begin()) {
                assertEquals("cannot drop table parent: table child references it (foreign key child_fk)",
                        assertThrows(IllegalArgumentException.class, () -> tx.drop("parent")).getMessage());
                assertEquals("cannot drop table nope: no such table",
                        assertThrows(IllegalArgumentException.class, () -> tx.drop("nope")).getMessage());
                tx.drop("child");
                tx.drop("parent");
                assertEquals(List.of(), tx.tableNames());
                tx.commit();
            }
            assertEquals(List.of(), store.tables());
            for (long k : store.pager().liveKeys()) {
                withoutTables.add(k);
            }
            assertEquals(Set.of(store.pager().rootKey(0)), withoutTables, "only the catalog is left");
        }
        try (ColumnStore store = open()) {
            assertEquals(List.of(), store.tables());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // a broken same-thread check deadlocks begin()
    void oneTransactionAtATime() throws Exception {
        try (ColumnStore store = open()) {
            StoreTransaction first = store.begin();
            assertEquals("this thread already has a transaction of column store " + dir + " open; commit or close it first",
                    assertThrows(IllegalStateException.class, store::begin).getMessage());
            CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
                try (StoreTransaction tx = store.begin()) {
                    return tx.tableNames().contains("t");
                }
            });
            Thread.sleep(200);
            assertFalse(second.isDone(), "another thread's begin waits");
            Rows.write(arrow.allocator(), first.createTable(T, HINTS), Rows.range(0, 3));
            first.commit();
            assertTrue(second.get(10, TimeUnit.SECONDS), "and then sees the committed table");
            Rows.write(arrow.allocator(), store.createTable(Rows.def("empty"), HINTS), List.of());
            assertEquals("table empty is being changed by an open transaction", assertThrows(IllegalArgumentException.class, () -> {
                try (StoreTransaction tx = store.begin()) {
                    tx.putIndex("empty", "x", List.of(ByteBuffer.allocate(1)));
                    CompletableFuture.supplyAsync(() -> store.createTable(Rows.def("empty"), HINTS)).join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause();
                }
            }).getMessage());
        }
    }

    @Test
    void aSnapshotKeepsItsVersionUntilClosed() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(Rows.def("a"), HINTS), Rows.range(0, 1500));
            Rows.write(arrow.allocator(), store.createTable(Rows.def("b"), HINTS), Rows.range(0, 10));
            try (StoreTransaction tx = store.begin()) {
                tx.delete("a", 3);
                tx.commit();
            }
            StoreSnapshot snap = store.snapshot();
            TableReader oldA = store.openTable("a");
            try (StoreTransaction tx = store.begin()) {
                tx.delete("a", 4, 1400);
                tx.drop("b");
                Rows.write(arrow.allocator(), tx.append("a", HINTS), Rows.range(1500, 1600));
                tx.commit();
            }
            try (StoreTransaction tx = store.begin()) {
                tx.delete("a", 5);
                tx.commit();
            }
            ColumnStoreImpl impl = (ColumnStoreImpl) store;
            assertTrue(impl.retiredBlobsPending() > 0, "blobs of the old versions wait for the snapshot");
            Rows.assertRows(without(Rows.range(0, 1500), Set.of(3L)), Rows.read(oldA), "reader opened before the commits");
            try (TableReader r = snap.openTable("a"); TableReader b = snap.openTable("b")) {
                Rows.assertRows(without(Rows.range(0, 1500), Set.of(3L)), Rows.read(r), "snapshot of a");
                Rows.assertRows(Rows.range(0, 10), Rows.read(b), "dropped table b in the snapshot");
            }
            Rows.assertRows(without(Rows.range(0, 1600), Set.of(3L, 4L, 5L, 1400L)), Rows.read(store, "a"), "the newest version");
            oldA.close();
            snap.close();
            assertEquals(0, impl.retiredBlobsPending(), "closing the last old snapshot frees them");
            assertThrows(IllegalStateException.class, () -> snap.openTable("a"));
        }
    }

    @Test
    void aReadOnlyOpenKeepsItsSnapshotAcrossRefresh() throws Exception {
        try (ColumnStore writer = open()) {
            Rows.write(arrow.allocator(), writer.createTable(T, HINTS), Rows.range(0, 1500));
            try (StoreTransaction tx = writer.begin()) {
                tx.delete("t", 10);
                tx.commit();
            }
            try (ColumnStore reader = ColumnStore.openReadOnly(dir, TestData.options())) {
                StoreSnapshot before = reader.snapshot();
                try (StoreTransaction tx = writer.begin()) {
                    tx.delete("t", 11); // replaces the deletion vector of row group 0 (the old one is freed)
                    tx.commit();
                }
                try (StoreTransaction tx = writer.begin()) {
                    tx.drop("t");
                    tx.commit();
                }
                assertTrue(reader.refresh());
                assertEquals(List.of(), reader.tables());
                try (TableReader r = before.openTable("t")) {
                    Rows.assertRows(without(Rows.range(0, 1500), Set.of(10L)), Rows.read(r), "the read-only snapshot after refresh");
                }
                before.close();
            }
        }
    }

    @Test
    void indexBlobsAreCarriedDroppedAndMarkedStaleByCompaction() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 1200));
            try (StoreTransaction tx = store.begin()) {
                tx.putIndex("t", "pk", List.of(ByteBuffer.wrap(new byte[] {9, 8, 7}), ByteBuffer.wrap(new byte[] {6})));
                tx.commit();
            }
            try (StoreTransaction tx = store.begin()) {
                Rows.write(arrow.allocator(), tx.append("t", HINTS), Rows.range(1200, 1300));
                tx.commit();
            }
            IndexInfo pk = store.table("t").orElseThrow().index("pk").orElseThrow();
            assertEquals(2, pk.parts());
            assertEquals(1200, pk.tableRows(), "put when the table had 1200 rows: the owner sees the append");
            try (StoreSnapshot s = store.snapshot()) {
                ByteBuffer part = s.indexPart("t", "pk", 0);
                assertEquals(3, part.remaining());
                assertEquals(7, part.get(2));
                assertEquals("index pk of table t has 2 parts; no part 2",
                        assertThrows(IllegalArgumentException.class, () -> s.indexPart("t", "pk", 2)).getMessage());
            }
            try (StoreTransaction tx = store.begin()) {
                tx.delete("t", 0);
                tx.commit();
            }
            store.compact();
            IndexInfo stale = store.table("t").orElseThrow().index("pk").orElseThrow();
            assertTrue(stale.stale());
            assertEquals(0, stale.parts());
            assertFalse(live(store).contains(pk.partKey(0)), "the stale index's blobs are freed");
            try (StoreTransaction tx = store.begin()) {
                tx.putIndex("t", "pk", List.of(ByteBuffer.wrap(new byte[] {1})));
                tx.commit();
            }
            long key = store.table("t").orElseThrow().index("pk").orElseThrow().partKey(0);
            try (StoreTransaction tx = store.begin()) {
                tx.drop("t");
                tx.commit();
            }
            assertFalse(live(store).contains(key), "dropped with its table");
        }
    }

    @Test
    void compactionRewritesWithoutDeletedRowsAndShrinksTheFile() throws Exception {
        List<Row> rows = Rows.range(0, 20_000);
        Set<Long> deleted = new HashSet<>();
        for (long i = 0; i < 20_000; i += 2) {
            deleted.add(i);
        }
        long sizeBefore;
        try (ColumnStore store = openSmallSegments()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), rows);
            Rows.write(arrow.allocator(), store.createTable(Rows.def("dropped"), HINTS), Rows.range(0, 400_000)); // over a segment even encoded
            try (StoreTransaction tx = store.begin()) {
                tx.delete("t", deleted.stream().mapToLong(Long::longValue).toArray());
                tx.drop("dropped");
                tx.commit();
            }
            sizeBefore = store.pager().fileSizeBytes();
            StoreSnapshot snap = store.snapshot();
            assertEquals("cannot compact column store " + dir + ": 1 reader(s) or snapshot(s) of it are open in this process; close them first",
                    assertThrows(IllegalStateException.class, store::compact).getMessage());
            snap.close();
            try (ColumnStore ro = ColumnStore.openReadOnly(dir, TestData.options())) {
                assertEquals("store " + store.pager().file() + " is open read-only in this process (1 open); close every read-only open first",
                        assertThrows(StoreLockedException.class, store::compact).getMessage());
            }
            CompactionReport report = store.compact();
            assertEquals(List.of("t"), report.tablesRewritten());
            assertEquals(10_000, report.rowsRemoved());
            assertEquals(sizeBefore, report.fileBytesBefore());
            assertTrue(sizeBefore >= 2 << 20, "at least two segments before: " + sizeBefore);
            assertTrue(report.fileBytesAfter() < sizeBefore, "the file shrinks: " + report);
            assertEquals(0, report.fileBytesAfter() % (1 << 20), "truncated to a segment multiple: " + report);
            assertTrue(report.fileBytesAfter() - (1 << 20) < report.liveBlobBytes() && report.liveBlobBytes() <= report.fileBytesAfter(),
                    "the smallest segment multiple covering the packed blobs: " + report);
            assertEquals(report.fileBytesAfter(), store.pager().fileSizeBytes());
            TableInfo t = store.table("t").orElseThrow();
            assertEquals(10_000, t.rowCount());
            assertEquals(0, t.deletedRowCount());
            Rows.assertRows(without(rows, deleted), Rows.read(store, "t"), "after compaction");
            try (StoreTransaction tx = store.begin()) { // the store goes on after compaction
                Rows.write(arrow.allocator(), tx.append("t", HINTS), Rows.range(20_000, 20_100));
                tx.commit();
            }
        }
        try (ColumnStore store = openSmallSegments()) {
            List<Row> expected = without(rows, deleted);
            expected.addAll(Rows.range(20_000, 20_100));
            Rows.assertRows(expected, Rows.read(store, "t"), "after compaction and reopen");
            try (TableReader r = store.openTable("t")) {
                assertEquals(11 * 4, r.verifyChecksums());
            }
        }
    }

    @Test
    void readOnlyStoresRefuseChanges() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 1));
        }
        try (ColumnStore ro = ColumnStore.openReadOnly(dir, TestData.options())) {
            assertEquals("column store " + dir + " is open read-only; cannot begin a transaction",
                    assertThrows(IllegalStateException.class, ro::begin).getMessage());
            assertEquals("column store " + dir + " is open read-only; cannot compact it",
                    assertThrows(IllegalStateException.class, ro::compact).getMessage());
        }
    }

    @Test
    void deletionVectorBlobsAreChecked() throws Exception {
        try (ColumnStore store = open()) {
            Rows.write(arrow.allocator(), store.createTable(T, HINTS), Rows.range(0, 10));
            try (StoreTransaction tx = store.begin()) {
                tx.delete("t", 2, 3);
                tx.commit();
            }
            long key = store.table("t").orElseThrow().rowGroups().get(0).deletionKey();
            ByteBuffer blob = store.pager().get(key);
            assertArrayEquals(new byte[] {'I', 'D', 'L', 'V'}, new byte[] {blob.get(0), blob.get(1), blob.get(2), blob.get(3)});
            assertEquals(10, blob.getInt(12), "rows of the row group");
            assertEquals(2, blob.getInt(16), "deleted rows");

            // damage: a flipped bit of the bitmap (the pager's checksum is recomputed by the put, the blob's own is not)
            ByteBuffer bad = ByteBuffer.allocateDirect(blob.remaining()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bad.put(blob.duplicate()).flip();
            bad.put(24, (byte) (bad.get(24) ^ 1));
            store.pager().put(key, bad);
            long offset = store.pager().blobFileOffset(key);
            dev.ingot.pager.StoreCorruptedException e = assertThrows(dev.ingot.pager.StoreCorruptedException.class, () -> {
                try (TableReader r = store.openTable("t")) {
                    r.readRowGroup(0, null).close();
                }
            });
            assertTrue(e.getMessage().startsWith("store " + store.pager().file() + " is corrupted at offset " + (offset + bad.limit() - 4)
                    + ": table t row group 0 deletion vector (pager key " + key + "), byte " + (bad.limit() - 4)
                    + " of the blob: deletion vector CRC32C mismatch"), e.getMessage());
            assertEquals(offset + bad.limit() - 4, e.fileOffset());

            // a deletion vector whose count disagrees with the catalog, with a valid checksum
            bad = ByteBuffer.allocateDirect(blob.remaining()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bad.put(blob.duplicate()).flip();
            bad.putInt(16, 3);
            bad.putInt(bad.limit() - 4, dev.ingot.pager.format.FormatCodec.crc32c(bad, 0, bad.limit() - 4));
            store.pager().put(key, bad);
            ByteBuffer finalBad = bad;
            e = assertThrows(dev.ingot.pager.StoreCorruptedException.class, () -> {
                try (TableReader r = store.openTable("t")) {
                    r.verifyChecksums();
                }
            });
            assertTrue(e.getMessage().endsWith("table t row group 0 deletion vector (pager key " + key + "), byte 16 of the blob:"
                    + " deletion vector holds 3 deleted rows, the catalog says 2"), e.getMessage() + " " + finalBad.limit());
        }
    }
}
