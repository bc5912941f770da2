package dev.ingot.constraints.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ArrowRows;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The persisted key index ({@link KeyIndexWriter}, {@link KeyIndexSegment}, {@link KeyIndex}):
 * seeded appends of segments with deletions and re-inserted keys against a {@link HashMap} model,
 * for every key shape (one integer column, a pair that starts packed and migrates to hashed, text
 * with an integer, three columns), with tiny partitions so segments split into many; duplicates
 * within a segment; corrupted and truncated partitions with their exact messages.
 */
class KeyIndexTest {
    private static final Path FILE = Path.of("/store/store.ingot");
    private NativeAllocator memory;
    private BufferAllocator arrow;

    @BeforeEach
    void open() {
        memory = NativeAllocator.root("test", 1L << 30);
        arrow = TestAllocators.arrow();
    }

    @AfterEach
    void close() {
        arrow.close();
        memory.close();
    }

    static TableDef keyTable(String shape) {
        List<ColumnType> types;
        switch (shape) {
            case "long": types = List.of(ColumnType.int64()); break;
            case "pair": types = List.of(ColumnType.int64(), ColumnType.int32()); break;
            case "text": types = List.of(ColumnType.varchar(20), ColumnType.int32()); break;
            default: types = List.of(ColumnType.int32(), ColumnType.varchar(8), ColumnType.int64()); break;
        }
        List<ColumnDef> cols = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            cols.add(ColumnDef.nullable("k" + i, types.get(i)));
        }
        return new TableDef("t", cols, List.of());
    }

    private static List<Object> key(String shape, long n, boolean wide) {
        switch (shape) {
            case "long": return List.of(wide ? -n * 7919 : n);
            case "pair": return List.of(wide ? (n << 33) - 5 : n >> 3, (int) (n & 7));
            case "text": return List.of("key-" + n, (int) (n % 5));
            default: return List.of((int) (n % 3), "t" + (n % 11), n);
        }
    }

    static FieldVector[] cols(VectorSchemaRoot root) {
        FieldVector[] c = new FieldVector[root.getFieldVectors().size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = root.getVector(i);
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"long", "pair", "text", "three"})
    void randomSegmentsMatchAModel(String shape) throws Exception {
        long seed = TestSeed.seed("KeyIndexTest." + shape);
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            TableDef def = keyTable(shape);
            List<ColumnType> types = def.columns().stream().map(ColumnDef::type).toList();
            Map<List<Object>, Long> live = new HashMap<>();
            Set<Long> deleted = new HashSet<>();
            List<List<Object>> everInserted = new ArrayList<>();
            List<KeyIndexSegment> segments = new ArrayList<>();
            List<KeyIndexWriter> writers = new ArrayList<>();
            Map<Long, Object[]> stored = new HashMap<>();
            long runRows = 0;
            long nextRow = 0;
            long nextKey = 0;
            try {
                for (int seg = 0; seg < 5; seg++) {
                    // appends: fresh keys and keys whose row was deleted
                    int rows = 1 + rnd.nextInt(seg == 2 ? 3000 : 400);
                    List<Object[]> batch = new ArrayList<>();
                    Set<List<Object>> inBatch = new HashSet<>();
                    for (int r = 0; r < rows; r++) {
                        List<Object> k;
                        if (!everInserted.isEmpty() && rnd.nextInt(6) == 0) {
                            k = everInserted.get(rnd.nextInt(everInserted.size()));
                            if (live.containsKey(k) || inBatch.contains(k)) {
                                k = key(shape, nextKey++, seg == 3 && rnd.nextBoolean());
                            }
                        } else {
                            k = key(shape, nextKey++, seg == 3 && rnd.nextBoolean());
                        }
                        inBatch.add(k);
                        batch.add(k.toArray());
                    }
                    if (rnd.nextBoolean()) { // a NULL key row: never indexed
                        Object[] withNull = key(shape, nextKey++, false).toArray();
                        withNull[0] = null;
                        batch.add(withNull);
                    }
                    KeyIndexWriter w = new KeyIndexWriter(types, memory, rnd.nextBoolean() ? 0 : rows, true, 4096);
                    writers.add(w);
                    try (VectorSchemaRoot root = ArrowRows.root(arrow, def, batch.toArray(new Object[0][]))) {
                        int off = 0;
                        while (off < root.getRowCount()) {
                            int len = Math.min(root.getRowCount() - off, 1 + rnd.nextInt(1500));
                            assertEquals(-1, w.add(cols(root), off, len, nextRow + off));
                            off += len;
                        }
                    }
                    for (int r = 0; r < batch.size(); r++) {
                        Object[] row = batch.get(r);
                        stored.put(nextRow + r, row);
                        if (row[0] != null) {
                            List<Object> k = List.of(row);
                            live.put(k, nextRow + r);
                            everInserted.add(k);
                        }
                    }
                    nextRow += batch.size();
                    assertEquals(inBatch.size(), w.size());
                    // probe while pending, then store it
                    check(shape, def, types, segments, List.of(w), live, deleted, everInserted, rnd, nextKey);
                    for (ByteBuffer part : w.finish()) {
                        assertTrue(part.remaining() <= 48 + 4096 + 3072 + 4, "a partition blob stays within its bounds: " + part.remaining());
                    }
                    int runColumns = shape.equals("long") ? 1 : shape.equals("pair") ? 2 : 0;
                    segments.add(KeyIndexSegment.open(w.finish(), FILE, "segment " + seg, runColumns, scanOf(stored)));
                    runRows += segments.get(seg).sortedRunRows();
                    assertEquals(inBatch.size(), segments.get(seg).keyCount());
                    if (shape.equals("pair") && seg == 3) {
                        // the rows after the sorted run are hashed: exact slots unless one of them holds a pair beyond 32 bits
                        long inRun = segments.get(3).sortedRunRows();
                        boolean wideAfterRun = false;
                        long k = 0;
                        for (Object[] row : batch) {
                            if (row[0] != null && k++ >= inRun) {
                                long a = ((Number) row[0]).longValue();
                                wideAfterRun |= a != (int) a;
                            }
                        }
                        assertEquals(!wideAfterRun, segments.get(3).exact(), "a pair beyond 32 bits after the sorted run makes the segment HASHED");
                    }
                    // delete some live rows
                    List<List<Object>> keys = new ArrayList<>(live.keySet());
                    keys.sort((a, b) -> Long.compare(live.get(a), live.get(b)));
                    for (List<Object> k : keys) {
                        if (rnd.nextInt(5) == 0) {
                            deleted.add(live.remove(k));
                        }
                    }
                    check(shape, def, types, segments, List.of(), live, deleted, everInserted, rnd, nextKey);
                }
                assertTrue(segments.stream().anyMatch(s -> s.partitionCount() > 1), "tiny partitions split");
                if (shape.equals("long") || shape.equals("pair")) {
                    assertTrue(runRows > 0, "keys in order start a sorted run");
                } else {
                    assertEquals(0, runRows, "a key of text or three columns has no sorted run");
                }
            } finally {
                for (KeyIndexWriter w : writers) {
                    w.close();
                }
            }
        });
    }

    /** A {@link KeyRunSearch} over the model's stored rows: a linear scan, the oracle of a binary search. */
    private static KeyRunSearch scanOf(Map<Long, Object[]> stored) {
        return (a, b, from, to) -> {
            for (long r = from; r < to; r++) {
                Object[] row = stored.get(r);
                if (row[0] != null && ((Number) row[0]).longValue() == a && (row.length == 1 || ((Number) row[1]).longValue() == b)) {
                    return r;
                }
            }
            return -1;
        };
    }

    private void check(String shape, TableDef def, List<ColumnType> types, List<KeyIndexSegment> segments,
                       List<KeyIndexWriter> pending, Map<List<Object>, Long> live, Set<Long> deleted,
                       List<List<Object>> everInserted, Random rnd, long nextKey) {
        KeyIndex index = KeyIndex.of(types, segments, pending);
        List<Object[]> probes = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            List<Object> k;
            int pick = rnd.nextInt(4);
            if (pick < 2 && !everInserted.isEmpty()) {
                k = everInserted.get(rnd.nextInt(everInserted.size()));
            } else if (pick == 2) {
                k = key(shape, nextKey + rnd.nextInt(1000), rnd.nextBoolean());
            } else {
                Object[] n = key(shape, rnd.nextInt(1000), false).toArray();
                n[n.length - 1] = null;
                probes.add(n);
                expected.add(-1L);
                continue;
            }
            probes.add(k.toArray());
            expected.add(live.getOrDefault(k, -1L));
        }
        long[] got = new long[probes.size()];
        try (VectorSchemaRoot root = ArrowRows.root(arrow, def, probes.toArray(new Object[0][]))) {
            KeyIndex.Finder f = index.newFinder();
            f.find(cols(root), 0, probes.size(), deleted::contains, got);
            for (int i = 0; i < got.length; i++) {
                assertEquals((long) expected.get(i), got[i], "probe " + i + " " + java.util.Arrays.toString(probes.get(i)));
            }
            int firstPresent = expected.indexOf(expected.stream().filter(x -> x >= 0).findFirst().orElse(-2L));
            assertEquals(firstPresent, f.firstPresent(cols(root), 0, probes.size(), deleted::contains));
            int firstMissing = -1;
            for (int i = 0; i < got.length; i++) {
                boolean hasNull = false;
                for (Object o : probes.get(i)) {
                    hasNull |= o == null;
                }
                if (!hasNull && expected.get(i) < 0) {
                    firstMissing = i;
                    break;
                }
            }
            assertEquals(firstMissing, f.firstMissing(cols(root), 0, probes.size(), deleted::contains));
        }
    }

    @Test
    void aDuplicateWithinASegmentIsReportedAtItsRow() {
        TableDef def = keyTable("text");
        try (KeyIndexWriter w = new KeyIndexWriter(List.of(ColumnType.varchar(20), ColumnType.int32()), memory, 0);
             VectorSchemaRoot root = ArrowRows.root(arrow, def, new Object[] {"a", 1}, new Object[] {"a", null},
                     new Object[] {"a", null}, new Object[] {"b", 1}, new Object[] {"a", 1})) {
            assertEquals(4, w.add(cols(root), 0, 5, 100), "NULLs exempt; the second (a, 1) is row 4");
            assertEquals(2, w.size());
        }
    }

    @Test
    void damagedPartitionsAreRefusedWithTheirPlace() throws Exception {
        TableDef def = keyTable("long");
        try (KeyIndexWriter w = new KeyIndexWriter(List.of(ColumnType.int64()), memory, 3);
             VectorSchemaRoot root = ArrowRows.root(arrow, def, new Object[] {7L}, new Object[] {5L}, new Object[] {6L})) {
            w.add(cols(root), 0, 3, 0);
            assertEquals(1, w.sortedRunRows(), "7 starts the run, 5 breaks it");
            assertEquals(2, w.finish().size(), "the run, then one partition");
            ByteBuffer blob = w.finish().get(1);
            byte[] copy = new byte[blob.remaining()];
            blob.duplicate().get(copy);
            assertEquals(48 + 16 * 16 + 4, copy.length, "16 slots of 16 bytes, header and footer");

            byte[] flipped = copy.clone();
            flipped[48 + 3] ^= 1;
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class,
                    () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(flipped)), FILE, "table t key index t_pk segment 0"));
            assertEquals("table t key index t_pk segment 0 partition 0 at offset 304: key index partition CRC32C mismatch: stored 0x1f52ee93, computed 0x3ae91b48", e.detail());

            byte[] shortBlob = java.util.Arrays.copyOf(copy, 40);
            e = assertThrows(StoreCorruptedException.class,
                    () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(shortBlob)), FILE, "seg"));
            assertEquals("seg partition 0 at offset 0: key index partition of 40 bytes is shorter than its header and footer", e.detail());

            byte[] badMagic = copy.clone();
            badMagic[0] = 'X';
            e = assertThrows(StoreCorruptedException.class, () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(badMagic)), FILE, "seg"));
            assertTrue(e.detail().startsWith("seg partition 0 at offset 0: "), e.detail());

            e = assertThrows(StoreCorruptedException.class,
                    () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(copy), ByteBuffer.wrap(copy)), FILE, "seg"));
            assertEquals("seg partition 0: says partition 0 of 1 in mode 1, expected partition 0 of 2", e.detail(),
                    "a segment's partitions must be the ones it says");

            KeyIndexSegment ok = KeyIndexSegment.open(List.of(ByteBuffer.wrap(copy)), FILE, "seg");
            assertEquals(2, ok.keyCount());
            assertEquals(copy.length, ok.bytes());
        }
    }

    @Test
    void aDamagedSortedRunIsRefusedWithItsPlace() throws Exception {
        TableDef def = keyTable("pair");
        List<ColumnType> types = List.of(ColumnType.int64(), ColumnType.int32());
        try (KeyIndexWriter w = new KeyIndexWriter(types, memory, 0);
             VectorSchemaRoot root = ArrowRows.root(arrow, def, new Object[] {1L, 1}, new Object[] {1L, 2}, new Object[] {2L, 1})) {
            assertEquals(-1, w.add(cols(root), 0, 3, 10));
            assertEquals(3, w.sortedRunRows());
            assertEquals(3, w.allocatedBytes() > 0 ? w.size() : -1);
            List<ByteBuffer> blobs = w.finish();
            assertEquals(1, blobs.size(), "keys in order: the run alone, no partition");
            byte[] run = new byte[blobs.get(0).remaining()];
            blobs.get(0).duplicate().get(run);
            assertEquals(68, run.length);
            long[] asked = new long[4];
            KeyIndexSegment seg = KeyIndexSegment.open(List.of(ByteBuffer.wrap(run)), FILE, "seg", 2, (a, b, from, to) -> {
                asked[0] = a;
                asked[1] = b;
                asked[2] = from;
                asked[3] = to;
                return 11;
            });
            assertEquals(3, seg.keyCount());
            assertEquals(3, seg.sortedRunRows());
            long[] got = new long[2];
            try (VectorSchemaRoot probe = ArrowRows.root(arrow, def, new Object[] {1L, 2}, new Object[] {2L, 2})) {
                KeyIndex.of(types, List.of(seg), List.of()).newFinder().find(cols(probe), 0, 2, r -> false, got);
            }
            assertEquals(11, got[0], "a key inside the run goes to the search");
            assertEquals(List.of(1L, 2L, 10L, 13L), List.of(asked[0], asked[1], asked[2], asked[3]));
            assertEquals(-1, got[1], "(2, 2) is above the run's last key: a miss without a search");

            byte[] flipped = run.clone();
            flipped[20] ^= 1;
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class,
                    () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(flipped)), FILE, "table t key index t_pk", 2, KeyRunSearch.NONE));
            assertTrue(e.detail().startsWith("table t key index t_pk sorted run at offset 64: key index sorted run CRC32C mismatch"),
                    e.detail());
            e = assertThrows(StoreCorruptedException.class,
                    () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(run)), FILE, "seg", 1, KeyRunSearch.NONE));
            assertEquals("seg sorted run at offset 10: sorted run of 2 key columns, the key has 1", e.detail());
            e = assertThrows(StoreCorruptedException.class,
                    () -> KeyIndexSegment.open(List.of(ByteBuffer.wrap(run)), FILE, "seg", 0, KeyRunSearch.NONE));
            assertEquals("seg: a sorted run for a key that cannot have one (0 integer-like columns)", e.detail());
        }
    }

    @Test
    void aRunKeyRepeatedAfterTheBreakIsADuplicateUnlessItsRowIsDeleted() {
        TableDef def = keyTable("long");
        List<ColumnType> types = List.of(ColumnType.int64());
        try (KeyIndexWriter retained = new KeyIndexWriter(types, memory, 0);
             KeyIndexWriter loadOnly = new KeyIndexWriter(types, memory, 0, false);
             VectorSchemaRoot root = ArrowRows.root(arrow, def, new Object[] {3L}, new Object[] {5L}, new Object[] {9L},
                     new Object[] {4L}, new Object[] {5L})) {
            assertEquals(4, retained.add(cols(root), 0, 5, 0), "5 (row 1) is in the run: row 4 repeats it");
            assertEquals(3, retained.sortedRunRows());
            assertEquals(4, retained.size());
            assertEquals(-1, retained.add(cols(root), 4, 1, 4, r -> r == 1), "row 1 deleted: 5 may come again");
            long[] got = new long[5];
            KeyIndex.of(types, List.of(), List.of(retained)).newFinder().find(cols(root), 0, 5, r -> r == 1, got);
            assertEquals(List.of(0L, 4L, 2L, 3L, 4L), java.util.Arrays.stream(got).boxed().toList(), "the hashed 5 answers first");

            assertEquals(-1, loadOnly.add(cols(root), 0, 5, 0), "without the run's keys a repeat is not seen (the load's key set sees it)");
            IllegalStateException ise = assertThrows(IllegalStateException.class,
                    () -> KeyIndex.of(types, List.of(), List.of(loadOnly)).newFinder().find(cols(root), 0, 1, r -> false, got));
            assertEquals("this key index writer does not keep its sorted run's keys; it cannot find them", ise.getMessage());
        }
    }

    @Test
    void addDistinctHoldsEachKeyOnceWithItsFirstRowInOnePass() {
        TableDef def = keyTable("long");
        List<ColumnType> types = List.of(ColumnType.int64());
        try (KeyIndexWriter w = new KeyIndexWriter(types, memory, 0);
             VectorSchemaRoot root = ArrowRows.root(arrow, def, new Object[] {5L}, new Object[] {5L}, new Object[] {3L},
                     new Object[] {5L}, new Object[] {3L}, new Object[] {9L}, new Object[] {null}, new Object[] {9L},
                     new Object[] {1L})) {
            assertEquals(4, w.addDistinct(cols(root), 0, 9, 100), "5, 3, 9 and 1; repeats and the NULL skipped");
            assertEquals(0, w.addDistinct(cols(root), 3, 6, 103), "every key is held already");
            assertEquals(4, w.size());
            long[] got = new long[9];
            KeyIndex.of(types, List.of(), List.of(w)).newFinder().find(cols(root), 0, 9, r -> false, got);
            assertEquals(List.of(100L, 100L, 102L, 100L, 102L, 105L, -1L, 105L, 108L), java.util.Arrays.stream(got).boxed().toList(),
                    "each key at the first row that had it");
        }
    }
}
