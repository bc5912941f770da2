package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.internal.ColumnStoreImpl;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.pager.StoreCorruptedException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blobs of a persisted key index are checked in full (CRC32C) on their first read in an open
 * store, as chunks are ({@code ChunkVerification.FIRST_READ}), and not again by every transaction
 * or lookup that opens the index (a hash segment of 2^b partitions of up to 32 MiB each was read
 * in full twice per transaction before): damage present when the store opens is found and named,
 * and later opens of the same blobs skip the check.
 */
class KeyIndexFirstReadTest {
    @TempDir
    Path tmp;

    static final TableDef T = new TableDef("t",
            List.of(ColumnDef.notNull("k", ColumnType.int64()), ColumnDef.nullable("v", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("t_pk", "k")));

    /** A store whose key (in shuffled order) is a sorted run of one row and hash partitions; returns the keys. */
    private List<Long> fill(Path dir) throws Exception {
        List<Long> keys = new ArrayList<>();
        for (long k = 1; k <= 3000; k++) {
            keys.add(k * 7);
        }
        Collections.shuffle(keys, new Random(42));
        List<List<Object>> rows = new ArrayList<>();
        for (long k : keys) {
            rows.add(Arrays.asList(k, k + 1));
        }
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing())) {
            db.createTable(T);
            try (Transaction tx = db.begin(); VectorSchemaRoot root = ArrowValues.root(db.allocator(), T.columns(), rows)) {
                tx.append("t", root);
                tx.commit();
            }
        }
        return keys;
    }

    private static IndexInfo index(Ingot db) {
        List<IndexInfo> indexes = db.store().table("t").orElseThrow().indexes();
        assertEquals(1, indexes.size(), indexes.toString());
        return indexes.get(0);
    }

    @Test
    void aDamagedPartitionIsFoundOnItsFirstReadAndNamed() throws Exception {
        Path dir = tmp.resolve("db");
        fill(dir);
        long offset;
        String name;
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults())) {
            IndexInfo idx = index(db);
            assertTrue(idx.parts() >= 2, "a sorted run and hash partitions: " + idx);
            name = idx.name();
            offset = db.store().pager().blobFileOffset(idx.partKey(1));
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME).toFile(), "rw")) {
            long at = offset + 48 + 16 * 5; // a slot of the first partition
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x10);
        }
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults())) {
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> db.lookup("t", 7L));
            assertTrue(e.getMessage().contains("table t key index " + name + " blob 1 at offset "), e.getMessage());
            assertTrue(e.getMessage().contains(": key index partition CRC32C mismatch: stored 0x"), e.getMessage());
        }
    }

    @Test
    void eachBlobIsCheckedOncePerOpenStore() throws Exception {
        Path dir = tmp.resolve("db");
        List<Long> keys = fill(dir);
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults())) {
            ColumnStoreImpl store = (ColumnStoreImpl) db.store();
            int before = store.verifiedChunkCount();
            int parts = index(db).parts();
            for (int round = 0; round < 3; round++) { // each transaction opens the index again
                long k = keys.get(keys.size() - 1 - round); // a hashed key: found in a partition, no chunk is read
                try (Transaction tx = db.begin();
                     VectorSchemaRoot root = ArrowValues.root(db.allocator(), T.columns(), List.of(Arrays.asList(k, 0L)))) {
                    dev.ingot.ingest.TableLoadException e = assertThrows(dev.ingot.ingest.TableLoadException.class, () -> tx.append("t", root));
                    assertEquals("duplicate key value violates PRIMARY KEY constraint \"t_pk\" on table t: key (k)=(" + k
                            + ") already exists; row 0", e.getMessage());
                }
                // the first transaction checked the index's blobs and the store remembers them; later ones check nothing
                assertEquals(before + parts, store.verifiedChunkCount(), "round " + round);
            }
        }
    }
}
