package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.ingest.verify.ColumnProfile;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verify profile of every type, loaded through Arrow in (an Arrow IPC file through
 * {@link BulkLoader}), against values worked out by hand; and the JSON of a store written by
 * 01b76ed, byte for byte as that commit's verifier printed it.
 */
class EveryTypeVerifyTest {
    static final UUID LOW = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID HIGH = UUID.fromString("ffffffff-0000-0000-0000-000000000002");
    static final UUID MID = UUID.fromString("80000000-0000-0000-0000-000000000000"); // below LOW for UUID.compareTo (signed)
    static final BigInteger D38_MAX = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

    static final TableDef TABLE = new TableDef("t", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("b", ColumnType.bool()),
            ColumnDef.nullable("i8", ColumnType.int8()),
            ColumnDef.nullable("i16", ColumnType.int16()),
            ColumnDef.nullable("d38", ColumnType.decimal(38, 2)),
            ColumnDef.nullable("f32", ColumnType.float32()),
            ColumnDef.nullable("f64", ColumnType.float64()),
            ColumnDef.nullable("t", ColumnType.time()),
            ColumnDef.nullable("ts", ColumnType.timestamp()),
            ColumnDef.nullable("tz", ColumnType.timestampTz()),
            ColumnDef.nullable("u", ColumnType.uuid()),
            ColumnDef.nullable("vb", ColumnType.varbinary(3)),
            ColumnDef.nullable("vc", ColumnType.varchar())),
            List.of(ConstraintSpec.primaryKey("t_pk", "id"), ConstraintSpec.unique("t_u_vb_uk", "u", "vb")));

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("test", 1L << 30);

    /** Four rows; row 2 is NULL wherever a column admits NULL but a few columns keep values there. */
    private VectorSchemaRoot rows() {
        VectorSchemaRoot root = VectorSchemaRoot.create(TABLE.arrowSchema(), mem.arrow());
        root.allocateNew();
        for (int i = 0; i < 4; i++) {
            ((BigIntVector) root.getVector("id")).setSafe(i, i);
        }
        BitVector b = (BitVector) root.getVector("b");
        b.setSafe(0, 1);
        b.setSafe(1, 0);
        b.setNull(2);
        b.setSafe(3, 1);
        TinyIntVector i8 = (TinyIntVector) root.getVector("i8");
        i8.setSafe(0, Byte.MIN_VALUE);
        i8.setSafe(1, Byte.MAX_VALUE);
        i8.setSafe(2, 5);
        i8.setNull(3);
        SmallIntVector i16 = (SmallIntVector) root.getVector("i16");
        i16.setSafe(0, Short.MIN_VALUE);
        i16.setSafe(1, Short.MAX_VALUE);
        i16.setSafe(2, Short.MAX_VALUE);
        i16.setSafe(3, 1);
        DecimalVector d = (DecimalVector) root.getVector("d38");
        d.setSafe(0, new BigDecimal(D38_MAX, 2));
        d.setSafe(1, new BigDecimal(D38_MAX, 2));
        d.setSafe(2, new BigDecimal("-0.01"));
        d.setNull(3);
        Float4Vector f32 = (Float4Vector) root.getVector("f32");
        f32.setSafe(0, 1.5f);
        f32.setSafe(1, -0.0f);
        f32.setSafe(2, Float.NaN);
        f32.setNull(3);
        Float8Vector f64 = (Float8Vector) root.getVector("f64");
        f64.setSafe(0, 0.5);
        f64.setSafe(1, 0.25);
        f64.setSafe(2, Double.POSITIVE_INFINITY);
        f64.setSafe(3, -1024.0);
        TimeMicroVector t = (TimeMicroVector) root.getVector("t");
        t.setSafe(0, 0);
        t.setSafe(1, 86_399_999_999L);
        t.setNull(2);
        t.setSafe(3, 1);
        TimeStampMicroVector ts = (TimeStampMicroVector) root.getVector("ts");
        ts.setSafe(0, Long.MAX_VALUE);
        ts.setSafe(1, Long.MAX_VALUE);
        ts.setSafe(2, -5);
        ts.setNull(3);
        TimeStampMicroTZVector tz = (TimeStampMicroTZVector) root.getVector("tz");
        tz.setSafe(0, 1_700_000_000_000_000L);
        tz.setNull(1);
        tz.setNull(2);
        tz.setNull(3);
        FixedSizeBinaryVector u = (FixedSizeBinaryVector) root.getVector("u");
        u.setSafe(0, bytes(LOW));
        u.setSafe(1, bytes(HIGH));
        u.setNull(2);
        u.setSafe(3, bytes(MID));
        VarBinaryVector vb = (VarBinaryVector) root.getVector("vb");
        vb.setSafe(0, new byte[] {1, 2, 3});
        vb.setSafe(1, new byte[0]);
        vb.setNull(2);
        vb.setSafe(3, new byte[] {(byte) 0xFF});
        VarCharVector vc = (VarCharVector) root.getVector("vc");
        vc.setSafe(0, "héllo".getBytes(StandardCharsets.UTF_8));
        vc.setNull(1);
        vc.setSafe(2, new byte[0]);
        vc.setSafe(3, "x".getBytes(StandardCharsets.UTF_8));
        for (FieldVector v : root.getFieldVectors()) {
            v.setValueCount(4);
        }
        root.setRowCount(4);
        return root;
    }

    private static byte[] bytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    @Test
    void everyTypeLoadsThroughAnArrowIpcFileAndProfilesExactly() throws Exception {
        Path file = tmp.resolve("t.arrow");
        try (VectorSchemaRoot root = rows();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
            w.start();
            w.writeBatch();
            w.end();
        }
        Path store = tmp.resolve("store");
        try (ColumnStore cs = ColumnStore.openOrCreate(store)) {
            LoadReport report = new BulkLoader(cs, mem.ingot(), LoadOptions.defaults()).load(List.of(TABLE),
                    (def, batchRows, threads) -> ArrowIpcSource.open(mem.arrow(), def, file), x -> 0, new BulkLoader.Progress() {});
            assertNull(report.failure(), () -> String.valueOf(report.failure()));
        }
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            VerifyReport v = StoreVerifier.verify(cs, mem.ingot());
            assertEquals(List.of(), v.problems());
            // sums worked out by hand: i16 -32768 + 32767 + 32767 + 1; d38 2 * (10^38 - 1) - 1 (unscaled);
            // ts 2 * (2^63 - 1) - 5, past a long; f64 0.5 + 0.25 - 1024 (Infinity counted apart); b = TRUE count
            String expected = "{\"tables\":[{\"name\":\"t\",\"rows\":4,\"columns\":["
                    + "{\"name\":\"id\",\"type\":\"BIGINT\",\"nulls\":0,\"min\":0,\"max\":3,\"sum\":6},"
                    + "{\"name\":\"b\",\"type\":\"BOOLEAN\",\"nulls\":1,\"min\":false,\"max\":true,\"sum\":2},"
                    + "{\"name\":\"i8\",\"type\":\"TINYINT\",\"nulls\":1,\"min\":-128,\"max\":127,\"sum\":4},"
                    + "{\"name\":\"i16\",\"type\":\"SMALLINT\",\"nulls\":0,\"min\":-32768,\"max\":32767,\"sum\":32767},"
                    + "{\"name\":\"d38\",\"type\":\"DECIMAL(38,2)\",\"nulls\":1,\"min\":-1,\"max\":" + D38_MAX
                    + ",\"sum\":199999999999999999999999999999999999997},"
                    + "{\"name\":\"f32\",\"type\":\"REAL\",\"nulls\":1,\"min\":-0.0,\"max\":\"NaN\",\"sum\":1.5,\"nonFinite\":1},"
                    + "{\"name\":\"f64\",\"type\":\"DOUBLE\",\"nulls\":0,\"min\":-1024.0,\"max\":\"Infinity\",\"sum\":-1023.25,\"nonFinite\":1},"
                    + "{\"name\":\"t\",\"type\":\"TIME\",\"nulls\":1,\"min\":0,\"max\":86399999999,\"sum\":86400000000},"
                    + "{\"name\":\"ts\",\"type\":\"TIMESTAMP\",\"nulls\":1,\"min\":-5,\"max\":9223372036854775807,\"sum\":18446744073709551609},"
                    + "{\"name\":\"tz\",\"type\":\"TIMESTAMP WITH TIME ZONE\",\"nulls\":3,\"min\":1700000000000000,\"max\":1700000000000000,"
                    + "\"sum\":1700000000000000},"
                    + "{\"name\":\"u\",\"type\":\"UUID\",\"nulls\":1,\"min\":\"00000000-0000-0000-0000-000000000001\","
                    + "\"max\":\"ffffffff-0000-0000-0000-000000000002\"},"
                    + "{\"name\":\"vb\",\"type\":\"VARBINARY(3)\",\"nulls\":1,\"bytes\":4},"
                    + "{\"name\":\"vc\",\"type\":\"VARCHAR\",\"nulls\":1,\"bytes\":7}]}]}";
            assertEquals(expected, v.toJson());
            ColumnProfile f64 = v.table("t").orElseThrow().column("f64");
            assertEquals(new BigDecimal("-1023.25"), f64.sum());
            try (TableReader r = cs.openTable("t")) {
                assertEquals(new BigInteger("199999999999999999999999999999999999997"), StoreVerifier.profileColumn(r, "d38").sum());
            }
        }
    }

    @Test
    void storeWrittenByTheSecondChunkFormatVerifiesToTheSameJsonAsBefore() throws Exception {
        // plain version 2 chunks of every type, written by commit 4f75810 (before encodings)
        assertVerifiesAsBefore("v2-store", "/verify/v2-store-verify-4f75810.json");
    }

    @Test
    void storeWrittenByTheFirstChunkFormatVerifiesToTheSameJsonAsBefore() throws Exception {
        // written by commit 01b76ed
        assertVerifiesAsBefore("v1-store", "/verify/v1-store-verify-01b76ed.json");
    }

    /** The columnstore module's test resource store {@code storeDir} verifies to the JSON in resource {@code json}. */
    private void assertVerifiesAsBefore(String storeDir, String json) throws Exception {
        Path store = tmp.resolve(storeDir);
        Files.createDirectories(store);
        Files.copy(Path.of("..", "columnstore", "src", "test", "resources", storeDir, "store.ingot"), store.resolve("store.ingot"));
        String before;
        try (InputStream in = getClass().getResourceAsStream(json)) {
            before = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(before, StoreVerifier.verify(cs, mem.ingot()).toJson());
        }
    }
}
