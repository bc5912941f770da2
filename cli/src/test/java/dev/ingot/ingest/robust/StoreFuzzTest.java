package dev.ingot.ingest.robust;

import dev.ingot.ingest.cli.VerifyReportJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.ingest.ConstraintMode;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.KeySetAssertions;
import dev.ingot.ingest.TableInserter;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.testing.TestAllocators;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Fuzz test of store files: a small valid store (two tables with a PRIMARY KEY, a FOREIGN KEY,
 * every column kind, nulls, several row groups, 1 MiB segments, so the whole file is 1 MiB) is
 * damaged as the input says, written to a reused file, then opened, read back table by table
 * (checksums and every row group) and verified. The only acceptable outcomes are success and
 * {@link StoreCorruptedException}; any other throwable (or a JVM crash) is a finding. Beyond that:
 * damage found while reading means verify must report a problem; a store that verifies OK must
 * produce exactly the seed's verify document (no value silently changed); damage confined to the
 * encoded bytes of one superblock slot (not re-sealed) must open the other slot and verify OK.
 *
 * <h2>Input format</h2>
 * <pre>
 * byte 0        flags: 0x01 re-seal every checksum after patching (so the damage gets past the
 *               CRCs and reaches the decoders' structural checks), 0x02 truncate
 * bytes 1..3    if truncating: file length, big-endian u24, modulo (file length + 1)
 * then n x 5    patches: region (u8, modulo the region count), offset in the region (u24 BE,
 *               modulo its length), value (u8: XORed in; 0 sets the byte to 0); at most 64
 * </pre>
 * Regions: 0 superblock slot 0 [0, 104), 1 slot 1 [4096, 4200), 2 the live key directory,
 * 3 the catalog blob, 4 the used file [0, appendOffset), 5.. each column chunk blob.
 * An empty input or flags without patches leave the store intact, and it must then verify OK.
 *
 * <h2>Modes</h2>
 * Without {@code JAZZER_FUZZ} (CI) Jazzer replays the seed corpus in
 * {@code src/test/resources/dev/ingot/ingest/robust/StoreFuzzTestInputs/openAndVerifyDamagedStore/}
 * (regression mode, a second or two). To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl cli -am test -Dtest=StoreFuzzTest -Dsurefire.failIfNoSpecifiedTests=false} (stops after
 * {@code maxDuration}; findings are written next to the seeds as {@code crash-*} files and then
 * replayed in regression mode).
 *
 * <p>Buffers are reused across inputs (one work array, one allocator), and the store file is
 * overwritten in place, so long fuzzing runs stay at a constant footprint.
 */
class StoreFuzzTest {
    private static final int SEGMENT_BYTES = 1 << 20;
    private static final int MAX_PATCHES = 64;
    /** Bytes of a superblock slot that are encoded (fields and CRC32C); the rest of the slot is zero. */
    private static final int SUPERBLOCK_ENCODED_BYTES = 104;
    private static final ColumnStoreOptions OPTIONS = ColumnStoreOptions.defaults()
            .withPagerOptions(PagerOptions.defaults().withSegmentBytes(SEGMENT_BYTES).withSyncOnCommit(false))
            .withStagingLimitBytes(64L << 20);

    static final TableDef PARENT = new TableDef("p", List.of(
            ColumnDef.notNull("p_id", ColumnType.int64()),
            ColumnDef.notNull("p_name", ColumnType.varchar(20)),
            ColumnDef.notNull("p_amount", ColumnType.decimal(15, 2)),
            ColumnDef.nullable("p_day", ColumnType.date()),
            ColumnDef.notNull("p_code", ColumnType.charOf(3))),
            List.of(ConstraintSpec.primaryKey("p_pk", "p_id")));
    static final TableDef CHILD = new TableDef("c", List.of(
            ColumnDef.notNull("c_id", ColumnType.int64()),
            ColumnDef.notNull("c_pid", ColumnType.int64()),
            ColumnDef.nullable("c_n", ColumnType.int32()),
            ColumnDef.notNull("c_note", ColumnType.varchar(30))),
            List.of(ConstraintSpec.primaryKey("c_pk", "c_id"),
                    ConstraintSpec.foreignKey("c_p_fk", List.of("c_pid"), "p", List.of("p_id"))));

    /** The seed store, built once per JVM. */
    private static final class Seed {
        /** Built by the outer class: lambdas defined here would run on loader threads during this class's initialization (deadlock). */
        static final Seed INSTANCE = buildSeed();

        final byte[] file;
        final long[][] regions; // {start, length}
        final Path work;
        final byte[] buffer;
        /** What {@code verify --json} prints for the intact seed store. */
        final String verifyJson;
        final NativeAllocator memory = NativeAllocator.root("store-fuzz", 256L << 20);

        Seed(byte[] file, long[][] regions, Path work, String verifyJson) {
            this.file = file;
            this.regions = regions;
            this.work = work;
            this.verifyJson = verifyJson;
            this.buffer = new byte[file.length];
        }

        /**
         * Whether the damage in {@link #buffer} (of {@code length} bytes) lies only in the encoded
         * bytes of one superblock slot, with nothing re-sealed: the slot's CRC32C then fails and
         * the pager must open the other slot's state, which verifies like the seed.
         */
        boolean damagedOneSuperblockSlotOnly(byte[] in, int length) {
            if (length != file.length || (in.length > 0 && (in[0] & 0x01) != 0)) {
                return false;
            }
            int first = -1;
            int last = -1;
            for (int i = 0; i < file.length; i++) {
                if (buffer[i] != file[i]) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            return first >= 0 && (last < SUPERBLOCK_ENCODED_BYTES
                    || (first >= PagerOptions.SUPERBLOCK_BYTES && last < PagerOptions.SUPERBLOCK_BYTES + SUPERBLOCK_ENCODED_BYTES));
        }

        /** Applies the input to a copy of the seed file in {@link #buffer}; returns the file length. */
        int damage(byte[] in) {
            System.arraycopy(file, 0, buffer, 0, file.length);
            if (in.length == 0) {
                return file.length;
            }
            int flags = in[0];
            int p = 1;
            int length = file.length;
            if ((flags & 0x02) != 0 && in.length >= 4) {
                length = (int) (u24(in, 1) % (file.length + 1L));
                p = 4;
            }
            for (int n = 0; p + 5 <= in.length && n < MAX_PATCHES; p += 5, n++) {
                long[] r = regions[(in[p] & 0xff) % regions.length];
                if (r[1] <= 0) {
                    continue;
                }
                int at = (int) (r[0] + u24(in, p + 1) % r[1]);
                int v = in[p + 4] & 0xff;
                buffer[at] = v == 0 ? 0 : (byte) (buffer[at] ^ v);
            }
            if ((flags & 0x01) != 0) {
                StoreLayout.reseal(ByteBuffer.wrap(buffer, 0, file.length).slice());
            }
            return length;
        }

        private static long u24(byte[] in, int at) {
            return ((in[at] & 0xffL) << 16) | ((in[at + 1] & 0xffL) << 8) | (in[at + 2] & 0xffL);
        }
    }

    private static Seed buildSeed() {
        try {
            Path dir = Files.createTempDirectory("ingot-store-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Fixtures.deleteTree(dir)));
            Path tbl = dir.resolve("tbl");
            Files.createDirectories(tbl);
            StringBuilder p = new StringBuilder();
            for (int i = 1; i <= 1500; i++) {
                p.append(i).append('|').append("name ").append(i * 7919 % 1000).append('|')
                        .append(i * 37 % 100000).append('.').append(i % 100 < 10 ? "0" : "").append(i % 100).append('|')
                        .append(i % 5 == 0 ? "" : "2020-0" + (1 + i % 9) + "-1" + (i % 10)).append('|')
                        .append((char) ('A' + i % 26)).append("X").append(i % 10).append("|\n");
            }
            Files.writeString(tbl.resolve("p.tbl"), p, StandardCharsets.UTF_8);
            StringBuilder c = new StringBuilder();
            for (int i = 1; i <= 2500; i++) {
                c.append(i * 3).append('|').append(1 + i * 13 % 1500).append('|').append(i % 7 == 0 ? "" : Integer.toString(i - 1250))
                        .append('|').append(i % 11 == 0 ? "" : "n\u00f6te " + i).append("|\n");
            }
            Files.writeString(tbl.resolve("c.tbl"), c, StandardCharsets.UTF_8);
            Path store = dir.resolve("seed");
            try (BufferAllocator arrow = TestAllocators.arrow(256L << 20);
                 NativeAllocator memory = NativeAllocator.root("seed", 256L << 20);
                 ColumnStore cs = ColumnStore.openOrCreate(store, OPTIONS)) {
                // small chunks (1024 rows) so each table has several row groups in the 1 MiB segment
                try (ConstraintService constraints = new ConstraintService(memory)) {
                    constraints.planLoad(List.of(PARENT, CHILD));
                    for (TableDef def : List.of(PARENT, CHILD)) {
                        ColumnStoreWriteHints hints = ColumnStoreWriteHints.estimate(def).withChunkRows(1024).withBatchRows(700);
                        try (TableInserter inserter = TableInserter.begin(cs, constraints, def, hints, ConstraintMode.IMMEDIATE, 0);
                             TblFileSource source = TblFileSource.open(arrow, def, tbl.resolve(def.name() + ".tbl"), 700, 1)) {
                            InsertSource.ArrowBatch batch;
                            while ((batch = source.next()) != null) {
                                try (InsertSource.ArrowBatch b = batch) {
                                    inserter.insert(b);
                                }
                            }
                            inserter.commit();
                        }
                    }
                    KeySetAssertions.assertReleased(constraints);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            String verifyJson;
            try (NativeAllocator memory = NativeAllocator.root("seed", 256L << 20);
                 ColumnStore cs = ColumnStore.openOrCreate(store, OPTIONS)) { // commits the sweep of the superseded catalog
                VerifyReport v = StoreVerifier.verify(cs, memory);
                assertTrue(v.ok(), () -> v.problems().toString());
                assertEquals(2, cs.tables().size());
                assertEquals(1500, cs.table("p").orElseThrow().rowCount());
                assertEquals(2500, cs.table("c").orElseThrow().rowCount());
                verifyJson = VerifyReportJson.toJson(v);
            }
            byte[] file = Files.readAllBytes(store.resolve(ColumnStore.STORE_FILE_NAME));
            assertTrue(file.length <= SEGMENT_BYTES, "the seed store must fit one segment: " + file.length);
            ByteBuffer fb = ByteBuffer.wrap(file);
            StoreLayout layout = StoreLayout.read(fb);
            List<long[]> regions = new ArrayList<>();
            regions.add(new long[] {0, 104});
            regions.add(new long[] {4096, 104});
            regions.add(new long[] {layout.directoryOffset, layout.directoryLength});
            StoreLayout.Blob cat = layout.catalog();
            regions.add(new long[] {cat.fileOffset(), cat.length()});
            regions.add(new long[] {0, layout.appendOffset});
            for (StoreLayout.Blob b : layout.chunks(fb)) {
                regions.add(new long[] {b.fileOffset(), b.length()});
            }
            Path work = dir.resolve("work");
            Files.createDirectories(work);
            return new Seed(file, regions.toArray(new long[0][]), work, verifyJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void openAndVerifyDamagedStore(byte[] input) throws IOException {
        Seed seed = Seed.INSTANCE;
        int length = seed.damage(input);
        boolean intact = length == seed.file.length && java.util.Arrays.equals(seed.buffer, seed.file);
        Path file = seed.work.resolve(ColumnStore.STORE_FILE_NAME);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer src = ByteBuffer.wrap(seed.buffer, 0, length);
            long pos = 0;
            while (src.hasRemaining()) {
                pos += ch.write(src, pos);
            }
            ch.truncate(length);
        }
        boolean oneSlot = seed.damagedOneSuperblockSlotOnly(input, length);
        ColumnStore cs;
        try {
            cs = ColumnStore.openOrCreate(seed.work, OPTIONS);
        } catch (StoreCorruptedException expected) {
            assertFalse(intact, () -> "the intact seed store failed to open: " + expected);
            assertFalse(oneSlot, () -> "damage confined to one superblock slot must fall back to the other slot, but open failed: "
                    + expected);
            return;
        }
        // only StoreCorruptedException is an acceptable failure while reading: anything else (an
        // IndexOutOfBoundsException from a decoder, an IllegalStateException ...) propagates and
        // fails the input
        boolean damaged = false;
        try (ColumnStore store = cs) {
            for (TableInfo t : store.tables()) {
                try (TableReader r = store.openTable(t.name())) {
                    r.verifyChecksums();
                    long rows = 0;
                    for (int g = 0; g < r.rowGroupCount(); g++) {
                        try (VectorSchemaRoot root = r.readRowGroup(g, null)) {
                            rows += root.getRowCount();
                        }
                    }
                    if (rows != t.rowCount()) {
                        damaged = true;
                    }
                } catch (StoreCorruptedException expected) {
                    damaged = true;
                }
            }
            VerifyReport v = StoreVerifier.verify(store, seed.memory); // collects problems; must not throw
            if (damaged) {
                assertFalse(v.ok(), "reading found damage but verify reported none");
            }
            if (intact || oneSlot) {
                assertTrue(v.ok() && !damaged, () -> (intact ? "the intact seed store" : "the store with one damaged superblock slot")
                        + " does not verify: " + v.problems());
            }
            if (v.ok()) {
                // damage that verify does not see must not have changed a single value either
                assertEquals(seed.verifyJson, VerifyReportJson.toJson(v), "a store that verifies OK must hold exactly the seed's data");
            }
        }
        assertEquals(0, seed.memory.allocatedBytes(), "verify leaked key-set memory");
    }
}
