package dev.ingot.ingest.export;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes Ingot row groups to a Parquet file through parquet-java's {@link ParquetWriter}, with
 * a {@link WriteSupport} whose records are row positions of the current row group (values go
 * from the Arrow vectors to parquet-java's record consumer without row objects).
 *
 * <p>Column mapping (the standard Parquet logical types, the ones
 * {@link dev.ingot.ingest.parquet.ParquetSource} reads): BOOLEAN; TINYINT/SMALLINT/INTEGER as
 * INT32 with INT(8/16/32, signed); BIGINT as INT64 with INT(64, signed); REAL FLOAT; DOUBLE
 * DOUBLE; DECIMAL(p &lt;= 18) as INT64 DECIMAL(p, s), DECIMAL(p &gt; 18) as
 * FIXED_LEN_BYTE_ARRAY(16) DECIMAL(p, s) (big-endian two's complement); DATE INT32 DATE; TIME
 * INT64 TIME(MICROS, not adjusted to UTC); TIMESTAMP INT64 TIMESTAMP(MICROS, not adjusted),
 * WITH TIME ZONE adjusted to UTC; CHAR/VARCHAR BINARY STRING; VARBINARY BINARY; UUID
 * FIXED_LEN_BYTE_ARRAY(16) UUID. NOT NULL columns are REQUIRED, others OPTIONAL.
 *
 * <p>Not thread-safe; one instance per file.
 */
final class ParquetRowWriter extends WriteSupport<Integer> {
    private final List<ColumnDef> columns;
    private final MessageType schema;
    private RecordConsumer consumer;
    private List<FieldVector> vectors;

    private ParquetRowWriter(List<ColumnDef> columns) {
        this.columns = columns;
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (ColumnDef c : columns) {
            b.addField(parquetType(c));
        }
        this.schema = b.named("ingot");
    }

    /** Writes every row group of {@code reader} (columns {@code cols}) to a new file {@code file}; returns the rows written. */
    static long write(TableReader reader, List<ColumnDef> cols, Path file) throws IOException {
        ParquetRowWriter support = new ParquetRowWriter(cols);
        List<String> names = TableExporter.names(cols);
        long rows = 0;
        try (ParquetWriter<Integer> writer = new Builder(new LocalOutputFile(file), support)
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                try (VectorSchemaRoot root = reader.readRowGroup(rg, names)) {
                    support.vectors = root.getFieldVectors();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        writer.write(r);
                    }
                    rows += root.getRowCount();
                    support.vectors = null;
                }
            }
        }
        return rows;
    }

    static Type parquetType(ColumnDef c) {
        ColumnType t = c.type();
        Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> b;
        switch (t.kind()) {
            case BOOLEAN: b = prim(c, PrimitiveTypeName.BOOLEAN); break;
            case INT8: b = prim(c, PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)); break;
            case INT16: b = prim(c, PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, true)); break;
            case INT32: b = prim(c, PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(32, true)); break;
            case INT64: b = prim(c, PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.intType(64, true)); break;
            case FLOAT32: b = prim(c, PrimitiveTypeName.FLOAT); break;
            case FLOAT64: b = prim(c, PrimitiveTypeName.DOUBLE); break;
            case DECIMAL64: b = prim(c, PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.decimalType(t.scale(), t.precision())); break;
            case DECIMAL128: b = prim(c, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16)
                    .as(LogicalTypeAnnotation.decimalType(t.scale(), t.precision())); break;
            case DATE32: b = prim(c, PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()); break;
            case TIME64: b = prim(c, PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timeType(false, LogicalTypeAnnotation.TimeUnit.MICROS)); break;
            case TIMESTAMP: b = prim(c, PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS)); break;
            case TIMESTAMP_TZ: b = prim(c, PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)); break;
            case VARBINARY: b = prim(c, PrimitiveTypeName.BINARY); break;
            case UUID: b = prim(c, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16).as(LogicalTypeAnnotation.uuidType()); break;
            case CHAR:
            case VARCHAR: b = prim(c, PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()); break;
            default: throw new IllegalArgumentException("no Parquet type for column " + c.name() + " of type " + t);
        }
        return b.named(c.name());
    }

    private static Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> prim(ColumnDef c, PrimitiveTypeName name) {
        return c.nullable() ? Types.optional(name) : Types.required(name);
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Integer row) {
        int r = row;
        consumer.startMessage();
        for (int c = 0; c < columns.size(); c++) {
            FieldVector v = vectors.get(c);
            if (v.isNull(r)) {
                continue;
            }
            String name = columns.get(c).name();
            consumer.startField(name, c);
            addValue(columns.get(c).type(), v, r);
            consumer.endField(name, c);
        }
        consumer.endMessage();
    }

    private void addValue(ColumnType type, FieldVector v, int r) {
        switch (type.kind()) {
            case BOOLEAN: consumer.addBoolean(((BitVector) v).get(r) != 0); break;
            case INT8: consumer.addInteger(((TinyIntVector) v).get(r)); break;
            case INT16: consumer.addInteger(((SmallIntVector) v).get(r)); break;
            case INT32: consumer.addInteger(((IntVector) v).get(r)); break;
            case INT64: consumer.addLong(((BigIntVector) v).get(r)); break;
            case FLOAT32: consumer.addFloat(((Float4Vector) v).get(r)); break;
            case FLOAT64: consumer.addDouble(((Float8Vector) v).get(r)); break;
            case DECIMAL64: // widened to Arrow's 16-byte little-endian decimal: the low 8 bytes hold the value
                consumer.addLong(((DecimalVector) v).getDataBuffer().getLong((long) r * DecimalVector.TYPE_WIDTH)); break;
            case DECIMAL128: {
                byte[] bigEndian = new byte[DecimalVector.TYPE_WIDTH];
                long offset = (long) r * DecimalVector.TYPE_WIDTH;
                for (int i = 0; i < bigEndian.length; i++) {
                    bigEndian[i] = ((DecimalVector) v).getDataBuffer().getByte(offset + bigEndian.length - 1 - i);
                }
                consumer.addBinary(Binary.fromConstantByteArray(bigEndian));
                break;
            }
            case DATE32: consumer.addInteger(((DateDayVector) v).get(r)); break;
            case TIME64: consumer.addLong(((TimeMicroVector) v).get(r)); break;
            case TIMESTAMP:
            case TIMESTAMP_TZ: consumer.addLong(((TimeStampVector) v).get(r)); break;
            case VARBINARY: consumer.addBinary(Binary.fromConstantByteArray(((VarBinaryVector) v).get(r))); break;
            case UUID: consumer.addBinary(Binary.fromConstantByteArray(((FixedSizeBinaryVector) v).get(r))); break;
            case CHAR:
            case VARCHAR: consumer.addBinary(Binary.fromConstantByteArray(((VarCharVector) v).get(r))); break;
            default: throw new IllegalArgumentException("no Parquet value for " + type);
        }
    }

    /** parquet-java's builder over this write support. */
    private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
        private final ParquetRowWriter support;

        Builder(LocalOutputFile file, ParquetRowWriter support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return support;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }
    }
}
