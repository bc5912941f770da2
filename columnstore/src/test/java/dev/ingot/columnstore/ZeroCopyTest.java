package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PLAIN chunks are handed out as Arrow buffers over the mapped file: the values are the model's
 * (every type, NULLs, with zero-copy on and off), a byte changed in the file shows through a
 * zero-copy vector and not through a copied one, a vector that outlives its reader and snapshot
 * keeps the catalog version pinned (compaction refuses) until it is closed, and every Arrow byte
 * is given back (this allocator and the module's leak check).
 */
class ZeroCopyTest {
    static final int ROWS = 3000;
    static final int F64 = TypeCases.TABLE.columnIndex("f64");

    @TempDir
    Path dir;
    BufferAllocator allocator;
    Object[][] model;
    long seed;

    @BeforeEach
    void setUp() throws Exception {
        allocator = TestAllocators.arrow();
        seed = TestSeed.seed("ZeroCopyTest", 20261126L);
        model = TypeCases.model(new Random(seed), ROWS, 0.1, 0);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, options(true));
             VectorSchemaRoot root = TypeCases.batch(allocator, model);
             TableWriter w = store.createTable(TypeCases.TABLE, ColumnStoreWriteHints.estimate(TypeCases.TABLE).withChunkRows(1024))) {
            w.appendBatch(root);
            w.commit();
        }
    }

    @AfterEach
    void tearDown() {
        assertEquals(0, allocator.getAllocatedMemory(), "Arrow bytes outstanding");
        allocator.close();
    }

    private ColumnStoreOptions options(boolean zeroCopy) {
        return TestData.options().withArrowAllocator(allocator).withZeroCopyReads(zeroCopy);
    }

    /** The validated header of the chunk of {@code column} in {@code rowGroup}. */
    private static ChunkFormat.Header header(ColumnStore store, TableReader r, int column, int rowGroup) throws Exception {
        RowGroupInfo g = r.info().rowGroups().get(rowGroup);
        ByteBuffer blob = store.pager().get(g.chunkKey(column)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return ChunkFormat.parse(blob, TypeCases.TABLE.columns().get(column).type().kind(), g.rowCount(), store.pager().file(), "test", true);
    }

    private void flipByte(long offset) throws Exception {
        TestData.flipByte(dir, offset);
    }

    @Test
    void everyTypeReadsTheModelWithAndWithoutZeroCopy() throws Exception {
        for (boolean zeroCopy : new boolean[] {true, false}) {
            try (ColumnStore store = ColumnStore.openOrCreate(dir, options(zeroCopy));
                 TableReader r = store.openTable("every_type")) {
                for (String name : new String[] {"b", "f32", "f64", "d128", "u"}) { // kinds without a lightweight encoding
                    assertEquals(ChunkEncoding.PLAIN, header(store, r, TypeCases.TABLE.columnIndex(name), 0).encoding(), name);
                }
                int seen = 0;
                for (int g = 0; g < r.rowGroupCount(); g++) {
                    try (VectorSchemaRoot rows = r.readRowGroup(g, null)) {
                        for (int c = 0; c < TypeCases.CASES.size(); c++) {
                            for (int i = 0; i < rows.getRowCount(); i++) {
                                TypeCases.assertValue(model[c][seen + i], TypeCases.get(rows.getVector(c), i),
                                        TypeCases.CASES.get(c).def().name() + " row " + (seen + i) + " zero-copy " + zeroCopy + " "
                                                + TestSeed.describe(seed));
                            }
                        }
                        seen += rows.getRowCount();
                    }
                }
                assertEquals(ROWS, seen);
            }
        }
    }

    @Test
    void aZeroCopyVectorShowsTheMappedFileAndACopyDoesNot() throws Exception {
        int row = 0;
        while (model[F64][row] == null) {
            row++;
        }
        long at;
        try (ColumnStore store = ColumnStore.openOrCreate(dir, options(true));
             TableReader r = store.openTable("every_type");
             Float8Vector view = (Float8Vector) r.readChunk(F64, 0)) {
            ChunkFormat.Header h = header(store, r, F64, 0);
            assertEquals(ChunkEncoding.PLAIN, h.encoding());
            at = store.pager().blobFileOffset(r.info().rowGroups().get(0).chunkKey(F64)) + h.dataOffset() + 8L * row;
            try (ColumnStore copies = ColumnStore.openReadOnly(dir, options(false));
                 TableReader rc = copies.openTable("every_type");
                 Float8Vector copy = (Float8Vector) rc.readChunk(F64, 0)) {
                double before = view.get(row);
                assertEquals(((Number) model[F64][row]).doubleValue(), before, 0.0);
                flipByte(at + 7); // the sign and exponent byte of the value
                assertNotEquals(Double.doubleToRawLongBits(before), Double.doubleToRawLongBits(view.get(row)),
                        "the zero-copy vector reads the mapped file");
                assertEquals(Double.doubleToRawLongBits(before), Double.doubleToRawLongBits(copy.get(row)), "the copy does not");
            } finally {
                flipByte(at + 7);
            }
        }
    }

    @Test
    void aVectorThatOutlivesItsReaderAndSnapshotKeepsItsBlobsUntilClosed() throws Exception {
        try (ColumnStore store = ColumnStore.openOrCreate(dir, options(true))) {
            FieldVector kept;
            StoreSnapshot snapshot = store.snapshot();
            try (TableReader r = snapshot.openTable("every_type")) {
                kept = r.readChunk(F64, 1);
            }
            snapshot.close();
            try (FieldVector v = kept) {
                assertEquals("snapshot of generation " + snapshot.generation() + " of " + dir + " is closed",
                        assertThrows(IllegalStateException.class, () -> snapshot.openTable("every_type")).getMessage());
                assertEquals("cannot compact column store " + dir + ": 1 reader(s) or snapshot(s) of it are open in this process; close"
                        + " them first", assertThrows(IllegalStateException.class, store::compact).getMessage(),
                        "the buffer still pins the version it shows");
                for (int i = 0; i < v.getValueCount(); i++) {
                    TypeCases.assertValue(model[F64][1024 + i], TypeCases.get(v, i), "f64 row " + (1024 + i) + " after its snapshot closed");
                }
            }
            store.compact(); // the last buffer gave the pin back
        }
    }

    @Test
    void aScanDecodesIntoTheVectorsOfThePreviousBatchAndTheReaderFreesThem() throws Exception {
        int day = TypeCases.TABLE.columnIndex("day");
        try (ColumnStore store = ColumnStore.openOrCreate(dir, options(true))) {
            VectorSchemaRoot second;
            try (TableReader r = store.openTable("every_type")) {
                assertEquals(ChunkEncoding.FOR, header(store, r, day, 0).encoding());
                java.util.Iterator<VectorSchemaRoot> it = r.scan(null);
                VectorSchemaRoot first = it.next();
                FieldVector days = first.getVector(day);
                FieldVector doubles = first.getVector(F64);
                long address = days.getDataBuffer().memoryAddress();
                first.close(); // the reader's: nothing happens
                assertEquals(1024, days.getValueCount());
                second = it.next();
                assertSame(days, second.getVector(day), "the decoded vector is reused");
                assertEquals(address, days.getDataBuffer().memoryAddress(), "with its buffers");
                assertNotSame(doubles, second.getVector(F64), "a zero-copy vector is replaced");
                assertEquals(0, doubles.getValueCount(), "and the previous one closed");
                for (int c : new int[] {day, F64}) {
                    for (int i = 0; i < second.getRowCount(); i++) {
                        TypeCases.assertValue(model[c][1024 + i], TypeCases.get(second.getVector(c), i), "column " + c + " row " + (1024 + i));
                    }
                }
                assertTrue(allocator.getAllocatedMemory() > 0);
                it.next(); // the third and last row group
                assertEquals(ROWS - 2048, second.getVector(day).getValueCount());
                assertFalse(it.hasNext());
                assertEquals(0, second.getVector(day).getValueCount(), "the end of the scan closes its vectors");
                assertEquals(0, allocator.getAllocatedMemory());
                java.util.Iterator<VectorSchemaRoot> given = r.scan(List.of("day"));
                second = given.next(); // a scan given up: its vectors live until the reader closes
                assertEquals(1024, second.getVector(0).getValueCount());
            }
            assertEquals(0, second.getVector(0).getValueCount(), "the reader's close closes the scan's vectors");
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }
}
