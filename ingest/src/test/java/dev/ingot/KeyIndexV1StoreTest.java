package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.constraints.index.KeyIndexSegment;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose key indexes were written by commit c09841a (segments of hash partitions only,
 * before sorted runs) opens, answers lookups of every key, checks appends against those segments
 * and takes new segments (a sorted run for keys appended in order) beside them.
 * {@code keys-v1-store/store.ingot} was written by that commit's code with GenKeysV1 (beside it as
 * {@code GenKeysV1.java.txt}): o keys 1..300, l lines (i, 1..1 + i % 4), c names
 * {@code "name-" + i * 7919 % 1000}, appended in two transactions, then every o key divisible by
 * 10 deleted with its lines.
 */
class KeyIndexV1StoreTest {
    @TempDir
    Path dir;

    @Test
    void oldSegmentsAnswerLookupsAndTakeAppends() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/keys-v1-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults())) {
            assertEquals(List.of(0L, 0L), runRows(db, "o", "o_pkey"), "two old segments, no sorted run");
            checkAll(db, 300);
            // appends are checked against the old segments
            try (Transaction tx = db.begin(); VectorSchemaRoot o = db.batch("o", List.of(Arrays.asList(301L, 1L), Arrays.asList(5L, 1L)))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("o", o));
                assertEquals("duplicate key value violates PRIMARY KEY constraint \"o_pkey\" on table o: key (okey)=(5) already exists; row 1",
                        e.getMessage());
            }
            try (Transaction tx = db.begin(); VectorSchemaRoot l = db.batch("l", List.of(Arrays.asList(11L, 5L, 0L), Arrays.asList(20L, 1L, 0L)))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("l", l));
                assertEquals("insert into table l violates FOREIGN KEY constraint \"l_lkey_fkey\": key (lkey)=(20) is not present in table o; row 1",
                        e.getMessage(), "o 20 was deleted; (11, 5) is a new line of a live order");
            }
            try (Transaction tx = db.begin(); VectorSchemaRoot c = db.batch("c", List.of(Arrays.asList("name-" + (7 * 7919 % 1000), 0L)))) {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append("c", c));
                assertEquals("duplicate key value violates PRIMARY KEY constraint \"c_pkey\" on table c: key (name)=('name-433') already exists; row 0",
                        e.getMessage());
            }
            append(db, 301, 320);
            assertEquals(List.of(0L, 0L, 20L), runRows(db, "o", "o_pkey"), "keys appended in order: a sorted run beside the old segments");
            checkAll(db, 320);
        }
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults())) {
            checkAll(db, 320);
            append(db, 10, 10); // a deleted key inserted again, below the run's last key: a run of its own, not an extension
            assertEquals(List.of(0L, 0L, 20L, 1L), runRows(db, "o", "o_pkey"));
            assertEquals(Optional.of(70L), db.lookup("o", 10L).map(r -> r.get("v")));
        }
    }

    private static void append(Ingot db, int from, int to) throws Exception {
        List<List<Object>> o = new ArrayList<>();
        List<List<Object>> l = new ArrayList<>();
        List<List<Object>> c = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            o.add(Arrays.asList(i, i * 7));
            for (long ln = 1; ln <= 1 + i % 4; ln++) {
                l.add(Arrays.asList(i, ln, i * 10 + ln));
            }
            c.add(Arrays.asList("name-" + (i * 7919 % 1000 + (i > 300 ? 1000 : 0)), i));
        }
        try (Transaction tx = db.begin(); VectorSchemaRoot ob = db.batch("o", o); VectorSchemaRoot lb = db.batch("l", l);
             VectorSchemaRoot cb = db.batch("c", c)) {
            tx.append("o", ob);
            tx.append("l", lb);
            if (from > 300) {
                tx.append("c", cb);
            }
            tx.commit();
        }
    }

    /** Every key of the model: o and l keys 1..{@code upTo} except the deleted multiples of 10 up to 300. */
    private static void checkAll(Ingot db, int upTo) throws Exception {
        for (long i = 0; i <= upTo + 2; i++) {
            boolean live = i >= 1 && i <= upTo && (i % 10 != 0 || i > 300);
            Optional<Map<String, Object>> o = db.lookup("o", i);
            assertEquals(live ? Optional.of(i * 7) : Optional.empty(), o.map(r -> r.get("v")), "o " + i);
            for (long ln = 1; ln <= 5; ln++) {
                boolean lineLive = live && ln <= 1 + i % 4;
                assertEquals(lineLive ? Optional.of(i * 10 + ln) : Optional.empty(), db.lookup("l", i, ln).map(r -> r.get("q")),
                        "l (" + i + ", " + ln + ")");
            }
            if (i >= 1 && i <= 300) {
                assertEquals(Optional.of(i), db.lookup("c", "name-" + (i * 7919 % 1000)).map(r -> r.get("n")), "c " + i);
            }
        }
    }

    /** Per stored segment of the key, the rows of its sorted run, oldest first. */
    private static List<Long> runRows(Ingot db, String table, String key) throws Exception {
        try (NativeAllocator memory = NativeAllocator.root("check", 1L << 26);
             StoreSnapshot snapshot = db.store().snapshot();
             StoredTable stored = new StoredTable(snapshot, table, db.store().pager().file(), memory)) {
            StoredTable.Index idx = stored.index(key);
            assertTrue(idx.catchUp() == null, "every row is covered by a stored segment");
            List<Long> rows = new ArrayList<>();
            for (KeyIndexSegment s : idx.segments()) {
                rows.add(s.sortedRunRows());
            }
            return rows;
        }
    }
}
