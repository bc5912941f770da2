package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.TypeCases.Case;
import dev.ingot.testing.TestAllocators;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every SQL type through Arrow in, the chunk format, the catalog and Arrow out, with NULLs, slices and stats. */
class EveryTypeRoundTripTest {
    @TempDir
    Path dir;
    BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocators.arrow();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    /** Loads rows [3, rows - 1) of a random model in odd slices, reopens and compares values and per-chunk stats. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyTypeRoundTripsWithNullsSlicesAndStats(long seed) throws Exception {
        Random r = new Random(seed);
        double nullRate = seed == 3 ? 0.9 : 0.25; // seed 3: many all-NULL-but-one and all-NULL chunks
        roundTrip(TypeCases.model(r, 4100, nullRate, 0), seed == 3 ? 7 : 1001);
    }

    /**
     * Text and binary values from two- and three-letter alphabets share prefixes of every length
     * (8 and 16 bytes included, where the min/max scan switches from one word compare to the next),
     * end inside and just past those words, and (binary) hold zero bytes, so the stats' order is
     * checked where prefix keys tie.
     */
    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void textAndBinaryStatsOrderValuesWithEqualPrefixes(long seed) throws Exception {
        Random r = new Random(seed);
        Object[][] m = TypeCases.model(r, 4100, 0.05, 0);
        int vc = TypeCases.TABLE.columnIndex("vc");
        int txt = TypeCases.TABLE.columnIndex("txt");
        int blob = TypeCases.TABLE.columnIndex("blob");
        for (int i = 0; i < 4100; i++) {
            String common = "Clerk#000000000".substring(0, r.nextInt(16));
            m[vc][i] = m[vc][i] == null ? null : common + letters(r, "ab", r.nextInt(30 - common.length()));
            m[txt][i] = m[txt][i] == null ? null : letters(r, "xy", r.nextInt(25));
            if (m[blob][i] != null) {
                byte[] b = new byte[r.nextInt(25)];
                for (int k = 0; k < b.length; k++) {
                    b[k] = new byte[] {0x00, 0x01, (byte) 0xFF}[r.nextInt(3)];
                }
                m[blob][i] = b;
            }
        }
        roundTrip(m, 97);
    }

    private static String letters(Random r, String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Loads rows [3, 4099) of the 4100-row model {@code m} in odd slices, reopens and compares values and per-chunk stats. */
    private void roundTrip(Object[][] m, int chunkRows) throws Exception {
        int[][] slices = {{3, 1000}, {1003, 13}, {1016, 1777}, {2793, 1306}};
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TypeCases.batch(allocator, m)) {
            try (TableWriter w = store.createTable(TypeCases.TABLE, ColumnStoreWriteHints.estimate(TypeCases.TABLE).withChunkRows(chunkRows))) {
                for (int[] s : slices) {
                    w.appendBatch(root, s[0], s[1]);
                }
                w.commit();
            }
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader reader = store.openTable(TypeCases.TABLE.name())) {
            assertEquals(TypeCases.TABLE, reader.info().def(), "catalog round trip of every type");
            assertEquals(4096, reader.info().rowCount());
            long seen = 0;
            for (int g = 0; g < reader.rowGroupCount(); g++) {
                int groupRows = reader.info().rowGroups().get(g).rowCount();
                try (VectorSchemaRoot back = reader.readRowGroup(g, null)) {
                    assertEquals(TypeCases.TABLE.arrowSchema(), back.getSchema());
                    for (int c = 0; c < TypeCases.CASES.size(); c++) {
                        Case col = TypeCases.CASES.get(c);
                        List<Object> values = new ArrayList<>();
                        for (int i = 0; i < groupRows; i++) {
                            Object expected = m[c][(int) (3 + seen + i)];
                            values.add(expected);
                            TypeCases.assertValue(expected, TypeCases.get(back.getVector(c), i), col.name() + " row " + (seen + i));
                        }
                        TypeCases.assertStats(col, values, reader.chunkStats(c, g), col.name() + " row group " + g);
                    }
                }
                seen += groupRows;
            }
            assertEquals(4096, seen);
            assertEquals((long) reader.rowGroupCount() * TypeCases.CASES.size(), reader.verifyChecksums());
            assertEquals(0, store.stagingAllocator().allocatedBytes());
        }
    }

    @Test
    void longTextAndBinaryStatsAreBoundedPrefixes() throws Exception {
        Object[][] m = TypeCases.model(new Random(9), 3, 0, 0);
        int txt = TypeCases.TABLE.columnIndex("txt");
        int blob = TypeCases.TABLE.columnIndex("blob");
        m[txt][0] = "é".repeat(70);
        m[txt][1] = "a" + "é".repeat(40);
        m[txt][2] = null;
        byte[] big = new byte[80];
        Arrays.fill(big, (byte) 0x7F);
        big[63] = (byte) 0xFF;
        m[blob][0] = big;
        m[blob][1] = new byte[] {0x00};
        m[blob][2] = new byte[0];
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TypeCases.batch(allocator, m)) {
            try (TableWriter w = store.createTable(TypeCases.TABLE, ColumnStoreWriteHints.estimate(TypeCases.TABLE))) {
                w.appendBatch(root, 0, 3);
                w.commit();
            }
            try (TableReader reader = store.openTable(TypeCases.TABLE.name())) {
                ChunkStats t = reader.chunkStats(txt, 0);
                // "a" + 40 x "é" (81 bytes) is the min; byte 64 is the second byte of the 32nd "é", so the cut backs
                // up to a character boundary: "a" + 31 x "é" (63 bytes)
                assertEquals("a" + "é".repeat(31), new String(t.minBytes(), java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(false, t.minExact());
                // 70 x "é" (140 bytes): its first 64 bytes (32 x C3 A9) with the last byte 0xA9 raised to 0xAA
                byte[] expectedMax = "é".repeat(32).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                expectedMax[63]++;
                assertEquals(java.util.HexFormat.of().formatHex(expectedMax), java.util.HexFormat.of().formatHex(t.maxBytes()));
                assertEquals(false, t.maxExact());
                ChunkStats b = reader.chunkStats(blob, 0);
                assertEquals("", java.util.HexFormat.of().formatHex(b.minBytes()));
                assertEquals(true, b.minExact());
                // 63 x 0x7F then 0xFF at byte 63: the last byte below 0xFF is byte 62, incremented to 0x80
                byte[] bound = Arrays.copyOf(big, 63);
                bound[62] = (byte) 0x80;
                assertEquals(java.util.HexFormat.of().formatHex(bound), java.util.HexFormat.of().formatHex(b.maxBytes()));
                assertEquals(false, b.maxExact());
            }
        }
    }

    @Test
    void eachTypeMapsToItsStandardArrowTypeAndBack() {
        Map<String, ArrowType> expected = new HashMap<>();
        expected.put("b", ArrowType.Bool.INSTANCE);
        expected.put("i8", new ArrowType.Int(8, true));
        expected.put("i16", new ArrowType.Int(16, true));
        expected.put("i32", new ArrowType.Int(32, true));
        expected.put("i64", new ArrowType.Int(64, true));
        expected.put("f32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
        expected.put("f64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        expected.put("d64", new ArrowType.Decimal(10, 3, 128));
        expected.put("d128", new ArrowType.Decimal(38, 4, 128));
        expected.put("day", new ArrowType.Date(DateUnit.DAY));
        expected.put("t", new ArrowType.Time(TimeUnit.MICROSECOND, 64));
        expected.put("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
        expected.put("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
        expected.put("c", ArrowType.Utf8.INSTANCE);
        expected.put("vc", ArrowType.Utf8.INSTANCE);
        expected.put("txt", ArrowType.Utf8.INSTANCE);
        expected.put("bin", ArrowType.Binary.INSTANCE);
        expected.put("blob", ArrowType.Binary.INSTANCE);
        expected.put("u", new ArrowType.FixedSizeBinary(16));
        for (Case c : TypeCases.CASES.subList(1, TypeCases.CASES.size())) {
            Field f = c.def().arrowField();
            assertEquals(expected.get(c.name()), f.getType(), c.name());
            assertEquals(c.def(), ColumnDef.fromArrow(f), c.name());
        }
        assertEquals("arrow.uuid", TypeCases.TABLE.column("u").arrowField().getMetadata().get("ARROW:extension:name"));
        assertEquals(List.of("BIGINT", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "REAL", "DOUBLE", "DECIMAL(10,3)",
                        "DECIMAL(38,4)", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "CHAR(5)", "VARCHAR(30)", "VARCHAR",
                        "VARBINARY(100)", "VARBINARY", "UUID"),
                TypeCases.CASES.stream().map(c -> c.def().type().sqlName()).toList());
        // any zone is an instant: TIMESTAMP WITH TIME ZONE
        assertEquals(ColumnType.timestampTz(), ColumnType.fromArrow(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "Europe/Paris"), null));
        assertEquals(ColumnType.decimal(19, 0), ColumnType.fromArrow(new ArrowType.Decimal(19, 0, 128), null));
        assertEquals(ColumnType.Kind.DECIMAL128, ColumnType.decimal(19, 0).kind());
        assertEquals(ColumnType.Kind.DECIMAL64, ColumnType.decimal(18, 0).kind());
    }

    @Test
    void unsupportedArrowTypesAreRefusedByName() {
        assertEquals("unsupported Arrow type for an Ingot column: Timestamp(NANOSECOND, null)",
                assertThrows(IllegalArgumentException.class,
                        () -> ColumnType.fromArrow(new ArrowType.Timestamp(TimeUnit.NANOSECOND, null), null)).getMessage());
        assertEquals("unsupported Arrow type for an Ingot column: Int(32, false)",
                assertThrows(IllegalArgumentException.class, () -> ColumnType.fromArrow(new ArrowType.Int(32, false), null)).getMessage());
        assertEquals("unsupported Arrow type for an Ingot column: FixedSizeBinary(16) (a UUID column is FixedSizeBinary(16) with"
                        + " field metadata ARROW:extension:name=arrow.uuid)",
                assertThrows(IllegalArgumentException.class, () -> ColumnType.fromArrow(new ArrowType.FixedSizeBinary(16), Map.of())).getMessage());
        assertEquals("DECIMAL(39,0) needs 1 <= precision <= 38 and 0 <= scale <= precision",
                assertThrows(IllegalArgumentException.class, () -> ColumnType.decimal(39, 0)).getMessage());
    }

    @Test
    void floatingPointKeyColumnsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TableDef("m",
                List.of(ColumnDef.notNull("x", ColumnType.float64())), List.of(ConstraintSpec.primaryKey("m_pk", "x"))));
        assertEquals("PRIMARY KEY m_pk of table m names column x of type DOUBLE; REAL and DOUBLE columns cannot be key columns"
                + " (floating-point equality is not an identity: -0.0 = 0.0 and NaN <> NaN); use DECIMAL", e.getMessage());
        IllegalArgumentException fk = assertThrows(IllegalArgumentException.class, () -> new TableDef("n",
                List.of(ColumnDef.nullable("r", ColumnType.float32())), List.of(ConstraintSpec.foreignKey("n_fk", List.of("r"), "m", List.of("x")))));
        assertEquals("FOREIGN KEY n_fk of table n names column r of type REAL; REAL and DOUBLE columns cannot be key columns"
                + " (floating-point equality is not an identity: -0.0 = 0.0 and NaN <> NaN); use DECIMAL", fk.getMessage());
    }

    @Test
    void foreignKeyTypeCompatibility() {
        ColumnType[] ints = {ColumnType.int8(), ColumnType.int16(), ColumnType.int32(), ColumnType.int64(), ColumnType.decimal(12, 0)};
        for (ColumnType a : ints) {
            for (ColumnType b : ints) {
                assertEquals(true, ColumnType.canReference(a, b), a + " -> " + b);
            }
        }
        assertEquals(true, ColumnType.canReference(ColumnType.charOf(3), ColumnType.varchar()));
        assertEquals(true, ColumnType.canReference(ColumnType.decimal(10, 2), ColumnType.decimal(18, 2)));
        assertEquals(true, ColumnType.canReference(ColumnType.decimal(20, 2), ColumnType.decimal(38, 2)));
        assertEquals(true, ColumnType.canReference(ColumnType.varbinary(4), ColumnType.varbinary()));
        assertEquals(true, ColumnType.canReference(ColumnType.uuid(), ColumnType.uuid()));
        assertEquals(true, ColumnType.canReference(ColumnType.timestampTz(), ColumnType.timestampTz()));
        assertEquals(false, ColumnType.canReference(ColumnType.decimal(10, 2), ColumnType.decimal(20, 2)));
        assertEquals(false, ColumnType.canReference(ColumnType.decimal(10, 2), ColumnType.decimal(10, 3)));
        assertEquals(false, ColumnType.canReference(ColumnType.timestamp(), ColumnType.timestampTz()));
        assertEquals(false, ColumnType.canReference(ColumnType.date(), ColumnType.timestamp()));
        assertEquals(false, ColumnType.canReference(ColumnType.bool(), ColumnType.int8()));
        assertEquals(false, ColumnType.canReference(ColumnType.varchar(), ColumnType.varbinary()));
        assertEquals(false, ColumnType.canReference(ColumnType.uuid(), ColumnType.varbinary()));
        assertEquals(false, ColumnType.canReference(ColumnType.float64(), ColumnType.float64()));
        assertEquals(false, ColumnType.canReference(ColumnType.int32(), ColumnType.decimal(12, 2)));
    }

    /** Writes a 128-bit two's complement unscaled value straight into the vector's data buffer. */
    private static void setUnscaled(DecimalVector v, int row, BigInteger unscaled) {
        v.setSafe(row, BigDecimal.ZERO.setScale(v.getScale()));
        v.getDataBuffer().setLong(16L * row, unscaled.longValue());
        v.getDataBuffer().setLong(16L * row + 8, unscaled.shiftRight(64).longValue());
    }

    @Test
    void decimal38PrecisionAndBoundedBinaryAreChecked() throws Exception {
        Object[][] m = TypeCases.model(new Random(5), 4, 0, 0);
        int d128 = TypeCases.TABLE.columnIndex("d128");
        int bin = TypeCases.TABLE.columnIndex("bin");
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TypeCases.batch(allocator, m)) {
            // 10^34 unscaled with scale 4 = 10^30: 39 digits, one more than DECIMAL(38,4) holds
            BigInteger tooBig = BigInteger.TEN.pow(38);
            setUnscaled((DecimalVector) root.getVector(d128), 2, tooBig.negate()); // Arrow's setters refuse 39 digits
            try (TableWriter w = store.createTable(TypeCases.TABLE, ColumnStoreWriteHints.estimate(TypeCases.TABLE))) {
                ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.column(d128).appendBatch(root.getVector(d128), 0, 4));
                assertEquals("value out of range for column d128 (DECIMAL(38,4)): -10000000000000000000000000000000000.0000; row 2", e.getMessage());
                assertEquals(0, w.column(d128).rowCount());
                // the largest 38-digit value is admitted
                ((DecimalVector) root.getVector(d128)).setSafe(2, new BigDecimal(tooBig.subtract(BigInteger.ONE).negate(), 4));
                w.column(d128).appendBatch(root.getVector(d128), 0, 4);
                assertEquals(4, w.column(d128).rowCount());

                ((VarBinaryVector) root.getVector(bin)).setSafe(1, new byte[101]);
                root.getVector(bin).setValueCount(4);
                ColumnValueException b = assertThrows(ColumnValueException.class, () -> w.column(bin).appendBatch(root.getVector(bin), 0, 4));
                assertEquals("value too long for column bin (VARBINARY(100)): \\x" + "00".repeat(101) + " (101 bytes); row 1", b.getMessage());
                assertEquals(ColumnValueException.Reason.TOO_LONG, b.reason());
                w.abort();
            }
        }
    }
}
