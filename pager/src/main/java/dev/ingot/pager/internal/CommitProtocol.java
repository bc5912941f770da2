package dev.ingot.pager.internal;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commit protocol of a {@link MappedPager} (LMDB's two meta pages): write the key directory
 * blob, force, write the superblock of epoch + 1 into slot {@code (epoch + 1) % 2}, force again,
 * and only then publish the new {@link CommittedRoot}; until the superblock write the previous
 * superblock still describes a complete state. A failed superblock write or final force writes
 * the slot's previous image back; after a failed force every later commit is refused (see
 * "Failures" in {@link MappedPager}).
 *
 * <p>Thread-safety: thread-safe; commits (and a read-only pager's refresh, and close) are
 * serialized by {@link #lock()}, which {@link #commit} requires the caller to hold.
 */
final class CommitProtocol {
    /** What a commit writes, taken under the pager's directory lock. */
    record Pending(ByteBuffer directoryBlob, long directoryOffset, long[] roots, long nextKey) {}

    /** Takes the pending state (under the directory lock) and reserves the directory blob's space. */
    @FunctionalInterface
    interface PendingSource {
        Pending take();
    }

    private final StoreFileIo io;
    private final SegmentMap segments;
    private final int segmentBytes;
    private final long dataStartOffset;
    private final boolean syncOnCommit;
    private final PagerDiagnostics diagnostics;
    private final ReentrantLock lock = new ReentrantLock();
    /** The last committed root; its epoch is the pager's epoch. */
    private final RootPublisher committed;
    /**
     * The bytes of superblock slots 0 and 1 as this pager last read or wrote them, to undo a
     * failed superblock write; guarded by {@link #lock}.
     */
    private final byte[][] slotImages;
    /** The first failed force of a commit; set once, then every commit is refused. Guarded by {@link #lock}. */
    private IOException forceFailure;

    CommitProtocol(StoreFileIo io, SegmentMap segments, Superblock sb, byte[][] slotImages, boolean syncOnCommit,
                   PagerDiagnostics diagnostics) {
        this.io = io;
        this.segments = segments;
        this.segmentBytes = sb.segmentBytes();
        this.dataStartOffset = sb.dataStartOffset();
        this.syncOnCommit = syncOnCommit;
        this.diagnostics = diagnostics;
        this.committed = new RootPublisher(new CommittedRoot(sb.epoch(), sb.nextKey(), sb.rootKeys()));
        this.slotImages = slotImages;
    }

    /** Serializes commits, refreshes and close. */
    ReentrantLock lock() {
        return lock;
    }

    /** The last committed root (one volatile read, see {@link RootPublisher}). */
    CommittedRoot current() {
        return committed.current();
    }

    /**
     * The end of the data region as far as either superblock slot describes it (the larger of their
     * append offsets, as this pager last read or wrote them): every byte a reopen may read lies
     * below it. Caller holds {@link #lock()}.
     */
    long describedEnd() {
        long end = dataStartOffset;
        for (byte[] image : slotImages) {
            if (image != null && image.length >= Superblock.OFF_APPEND_OFFSET + 8) {
                end = Math.max(end, ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(Superblock.OFF_APPEND_OFFSET));
            }
        }
        return end;
    }

    /** Publishes a root read by a read-only pager's refresh; caller holds {@link #lock()}. */
    void publish(long epoch, long nextKey, long[] roots) {
        committed.publish(epoch, nextKey, roots);
    }

    /**
     * Commits the state {@code source} takes; caller holds {@link #lock()}.
     *
     * @return the new epoch
     * @throws IOException if a write or force fails (the on-disk state and the epoch stay those of
     *                     the previous commit), or an earlier force failed
     */
    long commit(PendingSource source) throws IOException {
        if (forceFailure != null) {
            throw new IOException("store " + io.file() + ": commit refused: an earlier force (fsync) failed ("
                    + forceFailure.getMessage() + "), so data written since the last successful commit may not"
                    + " be on disk; close and reopen the store", forceFailure);
        }
        Pending pending = source.take();
        ByteBuffer directoryBlob = pending.directoryBlob();
        long directoryOffset = pending.directoryOffset();
        int directoryLength = directoryBlob.remaining();
        int directoryCrc = KeyDirectory.footerCrc(directoryBlob);
        long directoryEnd = directoryOffset + directoryLength;
        segments.ensureFileLength(directoryEnd);
        io.writeFully(directoryBlob, directoryOffset, " (key directory)");
        force();
        long newEpoch = committed.current().epoch() + 1;
        Superblock sb = new Superblock(segmentBytes, dataStartOffset, newEpoch, pending.nextKey(), directoryEnd,
                directoryOffset, directoryLength, directoryCrc, pending.roots());
        int slot = (int) (newEpoch & 1);
        ByteBuffer image = sb.encode();
        try {
            io.writeFully(image.duplicate(), Superblock.slotOffset(newEpoch), " (superblock of epoch " + newEpoch + ")");
            force();
        } catch (IOException | RuntimeException | Error e) {
            restoreSlot(slot, e);
            throw e;
        }
        slotImages[slot] = image.array();
        committed.publish(newEpoch, pending.nextKey(), pending.roots());
        diagnostics.increment(Counter.COMMITS);
        return newEpoch;
    }

    /**
     * After a failed superblock write or force: writes the slot's previous image back and forces,
     * so that neither a reopen nor a crash shows the commit that failed. Best effort: failures
     * are added to {@code failure} as suppressed.
     */
    private void restoreSlot(int slot, Throwable failure) {
        try {
            io.writeFully(ByteBuffer.wrap(slotImages[slot]), (long) slot * PagerOptions.SUPERBLOCK_BYTES,
                    " (restoring superblock slot " + slot + " after a failed commit)");
            force();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Forces the file if syncOnCommit; remembers the first failure (see {@link #forceFailure}). */
    private void force() throws IOException {
        if (syncOnCommit) {
            try {
                io.force();
            } catch (IOException e) {
                if (forceFailure == null) {
                    forceFailure = e;
                }
                throw e;
            }
            diagnostics.increment(Counter.FORCES);
        }
    }
}
