package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency: a child JVM loads TPC-H SF0.01 from .tbl files and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at a random moment; the store is then reopened in this JVM
 * and must verify clean, with every table either absent or complete (exact row count), tables
 * present only together with the tables they reference, and every table committed before the
 * child started still there.
 *
 * <p>Two kinds of iteration: a fresh store loaded by {@code ingot load-tpch} (the CLI), and
 * (every third iteration) a second load, by {@link KillLoopChild}, into a store that already holds
 * committed tables: the store a previous killed iteration left behind, or a store pre-loaded with
 * region and nation by an earlier child. The schedule adapts to the observed commit times: in even
 * iterations the kill comes at a random moment in the later half of the time to the child's first
 * commit (measured by a full calibration load, lowered whenever a child commits sooner); in odd
 * ones once the child has reported k >= 1 committed tables (k random), plus 0-15 ms. The test
 * requires at least a fifth of the iterations to have killed the child before any commit and a
 * fifth after some commits, so a machine slower or faster than expected cannot turn it into a
 * test of one regime only.
 *
 * <p>Seeded: {@code -Dingot.test.seed=S} replays a run, {@code -Dingot.killLoop.iterations=N}
 * (default 50) runs more. The seed is printed first, the figures at the end.
 */
class KillLoopTest {
    private static final double SCALE = 0.01;
    private static final List<String> TABLES = TpchSchema.tableNames();

    @TempDir
    Path tmp;

    @Test
    void killedLoadsLeaveEachTableAbsentOrComplete() throws Exception {
        long seed = TestSeed.seed("KillLoopTest");
        int iterations = Integer.getInteger("ingot.killLoop.iterations", 50);
        System.out.println("kill loop: " + iterations + " iterations");
        Random rnd = new Random(seed);

        Path tbl = Fixtures.writeTbl(tmp.resolve("tbl"), SCALE);
        Map<String, Long> expected = Fixtures.lineCounts(tbl);

        // calibrate: one full, unkilled load (also proves the child command works), timing each
        // table's commit as the child reports it
        Path calibration = tmp.resolve("calibration");
        Process full = cliLoad(tbl, calibration, tmp.resolve("calibration.log"));
        List<Long> commitMillis = commitTimes(full, tmp.resolve("calibration.log"), 120_000);
        long fullMillis = commitMillis.remove(commitMillis.size() - 1);
        assertEquals(0, full.exitValue(), () -> "calibration load failed: " + log(tmp.resolve("calibration.log")));
        assertEquals(TABLES.size(), commitMillis.size(), () -> "the kill schedule times kills by the child's per-table commit"
                + " lines; the calibration load reported " + commitMillis + ": " + log(tmp.resolve("calibration.log")));
        assertEquals(expected, checkStore(calibration, expected, Map.of(), "calibration"));
        Fixtures.deleteTree(calibration);

        // a store holding region and nation, committed by an earlier load (the CLI refuses a source
        // directory without the other tables, so the library loads the two)
        Path preloaded = tmp.resolve("preloaded");
        preloadRegionAndNation(tbl, preloaded);
        assertEquals(Map.of("region", 5L, "nation", 25L), checkStore(preloaded, expected, Map.of(), "preloaded"));
        // the earliest first commit seen so far (from the child's start): kills meant to land before
        // any commit are drawn below it; every iteration that sees a first commit sooner lowers it
        long firstCommitMillis = commitMillis.get(0);
        System.out.printf("kill loop: a full load takes %d ms (child JVM start included), tables commit at %s ms%n", fullMillis,
                commitMillis);

        long loopStart = System.nanoTime();
        int killed = 0;
        int killedBeforeAnyCommit = 0;
        int killedAfterSomeCommits = 0;
        int finished = 0;
        int secondLoads = 0;
        Path previous = null;
        Map<String, Long> previousTables = Map.of();
        for (int i = 0; i < iterations; i++) {
            Path store = tmp.resolve("store-" + i);
            Path logFile = tmp.resolve("child-" + i + ".log");
            boolean second = i % 3 == 2;
            Map<String, Long> before;
            Process child;
            if (second) {
                secondLoads++;
                if (previous != null && !previousTables.isEmpty() && previousTables.size() < TABLES.size()) {
                    Files.move(previous, store); // the store a killed iteration left behind
                    before = previousTables;
                } else {
                    Fixtures.copyDir(preloaded, store);
                    before = Map.of("region", 5L, "nation", 25L);
                }
                child = resumeLoad(tbl, store, logFile);
            } else {
                before = Map.of();
                child = cliLoad(tbl, store, logFile);
            }
            // even iterations: a kill before the child's first commit, at a random moment in the
            // later half of the time it took to get there (the end of JVM start-up and the first
            // table's load); odd ones: once the child reported k >= 1 committed tables (k random),
            // plus 0-15 ms, so kills land between and inside the later commits
            long start = System.nanoTime();
            boolean exited;
            int remaining = TABLES.size() - before.size();
            long[] firstSeen = {-1};
            if (i % 2 == 0) {
                long target = (long) ((0.5 + 0.45 * rnd.nextDouble()) * firstCommitMillis);
                exited = waitForCommits(child, logFile, 1, target, firstSeen);
            } else {
                int k = 1 + rnd.nextInt(Math.max(1, remaining - 1));
                exited = waitForCommits(child, logFile, k, 4 * fullMillis, firstSeen);
                if (!exited) {
                    exited = child.waitFor(rnd.nextInt(16), TimeUnit.MILLISECONDS);
                }
            }
            if (firstSeen[0] >= 0) {
                firstCommitMillis = Math.min(firstCommitMillis, firstSeen[0]);
            }
            long delayMillis = (System.nanoTime() - start) / 1_000_000;
            if (exited) {
                finished++;
                assertEquals(0, child.exitValue(), () -> "child exited with an error: " + log(logFile));
            } else {
                child.destroyForcibly(); // SIGKILL on Linux
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "killed child did not die");
                killed++;
            }
            if (previous != null && Files.exists(previous)) {
                Fixtures.deleteTree(previous); // only now: the kill delays count from the child's start
            }
            String where = "iteration " + i + " (" + TestSeed.describe(seed) + ", " + (second ? "second load" : "fresh load")
                    + ", " + (exited ? "finished" : "killed after " + delayMillis + " ms") + ")";
            Map<String, Long> after = checkStore(store, expected, before, where);
            if (exited) {
                assertEquals(expected, after, where + ": a finished load must hold every table");
            } else if (after.size() == before.size()) {
                killedBeforeAnyCommit++;
            } else {
                killedAfterSomeCommits++;
            }
            previous = store;
            previousTables = after;
        }
        System.out.printf("kill loop: %d iterations (%d second loads into a store with committed tables), %d killed mid-load"
                        + " (%d before the child's first commit, %d after some commits), %d finished, 0 damaged (%.1f s)%n",
                iterations, secondLoads, killed, killedBeforeAnyCommit, killedAfterSomeCommits, finished,
                (System.nanoTime() - loopStart) / 1e9);
        assertTrue(killed > iterations / 2, "most iterations must kill the child before it finishes: killed " + killed
                + " of " + iterations);
        // both regimes must really have been exercised, whatever the machine's speed: kills that
        // leave no table of the child committed, and kills that leave some committed and some not
        int required = Math.max(1, iterations / 5);
        assertTrue(killedBeforeAnyCommit >= required, "kills before the child's first commit: " + killedBeforeAnyCommit
                + " of " + iterations + ", need " + required + "; " + TestSeed.describe(seed));
        assertTrue(killedAfterSomeCommits >= required, "kills after some of the child's commits: " + killedAfterSomeCommits
                + " of " + iterations + ", need " + required + "; " + TestSeed.describe(seed));
    }

    /**
     * The in-process core of the kill loop's second loads, without a kill: a store holding region
     * and nation gets the other six tables in one {@link BulkLoader#load} (supplier and customer
     * both reference the stored nation).
     */
    @Test
    void secondLoadIntoAStoreWithCommittedParents() throws IOException {
        Path tbl = Fixtures.writeTbl(tmp.resolve("tbl"), SCALE);
        Map<String, Long> expected = Fixtures.lineCounts(tbl);
        Path store = tmp.resolve("store");
        try (BufferAllocator arrow = TestAllocators.arrow(1L << 30);
             NativeAllocator memory = NativeAllocator.root("second-load", 1L << 30)) {
            BulkLoader.SourceFactory sources = (def, batchRows, threads) ->
                    TblFileSource.open(arrow, def, tbl.resolve(def.name() + ".tbl"), batchRows, threads);
            preloadRegionAndNation(tbl, store);
            try (ColumnStore cs = ColumnStore.openOrCreate(store, Fixtures.NO_SYNC)) {
                List<TableDef> rest = TpchSchema.tables().stream().filter(t -> cs.table(t.name()).isEmpty()).toList();
                LoadReport second = new BulkLoader(cs, memory, LoadOptions.defaults()).load(rest, sources, t -> 0,
                        new BulkLoader.Progress() {});
                assertNull(second.failure(), () -> "second load failed: " + second.failure());
            }
        }
        assertEquals(expected, checkStore(store, expected, Map.of("region", 5L, "nation", 25L), "second load"));
    }

    /** Creates a store at {@code store} holding region and nation from {@code tbl}, committed. */
    private static void preloadRegionAndNation(Path tbl, Path store) throws IOException {
        try (BufferAllocator arrow = TestAllocators.arrow(1L << 30);
             NativeAllocator memory = NativeAllocator.root("preload", 1L << 30);
             ColumnStore cs = ColumnStore.openOrCreate(store, Fixtures.NO_SYNC)) {
            BulkLoader.SourceFactory sources = (def, batchRows, threads) ->
                    TblFileSource.open(arrow, def, tbl.resolve(def.name() + ".tbl"), batchRows, threads);
            LoadReport first = new BulkLoader(cs, memory, LoadOptions.defaults()).load(
                    List.of(TpchSchema.table("region"), TpchSchema.table("nation")), sources, t -> 0, new BulkLoader.Progress() {});
            assertNull(first.failure());
        }
    }

    /**
     * Reopens the store, verifies it and checks the invariants; returns its tables and row counts.
     *
     * @param before tables committed before the child ran: all must still be there, unchanged
     */
    private static Map<String, Long> checkStore(Path store, Map<String, Long> expected, Map<String, Long> before, String where)
            throws IOException {
        if (!Files.exists(store.resolve(ColumnStore.STORE_FILE_NAME))) {
            assertTrue(before.isEmpty(), where + ": store file vanished");
            return Map.of(); // killed before the store file was created
        }
        Map<String, Long> tables;
        try (NativeAllocator memory = NativeAllocator.root("kill-loop", 1L << 30);
             ColumnStore cs = ColumnStore.openOrCreate(store, Fixtures.NO_SYNC)) {
            tables = Fixtures.tableRows(cs);
            VerifyReport v = StoreVerifier.verify(cs, memory);
            if (!v.ok()) {
                fail(where + ": verify found problems (damaged store): " + v.problems());
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(where + ": reopening the store failed (damaged store): " + e, e);
        }
        for (Map.Entry<String, Long> t : tables.entrySet()) {
            assertEquals(expected.get(t.getKey()), t.getValue(), where + ": table " + t.getKey() + " is incomplete");
            for (String parent : Fixtures.parents(t.getKey())) {
                assertTrue(tables.containsKey(parent), where + ": table " + t.getKey() + " is present without its parent " + parent);
            }
        }
        for (Map.Entry<String, Long> t : before.entrySet()) {
            assertEquals(t.getValue(), tables.get(t.getKey()), where + ": earlier commit of table " + t.getKey() + " was lost");
        }
        return tables;
    }

    private static List<String> childJvm() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Fixtures.javaExecutable());
        cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    /** {@code ingot load-tpch --scale 0.01 --source <tbl> --store <store> --no-progress} in a child JVM. */
    private static Process cliLoad(Path tbl, Path store, Path logFile) throws IOException {
        List<String> cmd = childJvm();
        cmd.addAll(List.of("dev.ingot.ingest.cli.IngotCli", "load-tpch", "--scale", Double.toString(SCALE),
                "--source", tbl.toString(), "--store", store.toString(), "--no-progress"));
        return start(cmd, logFile);
    }

    /** {@link KillLoopChild}: loads the tables the store does not hold yet. */
    private static Process resumeLoad(Path tbl, Path store, Path logFile) throws IOException {
        List<String> cmd = childJvm();
        cmd.addAll(List.of(KillLoopChild.class.getName(), tbl.toString(), store.toString()));
        return start(cmd, logFile);
    }

    private static Process start(List<String> cmd, Path logFile) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    /**
     * Waits for the child to exit, noting when each committed table appears in its log; returns
     * those times and, last, the exit time, in milliseconds from now.
     */
    private static List<Long> commitTimes(Process child, Path logFile, long timeoutMillis) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000;
        List<Long> times = new ArrayList<>();
        boolean alive = true;
        while (alive) {
            assertTrue(System.nanoTime() < deadline, "child did not finish in " + timeoutMillis + " ms");
            alive = child.isAlive();
            long now = (System.nanoTime() - start) / 1_000_000;
            for (int n = countCommits(logFile); times.size() < n; ) {
                times.add(now);
            }
            if (alive) {
                Thread.sleep(1);
            }
        }
        times.add((System.nanoTime() - start) / 1_000_000);
        return times;
    }

    /**
     * Waits until the child has reported {@code commits} committed tables in its log (the CLI's
     * {@code "... rows in ..."} lines, {@link KillLoopChild}'s {@code "committed ..."} lines), or
     * has exited, or {@code timeoutMillis} passed; returns whether it exited.
     *
     * @param firstSeen set to the milliseconds (from the call) at which the first commit showed, if one did
     */
    private static boolean waitForCommits(Process child, Path logFile, int commits, long timeoutMillis, long[] firstSeen)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                return true;
            }
            int n = countCommits(logFile);
            if (n > 0 && firstSeen[0] < 0) {
                firstSeen[0] = (System.nanoTime() - start) / 1_000_000;
            }
            if (n >= commits) {
                return false;
            }
            Thread.sleep(1);
        }
        return !child.isAlive();
    }

    private static int countCommits(Path logFile) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            if ((line.startsWith("ingot: ") && line.contains(" rows in ")) || line.startsWith("committed ")) {
                n++;
            }
        }
        return n;
    }

    private static String log(Path logFile) {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
