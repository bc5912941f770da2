package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
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

/**
 * One column of every SQL type with a java.util model: random values (edge values included),
 * Arrow setters and getters, and the chunk stats each type must have, computed here from the
 * model values independently of the writer (Java comparisons on boxed values).
 */
final class TypeCases {
    /** A column: its definition and how to make, set, read and order its values. */
    record Case(ColumnDef def, java.util.function.Function<Random, Object> gen) {
        String name() {
            return def.name();
        }

        ColumnType.Kind kind() {
            return def.type().kind();
        }
    }

    static final String[] ALPHABET = TestData.ALPHABET;

    static final List<Case> CASES = List.of(
            new Case(ColumnDef.notNull("id", ColumnType.int64()), r -> null), // row id, set by the model
            new Case(ColumnDef.nullable("b", ColumnType.bool()), Random::nextBoolean),
            new Case(ColumnDef.nullable("i8", ColumnType.int8()), r -> pick(r, (byte) r.nextInt(), Byte.MIN_VALUE, Byte.MAX_VALUE)),
            new Case(ColumnDef.nullable("i16", ColumnType.int16()), r -> pick(r, (short) r.nextInt(), Short.MIN_VALUE, Short.MAX_VALUE)),
            new Case(ColumnDef.nullable("i32", ColumnType.int32()), r -> pick(r, r.nextInt(), Integer.MIN_VALUE, Integer.MAX_VALUE)),
            new Case(ColumnDef.nullable("i64", ColumnType.int64()), r -> pick(r, r.nextLong(), Long.MIN_VALUE, Long.MAX_VALUE)),
            new Case(ColumnDef.nullable("f32", ColumnType.float32()),
                    r -> pick(r, (r.nextFloat() - 0.5f) * 1e6f, -0.0f, 0.0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MAX_VALUE)),
            new Case(ColumnDef.nullable("f64", ColumnType.float64()),
                    r -> pick(r, r.nextGaussian() * 1e12, -0.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY, -Double.MAX_VALUE)),
            new Case(ColumnDef.nullable("d64", ColumnType.decimal(10, 3)),
                    r -> BigDecimal.valueOf(pick(r, r.nextLong() % 9_999_999_999L, 9_999_999_999L, -9_999_999_999L), 3)),
            new Case(ColumnDef.nullable("d128", ColumnType.decimal(38, 4)), r -> {
                BigInteger max = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);
                BigInteger v = new BigInteger(126, r).mod(BigInteger.TEN.pow(38));
                return new BigDecimal(pick(r, r.nextBoolean() ? v : v.negate(), max, max.negate(), BigInteger.valueOf(r.nextInt())), 4);
            }),
            new Case(ColumnDef.nullable("day", ColumnType.date()), r -> r.nextInt(80_000) - 30_000),
            new Case(ColumnDef.nullable("t", ColumnType.time()), r -> pick(r, (long) (r.nextDouble() * 86_400_000_000L), 0L, 86_399_999_999L)),
            new Case(ColumnDef.nullable("ts", ColumnType.timestamp()), r -> r.nextLong() >> 8),
            new Case(ColumnDef.nullable("tstz", ColumnType.timestampTz()), r -> r.nextLong() >> 8),
            new Case(ColumnDef.nullable("c", ColumnType.charOf(5)), r -> TestData.text(r, 5)),
            new Case(ColumnDef.nullable("vc", ColumnType.varchar(30)), r -> TestData.text(r, 30)),
            new Case(ColumnDef.nullable("txt", ColumnType.varchar()), r -> TestData.text(r, r.nextInt(10) == 0 ? 200 : 12)),
            new Case(ColumnDef.nullable("bin", ColumnType.varbinary(100)), r -> bytes(r, 100)),
            new Case(ColumnDef.nullable("blob", ColumnType.varbinary()), r -> r.nextInt(5) == 0 ? ffBytes(r) : bytes(r, 20)),
            new Case(ColumnDef.nullable("u", ColumnType.uuid()), r -> new UUID(r.nextLong(), r.nextLong())));

    static final TableDef TABLE = new TableDef("every_type",
            CASES.stream().map(Case::def).toList(), List.of(ConstraintSpec.primaryKey("every_type_pk", "id")));

    @SafeVarargs
    static <T> T pick(Random r, T usual, T... edges) {
        return r.nextInt(8) == 0 ? edges[r.nextInt(edges.length)] : usual;
    }

    static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }

    /** Sometimes 70 bytes of 0xFF (no bounded max exists), sometimes 0xFF.. then other bytes. */
    static byte[] ffBytes(Random r) {
        byte[] b = new byte[66 + r.nextInt(10)];
        Arrays.fill(b, (byte) 0xFF);
        if (r.nextBoolean()) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(255);
        }
        return b;
    }

    /** Rows of TABLE: values[column][row], null = SQL NULL. */
    static Object[][] model(Random r, int rows, double nullRate, long firstId) {
        Object[][] m = new Object[CASES.size()][rows];
        for (int i = 0; i < rows; i++) {
            m[0][i] = firstId + i;
            for (int c = 1; c < CASES.size(); c++) {
                m[c][i] = r.nextDouble() < nullRate ? null : CASES.get(c).gen().apply(r);
            }
        }
        return m;
    }

    /** A batch of every row of the model (caller closes). */
    static VectorSchemaRoot batch(BufferAllocator allocator, Object[][] m) {
        return batch(allocator, TABLE, m);
    }

    /** A batch of table {@code def} holding {@code m[column][row]} ({@link #set} per value; caller closes). */
    static VectorSchemaRoot batch(BufferAllocator allocator, TableDef def, Object[][] m) {
        VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), allocator);
        int rows = m[0].length;
        root.allocateNew();
        for (int c = 0; c < def.columns().size(); c++) {
            FieldVector v = root.getVector(c);
            for (int i = 0; i < rows; i++) {
                set(v, i, m[c][i]);
            }
            v.setValueCount(rows);
        }
        root.setRowCount(rows);
        return root;
    }

    static void set(FieldVector v, int i, Object x) {
        if (x == null) {
            if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
                f.setNull(i);
            } else {
                ((org.apache.arrow.vector.BaseVariableWidthVector) v).setNull(i);
            }
            return;
        }
        if (v instanceof BitVector b) b.setSafe(i, (Boolean) x ? 1 : 0);
        else if (v instanceof TinyIntVector t) t.setSafe(i, (Byte) x);
        else if (v instanceof SmallIntVector t) t.setSafe(i, (Short) x);
        else if (v instanceof IntVector t) t.setSafe(i, (Integer) x);
        else if (v instanceof BigIntVector t) t.setSafe(i, (Long) x);
        else if (v instanceof Float4Vector t) t.setSafe(i, (Float) x);
        else if (v instanceof Float8Vector t) t.setSafe(i, (Double) x);
        else if (v instanceof DecimalVector t) t.setSafe(i, (BigDecimal) x);
        else if (v instanceof DateDayVector t) t.setSafe(i, (Integer) x);
        else if (v instanceof TimeMicroVector t) t.setSafe(i, (Long) x);
        else if (v instanceof TimeStampMicroTZVector t) t.setSafe(i, (Long) x);
        else if (v instanceof TimeStampMicroVector t) t.setSafe(i, (Long) x);
        else if (v instanceof VarCharVector t) t.setSafe(i, ((String) x).getBytes(StandardCharsets.UTF_8));
        else if (v instanceof VarBinaryVector t) t.setSafe(i, (byte[]) x);
        else if (v instanceof FixedSizeBinaryVector t) t.setSafe(i, uuidBytes((UUID) x));
        else throw new IllegalArgumentException(v.getClass().getSimpleName());
    }

    /** The model value of row {@code i} of a scanned vector (same Java types as the generators). */
    static Object get(FieldVector v, int i) {
        if (v.isNull(i)) {
            return null;
        }
        if (v instanceof BitVector b) return b.get(i) == 1;
        if (v instanceof TinyIntVector t) return t.get(i);
        if (v instanceof SmallIntVector t) return t.get(i);
        if (v instanceof IntVector t) return t.get(i);
        if (v instanceof BigIntVector t) return t.get(i);
        if (v instanceof Float4Vector t) return t.get(i);
        if (v instanceof Float8Vector t) return t.get(i);
        if (v instanceof DecimalVector t) return t.getObject(i);
        if (v instanceof DateDayVector t) return t.get(i);
        if (v instanceof TimeMicroVector t) return t.get(i);
        if (v instanceof TimeStampMicroTZVector t) return t.get(i);
        if (v instanceof TimeStampMicroVector t) return t.get(i);
        if (v instanceof VarCharVector t) return new String(t.get(i), StandardCharsets.UTF_8);
        if (v instanceof VarBinaryVector t) return t.get(i);
        if (v instanceof FixedSizeBinaryVector t) {
            ByteBuffer b = ByteBuffer.wrap(t.get(i));
            return new UUID(b.getLong(), b.getLong());
        }
        throw new IllegalArgumentException(v.getClass().getSimpleName());
    }

    /**
     * Deletes the rows {@code deleted} picks among rows {@code [0, rows)} of {@code table} (row id
     * = row) in one transaction, then reads every row group through {@link TableReader#scan} and
     * {@link TableReader#readRowGroup} and asserts that they hold exactly the other rows, in order,
     * each equal to {@code row.apply(i)} column by column.
     */
    static void assertScanAfterDeleting(ColumnStore store, String table, int rows, java.util.function.IntPredicate deleted,
                                        java.util.function.IntFunction<Object[]> row) throws Exception {
        List<Integer> live = new java.util.ArrayList<>();
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            if (deleted.test(i)) {
                ids.add((long) i);
            } else {
                live.add(i);
            }
        }
        try (StoreTransaction tx = store.begin()) {
            assertEquals(ids.size(), tx.delete(table, ids.stream().mapToLong(Long::longValue).toArray()));
            tx.commit();
        }
        try (TableReader reader = store.openTable(table)) {
            java.util.Iterator<VectorSchemaRoot> scan = reader.scan(null);
            int seen = 0;
            for (int g = 0; g < reader.rowGroupCount(); g++) {
                try (VectorSchemaRoot scanned = scan.next(); VectorSchemaRoot group = reader.readRowGroup(g, null)) {
                    assertEquals(scanned.getRowCount(), group.getRowCount(), "row group " + g);
                    for (int r = 0; r < scanned.getRowCount(); r++) {
                        Object[] expected = row.apply(live.get(seen + r));
                        for (int c = 0; c < expected.length; c++) {
                            String at = "live row " + (seen + r) + " (row " + live.get(seen + r) + ") column " + c;
                            assertValue(expected[c], get(scanned.getVector(c), r), at + " scan");
                            assertValue(expected[c], get(group.getVector(c), r), at + " readRowGroup");
                        }
                    }
                    seen += scanned.getRowCount();
                }
            }
            assertEquals(live.size(), seen);
        }
    }

    static byte[] uuidBytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    /** Equality as SQL sees stored values: float bits compared exactly (NaN = NaN, -0.0 != 0.0), arrays by content. */
    static void assertValue(Object expected, Object actual, String at) {
        if (expected instanceof byte[] e) {
            assertEquals(HexFormat.of().formatHex(e), HexFormat.of().formatHex((byte[]) actual), at);
        } else if (expected instanceof Float f) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual), at);
        } else if (expected instanceof Double d) {
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual), at);
        } else {
            assertEquals(expected, actual, at);
        }
    }

    /** The order the stats use, on model values. */
    @SuppressWarnings("unchecked")
    static Comparator<Object> order(ColumnType.Kind kind) {
        switch (kind) {
            case FLOAT32: return (a, b) -> Double.compare((Float) a, (Float) b);
            case FLOAT64: return (a, b) -> Double.compare((Double) a, (Double) b);
            case BOOLEAN: return (a, b) -> Boolean.compare((Boolean) a, (Boolean) b);
            case CHAR:
            case VARCHAR: return (a, b) -> TestData.compareUtf8((String) a, (String) b);
            case VARBINARY: return (a, b) -> Arrays.compareUnsigned((byte[]) a, (byte[]) b);
            case UUID: return (a, b) -> Arrays.compareUnsigned(uuidBytes((UUID) a), uuidBytes((UUID) b));
            default: return (a, b) -> ((Comparable<Object>) a).compareTo(b);
        }
    }

    /** Asserts the stats of one chunk against the model values {@code values} (nulls included). */
    static void assertStats(Case col, List<Object> values, ChunkStats s, String at) {
        List<Object> nonNull = new ArrayList<>();
        for (Object v : values) {
            if (v != null) {
                nonNull.add(v);
            }
        }
        assertEquals(values.size(), s.rowCount(), at);
        assertEquals(values.size() - nonNull.size(), s.nullCount(), at);
        if (nonNull.isEmpty()) {
            assertEquals(false, s.hasMinMax(), at);
            return;
        }
        Comparator<Object> order = order(col.kind());
        Object min = nonNull.stream().min(order).orElseThrow();
        Object max = nonNull.stream().max(order).orElseThrow();
        boolean sorted = true;
        for (int i = 1; i < nonNull.size(); i++) {
            sorted &= order.compare(nonNull.get(i - 1), nonNull.get(i)) <= 0;
        }
        switch (col.kind()) {
            case FLOAT32:
            case FLOAT64:
                assertEquals(((Number) min).doubleValue(), s.minDouble(), at + " min");
                assertEquals(((Number) max).doubleValue(), s.maxDouble(), at + " max");
                assertEquals(sorted, s.sorted(), at + " sorted");
                break;
            case DECIMAL64:
            case DECIMAL128:
                assertEquals(((BigDecimal) min).unscaledValue(), s.minUnscaled(), at + " min");
                assertEquals(((BigDecimal) max).unscaledValue(), s.maxUnscaled(), at + " max");
                assertEquals(sorted, s.sorted(), at + " sorted");
                break;
            case UUID:
                assertEquals(min, s.minUuid(), at + " min");
                assertEquals(max, s.maxUuid(), at + " max");
                assertEquals(sorted, s.sorted(), at + " sorted");
                break;
            case CHAR:
            case VARCHAR:
                TestData.assertTextStats((String) min, (String) max, s, at);
                break;
            case VARBINARY:
                assertBinaryStats((byte[]) min, (byte[]) max, s, at);
                break;
            default:
                assertEquals(asLong(min), s.min(), at + " min");
                assertEquals(asLong(max), s.max(), at + " max");
                assertEquals(sorted, s.sorted(), at + " sorted");
                assertEquals(true, s.hasMinMax(), at);
        }
    }

    private static long asLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }

    /** The bounded-prefix rule on bytes (no character boundary for binary). */
    private static void assertBinaryStats(byte[] min, byte[] max, ChunkStats s, String at) {
        int last = 63;
        while (max.length > 64 && last >= 0 && max[last] == (byte) 0xFF) {
            last--;
        }
        if (max.length > 64 && last < 0) {
            assertEquals(false, s.hasMinMax(), at + ": a max of 64 x 0xFF has no bound");
            return;
        }
        assertEquals(true, s.hasMinMax(), at);
        assertEquals(HexFormat.of().formatHex(Arrays.copyOf(min, Math.min(64, min.length))), HexFormat.of().formatHex(s.minBytes()), at + " min");
        assertEquals(min.length <= 64, s.minExact(), at + " min exact");
        byte[] expectedMax = max;
        if (max.length > 64) {
            expectedMax = Arrays.copyOf(max, last + 1);
            expectedMax[last]++;
        }
        assertEquals(HexFormat.of().formatHex(expectedMax), HexFormat.of().formatHex(s.maxBytes()), at + " max");
        assertEquals(max.length <= 64, s.maxExact(), at + " max exact");
    }

    private TypeCases() {}
}
