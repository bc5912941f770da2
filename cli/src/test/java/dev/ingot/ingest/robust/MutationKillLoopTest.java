package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of changing tables: a child JVM ({@link MutationKillLoopChild}) runs the
 * transactions of {@link MutationScript} (appends, deletes by row id, updates over two tables in
 * one commit, a compaction after every fourth) against one store and is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at a random moment within 1.5 s of opening the store; the store is then reopened here and must
 * hold exactly the model's rows after its committed step (never less than the child reported
 * committed, never a half step: both tables of a step or neither), verify clean
 * ({@link StoreVerifier}: chunk and deletion vector checksums, live row counts, keys), and the next
 * child continues from there on the same store. A last child runs unkilled to its end.
 *
 * <p>Seeded: {@code -Dingot.test.seed=S} replays a run; {@code -Dingot.mutationKillLoop.iterations=N}
 * (default 12) runs more.
 */
class MutationKillLoopTest {
    @TempDir
    Path tmp;

    @Test
    void killedTransactionsAndCompactionsLeaveTheLastCommittedStep() throws Exception {
        long seed = TestSeed.seed("MutationKillLoopTest");
        int iterations = Integer.getInteger("ingot.mutationKillLoop.iterations", 12);
        Random rnd = new Random(seed);
        Path store = tmp.resolve("store");
        int committed = 0;
        int killsInCompaction = 0;
        int killsWithProgress = 0;
        for (int i = 0; i < iterations; i++) {
            Path log = tmp.resolve("child-" + i + ".log");
            Process child = start(store, seed, committed + 40, log);
            // the kill clock starts once the child has opened the store (JVM start-up takes
            // seconds on a loaded machine); kills before that only test the open
            awaitStart(child, log);
            long delay = rnd.nextInt(1500);
            boolean ended = child.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!ended) {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child ends");
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            int reported = lastNumber(lines, "step ");
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            if (last.startsWith("step ") && reported % MutationScript.COMPACT_EVERY == 0) {
                killsInCompaction++;
            }
            int step = check(store, seed, "iteration " + i + " (killed after " + delay + " ms; " + TestSeed.describe(seed) + ")");
            assertTrue(step >= Math.max(reported, committed), "iteration " + i + ": the store is at step " + step
                    + ", the child reported step " + reported + " committed, the previous iteration left " + committed + "; log: " + lines);
            assertTrue(step <= Math.max(reported, committed) + 1, "iteration " + i + ": step " + step + " beyond the reported " + reported);
            if (step > committed) {
                killsWithProgress++;
            }
            committed = step;
        }
        Path log = tmp.resolve("child-last.log");
        Process child = start(store, seed, committed + 5, log);
        boolean finished = child.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly(); // not left running after the test
        }
        assertTrue(finished, "the last child finishes");
        assertEquals(0, child.exitValue(), () -> "last child: " + read(log));
        assertEquals(committed + 5, check(store, seed, "the unkilled last child"));
        System.out.println("mutation kill loop: " + iterations + " kills, " + killsWithProgress + " after progress, "
                + killsInCompaction + " during a compaction, ended at step " + (committed + 5));
        assertTrue(killsWithProgress >= iterations / 3, "only " + killsWithProgress + " of " + iterations
                + " children committed a step before the kill; " + TestSeed.describe(seed));
    }

    /** Opens the store, compares both tables with the model of its committed step, verifies it; returns the step. */
    private static int check(Path store, long seed, String where) throws IOException {
        if (!Files.exists(store.resolve(ColumnStore.STORE_FILE_NAME))) {
            return 0;
        }
        try (BufferAllocator arrow = TestAllocators.arrow();
             NativeAllocator memory = NativeAllocator.root("verify", 1L << 30);
             ColumnStore cs = ColumnStore.open(store, dev.ingot.columnstore.ColumnStoreOptions.defaults().withArrowAllocator(arrow))) {
            int step = MutationScript.committedStep(cs);
            MutationScript.Model model = MutationScript.Model.after(seed, step);
            if (step > 0) {
                assertNull(MutationScript.difference(cs, "a", model.live.get("a")), where + ", step " + step);
                assertNull(MutationScript.difference(cs, "b", model.live.get("b")), where + ", step " + step);
            }
            VerifyReport report = StoreVerifier.verify(cs, memory);
            assertEquals(List.of(), report.problems(), where);
            return step;
        }
    }

    private static Process start(Path store, long seed, int lastStep, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Fixtures.javaExecutable());
        cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MutationKillLoopChild.class.getName());
        cmd.add(store.toString());
        cmd.add(Long.toString(seed));
        cmd.add(Integer.toString(lastStep));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (up to 120 s) until the child printed its {@code start} line or ended. */
    private static void awaitStart(Process child, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("start ")) {
                return;
            }
            Thread.sleep(20);
        }
        assertTrue(!child.isAlive() || System.nanoTime() < deadline, "the child did not open the store in 120 s: " + read(log));
    }

    private static int lastNumber(List<String> lines, String prefix) {
        int n = 0;
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                n = Integer.parseInt(l.substring(prefix.length()).trim());
            }
        }
        return n;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
