package dev.ingot.pager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.Pager;
import org.junit.jupiter.api.Test;

/**
 * {@link CommittedRoot} is an immutable value. (What {@link Pager#committedRoot()} shows across commits, reopen and
 * close is part of the {@link dev.ingot.pager.PagerContractTest Pager contract}.)
 */
class CommittedRootTest {
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
}
