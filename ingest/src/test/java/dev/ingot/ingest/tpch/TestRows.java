package dev.ingot.ingest.tpch;

import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Test helpers that read Arrow batches back as plain Java values. */
public final class TestRows {
    private TestRows() {
    }

    /**
     * Polls {@code condition} every millisecond until it holds; fails naming {@code what} after
     * 10 s (generous: it only bounds a hang, the condition normally holds within milliseconds).
     */
    public static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 10 s waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    /** One cell as a plain value: Long, Integer, BigDecimal, LocalDate or String; null for NULL. */
    public static Object cell(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        if (v instanceof BigIntVector) {
            return ((BigIntVector) v).get(row);
        }
        if (v instanceof IntVector) {
            return ((IntVector) v).get(row);
        }
        if (v instanceof DecimalVector) {
            return ((DecimalVector) v).getObject(row);
        }
        if (v instanceof DateDayVector) {
            return LocalDate.ofEpochDay(((DateDayVector) v).get(row));
        }
        if (v instanceof VarCharVector) {
            return ((VarCharVector) v).getObject(row).toString();
        }
        if (v instanceof org.apache.arrow.vector.VarBinaryVector) {
            return java.util.HexFormat.of().formatHex(((org.apache.arrow.vector.VarBinaryVector) v).get(row));
        }
        throw new AssertionError("unexpected vector " + v.getClass());
    }

    /** A row formatted like dbgen's .tbl line (fields terminated by '|', l_quantity as a whole number). */
    static String tblLine(VectorSchemaRoot root, int row) {
        StringBuilder sb = new StringBuilder();
        for (FieldVector v : root.getFieldVectors()) {
            Object o = cell(v, row);
            if (v.getName().equals("l_quantity")) {
                o = ((BigDecimal) o).toBigIntegerExact(); // dbgen prints whole units
            }
            sb.append(o instanceof BigDecimal ? ((BigDecimal) o).toPlainString() : String.valueOf(o)).append('|');
        }
        return sb.toString();
    }

    /** Unscaled value of a DECIMAL cell, read from its low 8 bytes (checking the high 8 are the sign extension). */
    static long unscaled(DecimalVector v, int row) {
        long lo = v.getDataBuffer().getLong((long) row * 16);
        long hi = v.getDataBuffer().getLong((long) row * 16 + 8);
        if (hi != (lo >> 63)) {
            throw new AssertionError("decimal high word " + hi + " is not the sign extension of " + lo);
        }
        return lo;
    }

    /** All rows of a source as lists of cells; closes every batch (not the source). */
    public static List<List<Object>> drainRows(BatchSource source) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        InsertSource.ArrowBatch b;
        while ((b = source.next()) != null) {
            try (InsertSource.ArrowBatch batch = b) {
                VectorSchemaRoot root = batch.root();
                for (int i = 0; i < root.getRowCount(); i++) {
                    List<Object> row = new ArrayList<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        row.add(cell(v, i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Row count of a source; closes every batch (not the source). */
    public static long drainCount(BatchSource source) throws Exception {
        long n = 0;
        InsertSource.ArrowBatch b;
        while ((b = source.next()) != null) {
            try (InsertSource.ArrowBatch batch = b) {
                n += batch.rowCount();
            }
        }
        return n;
    }
}
