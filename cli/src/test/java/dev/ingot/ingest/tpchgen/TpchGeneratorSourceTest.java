package dev.ingot.ingest.tpchgen;

import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.tpch.TestRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.testing.ArrowPerTest;
import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TpchGeneratorSourceTest {
    private static final double SF = 0.01;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    @Test
    void everyRowOfEveryTableEqualsTheGeneratorsToLine() throws Exception {
        for (TableDef def : TpchSchema.tables()) {
            Iterator<? extends TpchEntity> expected = TpchTable.getTable(def.name()).createGenerator(SF, 1, 1).iterator();
            long rows = 0;
            try (TpchGeneratorSource source = TpchGeneratorSource.open(arrow.allocator(), def.name(), SF, 1000, 2)) {
                InsertSource.ArrowBatch b;
                while ((b = source.next()) != null) {
                    try (InsertSource.ArrowBatch batch = b) {
                        assertSame(RowOrigin.NONE, batch.origin());
                        VectorSchemaRoot root = batch.root();
                        assertEquals(def.arrowSchema(), root.getSchema());
                        assertTrue(root.getRowCount() >= 1 && root.getRowCount() <= 1000);
                        for (int i = 0; i < root.getRowCount(); i++) {
                            assertTrue(expected.hasNext(), def.name() + ": more rows than the generator");
                            assertEquals(expected.next().toLine(), TestRows.tblLine(root, i), def.name() + " row " + rows);
                            rows++;
                        }
                    }
                }
            }
            assertTrue(!expected.hasNext(), def.name() + ": fewer rows than the generator");
            long count = TpchSchema.rowCount(def.name(), SF);
            if (count >= 0) {
                assertEquals(count, rows, def.name());
            }
        }
    }

    @Test
    void rowCountsEqualTheGeneratorsIterationCounts() throws Exception {
        for (TableDef def : TpchSchema.tables()) {
            long expected = 0;
            for (TpchEntity ignored : TpchTable.getTable(def.name()).createGenerator(SF, 1, 1)) {
                expected++;
            }
            for (int threads : new int[] {1, 2, 3}) {
                try (TpchGeneratorSource source = TpchGeneratorSource.open(arrow.allocator(), def.name(), SF, 4096, threads)) {
                    assertEquals(expected, TestRows.drainCount(source), def.name() + " threads " + threads);
                }
            }
        }
    }

    @Test
    void twoThreadsGiveTheSameBatchesAsOne() throws Exception {
        for (String table : List.of("lineitem", "orders", "partsupp")) {
            List<VectorSchemaRoot> one = new ArrayList<>();
            List<VectorSchemaRoot> two = new ArrayList<>();
            try (TpchGeneratorSource s1 = TpchGeneratorSource.open(arrow.allocator(), table, SF, 500, 1);
                 TpchGeneratorSource s2 = TpchGeneratorSource.open(arrow.allocator(), table, SF, 500, 2)) {
                InsertSource.ArrowBatch b;
                while ((b = s1.next()) != null) {
                    one.add(b.root());
                }
                while ((b = s2.next()) != null) {
                    two.add(b.root());
                }
                assertEquals(one.size(), two.size(), table);
                assertTrue(one.size() > TpchGeneratorSource.BATCHES_PER_PART, table + " should span several generator parts");
                long keySum1 = 0;
                long keySum2 = 0;
                for (int k = 0; k < one.size(); k++) {
                    VectorSchemaRoot a = one.get(k);
                    VectorSchemaRoot c = two.get(k);
                    assertTrue(a.equals(c), table + " batch " + k + " differs");
                    BigIntVector ka = (BigIntVector) a.getVector(0);
                    BigIntVector kc = (BigIntVector) c.getVector(0);
                    for (int i = 0; i < a.getRowCount(); i++) {
                        assertEquals(ka.get(i), kc.get(i));
                        keySum1 += ka.get(i);
                        keySum2 += kc.get(i);
                    }
                }
                assertEquals(keySum1, keySum2);
            } finally {
                one.forEach(VectorSchemaRoot::close);
                two.forEach(VectorSchemaRoot::close);
            }
        }
    }

    @Test
    void lineitemSumsEqualSumsOverGeneratorObjects() throws Exception {
        long count = 0;
        long priceCents = 0;
        long quantity = 0;
        long discount = 0;
        long orderKeys = 0;
        long shipDays = 0;
        for (LineItem l : new LineItemGenerator(SF, 1, 1)) {
            count++;
            priceCents += l.getExtendedPriceInCents();
            quantity += l.getQuantity();
            discount += l.getDiscountPercent();
            orderKeys += l.getOrderKey();
            shipDays += l.getShipDate();
        }
        long aCount = 0;
        long aPrice = 0;
        long aQuantity = 0;
        long aDiscount = 0;
        long aKeys = 0;
        long aShip = 0;
        try (TpchGeneratorSource source = TpchGeneratorSource.open(arrow.allocator(), "lineitem", SF, 3000, 2)) {
            InsertSource.ArrowBatch b;
            while ((b = source.next()) != null) {
                try (InsertSource.ArrowBatch batch = b) {
                    VectorSchemaRoot r = batch.root();
                    DecimalVector qty = (DecimalVector) r.getVector("l_quantity");
                    DecimalVector price = (DecimalVector) r.getVector("l_extendedprice");
                    DecimalVector disc = (DecimalVector) r.getVector("l_discount");
                    BigIntVector key = (BigIntVector) r.getVector("l_orderkey");
                    org.apache.arrow.vector.DateDayVector ship = (org.apache.arrow.vector.DateDayVector) r.getVector("l_shipdate");
                    for (int i = 0; i < r.getRowCount(); i++) {
                        aCount++;
                        aPrice += TestRows.unscaled(price, i);
                        aQuantity += TestRows.unscaled(qty, i);
                        aDiscount += TestRows.unscaled(disc, i);
                        aKeys += key.get(i);
                        aShip += ship.get(i);
                    }
                }
            }
        }
        assertEquals(count, aCount);
        assertEquals(priceCents, aPrice);
        assertEquals(quantity * 100, aQuantity);
        assertEquals(discount, aDiscount);
        assertEquals(orderKeys, aKeys);
        assertEquals(shipDays, aShip);
    }

    @Test
    void closeMidStreamStopsWorkersAndFreesQueuedBatches() throws Exception {
        TpchGeneratorSource source = TpchGeneratorSource.open(arrow.allocator(), "lineitem", SF, 500, 2);
        InsertSource.ArrowBatch first = source.next();
        first.close();
        // the workers go on generating: wait until batches not handed out hold memory, so that
        // close() has queued batches to free
        TestRows.awaitTrue(() -> arrow.allocator().getAllocatedMemory() > 0, "workers produce batches beyond the one handed out");
        source.close();
        source.close(); // idempotent
        assertThrows(IllegalStateException.class, source::next);
        assertEquals(0, arrow.allocator().getAllocatedMemory());
    }

    @Test
    void batchesStayValidAfterClose() throws Exception {
        InsertSource.ArrowBatch kept;
        try (TpchGeneratorSource source = TpchGeneratorSource.open(arrow.allocator(), "nation", 1, 10, 1)) {
            kept = source.next();
        }
        try (kept) {
            assertEquals(10, kept.rowCount());
            assertEquals("ALGERIA", TestRows.cell(kept.root().getVector("n_name"), 0));
        }
    }

    @Test
    void regionAndNationAreScaleIndependent() throws Exception {
        try (TpchGeneratorSource r = TpchGeneratorSource.open(arrow.allocator(), "region", 0.001, 100, 4);
             TpchGeneratorSource n = TpchGeneratorSource.open(arrow.allocator(), "nation", 0.001, 100, 4)) {
            assertEquals(5, TestRows.drainCount(r));
            assertEquals(25, TestRows.drainCount(n));
            assertNull(r.next());
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> TpchGeneratorSource.open(arrow.allocator(), "lineitems", 1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> TpchGeneratorSource.open(arrow.allocator(), "lineitem", 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> TpchGeneratorSource.open(arrow.allocator(), "lineitem", 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> TpchGeneratorSource.open(arrow.allocator(), "lineitem", 1, 10, 0));
    }
}
