package dev.ingot.ingest.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TestMemory;
import dev.ingot.testing.TestSeed;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Ingot type written to Parquet by parquet-java in its standard logical type (every
 * physical form a type may take: decimals on int32, int64, fixed_len_byte_array and binary, TIME
 * and TIMESTAMP in millis and micros), with seeded random values and NULLs, split over two files
 * and many row groups, loaded through {@link ParquetSource} and {@link BulkLoader} and scanned
 * back: every value compared exactly with the model the files were written from.
 */
class ParquetRoundTripTest {
    static final TableDef TABLE = new TableDef("every", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("b", ColumnType.bool()),
            ColumnDef.nullable("i8", ColumnType.int8()),
            ColumnDef.nullable("i16", ColumnType.int16()),
            ColumnDef.nullable("i32", ColumnType.int32()),
            ColumnDef.nullable("f32", ColumnType.float32()),
            ColumnDef.nullable("f64", ColumnType.float64()),
            ColumnDef.nullable("d9", ColumnType.decimal(9, 2)),
            ColumnDef.nullable("d18", ColumnType.decimal(18, 3)),
            ColumnDef.nullable("d38", ColumnType.decimal(38, 4)),
            ColumnDef.nullable("dbin", ColumnType.decimal(20, 0)),
            ColumnDef.nullable("dt", ColumnType.date()),
            ColumnDef.nullable("tmicro", ColumnType.time()),
            ColumnDef.nullable("tmilli", ColumnType.time()),
            ColumnDef.nullable("ts", ColumnType.timestamp()),
            ColumnDef.nullable("tsmilli", ColumnType.timestamp()),
            ColumnDef.nullable("tz", ColumnType.timestampTz()),
            ColumnDef.nullable("c", ColumnType.charOf(5)),
            ColumnDef.nullable("vc", ColumnType.varchar()),
            ColumnDef.nullable("vb", ColumnType.varbinary()),
            ColumnDef.nullable("u", ColumnType.uuid())),
            List.of(ConstraintSpec.primaryKey("every_pk", "id")));

    /** The file schema: columns in another order than the table's (matched by name). */
    static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("id")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("vc")
            .optional(PrimitiveTypeName.BOOLEAN).named("b")
            .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)).named("i8")
            .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, true)).named("i16")
            .optional(PrimitiveTypeName.INT32).named("i32")
            .optional(PrimitiveTypeName.FLOAT).named("f32")
            .optional(PrimitiveTypeName.DOUBLE).named("f64")
            .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.decimalType(2, 9)).named("d9")
            .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.decimalType(3, 18)).named("d18")
            .optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16).as(LogicalTypeAnnotation.decimalType(4, 38)).named("d38")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.decimalType(0, 20)).named("dbin")
            .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named("dt")
            .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS)).named("tmicro")
            .optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.timeType(true, TimeUnit.MILLIS)).named("tmilli")
            .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named("ts")
            .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MILLIS)).named("tsmilli")
            .optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named("tz")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("c")
            .optional(PrimitiveTypeName.BINARY).named("vb")
            .optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16).as(LogicalTypeAnnotation.uuidType()).named("u")
            .named("every");

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("test", 1L << 30);

    @Test
    void everyTypeRoundTripsExactlyWithNulls() throws Exception {
        long seed = TestSeed.seed("ParquetRoundTripTest");
        TestSeed.run(seed, () -> roundTrip(seed));
    }

    private void roundTrip(long seed) throws Exception {
        Random rnd = new Random(seed);
        int rows = 2500;
        List<String[]> expected = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        for (int r = 0; r < rows; r++) {
            String[] e = new String[TABLE.columns().size()];
            Group g = f.newGroup();
            g.add("id", (long) r);
            e[0] = Long.toString(r);
            for (int c = 1; c < e.length; c++) {
                String name = TABLE.columns().get(c).name();
                if (rnd.nextInt(7) == 0) {
                    e[c] = "NULL"; // the field left out: NULL in an optional column
                    continue;
                }
                e[c] = addValue(g, name, rnd);
            }
            groups.add(g);
            expected.add(e);
        }
        Path a = tmp.resolve("a.parquet");
        Path b = tmp.resolve("b.parquet");
        ParquetFiles.write(a, SCHEMA, groups.subList(0, 1700), CompressionCodecName.SNAPPY, 16 << 10, 2 << 10);
        ParquetFiles.write(b, SCHEMA, groups.subList(1700, rows), CompressionCodecName.UNCOMPRESSED, 16 << 10, 2 << 10);

        Path store = tmp.resolve("store");
        try (ColumnStore cs = ColumnStore.openOrCreate(store)) {
            LoadReport report = new BulkLoader(cs, mem.ingot(), LoadOptions.defaults()).load(List.of(TABLE),
                    (def, batchRows, threads) -> ParquetSource.open(mem.arrow(), def, List.of(a, b), 97, 2), x -> rows,
                    new BulkLoader.Progress() {});
            assertNull(report.failure(), () -> String.valueOf(report.failure()));
        }
        List<String[]> got = new ArrayList<>();
        try (ColumnStore cs = ColumnStore.openReadOnly(store); TableReader reader = cs.openTable("every")) {
            List<String> names = TABLE.columns().stream().map(ColumnDef::name).toList();
            for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                try (VectorSchemaRoot root = reader.readRowGroup(rg, names)) {
                    for (int r = 0; r < root.getRowCount(); r++) {
                        String[] row = new String[names.size()];
                        for (int c = 0; c < names.size(); c++) {
                            row[c] = canonical(root.getVector(c), r);
                        }
                        got.add(row);
                    }
                }
            }
        }
        assertEquals(rows, got.size());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < TABLE.columns().size(); c++) {
                int row = r;
                int col = c;
                assertEquals(expected.get(r)[c], got.get(r)[c],
                        () -> "row " + row + " column " + TABLE.columns().get(col).name());
            }
        }
    }

    /** Adds a random value of column {@code name} to {@code g}; returns its expected canonical form. */
    private static String addValue(Group g, String name, Random rnd) {
        switch (name) {
            case "b": { boolean v = rnd.nextBoolean(); g.add(name, v); return Boolean.toString(v); }
            case "i8": { int v = rnd.nextInt(256) - 128; g.add(name, v); return Integer.toString(v); }
            case "i16": { int v = rnd.nextInt(65536) - 32768; g.add(name, v); return Integer.toString(v); }
            case "i32": { int v = rnd.nextInt(); g.add(name, v); return Integer.toString(v); }
            case "f32": { float v = rnd.nextFloat() * 1e6f - 5e5f; g.add(name, v); return Float.toString(v); }
            case "f64": { double v = rnd.nextGaussian() * 1e12; g.add(name, v); return Double.toString(v); }
            case "d9": { int v = rnd.nextInt(1_999_999_999) - 999_999_999; g.add(name, v); return BigDecimal.valueOf(v, 2).toPlainString(); }
            case "d18": { long v = rnd.nextLong() % 1_000_000_000_000_000_000L; g.add(name, v); return BigDecimal.valueOf(v, 3).toPlainString(); }
            case "d38": {
                BigInteger v = new BigInteger(126, rnd).subtract(BigInteger.ONE.shiftLeft(125)); // |v| < 2^125 < 10^38
                g.add(name, Binary.fromConstantByteArray(twosComplement(v, 16)));
                return new BigDecimal(v, 4).toPlainString();
            }
            case "dbin": {
                BigInteger v = new BigInteger(64, rnd).subtract(BigInteger.ONE.shiftLeft(63)).multiply(BigInteger.valueOf(3));
                g.add(name, Binary.fromConstantByteArray(v.toByteArray())); // minimal big-endian two's complement
                return new BigDecimal(v, 0).toPlainString();
            }
            case "dt": { int v = rnd.nextInt(200_000) - 100_000; g.add(name, v); return Integer.toString(v); }
            case "tmicro": { long v = (long) (rnd.nextDouble() * 86_400_000_000L); g.add(name, v); return Long.toString(v); }
            case "tmilli": { int v = rnd.nextInt(86_400_000); g.add(name, v); return Long.toString(v * 1000L); }
            case "ts":
            case "tz": { long v = rnd.nextLong() >> 8; g.add(name, v); return Long.toString(v); }
            case "tsmilli": { long v = rnd.nextLong() >> 16; g.add(name, v); return Long.toString(v * 1000L); }
            case "c": { String v = text(rnd, 1 + rnd.nextInt(5)); g.add(name, v); return v; }
            case "vc": { String v = text(rnd, rnd.nextInt(40)); g.add(name, v); return v; }
            case "vb": {
                byte[] v = new byte[rnd.nextInt(30)];
                rnd.nextBytes(v);
                g.add(name, Binary.fromConstantByteArray(v));
                return HexFormat.of().formatHex(v);
            }
            case "u": {
                byte[] v = ByteBuffer.allocate(16).putLong(rnd.nextLong()).putLong(rnd.nextLong()).array();
                g.add(name, Binary.fromConstantByteArray(v));
                return HexFormat.of().formatHex(v);
            }
            default: throw new IllegalArgumentException(name);
        }
    }

    private static String text(Random rnd, int length) {
        String alphabet = "abcXYZ 019|,\"é€𝄞";
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < length) {
            int i = rnd.nextInt(alphabet.length());
            if (Character.isHighSurrogate(alphabet.charAt(i))) {
                sb.append(alphabet, i, i + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(i))) {
                sb.append(alphabet.charAt(i));
            }
        }
        return sb.toString();
    }

    private static byte[] twosComplement(BigInteger v, int width) {
        byte[] min = v.toByteArray();
        byte[] out = new byte[width];
        byte fill = (byte) (v.signum() < 0 ? 0xff : 0);
        java.util.Arrays.fill(out, 0, width - min.length, fill);
        System.arraycopy(min, 0, out, width - min.length, min.length);
        return out;
    }

    /** The value at {@code row} in the canonical form {@link #addValue} returns. */
    private static String canonical(FieldVector v, int row) {
        if (v.isNull(row)) {
            return "NULL";
        }
        if (v instanceof DecimalVector) {
            return ((DecimalVector) v).getObject(row).toPlainString();
        }
        if (v instanceof TimeStampVector) {
            return Long.toString(((TimeStampVector) v).get(row));
        }
        if (v instanceof TimeMicroVector) {
            return Long.toString(((TimeMicroVector) v).get(row));
        }
        if (v instanceof DateDayVector) {
            return Integer.toString(((DateDayVector) v).get(row));
        }
        if (v instanceof BigIntVector) {
            return Long.toString(((BigIntVector) v).get(row));
        }
        if (v instanceof VarCharVector) {
            return new String(((VarCharVector) v).get(row), StandardCharsets.UTF_8);
        }
        if (v instanceof VarBinaryVector) {
            return HexFormat.of().formatHex(((VarBinaryVector) v).get(row));
        }
        if (v instanceof FixedSizeBinaryVector) {
            return HexFormat.of().formatHex(((FixedSizeBinaryVector) v).get(row));
        }
        if (v instanceof BaseFixedWidthVector) {
            return v.getObject(row).toString();
        }
        throw new IllegalArgumentException("unexpected vector " + v.getClass());
    }
}
