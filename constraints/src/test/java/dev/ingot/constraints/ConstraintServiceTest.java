package dev.ingot.constraints;

import static dev.ingot.columnstore.ColumnDef.notNull;
import static dev.ingot.columnstore.ColumnDef.nullable;
import static dev.ingot.columnstore.ConstraintSpec.foreignKey;
import static dev.ingot.columnstore.ConstraintSpec.primaryKey;
import static dev.ingot.columnstore.ConstraintSpec.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConstraintServiceTest {
    static final TableDef CUSTOMER = new TableDef("customer",
            List.of(notNull("c_custkey", ColumnType.int64()), nullable("c_name", ColumnType.varchar(25))),
            List.of(primaryKey("customer_pk", "c_custkey"), unique("customer_name_uk", "c_name")));
    static final TableDef ORDERS = new TableDef("orders",
            List.of(notNull("o_orderkey", ColumnType.int64()), nullable("o_custkey", ColumnType.int64())),
            List.of(primaryKey("orders_pk", "o_orderkey"),
                    foreignKey("orders_customer_fk", List.of("o_custkey"), "customer", List.of("c_custkey"))));
    static final TableDef ORDERS_ALONE = new TableDef("orders",
            List.of(notNull("o_orderkey", ColumnType.int64()), nullable("o_orderdate", ColumnType.date())),
            List.of(primaryKey("orders_pk", "o_orderkey")));
    static final TableDef PARTSUPP = new TableDef("partsupp",
            List.of(notNull("ps_partkey", ColumnType.int64()), notNull("ps_suppkey", ColumnType.int64())),
            List.of(primaryKey("partsupp_pk", "ps_partkey", "ps_suppkey")));
    static final TableDef LINEITEM = new TableDef("lineitem",
            List.of(notNull("l_orderkey", ColumnType.int64()), notNull("l_linenumber", ColumnType.int32()),
                    nullable("l_partkey", ColumnType.int64()), nullable("l_suppkey", ColumnType.int64())),
            List.of(primaryKey("lineitem_pk", "l_orderkey", "l_linenumber"),
                    foreignKey("lineitem_orders_fk", List.of("l_orderkey"), "orders", List.of("o_orderkey")),
                    // referenced columns in the other order than partsupp_pk declares them
                    foreignKey("lineitem_partsupp_fk", List.of("l_suppkey", "l_partkey"), "partsupp",
                            List.of("ps_suppkey", "ps_partkey"))));

    static RowLocator tbl(String table) {
        return rowId -> table + ".tbl line " + (rowId + 1);
    }

    private NativeAllocator root;
    private BufferAllocator arrow;
    private ConstraintService service;

    @BeforeEach
    void open() {
        root = NativeAllocator.root("ingot", 1L << 32);
        arrow = TestAllocators.arrow();
        service = new ConstraintService(root);
    }

    @AfterEach
    void assertNoLeak() {
        service.close();
        service.close();
        assertEquals(0, root.allocatedBytes(), "native bytes outstanding");
        root.close(); // throws listing leaks
        arrow.close(); // throws on Arrow leaks
    }

    private VectorSchemaRoot batch(TableDef def, Object[]... rows) {
        return ArrowRows.root(arrow, def, rows);
    }

    private void load(TableDef def, Object[]... rows) {
        try (TableChecker c = service.beginTable(def, rows.length, tbl(def.name()));
             VectorSchemaRoot b = batch(def, rows)) {
            c.checkBatch(b, 0, rows.length, 0);
            c.finish();
        }
    }

    @Test
    void keySetKindsFollowTheKeysAndWhoReferencesThem() {
        // customer keys sorted and dense, referenced by orders: a bitmap once published; orders keys
        // sorted and referenced by nobody: no set; the UNIQUE text key: a hash set
        service.planLoad(List.of(CUSTOMER, ORDERS));
        Object[][] customers = new Object[1000][];
        for (int i = 0; i < customers.length; i++) {
            customers[i] = new Object[] {(long) i + 1, "c" + i};
        }
        load(CUSTOMER, customers);
        KeySetReport pk = service.keySetReport("customer", "customer_pk");
        assertEquals(new KeySetReport("customer_pk", KeySetKind.BITMAP, 4096 + 128, 1000), pk,
                "peak = the 4 KiB log segment + the 128-byte bitmap, built while the log is still held");
        assertEquals(128, service.keySetBytes("customer", "customer_pk"), "one bit per value of [0, 1023]");
        assertEquals(KeySetKind.HASH, service.keySetReport("customer", "customer_name_uk").kind());
        Object[][] orders = new Object[3000][];
        for (int i = 0; i < orders.length; i++) {
            orders[i] = new Object[] {(long) i * 4 + 1, (long) (i % 1000) + 1};
        }
        try (TableChecker c = service.beginTable(ORDERS, orders.length, tbl("orders"));
             VectorSchemaRoot b = batch(ORDERS, orders)) {
            c.checkBatch(b, 0, orders.length, 0);
            assertEquals(List.of(new KeySetReport("orders_pk", KeySetKind.SORTED, 4096, 3000)), c.keySetReports());
            c.finish();
            assertEquals(List.of(new KeySetReport("orders_pk", KeySetKind.SORTED, 4096, 3000)), c.keySetReports(),
                    "as published: nobody probes it, so it stays without a set");
        }
        assertEquals(0, service.keySetBytes("orders", "orders_pk"));
        assertEquals(0, service.outstandingBytes(), "every set freed once its holders finished");
    }

    @Test
    void aKeyItsOwnTableReferencesIsAHashSetFromTheStart() {
        TableDef self = new TableDef("s", List.of(notNull("s_id", ColumnType.int64()), nullable("s_parent", ColumnType.int64())),
                List.of(primaryKey("s_pk", "s_id"), foreignKey("s_fk", List.of("s_parent"), "s", List.of("s_id"))));
        service.planLoad(List.of(self));
        try (TableChecker c = service.beginTable(self, 3, tbl("s"));
             VectorSchemaRoot b = batch(self, new Object[] {1L, null}, new Object[] {2L, 1L}, new Object[] {3L, 2L})) {
            // sorted ids, each row referencing the one before: probed while the set is built
            c.checkBatch(b, 0, 3, 0);
            assertTrue(!c.needsSelfReferenceCheck(), "every reference was found at once");
            assertEquals(List.of(new KeySetReport("s_pk", KeySetKind.HASH, 128, 3)), c.keySetReports());
            c.finish();
        }
    }

    @Test
    void duplicatePrimaryKeyInOneBatch() {
        service.planLoad(List.of(ORDERS_ALONE));
        Object[][] rows = new Object[1235][];
        for (int i = 0; i < 1234; i++) {
            rows[i] = new Object[] {(long) i, null};
        }
        rows[1234] = new Object[] {7L, null};
        try (TableChecker c = service.beginTable(ORDERS_ALONE, rows.length, tbl("orders"));
             VectorSchemaRoot b = batch(ORDERS_ALONE, rows)) {
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 0, rows.length, 0));
            assertEquals("duplicate key value violates PRIMARY KEY constraint \"orders_pk\" on table orders: key (o_orderkey)=(7) "
                    + "already exists; row 1234 (orders.tbl line 1235)", e.getMessage());
            assertEquals(ConstraintViolationException.Reason.DUPLICATE_KEY, e.reason());
            assertEquals("orders_pk", e.constraint().name());
            assertEquals("orders", e.tableName());
            assertEquals(List.of("o_orderkey"), e.keyColumns());
            assertEquals(List.of(7L), e.keyValues());
            assertEquals(1234, e.rowId());
            assertEquals("orders.tbl line 1235", e.sourceLocation());
            c.abort();
        }
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void duplicateAcrossBatchesWithOffsetsAndNoLocation() {
        service.planLoad(List.of(ORDERS_ALONE));
        try (TableChecker c = service.beginTable(ORDERS_ALONE, 0, null);
             VectorSchemaRoot b1 = batch(ORDERS_ALONE, withDate(0, 10));
             VectorSchemaRoot b2 = batch(ORDERS_ALONE, withDate(100, 110))) {
            c.checkBatch(b1, 0, 10, 0);
            b2.getVector("o_orderkey").setNull(0); // outside the checked slice: ignored
            ((BigIntVector) b2.getVector("o_orderkey")).set(6, 7L);
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b2, 2, 8, 10));
            assertEquals("duplicate key value violates PRIMARY KEY constraint \"orders_pk\" on table orders: key (o_orderkey)=(7) "
                    + "already exists; row 14", e.getMessage());
            assertNull(e.sourceLocation());
        }
        assertEquals(0, service.outstandingBytes(), "close() aborted and freed");
    }

    private static Object[][] withDate(long from, long to) {
        Object[][] rows = new Object[(int) (to - from)][];
        for (long i = from; i < to; i++) {
            rows[(int) (i - from)] = new Object[] {i, LocalDate.of(1995, 1, 1)};
        }
        return rows;
    }

    @Test
    void compositePrimaryKeyDuplicate() {
        service.planLoad(List.of(PARTSUPP));
        try (TableChecker c = service.beginTable(PARTSUPP, 4, tbl("partsupp"));
             VectorSchemaRoot b = batch(PARTSUPP, new Object[] {1L, 2L}, new Object[] {2L, 1L}, new Object[] {1L, 3L},
                     new Object[] {1L, 2L})) {
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 0, 4, 0));
            assertEquals("duplicate key value violates PRIMARY KEY constraint \"partsupp_pk\" on table partsupp: "
                    + "key (ps_partkey, ps_suppkey)=(1, 2) already exists; row 3 (partsupp.tbl line 4)", e.getMessage());
            assertEquals(List.of(1L, 2L), e.keyValues());
        }
    }

    @Test
    void nullPrimaryKey() {
        service.planLoad(List.of(ORDERS_ALONE));
        try (TableChecker c = service.beginTable(ORDERS_ALONE, 0, tbl("orders"));
             VectorSchemaRoot b = batch(ORDERS_ALONE, new Object[] {1L, null}, new Object[] {2L, null},
                     new Object[] {3L, null}, new Object[] {null, null}, new Object[] {1L, null})) {
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 0, 5, 0));
            assertEquals("null value in column o_orderkey violates PRIMARY KEY constraint \"orders_pk\" on table orders; "
                    + "row 3 (orders.tbl line 4)", e.getMessage());
            assertEquals(ConstraintViolationException.Reason.NULL_KEY, e.reason());
            assertEquals("o_orderkey", e.nullColumn());
            assertEquals(3, e.rowId());
        }
    }

    @Test
    void uniqueTextKeyAllowsNullsAndQuotesValues() {
        service.planLoad(List.of(CUSTOMER));
        try (TableChecker c = service.beginTable(CUSTOMER, 0, null);
             VectorSchemaRoot b = batch(CUSTOMER, new Object[] {1L, null}, new Object[] {2L, null},
                     new Object[] {3L, "O'Brien"}, new Object[] {4L, "Bob"}, new Object[] {5L, "O'Brien"})) {
            c.checkBatch(b, 0, 4, 0);
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 4, 1, 4));
            assertEquals("duplicate key value violates UNIQUE constraint \"customer_name_uk\" on table customer: "
                    + "key (c_name)=('O''Brien') already exists; row 4", e.getMessage());
            assertEquals(List.of("O'Brien"), e.keyValues());
        }
    }

    @Test
    void orphanForeignKeysSingleAndComposite() {
        service.planLoad(List.of(CUSTOMER, ORDERS, PARTSUPP, LINEITEM));
        load(CUSTOMER, new Object[] {1L, "a"}, new Object[] {2L, "b"});
        load(ORDERS, new Object[] {10L, 1L}, new Object[] {11L, null}, new Object[] {99_000L, 2L});
        load(PARTSUPP, new Object[] {1L, 2L}, new Object[] {3L, 4L});
        try (TableChecker c = service.beginTable(LINEITEM, 0, tbl("lineitem"));
             VectorSchemaRoot b = batch(LINEITEM,
                     new Object[] {10L, 1, 1L, 2L},
                     new Object[] {10L, 2, null, 2L},     // NULL in the FK: exempt (MATCH SIMPLE)
                     new Object[] {11L, 1, 3L, null},
                     new Object[] {11L, 2, 3L, 4L},
                     new Object[] {10L, 3, 1L, 2L},
                     new Object[] {99L, 1, 1L, 2L},       // orphan order
                     new Object[] {11L, 3, 4L, 3L})) {    // orphan partsupp (swapped)
            c.checkBatch(b, 0, 5, 0);
            // after a violation the table's sets are undefined (the loader aborts), so each case
            // below checks rows not inserted before
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 6, 1, 6));
            assertEquals("insert into table lineitem violates FOREIGN KEY constraint \"lineitem_partsupp_fk\": "
                    + "key (l_suppkey, l_partkey)=(3, 4) is not present in table partsupp; row 6 (lineitem.tbl line 7)", e.getMessage());
            assertEquals(List.of(3L, 4L), e.keyValues());
            e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 5, 1, 5));
            assertEquals("insert into table lineitem violates FOREIGN KEY constraint \"lineitem_orders_fk\": key (l_orderkey)=(99) "
                    + "is not present in table orders; row 5 (lineitem.tbl line 6)", e.getMessage());
            assertEquals(ConstraintViolationException.Reason.MISSING_REFERENCE, e.reason());
            assertEquals(List.of(99L), e.keyValues());
            c.abort();
        }
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void parentSetLivesUntilLastChildFinishes() {
        service.planLoad(List.of(CUSTOMER, ORDERS));
        assertEquals(2, service.holdCount("customer", "customer_pk"));
        assertEquals(1, service.holdCount("customer", "customer_name_uk"));
        TableChecker orders = service.beginTable(ORDERS, 2, tbl("orders"));
        try (VectorSchemaRoot b = batch(ORDERS, new Object[] {1L, 7L}, new Object[] {2L, 8L})) {
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> orders.checkBatch(b, 0, 2, 0));
            assertEquals("cannot check FOREIGN KEY constraint \"orders_customer_fk\" of table orders: referenced table customer "
                    + "has not finished loading", early.getMessage());
            load(CUSTOMER, new Object[] {7L, "x"}, new Object[] {8L, null});
            assertEquals(1, service.holdCount("customer", "customer_pk"));
            assertEquals(0, service.keySetBytes("customer", "customer_name_uk"), "unreferenced set freed at finish");
            assertTrue(service.keySetBytes("customer", "customer_pk") > 0, "referenced set kept for the child");
            assertEquals(service.keySetBytes("customer", "customer_pk") + orders.keySetBytes(), service.outstandingBytes());
            orders.checkBatch(b, 0, 2, 0);
            orders.finish();
            orders.finish();
            orders.close();
        }
        assertEquals(0, service.holdCount("customer", "customer_pk"));
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void abortFreesAndChildrenFailClearly() {
        service.planLoad(List.of(CUSTOMER, ORDERS));
        try (TableChecker c = service.beginTable(CUSTOMER, 100, null);
             VectorSchemaRoot b = batch(CUSTOMER, new Object[] {7L, "x"})) {
            c.checkBatch(b, 0, 1, 0);
            assertTrue(service.outstandingBytes() > 0);
            c.abort();
            assertEquals(0, service.keySetBytes("customer", "customer_pk"), "freed at once though a child still holds it");
            assertEquals(1, service.holdCount("customer", "customer_pk"));
            assertThrows(IllegalStateException.class, () -> c.checkBatch(b, 0, 1, 0));
        }
        try (TableChecker orders = service.beginTable(ORDERS, 0, null);
             VectorSchemaRoot b = batch(ORDERS, new Object[] {1L, 7L})) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> orders.checkBatch(b, 0, 1, 0));
            assertEquals("cannot check FOREIGN KEY constraint \"orders_customer_fk\" of table orders: referenced table customer "
                    + "failed to load", e.getMessage());
        }
        assertEquals(0, service.holdCount("customer", "customer_pk"));
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void cancelledChildReleasesItsHold() {
        service.planLoad(List.of(CUSTOMER, ORDERS));
        load(CUSTOMER, new Object[] {1L, "a"});
        assertTrue(service.outstandingBytes() > 0);
        service.cancelTable("orders");
        service.cancelTable("orders");
        assertEquals(0, service.outstandingBytes());
        assertThrows(IllegalStateException.class, () -> service.beginTable(ORDERS, 0, null));
    }

    @Test
    void wholePlanInParallelLeavesNothing() throws Exception {
        service.planLoad(List.of(LINEITEM, ORDERS, PARTSUPP, CUSTOMER));
        int customers = 3000;
        int orders = 20_000;
        int parts = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> c = pool.submit(() -> loadGenerated(CUSTOMER, customers, i -> new Object[] {(long) i, "c" + i}));
            Future<?> p = pool.submit(() -> loadGenerated(PARTSUPP, parts * 4, i -> new Object[] {(long) i / 4, (long) i % 4}));
            c.get();
            Future<?> o = pool.submit(() -> loadGenerated(ORDERS, orders, i -> new Object[] {i * 4L, (long) (i % customers)}));
            p.get();
            o.get();
            assertTrue(service.outstandingBytes() > 0, "orders_pk and partsupp_pk still held by lineitem");
            pool.submit(() -> loadGenerated(LINEITEM, orders * 3,
                    i -> new Object[] {(i / 3) * 4L, i % 3 + 1, (long) (i % parts), (long) (i % 4)})).get();
        } finally {
            pool.shutdown();
        }
        assertEquals(0, service.outstandingBytes());
        assertTrue(service.peakBytes() > 0);
        for (String[] k : new String[][] {{"customer", "customer_pk"}, {"orders", "orders_pk"}, {"partsupp", "partsupp_pk"},
                                          {"lineitem", "lineitem_pk"}}) {
            assertEquals(0, service.holdCount(k[0], k[1]), k[1]);
        }
    }

    interface RowGen {
        Object[] row(int i);
    }

    /** Loads {@code n} generated rows in batches of 1000 with an exact expectedRows; asserts no rehash. */
    private void loadGenerated(TableDef def, int n, RowGen gen) {
        try (TableChecker c = service.beginTable(def, n, tbl(def.name()))) {
            for (int start = 0; start < n; start += 1000) {
                int len = Math.min(1000, n - start);
                Object[][] rows = new Object[len][];
                for (int i = 0; i < len; i++) {
                    rows[i] = gen.row(start + i);
                }
                try (VectorSchemaRoot b = batch(def, rows)) {
                    c.checkBatch(b, 0, len, start);
                }
            }
            assertEquals(0, c.resizeCount(), "exact expectedRows: no rehash in " + def.name());
            c.finish();
        }
    }

    /** partsupp with non-key columns around and between its composite PRIMARY KEY columns. */
    static final TableDef PARTSUPP_STORED = new TableDef("partsupp",
            List.of(nullable("ps_comment", ColumnType.varchar(40)), notNull("ps_partkey", ColumnType.int64()),
                    nullable("ps_availqty", ColumnType.int32()), notNull("ps_suppkey", ColumnType.int64())),
            List.of(primaryKey("partsupp_pk", "ps_partkey", "ps_suppkey")));

    /**
     * Stores {@code n} partsupp rows (row r has key (r / 4, r % 4), or the key of row
     * {@code duplicateOf} at row {@code duplicateAt}; -1 for none) in row groups of 4096 rows.
     */
    private void storePartsupp(ColumnStore store, int n, int duplicateAt, int duplicateOf) throws IOException {
        try (TableWriter w = store.createTable(PARTSUPP_STORED, ColumnStoreWriteHints.estimate(PARTSUPP_STORED).withChunkRows(4096))) {
            for (int start = 0; start < n; start += 5000) {
                int len = Math.min(5000, n - start);
                Object[][] rows = new Object[len][];
                for (int i = 0; i < len; i++) {
                    int r = start + i == duplicateAt ? duplicateOf : start + i;
                    rows[i] = new Object[] {"comment " + (start + i), (long) r / 4, (start + i) % 7 == 0 ? null : start + i, (long) r % 4};
                }
                try (VectorSchemaRoot b = batch(PARTSUPP_STORED, rows)) {
                    w.appendBatch(b);
                }
            }
            w.commit();
        }
    }

    /** A reader that records the columns of every {@link #readRowGroup} call. */
    private static final class RecordingReader implements TableReader {
        final TableReader in;
        final List<List<String>> requested = new ArrayList<>();

        RecordingReader(TableReader in) {
            this.in = in;
        }

        @Override
        public TableInfo info() {
            return in.info();
        }

        @Override
        public int rowGroupCount() {
            return in.rowGroupCount();
        }

        @Override
        public VectorSchemaRoot readRowGroup(int rowGroup, List<String> columns) throws IOException {
            requested.add(columns == null ? null : List.copyOf(columns));
            return in.readRowGroup(rowGroup, columns);
        }

        @Override
        public VectorSchemaRoot readRowGroup(int rowGroup, List<String> columns, boolean includeDeleted) throws IOException {
            requested.add(columns == null ? null : List.copyOf(columns));
            return in.readRowGroup(rowGroup, columns, includeDeleted);
        }

        @Override
        public org.roaringbitmap.RoaringBitmap deletedRows(int rowGroup) throws IOException {
            return in.deletedRows(rowGroup);
        }

        @Override
        public long[] liveRowIds(int rowGroup) throws IOException {
            return in.liveRowIds(rowGroup);
        }

        @Override
        public VectorSchemaRoot readRows(long[] rowIds, List<String> columns) throws IOException {
            return in.readRows(rowIds, columns);
        }

        @Override
        public void readRows(long[] rowIds, List<String> columns, VectorSchemaRoot into) throws IOException {
            in.readRows(rowIds, columns, into);
        }

        @Override
        public FieldVector readChunk(int column, int rowGroup) {
            throw new AssertionError("deferred validation reads whole row groups of key columns");
        }

        @Override
        public ChunkStats chunkStats(int column, int rowGroup) throws IOException {
            return in.chunkStats(column, rowGroup);
        }

        @Override
        public Iterator<VectorSchemaRoot> scan(List<String> columns) {
            throw new AssertionError("deferred validation reads through readRowGroup");
        }

        @Override
        public long verifyChecksums() throws IOException {
            return in.verifyChecksums();
        }

        @Override
        public void close() {
            in.close();
        }
    }

    @Test
    void deferredModeStreamsKeyColumnsOnly(@TempDir Path dir) throws IOException {
        int n = 50_000;
        try (ColumnStore store = ColumnStore.openOrCreate(dir)) {
            storePartsupp(store, n, -1, -1);
            service.planLoad(List.of(PARTSUPP_STORED));
            try (TableChecker c = service.beginTable(PARTSUPP_STORED, n, tbl("partsupp"));
                 RecordingReader reader = new RecordingReader(store.openTable("partsupp"))) {
                c.checkStored(reader);
                assertEquals(13, reader.rowGroupCount(), "50,000 rows in row groups of 4096");
                assertEquals(java.util.Collections.nCopies(13, List.of("ps_partkey", "ps_suppkey")), reader.requested,
                        "one read per row group, of the key columns only");
                assertEquals(0, c.resizeCount(), "the set is sized from the exact row count");
                assertTrue(c.keySetBytes() > 0);
                c.finish();
            }
        }
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void deferredModeFindsADuplicateInALaterRowGroup(@TempDir Path dir) throws IOException {
        int n = 50_000;
        try (ColumnStore store = ColumnStore.openOrCreate(dir)) {
            storePartsupp(store, n, 37_123, 1_234); // row group 9 repeats a key of row group 0
            service.planLoad(List.of(PARTSUPP_STORED));
            try (TableChecker c = service.beginTable(PARTSUPP_STORED, n, tbl("partsupp"));
                 TableReader reader = store.openTable("partsupp")) {
                ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkStored(reader));
                assertEquals("duplicate key value violates PRIMARY KEY constraint \"partsupp_pk\" on table partsupp:"
                        + " key (ps_partkey, ps_suppkey)=(308, 2) already exists; row 37123 (partsupp.tbl line 37124)", e.getMessage());
                assertEquals(37_123, e.rowId());
                assertEquals(List.of(308L, 2L), e.keyValues());
                c.abort();
            }
        }
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void aStoredCheckNamesTheRowIdOfALiveRowAfterDeletions(@TempDir Path dir) throws IOException {
        int n = 50_000;
        try (ColumnStore store = ColumnStore.openOrCreate(dir)) {
            storePartsupp(store, n, 37_123, 1_234);
            try (dev.ingot.columnstore.StoreTransaction tx = store.begin()) {
                tx.delete("partsupp", 10, 11, 5_000, 37_000, 37_122); // before the duplicate, in its row group and others
                tx.commit();
            }
            service.planLoad(List.of(PARTSUPP_STORED));
            try (TableChecker c = service.beginTable(PARTSUPP_STORED, n, tbl("partsupp"));
                 TableReader reader = store.openTable("partsupp")) {
                ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkStored(reader));
                assertEquals("duplicate key value violates PRIMARY KEY constraint \"partsupp_pk\" on table partsupp:"
                        + " key (ps_partkey, ps_suppkey)=(308, 2) already exists; row 37123 (partsupp.tbl line 37124)", e.getMessage(),
                        "the row id of the stored row, not its position among the live rows (37118)");
                assertEquals(37_123, e.rowId());
                c.abort();
            }
        }
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void existingParentBuiltLazilyOnceFromKeyColumns() {
        AtomicInteger scans = new AtomicInteger();
        List<List<String>> scannedColumns = new ArrayList<>();
        KeyScanner scanner = new KeyScanner() {
            @Override
            public void scan(List<String> columnNames, BatchSink sink) {
                scans.incrementAndGet();
                scannedColumns.add(columnNames);
                for (int start = 0; start < 300; start += 100) {
                    try (BigIntVector v = new BigIntVector("c_custkey", arrow)) {
                        v.allocateNew(100);
                        for (int i = 0; i < 100; i++) {
                            v.set(i, start + i);
                        }
                        v.setValueCount(100);
                        sink.accept(new FieldVector[] {v}, 100);
                    }
                }
            }

            @Override
            public long estimatedRows() {
                return 300;
            }
        };
        TableDef orders2 = new TableDef("orders2", ORDERS.columns(),
                List.of(foreignKey("orders2_customer_fk", List.of("o_custkey"), "customer", List.of("c_custkey"))));
        // planLoad before registration is allowed
        service.planLoad(List.of(ORDERS, orders2));
        assertThrows(IllegalStateException.class, () -> service.beginTable(ORDERS, 0, null));
        service.registerExistingTable(CUSTOMER, scanner);
        assertEquals(2, service.holdCount("customer", "customer_pk"));
        assertEquals(0, service.outstandingBytes());
        TableChecker a = service.beginTable(ORDERS, 0, null);
        TableChecker b = service.beginTable(orders2, 0, null);
        try (VectorSchemaRoot ok = batch(ORDERS, new Object[] {1L, 299L}, new Object[] {2L, 0L});
             VectorSchemaRoot bad = batch(ORDERS, new Object[] {3L, 300L})) {
            a.checkBatch(ok, 0, 2, 0);
            b.checkBatch(ok, 0, 2, 0);
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> b.checkBatch(bad, 0, 1, 2));
            assertEquals("insert into table orders2 violates FOREIGN KEY constraint \"orders2_customer_fk\": key (o_custkey)=(300) "
                    + "is not present in table customer; row 2", e.getMessage());
            assertEquals(1, scans.get(), "built once");
            assertEquals(List.of(List.of("c_custkey")), scannedColumns, "only the key column is scanned");
            a.finish();
            assertTrue(service.keySetBytes("customer", "customer_pk") > 0);
            b.abort();
        }
        assertEquals(0, service.keySetBytes("customer", "customer_pk"));
        assertEquals(0, service.outstandingBytes());
    }

    @Test
    void planValidation() {
        TableDef badRef = new TableDef("x", List.of(notNull("x_name", ColumnType.varchar(25))),
                List.of(foreignKey("x_fk", List.of("x_name"), "customer", List.of("c_name"))));
        TableDef notAKey = new TableDef("y", List.of(notNull("y_id", ColumnType.int64())),
                List.of(foreignKey("y_fk", List.of("y_id"), "orders", List.of("o_custkey"))));
        TableDef wrongType = new TableDef("z", List.of(notNull("z_id", ColumnType.varchar(3))),
                List.of(foreignKey("z_fk", List.of("z_id"), "customer", List.of("c_custkey"))));
        TableDef self = new TableDef("s", List.of(notNull("s_id", ColumnType.int64()), nullable("s_parent", ColumnType.int64())),
                List.of(primaryKey("s_pk", "s_id"), foreignKey("s_fk", List.of("s_parent"), "s", List.of("s_id"))));
        service.planLoad(List.of(badRef, CUSTOMER)); // FK to a UNIQUE key is fine
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> service.planLoad(List.of(ORDERS, notAKey)));
        assertTrue(e.getMessage().contains("not a PRIMARY KEY or UNIQUE constraint of orders"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> service.planLoad(List.of(wrongType)));
        service.planLoad(List.of(self)); // a self-reference resolves to the table's own PRIMARY KEY: two holds
        assertEquals(2, service.holdCount("s", "s_pk"));
        TableDef selfNotAKey = new TableDef("t", List.of(notNull("t_id", ColumnType.int64()), nullable("t_parent", ColumnType.int64())),
                List.of(primaryKey("t_pk", "t_id"), foreignKey("t_fk", List.of("t_parent"), "t", List.of("t_parent"))));
        IllegalArgumentException self2 = assertThrows(IllegalArgumentException.class, () -> service.planLoad(List.of(selfNotAKey)));
        assertEquals("FOREIGN KEY t_fk of table t references t (t_parent), which is not a PRIMARY KEY or UNIQUE constraint of t",
                self2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> service.planLoad(List.of(CUSTOMER)), "already planned");
        assertThrows(IllegalStateException.class, () -> service.beginTable(ORDERS, 0, null), "failed plans record nothing");
        TableChecker c = service.beginTable(CUSTOMER, 0, null);
        assertThrows(IllegalStateException.class, () -> service.beginTable(CUSTOMER, 0, null));
        c.finish();
        service.cancelTable("x");
        service.cancelTable("s");
        assertEquals(0, service.holdCount("s", "s_pk"));
        assertEquals(0, service.outstandingBytes());
    }
}
