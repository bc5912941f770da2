package dev.ingot.ingest;

import dev.ingot.ingest.cli.VerifyReportJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Arrow IPC files as a load source: written from the generator, loaded back, same verify document. */
class ArrowIpcSourceTest {
    private static final double SF = 0.01;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("test", 1L << 30);

    private String loadAndVerify(Path store, BulkLoader.SourceFactory sources) throws IOException {
        try (ColumnStore cs = ColumnStore.openOrCreate(store)) {
            LoadReport report = new BulkLoader(cs, mem.ingot(), LoadOptions.defaults()).load(TpchSchema.tables(), sources, t -> 0,
                    new BulkLoader.Progress() {});
            assertNull(report.failure(), () -> String.valueOf(report.failure()));
            return VerifyReportJson.toJson(StoreVerifier.verify(cs, mem.ingot()));
        }
    }

    @Test
    void ipcFilesLoadToTheSameStoreAsTheGenerator() throws Exception {
        Path dir = tmp.resolve("ipc");
        java.nio.file.Files.createDirectories(dir);
        long rows = 0;
        for (TableDef t : TpchSchema.tables()) {
            try (TpchGeneratorSource src = TpchGeneratorSource.open(mem.arrow(), t.name(), SF, 1000, 2)) {
                rows += ArrowIpcSource.write(src, t.arrowSchema(), dir.resolve(t.name() + ".arrow"), mem.arrow());
            }
        }
        assertEquals(86_805, rows);
        String fromIpc = loadAndVerify(tmp.resolve("a"), (def, batchRows, threads) ->
                ArrowIpcSource.open(mem.arrow(), def, dir.resolve(def.name() + ".arrow")));
        String fromGenerator = loadAndVerify(tmp.resolve("b"), (def, batchRows, threads) ->
                TpchGeneratorSource.open(mem.arrow(), def.name(), SF, batchRows, threads));
        assertEquals(fromGenerator, fromIpc);
    }

    @Test
    void schemaMismatchAndMissingFileAreNamed() throws Exception {
        Path file = tmp.resolve("region.arrow");
        try (TpchGeneratorSource src = TpchGeneratorSource.open(mem.arrow(), "region", SF, 1000, 1)) {
            ArrowIpcSource.write(src, TpchSchema.table("region").arrowSchema(), file, mem.arrow());
        }
        TableDef other = new TableDef("region", List.of(ColumnDef.notNull("r_regionkey", ColumnType.int32()),
                ColumnDef.notNull("r_name", ColumnType.charOf(25)), ColumnDef.notNull("r_comment", ColumnType.varchar(152))), List.of());
        IOException e = assertThrows(IOException.class, () -> ArrowIpcSource.open(mem.arrow(), other, file));
        assertEquals("Arrow IPC file " + file + " column 0 is r_regionkey Int(64, true), table region expects r_regionkey Int(32, true)",
                e.getMessage());
        Path missing = tmp.resolve("nation.arrow");
        NoSuchFileException m = assertThrows(NoSuchFileException.class,
                () -> ArrowIpcSource.open(mem.arrow(), TpchSchema.table("nation"), missing));
        assertEquals(missing + ": no such Arrow IPC file", m.getMessage());
    }
}
