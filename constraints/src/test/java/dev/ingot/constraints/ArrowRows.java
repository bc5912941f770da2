package dev.ingot.constraints;

import dev.ingot.columnstore.TableDef;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Builds small Arrow batches for tests: one Object per cell, null for NULL. */
public final class ArrowRows {
    private ArrowRows() {}

    /** A batch of {@code def}'s schema holding {@code rows} (each row one value per column). */
    public static VectorSchemaRoot root(BufferAllocator allocator, TableDef def, Object[]... rows) {
        VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), allocator);
        root.allocateNew();
        for (int c = 0; c < def.columns().size(); c++) {
            FieldVector v = root.getVector(c);
            for (int r = 0; r < rows.length; r++) {
                set(v, r, rows[r][c]);
            }
            v.setValueCount(rows.length);
        }
        root.setRowCount(rows.length);
        return root;
    }

    /** Sets one cell of a supported vector. */
    public static void set(FieldVector v, int r, Object value) {
        if (value == null) {
            v.setNull(r);
        } else if (v instanceof BigIntVector) {
            ((BigIntVector) v).setSafe(r, ((Number) value).longValue());
        } else if (v instanceof IntVector) {
            ((IntVector) v).setSafe(r, ((Number) value).intValue());
        } else if (v instanceof DateDayVector) {
            ((DateDayVector) v).setSafe(r, (int) ((LocalDate) value).toEpochDay());
        } else if (v instanceof DecimalVector) {
            ((DecimalVector) v).setSafe(r, (BigDecimal) value);
        } else if (v instanceof VarCharVector) {
            ((VarCharVector) v).setSafe(r, value.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException(v.getClass().toString());
        }
    }

    /** Rows {@code {i}} for i in [from, to). */
    public static Object[][] longs(long from, long to) {
        Object[][] rows = new Object[(int) (to - from)][];
        for (long i = from; i < to; i++) {
            rows[(int) (i - from)] = new Object[] {i};
        }
        return rows;
    }
}
