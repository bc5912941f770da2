package dev.ingot.ingest.keys;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.internal.KeyVectors;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Java values in and out of Arrow vectors of Ingot's column types, for the embedding API's
 * row-at-a-time conveniences (a key given as values, a row returned as a map). Values in: BOOLEAN
 * {@link Boolean}; integers any {@link Number} that fits; REAL/DOUBLE a {@link Number}; DECIMAL a
 * {@link BigDecimal} (or an integer {@link Number}); DATE {@link LocalDate}; TIME {@link LocalTime};
 * TIMESTAMP {@link LocalDateTime}; TIMESTAMP WITH TIME ZONE {@link Instant} or {@link OffsetDateTime};
 * CHAR/VARCHAR {@link String}; VARBINARY {@code byte[]}; UUID {@link UUID}; NULL {@code null}.
 * Values out are those of {@link KeyVectors#value} (integers as {@link Long}), REAL/DOUBLE as
 * {@link Float}/{@link Double} and VARBINARY as {@code byte[]}.
 *
 * <p>Thread-safety: stateless.
 */
public final class ArrowValues {
    private ArrowValues() {}

    /**
     * A new root of {@code columns} holding {@code rows} (each one value per column).
     *
     * @throws IllegalArgumentException naming the column and row when a value does not fit its column
     */
    public static VectorSchemaRoot root(BufferAllocator allocator, List<ColumnDef> columns, List<List<Object>> rows) {
        List<Field> fields = new ArrayList<>();
        for (ColumnDef c : columns) {
            fields.add(c.arrowField());
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        try {
            root.allocateNew();
            for (int r = 0; r < rows.size(); r++) {
                setRow(root, r, rows.get(r));
            }
            root.setRowCount(rows.size());
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            throw e;
        }
    }

    /**
     * Sets row {@code r} of every vector of {@code root} (allocated) to the values of {@code row},
     * one per vector in order; the row count is left alone.
     *
     * @throws IllegalArgumentException if {@code row} does not hold one value per vector (naming
     *                                  the row and the columns) or a value does not fit its column
     */
    public static void setRow(VectorSchemaRoot root, int r, List<Object> row) {
        List<FieldVector> vectors = root.getFieldVectors();
        if (row.size() != vectors.size()) {
            throw new IllegalArgumentException("row " + r + " has " + row.size() + " values, expected " + vectors.size()
                    + " (" + String.join(", ", vectors.stream().map(FieldVector::getName).toList()) + ")");
        }
        for (int c = 0; c < vectors.size(); c++) {
            set(vectors.get(c), r, row.get(c));
        }
    }

    /** Sets row {@code r} of {@code v} to {@code value} (see the class comment for the Java types). */
    public static void set(FieldVector v, int r, Object value) {
        try {
            setValue(v, r, value);
        } catch (ClassCastException | ArithmeticException e) {
            throw new IllegalArgumentException("value " + value + " (" + value.getClass().getSimpleName() + ") does not fit column "
                    + v.getName() + " (" + v.getField().getType() + ")", e);
        }
    }

    private static void setValue(FieldVector v, int r, Object value) {
        if (value == null) {
            v.setNull(r);
        } else if (v instanceof BigIntVector b) {
            b.setSafe(r, ((Number) value).longValue());
        } else if (v instanceof IntVector b) {
            b.setSafe(r, Math.toIntExact(((Number) value).longValue()));
        } else if (v instanceof SmallIntVector b) {
            long x = ((Number) value).longValue();
            if (x != (short) x) {
                throw new ArithmeticException("out of range");
            }
            b.setSafe(r, (short) x);
        } else if (v instanceof TinyIntVector b) {
            long x = ((Number) value).longValue();
            if (x != (byte) x) {
                throw new ArithmeticException("out of range");
            }
            b.setSafe(r, (byte) x);
        } else if (v instanceof BitVector b) {
            b.setSafe(r, ((Boolean) value) ? 1 : 0);
        } else if (v instanceof Float4Vector b) {
            b.setSafe(r, ((Number) value).floatValue());
        } else if (v instanceof Float8Vector b) {
            b.setSafe(r, ((Number) value).doubleValue());
        } else if (v instanceof DecimalVector b) {
            BigDecimal d = value instanceof BigDecimal bd ? bd : BigDecimal.valueOf(((Number) value).longValue());
            b.setSafe(r, d.setScale(b.getScale()));
        } else if (v instanceof DateDayVector b) {
            b.setSafe(r, Math.toIntExact(((LocalDate) value).toEpochDay()));
        } else if (v instanceof TimeMicroVector b) {
            b.setSafe(r, ((LocalTime) value).toNanoOfDay() / 1000);
        } else if (v instanceof TimeStampMicroTZVector b) {
            Instant i = value instanceof OffsetDateTime o ? o.toInstant() : (Instant) value;
            b.setSafe(r, Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
        } else if (v instanceof TimeStampMicroVector b) {
            Instant i = ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
            b.setSafe(r, Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
        } else if (v instanceof VarCharVector b) {
            b.setSafe(r, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof VarBinaryVector b) {
            b.setSafe(r, (byte[]) value);
        } else if (v instanceof FixedSizeBinaryVector b && b.getByteWidth() == 16) {
            UUID u = (UUID) value;
            b.setSafe(r, ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        } else {
            throw new IllegalArgumentException("unsupported column " + v.getName() + " (" + v.getClass().getSimpleName() + ")");
        }
    }

    /** Row {@code r}'s value of {@code v} as a Java object (see the class comment), null for NULL. */
    public static Object get(FieldVector v, int r) {
        if (v.isNull(r)) {
            return null;
        }
        if (v instanceof Float4Vector || v instanceof Float8Vector) {
            return v.getObject(r);
        }
        if (v instanceof VarBinaryVector b) {
            return b.get(r);
        }
        return KeyVectors.value(v, r);
    }

    /** Row {@code r} of {@code root} as a map from column name to value, in column order. */
    public static Map<String, Object> row(VectorSchemaRoot root, int r) {
        List<FieldVector> vectors = root.getFieldVectors();
        Map<String, Object> m = new LinkedHashMap<>(vectors.size() * 4 / 3 + 1); // no resize while filling
        for (FieldVector v : vectors) {
            m.put(v.getName(), get(v, r));
        }
        return m;
    }

    /** The columns of {@code def} named {@code names}, in that order. */
    public static List<ColumnDef> columns(TableDef def, List<String> names) {
        List<ColumnDef> out = new ArrayList<>();
        for (String n : names) {
            out.add(def.column(n));
        }
        return out;
    }
}
