package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.ingest.tpch.TpchSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TblCacheTest {
    @Test
    void generatesOnceThenReusesAndRegeneratesWhenDamaged(@TempDir Path cache) throws Exception {
        TblCache.TblSet first = TblCache.ensure(cache, 0.001, 2);
        assertEquals(cache.resolve("tbl-sf0.001"), first.dir());
        for (String t : TpchSchema.tableNames()) {
            long expected = TpchSchema.rowCount(t, 0.001);
            if (expected >= 0) {
                assertEquals(expected, first.rowsPerTable().get(t), t);
            }
            assertEquals(Files.size(first.dir().resolve(t + ".tbl")), first.bytesPerTable().get(t));
        }
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "no temporary directory left behind");
        }
        Path orders = first.dir().resolve("orders.tbl");
        long stamp = Files.getLastModifiedTime(orders).toMillis();
        assertEquals(first, TblCache.ensure(cache, 0.001, 2));
        assertEquals(stamp, Files.getLastModifiedTime(orders).toMillis(), "not regenerated");

        Files.writeString(orders, "x", StandardOpenOption.APPEND);
        assertNull(TblCache.readValid(first.dir(), 0.001));
        TblCache.TblSet again = TblCache.ensure(cache, 0.001, 2);
        assertEquals(first.bytesPerTable(), again.bytesPerTable());
        assertNotNull(TblCache.readValid(first.dir(), 0.001));
        assertTrue(again.totalRows() > 8000);
    }

    @Test
    void scaleNames() {
        assertEquals("1", TblCache.formatScale(1.0));
        assertEquals("0.1", TblCache.formatScale(0.1));
        assertEquals("10", TblCache.formatScale(10));
    }
}
