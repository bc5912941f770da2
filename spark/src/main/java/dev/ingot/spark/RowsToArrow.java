package dev.ingot.spark;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.nio.ByteBuffer;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Fills an Arrow batch of a table's schema from Spark's {@link InternalRow}s (columns in table
 * order, Catalyst's internal values: days for DATE, microseconds for timestamps, unscaled longs
 * for DECIMAL(p &lt;= 18), UTF-8 bytes for strings), one setter per column chosen once.
 *
 * <p>Thread-safety: not thread-safe (one task). Ownership: does not own the root.
 */
final class RowsToArrow {
    @FunctionalInterface
    private interface Setter {
        void set(InternalRow row, int ordinal, int index);
    }

    private final VectorSchemaRoot root;
    private final Setter[] setters;
    private int rows;

    RowsToArrow(TableDef def, VectorSchemaRoot root) {
        this.root = root;
        this.setters = new Setter[def.columns().size()];
        for (int c = 0; c < setters.length; c++) {
            setters[c] = setter(def.columns().get(c), root.getVector(c));
        }
    }

    private static Setter setter(ColumnDef column, FieldVector v) {
        ColumnType t = column.type();
        return switch (t.kind()) {
            case BOOLEAN -> (row, o, i) -> ((BitVector) v).setSafe(i, row.getBoolean(o) ? 1 : 0);
            case INT8 -> (row, o, i) -> ((TinyIntVector) v).setSafe(i, row.getByte(o));
            case INT16 -> (row, o, i) -> ((SmallIntVector) v).setSafe(i, row.getShort(o));
            case INT32 -> (row, o, i) -> ((IntVector) v).setSafe(i, row.getInt(o));
            case INT64 -> (row, o, i) -> ((BigIntVector) v).setSafe(i, row.getLong(o));
            case FLOAT32 -> (row, o, i) -> ((Float4Vector) v).setSafe(i, row.getFloat(o));
            case FLOAT64 -> (row, o, i) -> ((Float8Vector) v).setSafe(i, row.getDouble(o));
            case DECIMAL64 -> (row, o, i) -> ((DecimalVector) v).setSafe(i, row.getDecimal(o, t.precision(), t.scale()).toUnscaledLong());
            case DECIMAL128 -> (row, o, i) -> {
                Decimal d = row.getDecimal(o, t.precision(), t.scale());
                ((DecimalVector) v).setSafe(i, d.toJavaBigDecimal().setScale(t.scale()));
            };
            case DATE32 -> (row, o, i) -> ((DateDayVector) v).setSafe(i, row.getInt(o));
            case TIMESTAMP, TIMESTAMP_TZ -> (row, o, i) -> ((TimeStampVector) v).setSafe(i, row.getLong(o));
            case CHAR, VARCHAR -> (row, o, i) -> {
                UTF8String s = row.getUTF8String(o);
                ByteBuffer b = s.getByteBuffer();
                ((VarCharVector) v).setSafe(i, b, b.position(), b.remaining());
            };
            case VARBINARY -> (row, o, i) -> ((VarBinaryVector) v).setSafe(i, row.getBinary(o));
            case TIME64, UUID -> throw new IllegalArgumentException("column " + column.name() + " of type " + t.sqlName()
                    + " cannot be written from Spark (TIME and UUID are not supported)");
        };
    }

    /** Appends {@code row} as the batch's next row. */
    void add(InternalRow row) {
        for (int c = 0; c < setters.length; c++) {
            if (row.isNullAt(c)) {
                root.getVector(c).setNull(rows);
            } else {
                setters[c].set(row, c, rows);
            }
        }
        rows++;
    }

    /** Rows added since the last {@link #finish()}. */
    int rows() {
        return rows;
    }

    /** Sets the value counts and row count of the batch; it then holds the rows added. */
    void finish() {
        for (FieldVector v : root.getFieldVectors()) {
            v.setValueCount(rows);
        }
        root.setRowCount(rows);
    }

    /** Empties the batch for the next rows (keeps its buffers). */
    void reset() {
        for (FieldVector v : root.getFieldVectors()) {
            v.reset();
        }
        root.setRowCount(0);
        rows = 0;
    }
}
