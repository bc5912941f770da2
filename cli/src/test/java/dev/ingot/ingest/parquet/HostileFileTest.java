package dev.ingot.ingest.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TestMemory;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.robust.Fixtures;
import dev.ingot.testing.TestSeed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and hostile Parquet and Arrow IPC files (issue 15): each is loaded as the second of two
 * tables (it references the first, so the first loads and commits before it), through the library
 * and through {@code ingot load}, and must fail with its exact message naming the file while the
 * first table stays committed (the CLI: exit 1, that one line, no stack trace). Damage is generated
 * from a valid file (seeded bytes for the footer garbage).
 */
class HostileFileTest {
    static final TableDef GOOD = new TableDef("good", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("s", ColumnType.varchar())),
            List.of(ConstraintSpec.primaryKey("good_pk", "id")));
    static final TableDef BAD = new TableDef("bad", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("s", ColumnType.varchar())),
            List.of(ConstraintSpec.primaryKey("bad_pk", "id"),
                    ConstraintSpec.foreignKey("bad_good_fk", List.of("id"), "good", List.of("id"))));
    static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("id")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("s")
            .named("t");
    static final int ROWS = 300;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("test", 256L << 20);

    private static List<Group> rows() {
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        List<Group> out = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Group g = f.newGroup();
            g.add("id", (long) i);
            g.add("s", "row " + i);
            out.add(g);
        }
        return out;
    }

    private Path validParquet(String name) throws IOException {
        Path p = tmp.resolve(name);
        ParquetFiles.write(p, SCHEMA, rows(), CompressionCodecName.UNCOMPRESSED, 1 << 20, 1 << 20);
        return p;
    }

    /** GOOD and BAD as DDL, for {@code ingot load --schema}. */
    static final String DDL = ""
            + "CREATE TABLE good (id BIGINT NOT NULL, s VARCHAR, CONSTRAINT good_pk PRIMARY KEY (id));\n"
            + "CREATE TABLE bad (id BIGINT NOT NULL, s VARCHAR, CONSTRAINT bad_pk PRIMARY KEY (id),\n"
            + "  CONSTRAINT bad_good_fk FOREIGN KEY (id) REFERENCES good (id));\n";

    /**
     * Loads good (from a valid file) then bad (from {@code badFile}) through {@link BulkLoader},
     * then the same through {@code ingot load --schema} (formats from the file extensions), and
     * returns the failure's message. Both must fail the same way, leaving good committed: the CLI
     * with exit status 1 and that message as its one error line, without a stack trace or an
     * {@code OutOfMemoryError}.
     */
    private String loadSecondFails(Path goodFile, Path badFile, boolean arrowIpc) throws Exception {
        String message = loadSecondFailsInProcess(goodFile, badFile, arrowIpc);
        assertEquals(List.of(GOOD, BAD), SqlSchema.parse(DDL, "s.sql"));
        Path schema = Files.writeString(tmp.resolve("s.sql"), DDL);
        Path store = tmp.resolve("cli-store");
        Fixtures.CliRun run = Fixtures.cli("load", "--store", store.toString(), "--schema", schema.toString(), "--no-progress",
                "bad=" + badFile, "good=" + goodFile);
        assertEquals(1, run.exit(), run.err());
        // parquet-format's Thrift messages may end with an object's identity hash ("...Scheme@1304dffc"), new per read
        List<String> errors = run.err().lines().filter(l -> l.startsWith("ingot: error")).map(l -> l.replaceAll("@[0-9a-f]+$", "@_")).toList();
        assertEquals(List.of(("ingot: error: " + message).replaceAll("@[0-9a-f]+$", "@_")), errors, run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("OutOfMemoryError"), run.err());
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(ROWS, cs.table("good").orElseThrow().rowCount(), "the first table stays committed (CLI)");
            assertTrue(cs.table("bad").isEmpty(), "the failed table is not committed (CLI)");
        }
        return message;
    }

    private String loadSecondFailsInProcess(Path goodFile, Path badFile, boolean arrowIpc) throws Exception {
        Path store = tmp.resolve("store");
        LoadReport report;
        try (ColumnStore cs = ColumnStore.openOrCreate(store)) {
            report = new BulkLoader(cs, mem.ingot(), LoadOptions.defaults()).load(List.of(GOOD, BAD),
                    (def, batchRows, threads) -> open(def, def == GOOD ? goodFile : badFile, arrowIpc, threads), x -> ROWS,
                    new BulkLoader.Progress() {});
        }
        assertNotNull(report.failure(), "the load of the hostile file must fail");
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(ROWS, cs.table("good").orElseThrow().rowCount(), "the first table stays committed");
            assertTrue(cs.table("bad").isEmpty(), "the failed table is not committed");
        }
        return report.failure().getMessage();
    }

    private BatchSource open(TableDef def, Path file, boolean arrowIpc, int threads) throws IOException {
        return arrowIpc ? ArrowIpcSource.open(mem.arrow(), def, file) : ParquetSource.open(mem.arrow(), def, List.of(file), 100, threads);
    }

    private static void patch(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    /** Overwrites {@code length} bytes at {@code offset} with bytes drawn from {@code seed}. */
    private static void patchGarbage(Path file, long offset, int length, long seed) throws IOException {
        byte[] garbage = new byte[length];
        new Random(seed).nextBytes(garbage);
        patch(file, offset, garbage);
    }

    /** Offset and length of the Parquet footer (the Thrift FileMetaData). */
    private static long[] footer(Path file) throws IOException {
        long size = Files.size(file);
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file)) {
            ch.read(b, size - 8);
        }
        int len = b.getInt(0);
        return new long[] {size - 8 - len, len};
    }

    /** Rewrites the Parquet footer as {@code edit} changes it (the file's data bytes stay). */
    private static void rewriteFooter(Path file, java.util.function.Consumer<FileMetaData> edit) throws IOException {
        long[] f = footer(file);
        byte[] all = Files.readAllBytes(file);
        FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(all, (int) f[0], (int) f[1]));
        edit.accept(meta);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(all, 0, (int) f[0]);
        ByteArrayOutputStream foot = new ByteArrayOutputStream();
        Util.writeFileMetaData(meta, foot);
        foot.writeTo(out);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(foot.size()).array());
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        Files.write(file, out.toByteArray());
    }

    @Test
    void parquetFooterOfSeededGarbage() throws Exception {
        long seed = TestSeed.seed("HostileFileTest footer garbage");
        TestSeed.run(seed, () -> {
            Path good = validParquet("good.parquet");
            Path bad = validParquet("bad.parquet");
            long[] f = footer(bad);
            patchGarbage(bad, f[0], (int) f[1], seed);
            String m = loadSecondFails(good, bad, false);
            assertTrue(m.startsWith("file " + bad + " is not a readable Parquet file: "), m);
        });
    }

    @Test
    void parquetTruncated() throws Exception {
        Path good = validParquet("good.parquet");
        Path bad = validParquet("bad.parquet");
        byte[] all = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(all, all.length * 2 / 3));
        assertEquals("file " + bad + " is not a readable Parquet file: it does not end with PAR1 (truncated?)",
                loadSecondFails(good, bad, false));
    }

    @Test
    void parquetFooterLengthClaimsMoreThanTheFile() throws Exception {
        Path good = validParquet("good.parquet");
        Path bad = validParquet("bad.parquet");
        patch(bad, Files.size(bad) - 8, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE).array());
        String m = loadSecondFails(good, bad, false);
        assertEquals("file " + bad + " is not a readable Parquet file: its footer length 2147483647 exceeds the file's "
                + Files.size(bad) + " bytes", m);
    }

    @Test
    void parquetColumnChunkClaimingPetabytes() throws Exception {
        Path good = validParquet("good.parquet");
        Path bad = validParquet("bad.parquet");
        rewriteFooter(bad, meta -> meta.getRow_groups().get(0).getColumns().get(1).getMeta_data()
                .setTotal_compressed_size(1L << 50));
        String m = loadSecondFails(good, bad, false);
        assertEquals("Parquet file " + bad + " row group 0 column s: column chunk at offset "
                + startOfColumn(bad, 1) + " of 1125899906842624 bytes lies outside the file's " + Files.size(bad) + " bytes", m);
    }

    @Test
    void parquetRowGroupClaimingNegativeRows() throws Exception {
        Path good = validParquet("good.parquet");
        Path bad = validParquet("bad.parquet");
        rewriteFooter(bad, meta -> meta.getRow_groups().get(0).setNum_rows(-5));
        assertEquals("Parquet file " + bad + " row group 0 claims -5 rows", loadSecondFails(good, bad, false));
    }

    private static long startOfColumn(Path file, int column) throws IOException {
        long[] f = footer(file);
        byte[] all = Files.readAllBytes(file);
        FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(all, (int) f[0], (int) f[1]));
        var md = meta.getRow_groups().get(0).getColumns().get(column).getMeta_data();
        return md.isSetDictionary_page_offset() ? Math.min(md.getDictionary_page_offset(), md.getData_page_offset())
                : md.getData_page_offset();
    }

    @Test
    void parquetPageHeaderLyingAboutItsSize() throws Exception {
        Path good = validParquet("good.parquet");
        Path bad = validParquet("bad.parquet");
        long at = startOfColumn(bad, 1);
        byte[] all = Files.readAllBytes(bad);
        ByteArrayInputStream in = new ByteArrayInputStream(all, (int) at, all.length - (int) at);
        PageHeader h = Util.readPageHeader(in);
        int headerLength = all.length - (int) at - in.available();
        int claimed = -1;
        // a larger compressed size whose encoding has the same length, so the page header stays in place
        for (int candidate = h.getCompressed_page_size() + 1; candidate < 1 << 28; candidate += 1 + candidate / 64) {
            h.setCompressed_page_size(candidate);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Util.writePageHeader(h, out);
            if (out.size() == headerLength) {
                claimed = candidate;
                System.arraycopy(out.toByteArray(), 0, all, (int) at, headerLength);
            }
        }
        assertTrue(claimed > 0);
        Files.write(bad, all);
        assertEquals("reading Parquet file " + bad + ", row group 0: a page runs past the end of its column chunk"
                + " (java.io.EOFException)", loadSecondFails(good, bad, false));
    }

    @Test
    void parquetSchemaNotMatchingTheTable() throws Exception {
        Path good = validParquet("good.parquet");
        Path bad = tmp.resolve("bad.parquet");
        MessageType other = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).named("id")
                .optional(PrimitiveTypeName.INT64).named("s")
                .named("t");
        SimpleGroupFactory f = new SimpleGroupFactory(other);
        Group g = f.newGroup();
        g.add("id", 1L);
        g.add("s", 2L);
        ParquetFiles.write(bad, other, List.of(g), CompressionCodecName.UNCOMPRESSED, 1 << 20, 1 << 20);
        assertEquals("Parquet file " + bad + " column s: table bad expects VARCHAR (Parquet binary (STRING)),"
                + " found optional int64 s", loadSecondFails(good, bad, false));
    }

    // ---- Arrow IPC ----

    private Path validArrow(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(GOOD.arrowSchema(), mem.arrow());
             FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
            w.start();
            for (int batch = 0; batch < 3; batch++) {
                root.allocateNew();
                for (int i = 0; i < ROWS / 3; i++) {
                    int id = batch * (ROWS / 3) + i;
                    ((BigIntVector) root.getVector("id")).setSafe(i, id);
                    ((VarCharVector) root.getVector("s")).setSafe(i, ("row " + id).getBytes(StandardCharsets.UTF_8));
                }
                root.setRowCount(ROWS / 3);
                w.writeBatch();
            }
            w.end();
        }
        return p;
    }

    @Test
    void arrowTruncated() throws Exception {
        Path good = validArrow("good.arrow");
        Path bad = validArrow("bad.arrow");
        byte[] all = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(all, all.length * 2 / 3));
        assertEquals("file " + bad + " is not a readable Arrow IPC file: missing Magic number"
                + " [0, 0, 0, 0, 0, 0, 0, 0, 0, -1]", loadSecondFails(good, bad, true));
    }

    @Test
    void arrowFooterOfSeededGarbage() throws Exception {
        long seed = TestSeed.seed("HostileFileTest arrow footer garbage");
        TestSeed.run(seed, () -> {
            Path good = validArrow("good.arrow");
            Path bad = validArrow("bad.arrow");
            long size = Files.size(bad);
            ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(bad)) {
                ch.read(len, size - 10);
            }
            patchGarbage(bad, size - 10 - len.getInt(0), len.getInt(0), seed);
            String m = loadSecondFails(good, bad, true);
            assertTrue(m.startsWith("file " + bad + " is not a readable Arrow IPC file: "), m);
        });
    }

    @Test
    void arrowRecordBatchClaimingPetabytes() throws Exception {
        Path good = validArrow("good.arrow");
        Path bad = validArrow("bad.arrow");
        ArrowBlock block;
        try (FileChannel ch = FileChannel.open(bad); ArrowFileReader r = new ArrowFileReader(ch, mem.arrow())) {
            block = r.getRecordBlocks().get(1);
        }
        // the footer's Block struct: offset (8), metadata length (4), padding (4), body length (8), little-endian
        ByteBuffer struct = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(block.getOffset()).putInt(block.getMetadataLength()).putInt(0).putLong(block.getBodyLength());
        byte[] all = Files.readAllBytes(bad);
        int at = indexOf(all, struct.array());
        assertTrue(at > 0);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(at + 16, 1L << 50);
        Files.write(bad, all);
        assertEquals("Arrow IPC file " + bad + " record batch 1 at offset " + block.getOffset() + " of "
                + block.getMetadataLength() + " + 1125899906842624 bytes lies outside the file's " + all.length + " bytes",
                loadSecondFails(good, bad, true));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
