package dev.ingot.constraints;

import dev.ingot.columnstore.TableDef;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
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
        } else if (v instanceof BitVector) {
            ((BitVector) v).setSafe(r, (Boolean) value ? 1 : 0);
        } else if (v instanceof TinyIntVector) {
            ((TinyIntVector) v).setSafe(r, ((Number) value).byteValue());
        } else if (v instanceof SmallIntVector) {
            ((SmallIntVector) v).setSafe(r, ((Number) value).shortValue());
        } else if (v instanceof TimeMicroVector) {
            ((TimeMicroVector) v).setSafe(r, ((LocalTime) value).toNanoOfDay() / 1000);
        } else if (v instanceof TimeStampMicroTZVector) {
            Instant t = (Instant) value;
            ((TimeStampMicroTZVector) v).setSafe(r, Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
        } else if (v instanceof TimeStampMicroVector) {
            Instant t = ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
            ((TimeStampMicroVector) v).setSafe(r, Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000));
        } else if (v instanceof VarBinaryVector) {
            ((VarBinaryVector) v).setSafe(r, (byte[]) value);
        } else if (v instanceof FixedSizeBinaryVector) {
            UUID u = (UUID) value;
            ((FixedSizeBinaryVector) v).setSafe(r, ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array());
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
