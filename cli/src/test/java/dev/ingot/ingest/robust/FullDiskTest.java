package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real small file systems (needs root, as CI has; skipped with a printed reason elsewhere): a
 * 64 MiB tmpfs filled until a load runs out of space, and a read-only bind mount of a store.
 */
class FullDiskTest {
    @TempDir
    Path tmp;

    private final List<Path> mounts = new ArrayList<>();

    @BeforeEach
    void needsMounts() throws Exception {
        String reason = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            reason = "not running as root";
        } else {
            Path probe = Files.createDirectories(tmp.resolve("probe"));
            String out = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.toString());
            if (out != null) {
                reason = "mount failed: " + out;
            } else {
                run("umount", probe.toString());
            }
        }
        if (reason != null) {
            System.out.println("FullDiskTest skipped: " + reason + " (it mounts a tmpfs and a read-only bind mount)");
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    @AfterEach
    void unmount() throws Exception {
        // lazy: segments this JVM mapped stay mapped until the garbage collector drops them
        for (int i = mounts.size() - 1; i >= 0; i--) {
            assertEquals(null, run("umount", "-l", mounts.get(i).toString()));
        }
    }

    /** Runs a command; null on success, else its output and status. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        int rc = p.waitFor();
        return rc == 0 ? null : out + " (exit " + rc + ")";
    }

    private Path mount(String name, String... cmd) throws Exception {
        Path at = Files.createDirectories(tmp.resolve(name));
        List<String> full = new ArrayList<>(List.of(cmd));
        full.add(at.toString());
        assertEquals(null, run(full.toArray(new String[0])));
        mounts.add(at);
        return at;
    }

    private static Fixtures.CliRun load(Path tbl, Path store, String... extra) {
        List<String> args = new ArrayList<>(List.of("load-tpch", "--scale", "0.01", "--source", tbl.toString(),
                "--store", store.toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return Fixtures.cli(args.toArray(new String[0]));
    }

    private static final Pattern TABLE = Pattern.compile("\\{\"name\":\"([a-z]+)\",\"rows\":(\\d+),");

    /** Verifies read-only through the CLI and checks every stored table is complete; returns the table names. */
    private static List<String> verifiedTables(Path store) {
        Fixtures.CliRun run = Fixtures.cli("verify", "--store", store.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        List<String> names = new ArrayList<>();
        Matcher m = TABLE.matcher(run.out());
        while (m.find()) {
            names.add(m.group(1));
            assertEquals(TpchSchema.rowCount(m.group(1), 0.01) < 0 ? 60_175 : TpchSchema.rowCount(m.group(1), 0.01),
                    Long.parseLong(m.group(2)), m.group(1));
        }
        return names;
    }

    @Test
    void fullFileSystemFailsTheLoadButNotReadingThenALoadSucceedsOnceSpaceIsFreed() throws Exception {
        Path tbl = Fixtures.tblSf001();
        Path mnt = mount("small", "mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs");
        FileStore fs = Files.getFileStore(mnt);
        long free = fs.getUsableSpace();
        assertEquals(0, load(tbl, mnt.resolve("probe")).exit());
        long storeBytes = free - fs.getUsableSpace();
        Fixtures.deleteTree(mnt.resolve("probe"));
        // the probe load ran in this JVM: its store file keeps its space until the garbage collector
        // unmaps the segments the closed store had mapped (Ingot.close documents it)
        for (long end = System.nanoTime() + 10_000_000_000L; fs.getUsableSpace() < free && System.nanoTime() < end; Thread.sleep(50)) {
            System.gc();
        }
        assertEquals(free, fs.getUsableSpace(), "the deleted probe store's space returned");
        // leave 60% of what a whole store takes: the small tables fit, lineitem does not
        Path filler = mnt.resolve("filler");
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            byte[] block = new byte[1 << 16];
            long target = fs.getUsableSpace() - storeBytes * 6 / 10;
            for (long written = 0; written < target; written += block.length) {
                f.write(block, 0, (int) Math.min(block.length, target - written));
            }
        }
        Path store = mnt.resolve("store");
        Fixtures.CliRun failed = load(tbl, store);
        assertEquals(1, failed.exit());
        String last = failed.err().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("ingot: error: ") && last.contains("No space left on device"), failed.err());

        List<String> committed = verifiedTables(store);
        System.out.println("full disk: store " + storeBytes + " bytes; committed before ENOSPC: " + committed);
        assertFalse(committed.isEmpty(), "some tables fit");
        assertFalse(committed.contains("lineitem"), "lineitem did not fit");
        assertEquals(0, Fixtures.cli("diag", "--store", store.toString()).exit());

        Files.delete(filler);
        Fixtures.CliRun again = load(tbl, store, "--replace");
        assertEquals(0, again.exit(), again.err());
        assertEquals(TpchSchema.tableNames().stream().sorted().toList(), verifiedTables(store).stream().sorted().toList());
    }

    /**
     * A key check spilling into a full 128 KiB tmpfs fails with an error naming the spill directory
     * and the option to choose another, and leaves no file there: keys in order (their one file of
     * sorted keys fills the disk) and keys out of order (a sorted run fills it).
     */
    @Test
    void aFullSpillDirectoryIsNamed() throws Exception {
        Path spill = mount("spill", "mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs");
        for (boolean inOrder : new boolean[] {true, false}) {
            java.io.UncheckedIOException e;
            try (dev.ingot.memory.NativeAllocator root = dev.ingot.memory.NativeAllocator.root("test", 1L << 30);
                 org.apache.arrow.memory.RootAllocator arrow = new org.apache.arrow.memory.RootAllocator();
                 dev.ingot.constraints.ConstraintService cs = new dev.ingot.constraints.ConstraintService(root, 1024, 0.75f,
                         new dev.ingot.constraints.spill.SpillDirectory(spill, 1000));
                 org.apache.arrow.vector.VectorSchemaRoot batch = org.apache.arrow.vector.VectorSchemaRoot.create(SpillKillTest.T.arrowSchema(), arrow)) {
                cs.planLoad(List.of(SpillKillTest.T));
                dev.ingot.constraints.TableChecker checker = cs.beginTable(SpillKillTest.T, 0, null);
                org.apache.arrow.vector.BigIntVector k = (org.apache.arrow.vector.BigIntVector) batch.getVector("k");
                k.allocateNew(1000);
                e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> {
                    for (long base = 0; ; base += 1000) { // front-coded keys + row ids: 128 KiB fill up after some 10,000s of keys
                        for (int i = 0; i < 1000; i++) {
                            k.set(i, inOrder ? base + i : (base + i) * 0x9E3779B97F4A7C15L); // distinct, scattered
                        }
                        k.setValueCount(1000);
                        batch.setRowCount(1000);
                        checker.checkBatch(batch, 0, 1000, base);
                    }
                });
                checker.abort();
            }
            assertTrue(e.getMessage().matches("cannot write " + (inOrder ? "key file" : "spill run") + " ingot-spill-\\d+-\\d+\\.run in spill directory "
                    + java.util.regex.Pattern.quote(spill.toString())
                    + ": IOException: No space left on device \\(free disk space there or choose another directory with --spill-dir\\)"), e.getMessage());
            try (java.util.stream.Stream<Path> left = Files.list(spill)) {
                assertEquals(List.of(), left.toList(), "the failed check deleted its files");
            }
        }
    }

    @Test
    void readOnlyMountIsVerifiedAndDiagnosedWithoutWriting() throws Exception {
        Path tbl = Fixtures.tblSf001();
        Path store = tmp.resolve("store");
        assertEquals(0, load(tbl, store).exit());
        String json = Fixtures.cli("verify", "--store", store.toString(), "--json").out();
        Path ro = mount("ro", "mount", "--bind", store.toString());
        assertEquals(null, run("mount", "-o", "remount,ro,bind", ro.toString()));
        Fixtures.CliRun verify = Fixtures.cli("verify", "--store", ro.toString(), "--json");
        assertEquals(0, verify.exit(), verify.err());
        assertEquals(json, verify.out());
        assertEquals(0, Fixtures.cli("diag", "--store", ro.toString()).exit());
        Fixtures.CliRun replace = load(tbl, ro, "--replace");
        assertEquals(1, replace.exit(), "a read-only mount cannot be replaced");
    }
}
