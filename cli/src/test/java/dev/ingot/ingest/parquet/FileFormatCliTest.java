package dev.ingot.ingest.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TestMemory;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.robust.Fixtures;
import dev.ingot.testing.TestSeed;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingot load} of Parquet and Arrow IPC files through the CLI: {@code --format parquet} on a
 * file whose extension says nothing, the format inferred from {@code .parquet} and {@code .arrow},
 * with {@code --schema} and with {@code create} + {@code --table}. Each load is checked by its row
 * count in the store and by the sum and NULL count of a column, read back with {@code ingot scan}
 * and compared with the values the test generated (seeded; several row groups / record batches).
 */
class FileFormatCliTest {
    private static final String SCHEMA = "CREATE TABLE sales (id BIGINT PRIMARY KEY, qty INTEGER, note VARCHAR(20));\n";
    private static final MessageType PARQUET = Types.buildMessage()
            .required(PrimitiveTypeName.INT64).named("id")
            .optional(PrimitiveTypeName.INT32).named("qty")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("note")
            .named("sales");
    private static final int ROWS = 5000;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("file-format-cli", 256L << 20);

    /** The generated quantities (null every seventh row) and what scanning them back must give. */
    private record Sales(Integer[] qty, long sum, int nulls) {}

    private static Sales sales(long seed) {
        Random r = new Random(seed);
        Integer[] qty = new Integer[ROWS];
        long sum = 0;
        int nulls = 0;
        for (int i = 0; i < ROWS; i++) {
            if (i % 7 == 3) {
                nulls++;
            } else {
                qty[i] = r.nextInt(2_000_001) - 1_000_000;
                sum += qty[i];
            }
        }
        return new Sales(qty, sum, nulls);
    }

    private Path writeParquet(String name, Sales s) throws Exception {
        SimpleGroupFactory f = new SimpleGroupFactory(PARQUET);
        List<Group> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Group g = f.newGroup();
            g.add("id", (long) i + 1);
            if (s.qty()[i] != null) {
                g.add("qty", s.qty()[i]);
            }
            g.add("note", "n" + i);
            rows.add(g);
        }
        Path p = tmp.resolve(name);
        ParquetFiles.write(p, PARQUET, rows, CompressionCodecName.SNAPPY, 16 << 10, 4 << 10); // several row groups
        return p;
    }

    private Path writeArrow(String name, TableDef def, Sales s) throws Exception {
        Path p = tmp.resolve(name);
        try (VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), mem.arrow());
             FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
            w.start();
            int batch = 1000;
            for (int from = 0; from < ROWS; from += batch) {
                root.allocateNew();
                for (int i = 0; i < batch; i++) {
                    ((BigIntVector) root.getVector("id")).setSafe(i, from + i + 1);
                    Integer q = s.qty()[from + i];
                    if (q == null) {
                        ((IntVector) root.getVector("qty")).setNull(i);
                    } else {
                        ((IntVector) root.getVector("qty")).setSafe(i, q);
                    }
                    ((VarCharVector) root.getVector("note")).setSafe(i, ("n" + (from + i)).getBytes(StandardCharsets.UTF_8));
                }
                root.setRowCount(batch);
                w.writeBatch();
            }
            w.end();
        }
        return p;
    }

    /** Asserts {@code store} holds the ROWS rows of {@code s}: the row count, and qty's sum and NULLs as scanned back. */
    private static void assertLoaded(Path store, Sales s, String how) throws Exception {
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(ROWS, cs.table("sales").orElseThrow().rowCount(), how);
        }
        Fixtures.CliRun scan = Fixtures.cli("scan", "--store", store.toString(), "--table", "sales", "--columns", "qty");
        assertEquals(0, scan.exit(), scan.err());
        List<String> lines = scan.out().lines().toList();
        assertEquals("qty", lines.get(0));
        long sum = 0;
        int nulls = 0;
        for (String l : lines.subList(1, lines.size())) {
            if (l.isEmpty()) {
                nulls++;
            } else {
                sum += Long.parseLong(l);
            }
        }
        assertEquals(ROWS, lines.size() - 1, how);
        assertEquals(s.sum(), sum, how);
        assertEquals(s.nulls(), nulls, how);
    }

    private static void assertOk(Fixtures.CliRun r) {
        assertEquals(0, r.exit(), r.err());
    }

    /** What {@code inputBytesRead} reported while {@code file} loaded through {@link BulkLoader}. */
    private List<Long> bytesSeen(TableDef def, Path file, boolean parquet) throws Exception {
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("lib-" + file.getFileName()))) {
            LoadReport r = new BulkLoader(store, mem.ingot(), LoadOptions.defaults()).load(List.of(def),
                    (t, batchRows, threads) -> parquet ? ParquetSource.open(mem.arrow(), t, List.of(file), 700, 2)
                            : ArrowIpcSource.open(mem.arrow(), t, file),
                    x -> 0, new BulkLoader.Progress() {
                        @Override
                        public void inputBytesRead(String table, long bytesSoFar) {
                            seen.add(bytesSoFar);
                        }
                    });
            assertNull(r.failure());
            assertEquals(ROWS, store.table("sales").orElseThrow().rowCount());
        }
        return seen;
    }

    @Test
    void parquetAndArrowSourcesReportTheirProgressInFileBytes() throws Exception {
        Sales s = sales(7);
        TableDef def = SqlSchema.parse(SCHEMA, "s.sql").get(0);
        for (Path file : List.of(writeParquet("p.parquet", s), writeArrow("a.arrow", def, s))) {
            List<Long> seen = bytesSeen(def, file, file.toString().endsWith(".parquet"));
            assertEquals(Files.size(file), seen.get(seen.size() - 1).longValue(), file + " " + seen);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i) >= seen.get(i - 1), file + " " + seen);
            }
            assertTrue(seen.stream().distinct().count() > 2, file + " " + seen); // row group by row group, batch by batch
        }
    }

    @Test
    void parquetAndArrowFilesLoadByOptionAndByExtension() throws Exception {
        long seed = TestSeed.seed("FileFormatCliTest");
        TestSeed.run(seed, () -> {
            Sales s = sales(seed);
            Path schema = Files.writeString(tmp.resolve("s.sql"), SCHEMA);
            TableDef def = SqlSchema.parse(SCHEMA, "s.sql").get(0);
            Path parquet = writeParquet("sales.parquet", s);
            Path arrowFile = writeArrow("sales.arrow", def, s);
            Path neutral = Files.copy(parquet, tmp.resolve("sales.data"));

            // --schema, format from .parquet
            Path s1 = tmp.resolve("s1");
            assertOk(Fixtures.cli("load", "--store", s1.toString(), "--schema", schema.toString(), "--no-progress", "sales=" + parquet));
            assertLoaded(s1, s, ".parquet");

            // create + --table with --format parquet on a .data file
            Path s2 = tmp.resolve("s2");
            assertOk(Fixtures.cli("create", "--store", s2.toString(), schema.toString()));
            assertOk(Fixtures.cli("load", "--store", s2.toString(), "--table", "sales", "--format", "parquet", "--no-progress",
                    neutral.toString()));
            assertLoaded(s2, s, "--format parquet");

            // without --format the .data file is refused, naming the extensions it knows
            Path s3 = tmp.resolve("s3");
            assertOk(Fixtures.cli("create", "--store", s3.toString(), schema.toString()));
            Fixtures.CliRun unknown = Fixtures.cli("load", "--store", s3.toString(), "--table", "sales", "--no-progress", neutral.toString());
            assertEquals(1, unknown.exit());
            assertEquals("ingot: error: cannot tell the format of " + neutral + " from its extension (.csv .tsv .txt .tbl .parquet .arrow);"
                    + " give --format", unknown.err().lines().reduce((a, b) -> b).orElseThrow());

            // format from .arrow, into the table create made
            assertOk(Fixtures.cli("load", "--store", s3.toString(), "--table", "sales", "--no-progress", arrowFile.toString()));
            assertLoaded(s3, s, ".arrow");
        });
    }
}
