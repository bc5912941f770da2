package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.SEGMENT_BYTES;
import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.heap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.internal.FaultyStoreChannel.ForceFault;
import dev.ingot.pager.internal.FaultyStoreChannel.WriteFault;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection through {@link FaultyStoreChannel}: full disks, torn writes, failing fsync and
 * crashes that lose unforced writes, during put, putBatch and commit, checked against a
 * java.util model. Seeded: the randomized tests print their base seed; rerun one iteration with
 * {@code -Dingot.test.seed=N} (N as printed for the failing iteration).
 */
class MappedPagerFaultInjectionTest {
    /** Randomized iterations per fault family (I/O errors, crashes). */
    static final int ITERATIONS = 500;
    /** Direct (O_DIRECT path) writes made in the I/O error iterations, to show they were exercised. */
    private int directWrites;

    @TempDir
    Path dir;

    /** fsync on (so commits force), 1 MiB segments, so blobs of up to 200 KB grow the file often. */
    static PagerOptions options() {
        return PagerOptions.defaults().withSegmentBytes(SEGMENT_BYTES).withSyncOnCommit(true);
    }

    // ------------------------------------------------------------------ model

    /** A committed (or about to be committed) state: what a reopen must show. */
    record State(Map<Long, byte[]> blobs, long[] roots, long nextKey, long epoch) {
        CommittedRoot root() {
            return new CommittedRoot(epoch, nextKey, roots);
        }
    }

    /** The working state of the pager plus the last committed state. */
    static final class Model {
        final Map<Long, byte[]> blobs = new HashMap<>();
        final long[] roots = new long[Pager.ROOT_SLOTS];
        long nextKey = 1;
        /** Set while {@link Pager#commit()} runs in {@link #step}: a failure then came out of a commit. */
        boolean inCommit;
        State committed = new State(Map.of(), new long[Pager.ROOT_SLOTS], 1, 0);

        State working(long epoch) {
            return new State(new HashMap<>(blobs), roots.clone(), nextKey, epoch);
        }
    }

    /** One random operation; the model changes only if the pager call returns normally. */
    private static String step(Pager p, Model m, Random r, int commitPercent) throws IOException {
        int dice = r.nextInt(100);
        if (m.nextKey == 1 || dice < 10) {
            int count = 1 + r.nextInt(5);
            assertEquals(m.nextKey, p.allocMany(count).first());
            m.nextKey += count;
            return "allocMany(" + count + ")";
        }
        if (dice < 10 + commitPercent) {
            m.inCommit = true;
            long epoch = p.commit();
            m.inCommit = false;
            assertEquals(m.committed.epoch() + 1, epoch);
            m.committed = m.working(epoch);
            return "commit";
        }
        if (dice < 55) {
            long key = 1 + (long) r.nextInt((int) (m.nextKey - 1));
            byte[] data = blob(r);
            p.put(key, heap(data));
            m.blobs.put(key, data);
            return "put(" + key + ", " + data.length + " bytes)";
        }
        if (dice < 75) {
            int n = (int) Math.min(m.nextKey - 1, 2 + r.nextInt(5));
            long[] keys = r.longs(1, m.nextKey).distinct().limit(n).toArray();
            ByteBuffer[] buffers = new ByteBuffer[keys.length];
            byte[][] data = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                data[i] = blob(r);
                buffers[i] = heap(data[i]);
            }
            p.putBatch(keys, buffers);
            for (int i = 0; i < keys.length; i++) {
                m.blobs.put(keys[i], data[i]);
            }
            return "putBatch(" + Arrays.toString(keys) + ")";
        }
        if (dice < 85 && !m.blobs.isEmpty()) {
            long key = m.blobs.keySet().stream().sorted().skip(r.nextInt(m.blobs.size())).findFirst().orElseThrow();
            assertTrue(p.free(key));
            m.blobs.remove(key);
            return "free(" + key + ")";
        }
        int slot = r.nextInt(Pager.ROOT_SLOTS);
        long key = r.nextInt(4) == 0 ? Pager.NO_KEY : 1 + (long) r.nextInt((int) (m.nextKey - 1));
        p.setRootKey(slot, key);
        m.roots[slot] = key;
        return "setRootKey(" + slot + ", " + key + ")";
    }

    /** Mostly small blobs, some empty, a few of up to 200 KB (which grow the file by segments). */
    private static byte[] blob(Random r) {
        int dice = r.nextInt(20);
        int length = dice == 0 ? 0 : dice == 1 ? 50_000 + r.nextInt(150_000) : 1 + r.nextInt(3000);
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }

    /** The open pager shows the working model and the last commit. */
    private static void checkWorking(Pager p, Model m) throws IOException {
        checkBlobs(p, m.blobs);
        for (int slot = 0; slot < Pager.ROOT_SLOTS; slot++) {
            assertEquals(m.roots[slot], p.rootKey(slot), "root slot " + slot);
        }
        assertEquals(m.committed.epoch(), p.epoch());
        assertEquals(m.committed.root(), p.committedRoot());
    }

    /** A freshly opened pager shows exactly {@code s}. */
    private static void checkReopened(Pager p, State s) throws IOException {
        assertEquals(s.epoch(), p.epoch(), "epoch after reopen");
        assertEquals(s.root(), p.committedRoot());
        checkBlobs(p, s.blobs());
        for (int slot = 0; slot < Pager.ROOT_SLOTS; slot++) {
            assertEquals(s.roots()[slot], p.rootKey(slot), "root slot " + slot);
        }
        assertEquals(s.nextKey(), p.allocMany(1).first(), "next key after reopen");
    }

    private static void checkBlobs(Pager p, Map<Long, byte[]> blobs) throws IOException {
        long[] expectedKeys = blobs.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        assertArrayEquals(expectedKeys, p.liveKeys(), "live keys");
        for (long key : expectedKeys) {
            assertArrayEquals(blobs.get(key), bytes(p.getVerified(key)), "blob of key " + key);
        }
    }

    private static long baseSeed(String test) {
        return TestSeed.seed("MappedPagerFaultInjectionTest." + test + " base");
    }

    private static int iterations() {
        return TestSeed.isFixed() ? 1 : ITERATIONS;
    }

    // ------------------------------------------------------------------ I/O errors

    /**
     * Random work, then one injected I/O error (full disk once or until healed, torn write then
     * full disk, failing force) during put, putBatch, commit or file growth: the exception names
     * the store, the failed call changed nothing, everything stays readable, and a reopen shows
     * exactly the last successful commit.
     */
    @Test
    void ioErrorsNameTheStoreAndKeepTheLastCommit() throws IOException {
        long base = baseSeed("ioErrors");
        int fired = 0;
        int[] byKind = new int[5];
        for (int i = 0; i < iterations(); i++) {
            long seed = base + i;
            Path file = dir.resolve("io-" + i + ".ingot");
            try {
                int kind = runIoErrorIteration(file, seed);
                if (kind >= 0) {
                    fired++;
                    byKind[kind]++;
                }
            } catch (AssertionError | RuntimeException | IOException e) {
                throw new AssertionError("I/O fault iteration " + i + " failed with "
                        + TestSeed.describe(seed) + ": " + e, e);
            }
            Files.deleteIfExists(file);
        }
        System.out.println("  " + iterations() + " iterations, " + fired + " faults fired (disk full " + byKind[0]
                + ", sticky disk full " + byKind[1] + ", torn " + byKind[2] + ", torn sticky " + byKind[3]
                + ", force failed " + byKind[4] + "); " + directWrites + " direct writes");
        assertTrue(fired >= iterations() * 3 / 4, "too few faults fired: " + fired);
    }

    /** @return the fault kind that fired, or -1 if none did */
    private int runIoErrorIteration(Path file, long seed) throws IOException {
        Random r = new Random(seed);
        Model m = new Model();
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        int kind = r.nextInt(5);
        try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(seed ^ 0x5DEECE66DL), channel))) {
            for (int n = r.nextInt(15); n > 0; n--) {
                step(p, m, r, 15);
            }
            checkWorking(p, m);
            switch (kind) {
                case 0, 1 -> channel[0].arm(r.nextInt(10), WriteFault.DISK_FULL, kind == 1, -1, null);
                case 2, 3 -> channel[0].arm(r.nextInt(10), WriteFault.TORN_THEN_DISK_FULL, kind == 3, -1, null);
                default -> channel[0].arm(-1, null, false, r.nextInt(3), ForceFault.FAIL);
            }
            IOException failure = null;
            for (int n = 0; n < 40 && failure == null; n++) {
                try {
                    step(p, m, r, 25);
                } catch (IOException e) {
                    failure = e;
                    m.inCommit = false;
                }
            }
            directWrites += channel[0].directWrites();
            if (failure == null) {
                return -1;
            }
            assertEquals(1, channel[0].faultsFired());
            String message = failure.getMessage();
            assertNotNull(message);
            assertTrue(message.startsWith("store " + file + ": "), "message names the store: " + message);
            assertNotNull(failure.getCause(), "the original exception is the cause");
            if (kind == 4) {
                assertTrue(message.contains("force (fsync) failed: " + FaultyStoreChannel.IO_ERROR), message);
                // fsyncgate: after a failed force no later commit is trusted.
                IOException refused = assertThrows(IOException.class, p::commit);
                assertTrue(refused.getMessage().startsWith("store " + file + ": commit refused"), refused.getMessage());
            } else {
                assertTrue(message.endsWith(" failed: " + FaultyStoreChannel.DISK_FULL), message);
                assertTrue(message.contains("write of "), message);
            }
            // The failed call changed nothing; everything (committed or not) is still readable.
            checkWorking(p, m);
            if (kind == 1 || kind == 3) {
                // Still full: a blob into fresh space fails the same way and changes nothing.
                long key = p.allocMany(1).first();
                m.nextKey = key + 1;
                IOException again = assertThrows(IOException.class, () -> p.put(key, heap(new byte[20_000])));
                assertTrue(again.getMessage().startsWith("store " + file + ": "), again.getMessage());
                checkWorking(p, m);
                channel[0].heal();
            }
            if (kind != 4 && r.nextBoolean()) {
                // Space freed: the pager carries on and commits everything.
                for (int n = r.nextInt(5); n > 0; n--) {
                    step(p, m, r, 0);
                }
                long epoch = p.commit();
                m.committed = m.working(epoch);
                checkWorking(p, m);
            }
        }
        try (Pager p = Pager.open(file, options())) {
            checkReopened(p, m.committed);
        }
        return kind;
    }

    // ------------------------------------------------------------------ crashes

    /**
     * Random work, then a simulated crash at a random write (whole or torn) or before/after a
     * random force, losing every unforced write (or, in half the iterations, keeping a random
     * subset of unforced pages with possibly one torn page): a reopen shows exactly the last
     * successful commit, or, only if the crash hit a commit, exactly that commit; never a mix.
     */
    @Test
    void crashesShowTheLastCommitOrTheInterruptedOneNeverAMix() throws IOException {
        long base = baseSeed("crashes");
        int[] outcomes = new int[4]; // no crash, crash outside commit, commit lost, commit kept
        for (int i = 0; i < iterations(); i++) {
            long seed = base + i;
            Path file = dir.resolve("crash-" + i + ".ingot");
            try {
                outcomes[runCrashIteration(file, seed)]++;
            } catch (AssertionError | RuntimeException | IOException e) {
                throw new AssertionError("crash iteration " + i + " failed with "
                        + TestSeed.describe(seed) + ": " + e, e);
            }
            Files.deleteIfExists(file);
        }
        System.out.println("  " + iterations() + " iterations: crash forced at the end " + outcomes[0]
                + ", crash outside commit " + outcomes[1] + ", crash in commit showing the previous commit "
                + outcomes[2] + ", crash in commit showing the interrupted commit " + outcomes[3]);
        assertTrue(outcomes[0] <= iterations() / 4, "too few injected crashes fired: " + Arrays.toString(outcomes));
    }

    /** @return 0 no injected crash fired, 1 crash outside commit, 2 / 3 crash in commit showing old / new */
    private int runCrashIteration(Path file, long seed) throws IOException {
        Random r = new Random(seed);
        Model m = new Model();
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        State inFlight = null;
        int outcome;
        try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(seed ^ 0x5DEECE66DL), channel))) {
            FaultyStoreChannel c = channel[0];
            c.unforcedPagesMaySurvive = r.nextBoolean();
            for (int n = r.nextInt(15); n > 0; n--) {
                step(p, m, r, 15);
            }
            switch (r.nextInt(4)) {
                case 0 -> c.arm(r.nextInt(12), WriteFault.CRASH, false, -1, null);
                case 1 -> c.arm(r.nextInt(12), WriteFault.TORN_THEN_CRASH, false, -1, null);
                case 2 -> c.arm(-1, null, false, r.nextInt(4), ForceFault.CRASH_BEFORE);
                default -> c.arm(-1, null, false, r.nextInt(4), ForceFault.CRASH_AFTER);
            }
            IOException failure = null;
            for (int n = 0; n < 60 && failure == null; n++) {
                State beforeCommit = m.working(m.committed.epoch() + 1);
                try {
                    String op = step(p, m, r, 25);
                    assertTrue(!c.crashed(), "crashed but " + op + " returned normally");
                } catch (IOException e) {
                    failure = e;
                    // A crash in commit leaves the interrupted commit as the one other acceptable outcome.
                    if (m.inCommit) {
                        inFlight = beforeCommit;
                    }
                }
            }
            if (failure == null) {
                c.crashNow();
                outcome = 0;
            } else {
                assertTrue(c.crashed(), "only crashes are injected: " + failure);
                assertTrue(failure.getMessage().startsWith("store " + file + ": "), failure.getMessage());
                outcome = inFlight == null ? 1 : 2;
            }
        }
        try (Pager p = Pager.open(file, options())) {
            if (inFlight != null && p.epoch() == inFlight.epoch()) {
                checkReopened(p, inFlight);
                return 3;
            }
            checkReopened(p, m.committed);
        }
        return outcome;
    }

    // ------------------------------------------------------------------ targeted cases

    @Test
    void diskFullOnPutNamesStoreSizeAndOffsetAndKeepsThePreviousBlob() throws IOException {
        Path file = dir.resolve("store.ingot");
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(1), channel))) {
            long key = p.allocMany(1).first();
            channel[0].arm(0, WriteFault.DISK_FULL, false, -1, null);
            IOException e = assertThrows(IOException.class, () -> p.put(key, heap(new byte[4096])));
            assertEquals("store " + file + ": write of 4096 bytes at offset 8192 failed: No space left on device",
                    e.getMessage());
            assertEquals(FaultyStoreChannel.DISK_FULL, e.getCause().getMessage());
            assertTrue(!p.contains(key));
            p.put(key, heap(new byte[] {7}));
            assertEquals(1, p.commit());
            assertArrayEquals(new byte[] {7}, bytes(p.getVerified(key)));
        }
    }

    @Test
    void tornBatchWriteChangesNoKeyOfTheBatch() throws IOException {
        Path file = dir.resolve("store.ingot");
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(2), channel))) {
            long first = p.allocMany(3).first();
            long[] keys = {first, first + 1, first + 2};
            p.put(keys[0], heap(new byte[] {1}));
            p.commit();
            channel[0].arm(0, WriteFault.TORN_THEN_DISK_FULL, false, -1, null);
            ByteBuffer[] blobs = {heap(new byte[1000]), heap(new byte[2000]), heap(new byte[3000])};
            IOException e = assertThrows(IOException.class, () -> p.putBatch(keys, blobs));
            assertTrue(e.getMessage().startsWith("store " + file + ": gathering write of 6000 bytes (3 blobs) at offset "),
                    e.getMessage());
            assertArrayEquals(new byte[] {1}, bytes(p.getVerified(keys[0])));
            assertTrue(!p.contains(keys[1]) && !p.contains(keys[2]));
        }
    }

    /** Force fails after the directory write (0) or after the superblock write (1). */
    @ParameterizedTest(name = "force {0} fails")
    @ValueSource(ints = {0, 1})
    void failingForceInCommitKeepsThePreviousCommit(int forceIndex) throws IOException {
        for (boolean crashAfterwards : new boolean[] {false, true}) {
            Path file = dir.resolve("force-" + forceIndex + "-" + crashAfterwards + ".ingot");
            FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
            byte[] old = {1, 2, 3};
            long key;
            try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(3), channel))) {
                key = p.allocMany(2).first();
                p.put(key, heap(old));
                p.setRootKey(0, key);
                assertEquals(1, p.commit());
                CommittedRoot before = p.committedRoot();
                p.put(key, heap(new byte[] {9}));
                p.put(key + 1, heap(new byte[] {8}));
                p.setRootKey(1, key + 1);
                channel[0].arm(-1, null, false, forceIndex, ForceFault.FAIL);
                IOException e = assertThrows(IOException.class, p::commit);
                assertEquals("store " + file + ": force (fsync) failed: Input/output error", e.getMessage());
                assertEquals(1, p.epoch());
                assertEquals(before, p.committedRoot());
                assertArrayEquals(new byte[] {9}, bytes(p.getVerified(key)), "uncommitted data stays readable");
                IOException refused = assertThrows(IOException.class, p::commit);
                assertTrue(refused.getMessage().contains("commit refused"), refused.getMessage());
                assertSame(e, refused.getCause());
                if (crashAfterwards) {
                    channel[0].crashNow();
                }
            }
            try (Pager p = Pager.open(file, options())) {
                assertEquals(1, p.epoch());
                assertEquals(new CommittedRoot(1, 3, new long[] {key, 0, 0, 0}), p.committedRoot());
                assertArrayEquals(old, bytes(p.getVerified(key)));
                assertTrue(!p.contains(key + 1));
                // A reopened pager commits again.
                p.put(key + 1, heap(new byte[] {8}));
                assertEquals(2, p.commit());
            }
        }
    }

    /** A superblock write that fails (torn, then the disk is "full") is rolled back and the pager commits again. */
    @Test
    void tornSuperblockWriteIsRolledBack() throws IOException {
        Path file = dir.resolve("store.ingot");
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(4), channel))) {
            long key = p.allocMany(1).first();
            p.put(key, heap(new byte[] {1}));
            assertEquals(1, p.commit());
            p.put(key, heap(new byte[] {2}));
            // Writes of the commit: 0 = directory, 1 = superblock.
            channel[0].arm(1, WriteFault.TORN_THEN_DISK_FULL, false, -1, null);
            IOException e = assertThrows(IOException.class, p::commit);
            assertTrue(e.getMessage().contains("(superblock of epoch 2)"), e.getMessage());
            assertEquals(1, p.epoch());
        }
        try (Pager p = Pager.open(file, options())) {
            assertEquals(1, p.epoch());
            assertArrayEquals(new byte[] {1}, bytes(p.getVerified(1)));
        }
    }

    // ------------------------------------------------------------------ cross-process lock

    /** Child JVM: opens the store given as args[0] and prints "OPENED epoch N" or the exception. */
    public static final class LockProbe {
        public static void main(String[] args) {
            try (Pager p = Pager.open(Path.of(args[0]), Blobs.fastOptions())) {
                System.out.println("OPENED epoch " + p.epoch());
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }

    private static String runProbe(Path file) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), file.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes()).strip();
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            fail("lock probe did not finish: " + output);
        }
        assertEquals(0, child.exitValue(), output);
        return output;
    }

    @Test
    void anotherProcessIsLockedOutUntilTheStoreIsClosed() throws Exception {
        Path file = dir.resolve("locked.ingot");
        try (Pager p = Pager.open(file, Blobs.fastOptions())) {
            p.commit();
            String output = runProbe(file);
            assertEquals("dev.ingot.pager.StoreLockedException: store " + file
                    + " is already open by another process or pager (file lock held)", lastLine(output), output);
        }
        assertEquals("OPENED epoch 1", lastLine(runProbe(file)));
    }

    private static String lastLine(String output) {
        String[] lines = output.split("\\R");
        return lines[lines.length - 1];
    }
}
