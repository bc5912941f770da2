package dev.ingot.ingest.robust;

import dev.ingot.ingest.cli.VerifyReportJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corruption catalogue: a TPC-H SF0.01 store is loaded once; each case damages a copy of its
 * {@code store.ingot} (bit flips in each superblock, the key directory, the catalog and data
 * chunks; zeroed 4 KiB pages; truncation) and opens and verifies it. Acceptable outcomes only:
 * <ul>
 *   <li>open throws {@link StoreCorruptedException} naming the file and an offset,</li>
 *   <li>open succeeds and {@link StoreVerifier#verify} reports the damaged table and an offset,</li>
 *   <li>the damage is in an unused or superseded region and the store verifies with exactly the
 *       committed data (same verify document as the undamaged store).</li>
 * </ul>
 * Any other exception (or a JVM crash) fails. Structures are located with {@link StoreLayout},
 * which reads the documented on-disk formats; chunk owners come from the catalog.
 */
class CorruptionTest {
    private enum Outcome { DETECTED_AT_OPEN, DETECTED_BY_VERIFY, HARMLESS }

    /** The expected outcome of a case, or null when any acceptable outcome will do. */
    private record Case(String name, Outcome expected, String mustMention, Function<byte[], byte[]> damage) {}

    private static final int SEGMENT_BYTES = 16 << 20;
    private static final AtomicInteger TRIED = new AtomicInteger();
    private static final AtomicInteger DETECTED = new AtomicInteger();
    private static final AtomicInteger HARMLESS = new AtomicInteger();

    @TempDir
    static Path shared;

    private static byte[] base;
    private static StoreLayout layout;
    private static ByteBuffer baseBuffer;
    private static String baseJson;
    private static Map<String, Long> baseRows;
    /** Chunk pager keys per "table.column" of row group 0 and of the last row group. */
    private static Map<String, long[]> chunkKeys;
    /** Pager keys of the persisted key index partitions (one blob each). */
    private static List<Long> indexPartKeys;
    /** "table.column" of every chunk pager key. */
    private static Map<Long, String> chunkOwners;

    @BeforeAll
    static void loadOnce() throws IOException {
        Path store = shared.resolve("base");
        ColumnStoreOptions options = ColumnStoreOptions.defaults()
                .withPagerOptions(PagerOptions.defaults().withSegmentBytes(SEGMENT_BYTES).withSyncOnCommit(false));
        try (BufferAllocator arrow = TestAllocators.arrow(1L << 30);
             NativeAllocator memory = NativeAllocator.root("corruption", 1L << 30);
             ColumnStore cs = ColumnStore.openOrCreate(store, options)) {
            LoadReport r = new BulkLoader(cs, memory, LoadOptions.defaults()).load(TpchSchema.tables(),
                    (def, batchRows, threads) -> TpchGeneratorSource.open(arrow, def.name(), 0.01, batchRows, threads),
                    t -> 0, new BulkLoader.Progress() {});
            assertNull(r.failure());
        }
        // reopen twice: the first reopen frees the last superseded catalog and commits, so both
        // superblock slots then describe the complete store
        chunkKeys = new java.util.HashMap<>();
        chunkOwners = new java.util.HashMap<>();
        indexPartKeys = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (NativeAllocator memory = NativeAllocator.root("corruption", 1L << 30);
                 ColumnStore cs = ColumnStore.openOrCreate(store, Fixtures.NO_SYNC)) {
                VerifyReport v = StoreVerifier.verify(cs, memory);
                assertTrue(v.ok(), () -> v.problems().toString());
                baseJson = VerifyReportJson.toJson(v);
                baseRows = Fixtures.tableRows(cs);
                for (TableInfo t : cs.tables()) {
                    if (i == 1) {
                        for (dev.ingot.columnstore.IndexInfo idx : t.indexes()) {
                            for (long k : idx.partKeys()) {
                                indexPartKeys.add(k);
                            }
                        }
                    }
                    for (int c = 0; c < t.def().columns().size(); c++) {
                        chunkKeys.put(t.name() + "." + t.def().columns().get(c).name(), new long[] {
                                t.rowGroups().get(0).chunkKey(c), t.rowGroups().get(t.rowGroups().size() - 1).chunkKey(c)});
                        for (dev.ingot.columnstore.RowGroupInfo g : t.rowGroups()) {
                            chunkOwners.put(g.chunkKey(c), t.name() + "." + t.def().columns().get(c).name());
                        }
                    }
                }
            }
        }
        base = Files.readAllBytes(store.resolve(ColumnStore.STORE_FILE_NAME));
        baseBuffer = ByteBuffer.wrap(base);
        layout = StoreLayout.read(baseBuffer);
        assertTrue(layout.newestSlot >= 0 && layout.blobs.size() > 8, "layout of the base store not understood");
    }

    @AfterAll
    static void summary() {
        System.out.printf("corruption: %d files tried, %d detected, %d harmless%n", TRIED.get(), DETECTED.get(), HARMLESS.get());
    }

    // ---------------------------------------------------------------- damage helpers

    /** The little-endian int at {@code headerOffset} of a chunk's header in the clean store (a buffer offset field). */
    private static int chunkField(StoreLayout.Blob chunk, int headerOffset) {
        return java.nio.ByteBuffer.wrap(base).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt((int) (chunk.fileOffset() + headerOffset));
    }

    private static Function<byte[], byte[]> flip(long offset, int bit) {
        return b -> {
            b[(int) offset] ^= (byte) (1 << bit);
            return b;
        };
    }

    private static Function<byte[], byte[]> flips(long... offsets) {
        return b -> {
            for (long o : offsets) {
                b[(int) o] ^= 0x10;
            }
            return b;
        };
    }

    private static Function<byte[], byte[]> zeroPage(long offset) {
        long page = offset & ~4095L;
        return b -> {
            Arrays.fill(b, (int) page, (int) Math.min(b.length, page + 4096), (byte) 0);
            return b;
        };
    }

    private static Function<byte[], byte[]> truncate(long length) {
        return b -> Arrays.copyOf(b, (int) length);
    }

    private static StoreLayout.Blob blob(long key) {
        return layout.blobs.stream().filter(x -> x.key() == key).findFirst().orElseThrow();
    }

    /** The blob of row group 0 (or the last one) of {@code table.column}. */
    private static StoreLayout.Blob chunk(String tableColumn, boolean last) {
        return blob(chunkKeys.get(tableColumn)[last ? 1 : 0]);
    }

    private static StoreLayout.Blob largestChunk() {
        return layout.chunks(baseBuffer).stream().max(java.util.Comparator.comparingInt(StoreLayout.Blob::length)).orElseThrow();
    }

    private static String ownerOf(StoreLayout.Blob b) {
        String owner = chunkOwners.get(b.key());
        return owner.substring(0, owner.indexOf('.'));
    }

    // ---------------------------------------------------------------- the catalogue

    private static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        long newest = layout.newestSlot * 4096L;
        long older = (1 - layout.newestSlot) * 4096L;
        // superblocks: one slot damaged -> the other state; both -> typed error at offset 0
        cs.add(new Case("newest superblock: bit flip in epoch", Outcome.HARMLESS, null, flip(newest + 16, 0)));
        cs.add(new Case("newest superblock: bit flip in directory offset", Outcome.HARMLESS, null, flip(newest + 40, 3)));
        cs.add(new Case("newest superblock: bit flip in its CRC", Outcome.HARMLESS, null, flip(newest + 100, 7)));
        cs.add(new Case("older superblock: bit flip in magic", Outcome.HARMLESS, null, flip(older + 2, 1)));
        cs.add(new Case("both superblocks: bit flips", Outcome.DETECTED_AT_OPEN, "offset 0", flips(16, 4096 + 16)));
        cs.add(new Case("newest superblock: zeroed page", Outcome.HARMLESS, null, zeroPage(newest)));
        cs.add(new Case("both superblocks: zeroed pages", Outcome.DETECTED_AT_OPEN, "offset 0",
                zeroPage(0).andThen(zeroPage(4096))));
        // key directory (live one: open fails; a superseded one: unused)
        long dir = layout.directoryOffset;
        long dirLen = layout.directoryLength;
        cs.add(new Case("directory: bit flip in magic", Outcome.DETECTED_AT_OPEN, "offset " + dir, flip(dir + 1, 2)));
        cs.add(new Case("directory: bit flip in an entry's blob offset", Outcome.DETECTED_AT_OPEN, "offset",
                flip(dir + 16 + 24L * (layout.blobs.size() / 2) + 8, 5)));
        cs.add(new Case("directory: bit flip in an entry's length", Outcome.DETECTED_AT_OPEN, "offset",
                flip(dir + 16 + 24L * 3 + 16, 0)));
        cs.add(new Case("directory: bit flip in its footer CRC", Outcome.DETECTED_AT_OPEN, "offset", flip(dir + dirLen - 1, 6)));
        List<Long> dirs = StoreLayout.find(baseBuffer, "INGOTDIR");
        dirs.stream().filter(o -> o != dir).findFirst().ifPresent(old ->
                cs.add(new Case("superseded directory: bit flip", Outcome.HARMLESS, null, flip(old + 20, 1))));
        // catalog
        StoreLayout.Blob cat = layout.catalog();
        cs.add(new Case("catalog: bit flip in magic", Outcome.DETECTED_AT_OPEN, "offset " + cat.fileOffset(), flip(cat.fileOffset(), 0)));
        cs.add(new Case("catalog: bit flip in a table's row count", Outcome.DETECTED_AT_OPEN, "offset",
                flip(cat.fileOffset() + cat.length() / 2, 4)));
        cs.add(new Case("catalog: bit flip in its footer CRC", Outcome.DETECTED_AT_OPEN, "offset",
                flip(cat.fileOffset() + cat.length() - 2, 3)));
        // chunks: found by the verifier, which names table and offset
        StoreLayout.Blob liComment = chunk("lineitem.l_comment", false);
        cs.add(new Case("chunk lineitem.l_comment: bit flip in magic", Outcome.DETECTED_BY_VERIFY, "lineitem",
                flip(liComment.fileOffset(), 3)));
        cs.add(new Case("chunk lineitem.l_comment: bit flip in text data", Outcome.DETECTED_BY_VERIFY, "l_comment",
                flip(liComment.fileOffset() + liComment.length() - 100, 1)));
        StoreLayout.Blob ordDate = chunk("orders.o_orderdate", true);
        cs.add(new Case("chunk orders.o_orderdate (last row group): bit flip in row count", Outcome.DETECTED_BY_VERIFY, "orders",
                flip(ordDate.fileOffset() + 16, 0)));
        StoreLayout.Blob nationKey = chunk("nation.n_nationkey", false);
        cs.add(new Case("chunk nation.n_nationkey: bit flip in a key value", Outcome.DETECTED_BY_VERIFY, "nation",
                flip(nationKey.fileOffset() + nationKey.length() - 8, 0)));
        StoreLayout.Blob psSupp = chunk("partsupp.ps_suppkey", true);
        cs.add(new Case("chunk partsupp.ps_suppkey (last row group): bit flip in the validity bitmap", Outcome.DETECTED_BY_VERIFY,
                "partsupp", flip(psSupp.fileOffset() + chunkField(psSupp, 48), 2))); // ChunkFormat.OFF_VALIDITY_OFFSET
        StoreLayout.Blob rName = chunk("region.r_name", false);
        cs.add(new Case("chunk region.r_name: bit flip in text offsets", Outcome.DETECTED_BY_VERIFY, "region",
                flip(rName.fileOffset() + chunkField(rName, 56) + 4, 6))); // ChunkFormat.OFF_OFFSETS_OFFSET
        // key index partitions: found by the verifier (their CRC32C), naming the table and the index
        StoreLayout.Blob index = indexPart("INGOTKIX");
        cs.add(new Case("key index partition: bit flip in a slot", Outcome.DETECTED_BY_VERIFY, "key index",
                flip(index.fileOffset() + index.length() / 2, 4)));
        StoreLayout.Blob run = indexPart("INGOTKSR");
        cs.add(new Case("key index sorted run: bit flip in its row count", Outcome.DETECTED_BY_VERIFY, "key index",
                flip(run.fileOffset() + 24, 1)));
        StoreLayout.Blob big = largestChunk();
        // zeroed pages
        cs.add(new Case("zeroed page: first data page", null, null, zeroPage(8192)));
        cs.add(new Case("zeroed page: inside the largest chunk", Outcome.DETECTED_BY_VERIFY, ownerOf(big),
                zeroPage(big.fileOffset() + big.length() / 2)));
        cs.add(new Case("zeroed page: start of the catalog", Outcome.DETECTED_AT_OPEN, "offset", zeroPage(cat.fileOffset())));
        cs.add(new Case("zeroed page: start of the directory", Outcome.DETECTED_AT_OPEN, "offset", zeroPage(dir)));
        cs.add(new Case("zeroed page: after the committed data", Outcome.HARMLESS, null, zeroPage(layout.appendOffset + 4095)));
        cs.add(new Case("zeroed page: last page of the file", Outcome.HARMLESS, null, zeroPage(base.length - 1)));
        // truncation
        cs.add(new Case("truncated to 100 bytes", Outcome.DETECTED_AT_OPEN, "offset 100", truncate(100)));
        cs.add(new Case("truncated to 4096 bytes (one superblock)", Outcome.DETECTED_AT_OPEN, "offset", truncate(4096)));
        cs.add(new Case("truncated to 8192 bytes (no data)", Outcome.DETECTED_AT_OPEN, "offset", truncate(8192)));
        cs.add(new Case("truncated mid-chunk", Outcome.DETECTED_AT_OPEN, "offset", truncate(big.fileOffset() + big.length() / 2)));
        cs.add(new Case("truncated mid-directory", Outcome.DETECTED_AT_OPEN, "offset", truncate(dir + dirLen / 2)));
        cs.add(new Case("truncated 1 byte before the end of the committed data", Outcome.DETECTED_AT_OPEN, "offset",
                truncate(layout.appendOffset - 1)));
        cs.add(new Case("truncated at the end of the committed data", Outcome.HARMLESS, null, truncate(layout.appendOffset)));
        cs.add(new Case("truncated by one byte", Outcome.HARMLESS, null, truncate(base.length - 1)));
        // seeded random damage anywhere in the used part of the file: any acceptable outcome
        long seed = TestSeed.seed("CorruptionTest random damage", 20240601L);
        Random rnd = new Random(seed);
        for (int i = 0; i < 12; i++) {
            long at = (long) (rnd.nextDouble() * layout.appendOffset);
            cs.add(new Case("random bit flip #" + i + " at " + at + " (seed " + seed + ")", null, null, flip(at, rnd.nextInt(8))));
        }
        for (int i = 0; i < 4; i++) {
            long at = (long) (rnd.nextDouble() * layout.appendOffset);
            cs.add(new Case("random zeroed page #" + i + " at " + (at & ~4095L) + " (seed " + seed + ")", null, null, zeroPage(at)));
        }
        return cs;
    }

    @TestFactory
    Stream<DynamicTest> damagedStoresAreDetectedOrHarmless(@TempDir Path tmp) {
        List<Case> cs = cases();
        AtomicInteger n = new AtomicInteger();
        return cs.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path dir = tmp.resolve("case-" + n.incrementAndGet());
            Files.createDirectories(dir);
            Path file = dir.resolve(ColumnStore.STORE_FILE_NAME);
            Files.write(file, c.damage().apply(base.clone()));
            Outcome o = classify(dir, c.name(), c.mustMention());
            if (c.expected() != null) {
                assertEquals(c.expected(), o, c.name());
            }
            Fixtures.deleteTree(dir);
        }));
    }

    /** Opens and verifies a damaged copy; fails on anything but the three acceptable outcomes. */
    private static Outcome classify(Path dir, String name, String mustMention) throws IOException {
        TRIED.incrementAndGet();
        Path file = dir.resolve(ColumnStore.STORE_FILE_NAME);
        ColumnStore cs;
        try {
            cs = ColumnStore.openOrCreate(dir, Fixtures.NO_SYNC);
        } catch (StoreCorruptedException e) {
            assertTrue(e.getMessage().contains(file.toString()), () -> name + ": message does not name the file: " + e.getMessage());
            assertTrue(e.getMessage().contains("offset"), () -> name + ": message does not name an offset: " + e.getMessage());
            if (mustMention != null) {
                assertTrue(e.getMessage().contains(mustMention), () -> name + ": expected '" + mustMention + "' in: " + e.getMessage());
            }
            DETECTED.incrementAndGet();
            return Outcome.DETECTED_AT_OPEN;
        } catch (Throwable t) {
            throw new AssertionError(name + ": open threw " + t + " instead of StoreCorruptedException", t);
        }
        try (NativeAllocator memory = NativeAllocator.root("corruption", 1L << 30); ColumnStore store = cs) {
            VerifyReport v;
            try {
                v = StoreVerifier.verify(store, memory);
            } catch (Throwable t) {
                throw new AssertionError(name + ": verify threw " + t + " instead of reporting the problem", t);
            }
            if (!v.ok()) {
                String problems = String.join("\n", v.problems());
                assertTrue(v.problems().stream().anyMatch(p -> p.startsWith("table ") && p.contains("offset")),
                        () -> name + ": no problem names a table and an offset: " + problems);
                if (mustMention != null) {
                    assertTrue(problems.contains(mustMention), () -> name + ": expected '" + mustMention + "' in: " + problems);
                }
                DETECTED.incrementAndGet();
                return Outcome.DETECTED_BY_VERIFY;
            }
            assertEquals(baseRows, Fixtures.tableRows(store), name + ": store verifies but lost committed tables or rows");
            assertEquals(baseJson, VerifyReportJson.toJson(v), name + ": store verifies but its data changed (undetected corruption)");
            HARMLESS.incrementAndGet();
            return Outcome.HARMLESS;
        }
    }

    /** A zero-length store file is taken for a store being created: it opens as a new, empty store. */
    @Test
    void zeroLengthFileOpensAsANewEmptyStore(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve(ColumnStore.STORE_FILE_NAME), new byte[0]);
        try (ColumnStore cs = ColumnStore.openOrCreate(tmp, Fixtures.NO_SYNC)) {
            assertTrue(cs.tables().isEmpty());
        }
    }

    // ---------------------------------------------------------------- through the CLI

    private static Path damagedCopy(Path tmp, String name, Function<byte[], byte[]> damage) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.write(dir.resolve(ColumnStore.STORE_FILE_NAME), damage.apply(base.clone()));
        return dir;
    }

    @Test
    void cliVerifyReportsDamage(@TempDir Path tmp) throws IOException {
        Fixtures.CliRun healthy = Fixtures.cli("verify", "--store", damagedCopy(tmp, "healthy", b -> b).toString());
        assertEquals(0, healthy.exit(), healthy.err());
        assertTrue(healthy.out().contains("verified 8 tables"), healthy.out());

        StoreLayout.Blob liComment = chunk("lineitem.l_comment", false);
        Path chunkDamaged = damagedCopy(tmp, "chunk", flip(liComment.fileOffset() + liComment.length() - 100, 1));
        Fixtures.CliRun chunk = Fixtures.cli("verify", "--store", chunkDamaged.toString());
        assertEquals(1, chunk.exit(), chunk.out() + chunk.err());
        String chunkFile = chunkDamaged.resolve(ColumnStore.STORE_FILE_NAME).toString();
        assertTrue(chunk.err().contains("ingot: verify: table lineitem: store " + chunkFile + " is corrupted at offset "),
                chunk.err());
        assertTrue(chunk.err().contains("l_comment"), chunk.err());

        Path sbDamaged = damagedCopy(tmp, "superblocks", flips(16, 4096 + 16));
        Fixtures.CliRun sb = Fixtures.cli("verify", "--store", sbDamaged.toString());
        assertEquals(1, sb.exit());
        assertTrue(sb.err().startsWith("ingot: error: store " + sbDamaged.resolve(ColumnStore.STORE_FILE_NAME)
                + " is corrupted at offset 0: no valid superblock"), sb.err());

        StoreLayout.Blob big = largestChunk();
        Path truncated = damagedCopy(tmp, "truncated", truncate(big.fileOffset() + big.length() / 2));
        Fixtures.CliRun tr = Fixtures.cli("verify", "--store", truncated.toString());
        assertEquals(1, tr.exit());
        assertTrue(tr.err().startsWith("ingot: error: store " + truncated.resolve(ColumnStore.STORE_FILE_NAME)
                + " is corrupted at offset "), tr.err());
        assertFalse(tr.err().contains("Exception"), "the cause is printed as one line, without a stack trace: " + tr.err());
        TRIED.addAndGet(3);
        DETECTED.addAndGet(3);
    }

    /** The first key index blob with the magic {@code magic}. */
    private static StoreLayout.Blob indexPart(String magic) {
        for (long k : indexPartKeys) {
            StoreLayout.Blob b = blob(k);
            if (magic.equals(new String(base, (int) b.fileOffset(), 8, StandardCharsets.US_ASCII))) {
                return b;
            }
        }
        throw new AssertionError("no key index blob with magic " + magic);
    }

    /** The damage helpers really damage what they say (guards against a layout misread making every case harmless). */
    @Test
    void layoutIsUnderstood() {
        assertEquals(StoreLayout.CATALOG_MAGIC, StoreLayout.magicAt(baseBuffer, layout.catalog().fileOffset()));
        assertEquals(StoreLayout.CHUNK_MAGIC, StoreLayout.magicAt(baseBuffer, chunk("lineitem.l_comment", false).fileOffset()));
        assertEquals("INGOTDIR", new String(base, (int) layout.directoryOffset, 8, StandardCharsets.US_ASCII));
        assertTrue(layout.appendOffset <= base.length);
        assertTrue(indexPartKeys.size() >= 8, "every table's key index is stored: " + indexPartKeys);
        java.util.Set<String> magics = new java.util.TreeSet<>();
        for (long k : indexPartKeys) {
            magics.add(new String(base, (int) blob(k).fileOffset(), 8, StandardCharsets.US_ASCII));
        }
        assertEquals(java.util.Set.of("INGOTKIX", "INGOTKSR"), magics,
                "hash partitions (partsupp's key breaks its order) and sorted runs (the other keys arrive in order)");
        if (layout.chunks(baseBuffer).size() + 1 + indexPartKeys.size() != layout.blobs.size()) {
            fail("directory holds blobs that are neither chunks, key index partitions nor the catalog: " + layout.blobs.size());
        }
    }
}
