package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.fastOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.Pager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pager#committedRoot()}: what it shows before and after commits and reopen, and that it is immutable. */
class CommittedRootTest {
    @TempDir
    Path dir;

    @Test
    void showsOnlyCommittedRootsAndSurvivesReopen() throws IOException {
        Path file = dir.resolve("store.ingot");
        try (Pager p = Pager.open(file, fastOptions())) {
            assertEquals(new CommittedRoot(0, 1, new long[4]), p.committedRoot());
            long key = p.allocMany(5).first();
            p.put(key, ByteBuffer.wrap(new byte[] {1}));
            p.setRootKey(0, key);
            p.setRootKey(3, key + 4);
            CommittedRoot before = p.committedRoot();
            assertEquals(new CommittedRoot(0, 1, new long[4]), before, "setRootKey is not committed yet");
            assertEquals(key, p.rootKey(0));
            assertEquals(1, p.commit());
            CommittedRoot after = p.committedRoot();
            assertEquals(new CommittedRoot(1, 6, new long[] {key, 0, 0, key + 4}), after);
            assertEquals(p.epoch(), after.epoch());
            p.setRootKey(0, Pager.NO_KEY);
            assertSame(after, p.committedRoot(), "published once per commit");
            assertEquals(key, after.rootKey(0));
        }
        try (Pager p = Pager.open(file, fastOptions())) {
            assertEquals(new CommittedRoot(1, 6, new long[] {1, 0, 0, 5}), p.committedRoot());
        }
    }

    @Test
    void isImmutable() {
        long[] roots = {1, 2, 3, 4};
        CommittedRoot root = new CommittedRoot(7, 9, roots);
        roots[0] = 99;
        root.rootKeys()[1] = 99;
        assertEquals(new CommittedRoot(7, 9, new long[] {1, 2, 3, 4}), root);
        assertNotEquals(new CommittedRoot(7, 9, new long[] {1, 2, 3, 5}), root);
        assertEquals("CommittedRoot[epoch 7, nextKey 9, rootKeys [1, 2, 3, 4]]", root.toString());
        assertThrows(IllegalArgumentException.class, () -> new CommittedRoot(0, 1, new long[3]));
        assertThrows(IllegalArgumentException.class, () -> new CommittedRoot(-1, 1, new long[4]));
    }

    @Test
    void closedPagerThrows() throws IOException {
        Pager p = Pager.open(dir.resolve("closed.ingot"), fastOptions());
        p.close();
        assertThrows(IllegalStateException.class, p::committedRoot);
    }
}
