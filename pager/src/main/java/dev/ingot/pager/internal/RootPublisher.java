package dev.ingot.pager.internal;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.Pager;

/**
 * Publishes a pager's {@link CommittedRoot}: the last step of a commit, and what
 * {@link Pager#committedRoot()} and {@link Pager#epoch()} read. One volatile reference to an
 * immutable record, so epoch, next key and root keys are seen whole or not at all (the record's
 * fields are final and it is fully built, including the copy of the root keys, before the
 * volatile write that publishes it).
 *
 * <p>Public only so that the jcstress suite (module {@code stress}) can test the mechanism
 * without a store file; not part of the pager API.
 *
 * <p>Thread-safety: thread-safe; publishers must be serialized among themselves (the pager's
 * commit lock does that) if they need "each epoch exactly once", readers need no lock.
 */
public final class RootPublisher {
    private volatile CommittedRoot current;

    /** Starts with {@code initial} published. */
    public RootPublisher(CommittedRoot initial) {
        this.current = java.util.Objects.requireNonNull(initial, "initial");
    }

    /**
     * Builds the committed root of a commit from its fields and publishes it. The caller may keep
     * changing {@code rootKeys} afterwards (they are copied first).
     *
     * @return the published root
     */
    public CommittedRoot publish(long epoch, long nextKey, long[] rootKeys) {
        CommittedRoot root = new CommittedRoot(epoch, nextKey, rootKeys);
        current = root;
        return root;
    }

    /** The last published root. */
    public CommittedRoot current() {
        return current;
    }
}
