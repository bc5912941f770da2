package dev.ingot.pager.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.StoreLockedException;
import dev.ingot.pager.internal.FaultyStoreChannel.ForceFault;
import dev.ingot.pager.internal.FaultyStoreChannel.WriteFault;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Pager#compact()}: packing the data region keeps every live blob (key, bytes, checksum,
 * root keys) and shrinks the file; a crash at any write or force of it reopens with every blob
 * of the last commit; read-only opens exclude it and are excluded by it.
 */
class MappedPagerCompactionTest {
    static final int SEGMENT = 1 << 20;

    @TempDir
    Path dir;

    static PagerOptions options() {
        return PagerOptions.defaults().withSegmentBytes(SEGMENT).withSyncOnCommit(true);
    }

    /** A store of 60 blobs of up to 150 KB, half of them freed, plus overwrites; returns the live blobs. */
    static Map<Long, byte[]> fill(Pager p, Random r) throws IOException {
        Map<Long, byte[]> live = new TreeMap<>();
        long first = p.allocMany(60).first();
        for (int i = 0; i < 60; i++) {
            byte[] b = new byte[r.nextInt(150_000)];
            r.nextBytes(b);
            p.put(first + i, ByteBuffer.wrap(b));
            live.put(first + i, b);
            if (i % 10 == 9) {
                p.commit();
            }
        }
        for (int i = 0; i < 60; i += 2) {
            p.free(first + i);
            live.remove(first + i);
        }
        byte[] again = new byte[1000];
        r.nextBytes(again);
        p.put(first + 1, ByteBuffer.wrap(again));
        live.put(first + 1, again);
        p.put(first + 3, ByteBuffer.allocate(0));
        live.put(first + 3, new byte[0]);
        p.setRootKey(0, first + 5);
        p.commit();
        return live;
    }

    static void check(Pager p, Map<Long, byte[]> live, long root) throws IOException {
        assertArrayEquals(live.keySet().stream().mapToLong(Long::longValue).toArray(), p.liveKeys());
        for (Map.Entry<Long, byte[]> e : live.entrySet()) {
            ByteBuffer b = p.getVerified(e.getKey());
            byte[] got = new byte[b.remaining()];
            b.get(got);
            assertArrayEquals(e.getValue(), got, "blob " + e.getKey());
        }
        assertEquals(root, p.rootKey(0));
    }

    @Test
    void packsTheLiveBlobsAndTruncatesTheFile() throws IOException {
        Path file = dir.resolve("s.ingot");
        Map<Long, byte[]> live;
        long liveBytes;
        try (Pager p = Pager.open(file, options())) {
            live = fill(p, new Random(42));
            liveBytes = live.values().stream().mapToLong(b -> b.length).sum();
            long before = p.fileSizeBytes();
            long epoch = p.epoch();
            long after = p.compact();
            assertEquals(after, Files.size(file));
            assertTrue(after < before, before + " -> " + after);
            assertTrue(after <= liveBytes + 3L * SEGMENT, "packed: " + after + " bytes for " + liveBytes + " live bytes");
            assertEquals(epoch + 5, p.epoch(), "pending, copies at the end, packed, and two directory commits");
            check(p, live, live.keySet().stream().skip(2).findFirst().orElseThrow());
        }
        // both superblock slots describe the packed file: with the newest one damaged, the other opens
        long newest;
        try (Pager p = Pager.open(file, options())) {
            newest = p.epoch();
        }
        Path damaged = dir.resolve("damaged.ingot");
        Files.copy(file, damaged);
        try (var ch = java.nio.channels.FileChannel.open(damaged, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF}), (newest % 2) * 4096 + 20);
        }
        try (Pager p = Pager.open(damaged, options())) {
            assertEquals(newest - 1, p.epoch(), "the older slot");
            check(p, live, live.keySet().stream().skip(2).findFirst().orElseThrow());
        }
        try (Pager p = Pager.open(file, options())) {
            long key = p.allocMany(1).first(); // the pager goes on writing after the packed blobs
            p.put(key, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            p.commit();
            live.put(key, new byte[] {1, 2, 3});
        }
        try (Pager p = Pager.open(file, options())) {
            check(p, live, p.rootKey(0));
            assertEquals(SegmentMap.roundUpToSegment(Files.size(file), SEGMENT), Files.size(file));
        }
    }

    @Test
    void aCrashAtAnyWriteOrForceReopensWithEveryCommittedBlob() throws IOException {
        Path template = dir.resolve("template.ingot");
        Map<Long, byte[]> live;
        long root;
        try (Pager p = Pager.open(template, options())) {
            live = fill(p, new Random(7));
            root = p.rootKey(0);
        }
        int crashes = 0;
        int completed = 0;
        for (int i = 0; i < 400 && completed == 0; i++) {
            for (WriteFault fault : new WriteFault[] {WriteFault.CRASH, WriteFault.TORN_THEN_CRASH}) {
                completed += crashRun(template, i, fault, -1, null, live, root, i % 2 == 0) ? 0 : 1;
                crashes++;
            }
        }
        assertEquals(2, completed, "the write index grew until the compaction needed fewer writes than that");
        assertTrue(crashes > 40, "a compaction of 31 blobs makes many writes: " + crashes);
        for (int f = 0; f < 8; f++) {
            for (ForceFault fault : new ForceFault[] {ForceFault.CRASH_BEFORE, ForceFault.CRASH_AFTER}) {
                crashRun(template, -1, null, f, fault, live, root, f % 2 == 1);
            }
        }
    }

    /** @return whether the armed crash fired */
    private boolean crashRun(Path template, int writeIndex, WriteFault wf, int forceIndex, ForceFault ff, Map<Long, byte[]> live,
                             long root, boolean pagesMaySurvive) throws IOException {
        Path file = dir.resolve("crash.ingot");
        Files.copy(template, file, StandardCopyOption.REPLACE_EXISTING);
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        boolean crashed;
        try (Pager p = MappedPager.open(file, options(), FaultyStoreChannel.opener(new Random(writeIndex * 31L + forceIndex), channel))) {
            channel[0].unforcedPagesMaySurvive = pagesMaySurvive;
            channel[0].arm(writeIndex, wf, false, forceIndex, ff);
            try {
                p.compact();
                crashed = channel[0].crashed();
            } catch (IOException e) {
                assertTrue(channel[0].crashed(), "only crashes are injected: " + e);
                crashed = true;
            }
        }
        String where = "crash at write " + writeIndex + " " + wf + " / force " + forceIndex + " " + ff;
        try (Pager p = Pager.open(file, options())) {
            try {
                check(p, live, root);
            } catch (AssertionError | IOException e) {
                throw new AssertionError(where + ": " + e, e);
            }
        }
        return crashed;
    }

    @Test
    void readOnlyOpensAndCompactionExcludeEachOther() throws IOException {
        Path file = dir.resolve("s.ingot");
        try (Pager p = Pager.open(file, options())) {
            fill(p, new Random(3));
            try (Pager reader = Pager.open(file, options(), OpenMode.READ_ONLY)) {
                assertEquals("store " + file + " is open read-only in this process (1 open); close every read-only open first",
                        assertThrows(StoreLockedException.class, p::compact).getMessage());
            }
            try (Closeable hold = p.excludeReaders()) {
                StoreLockedException e = assertThrows(StoreLockedException.class, () -> Pager.open(file, options(), OpenMode.READ_ONLY));
                assertTrue(e.getMessage().contains("is held exclusively"), e.getMessage());
                assertThrows(IllegalStateException.class, p::excludeReaders);
                p.compact(); // under the caller's hold
            }
            try (Pager reader = Pager.open(file, options(), OpenMode.READ_ONLY)) {
                assertTrue(reader.readOnly(), "read-only opens work again after the hold");
            }
        }
    }
}
