package dev.ingot.pager.internal;

import dev.ingot.pager.OpenMode;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.StoreLockedException;
import dev.ingot.pager.StoreNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opening and recovery of a {@link MappedPager} store: takes the file lock, creates a new store
 * (both superblock slots in one write, the file grown to one segment) or reads the committed state
 * of an existing one (the newest valid superblock slot, validated against the file size, and that
 * commit's key directory), and grows a writer's file to a segment multiple. Recovery needs no log:
 * bytes beyond the committed append offset are garbage of an uncommitted session, overwritten by
 * later puts.
 *
 * <p>Thread-safety: stateless; {@link StoreLocks} serializes opens of one file.
 */
final class PagerOpener {
    /**
     * How often a reader reads the superblock slots before it reports that none is valid: a
     * writer rewrites one slot per commit, so a reader racing two commits can find one slot torn
     * and, on a second look, the other.
     */
    static final int READER_ATTEMPTS = 3;

    private PagerOpener() {}

    /** A committed state read from the file: its superblock, both slot images, its directory, the file size. */
    record Snapshot(Superblock superblock, byte[][] slotImages, KeyDirectory directory, long size) {}

    /** See {@link MappedPager#open(Path, PagerOptions, OpenMode, StoreChannel.Opener)}. */
    static MappedPager open(Path file, PagerOptions options, OpenMode mode, StoreChannel.Opener opener)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(opener, "opener");
        if (!Files.exists(file)) {
            if (mode != OpenMode.CREATE) {
                throw new StoreNotFoundException(file, "no such file");
            }
            try {
                Files.createFile(file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another open created it meanwhile: open that one
            }
        }
        boolean readOnly = mode == OpenMode.READ_ONLY;
        StoreLocks.Handle lock = StoreLocks.acquire(file, registryKey(file),
                readOnly ? StoreLocks.Mode.READ : StoreLocks.Mode.WRITE);
        StoreChannel channel = null;
        try {
            channel = readOnly ? StoreChannel.borrowed(lock.channel()) : opener.open(file);
            return load(new StoreFileIo(file, channel), lock, mode, options);
        } catch (Throwable t) {
            try {
                lock.release(channel);
            } catch (Throwable s) {
                t.addSuppressed(s);
            }
            throw t;
        }
    }

    /**
     * See {@link MappedPager#lockExclusively(Path)}.
     *
     * @throws StoreNotFoundException if the file does not exist
     * @throws StoreLockedException   if any process (this one included) has the store open
     */
    static Closeable lockExclusively(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new StoreNotFoundException(file, "no such file");
        }
        StoreLocks.Handle handle = StoreLocks.acquire(file, registryKey(file), StoreLocks.Mode.EXCLUSIVE);
        return () -> handle.release(null);
    }

    private static String registryKey(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            return abs.toRealPath().toString();
        } catch (IOException notThereYet) {
            Path parent = abs.getParent();
            if (parent != null && abs.getFileName() != null) {
                try {
                    return parent.toRealPath().resolve(abs.getFileName()).toString();
                } catch (IOException e) {
                    // fall through: the open itself will report the problem
                }
            }
            return abs.toString();
        }
    }

    private static MappedPager load(StoreFileIo io, StoreLocks.Handle lock, OpenMode mode, PagerOptions options)
            throws IOException {
        Path file = io.file();
        PagerDiagnostics diagnostics = new PagerDiagnostics("pager " + file.getFileName());
        boolean readOnly = mode == OpenMode.READ_ONLY;
        long size = io.size();
        if (size == 0 || unfinishedCreation(io, size)) {
            if (mode != OpenMode.CREATE) {
                throw new StoreNotFoundException(file, size == 0 ? "the file is empty"
                        : "the file holds only the first superblock of a new store (" + size
                        + " bytes): a creation that did not finish");
            }
            Superblock sb = Superblock.initial(options.segmentBytes(), options.dataStartOffset());
            ByteBuffer image = sb.encode();
            // both slots in one write: a creation killed part-way leaves a file shorter than the two
            // slots, which unfinishedCreation recognises
            ByteBuffer slots = ByteBuffer.allocate(2 * PagerOptions.SUPERBLOCK_BYTES);
            slots.put(image.duplicate()).put(image.duplicate()).flip();
            io.writeFully(slots, 0, " (superblocks of a new store)");
            long length = options.segmentBytes();
            io.writeFully(ByteBuffer.allocate(1), length - 1, " (growing the file to " + length + " bytes)");
            if (options.syncOnCommit()) {
                io.force();
                diagnostics.increment(Counter.FORCES);
            }
            byte[][] slotImages = {image.array().clone(), image.array().clone()};
            return new MappedPager(io, lock, false, sb, slotImages, new KeyDirectory(), length,
                    options.syncOnCommit(), options.directWrites() && io.channel().openDirectWrites(), diagnostics);
        }
        Snapshot snap = readCommitted(io, readOnly ? READER_ATTEMPTS : 1);
        long length = snap.size();
        if (!readOnly) {
            long rounded = SegmentMap.roundUpToSegment(length, snap.superblock().segmentBytes());
            if (rounded != length) {
                // Only bytes beyond the committed appendOffset are affected (validated above).
                io.writeFully(ByteBuffer.allocate(1), rounded - 1, " (growing the file to " + rounded + " bytes)");
                length = rounded;
            }
        }
        return new MappedPager(io, lock, readOnly, snap.superblock(), snap.slotImages(), snap.directory(),
                length, options.syncOnCommit(), !readOnly && options.directWrites() && io.channel().openDirectWrites(),
                diagnostics);
    }

    /**
     * Whether a file of {@code size} bytes is what a creation killed part-way leaves. A creation
     * writes both superblock slots in one write, which a kill cuts only at a page boundary, so such
     * a file is exactly one slot long and that slot holds the epoch-0 superblock of a new store (a
     * foreign file, or a store damaged to another length, is never taken for one). Reads only.
     */
    private static boolean unfinishedCreation(StoreFileIo io, long size) throws IOException {
        if (size != PagerOptions.SUPERBLOCK_BYTES) {
            return false;
        }
        ByteBuffer slot0 = ByteBuffer.allocate(PagerOptions.SUPERBLOCK_BYTES);
        io.readFully(slot0, 0);
        try {
            return Superblock.decode(io.file(), 0, slot0.array()).epoch() == 0;
        } catch (StoreCorruptedException e) {
            return false;
        }
    }

    /**
     * Reads the newest valid superblock, validates it against the file size and decodes its key
     * directory; reads only. With {@code attempts > 1}, a file with no valid superblock slot is
     * read again (a concurrent writer may have been writing a slot) before it is reported.
     *
     * @throws StoreCorruptedException            if no slot is valid, or the chosen one or its
     *                                            directory fails validation
     * @throws dev.ingot.pager.UnsupportedFormatException if an intact slot or the directory has a
     *                                            format version this build does not read
     */
    static Snapshot readCommitted(StoreFileIo io, int attempts) throws IOException {
        Path file = io.file();
        for (int attempt = 1; ; attempt++) {
            long size = io.size();
            if (size < 2L * PagerOptions.SUPERBLOCK_BYTES) {
                throw new StoreCorruptedException(file, size, "file of " + size
                        + " bytes is shorter than its two superblocks (" + 2 * PagerOptions.SUPERBLOCK_BYTES + " bytes)");
            }
            Superblock best = null;
            StoreCorruptedException[] slotErrors = new StoreCorruptedException[2];
            byte[][] slotImages = new byte[2][];
            for (int slot = 0; slot < 2; slot++) {
                long slotOffset = (long) slot * PagerOptions.SUPERBLOCK_BYTES;
                ByteBuffer image = ByteBuffer.allocate(PagerOptions.SUPERBLOCK_BYTES);
                io.readFully(image, slotOffset);
                slotImages[slot] = image.array();
                try {
                    Superblock sb = Superblock.decode(file, slotOffset, image.array());
                    if (best == null || sb.epoch() > best.epoch()) {
                        best = sb;
                    }
                } catch (StoreCorruptedException e) {
                    slotErrors[slot] = e;
                }
            }
            if (best == null) {
                if (attempt < attempts) {
                    continue;
                }
                StoreCorruptedException e = new StoreCorruptedException(file, 0, "no valid superblock: slot 0: "
                        + slotErrors[0].getMessage() + "; slot 1: " + slotErrors[1].getMessage());
                e.addSuppressed(slotErrors[0]);
                e.addSuppressed(slotErrors[1]);
                throw e;
            }
            // The size is read again: a concurrent writer only ever grows the file.
            size = Math.max(size, io.size());
            best.validate(file, Superblock.slotOffset(best.epoch()), size, MappedPager.MAX_NEXT_KEY);
            KeyDirectory directory;
            if (best.directoryLength() == 0) {
                directory = new KeyDirectory();
            } else {
                ByteBuffer blob = ByteBuffer.allocate((int) best.directoryLength());
                io.readFully(blob, best.directoryOffset());
                directory = KeyDirectory.decode(file, best.directoryOffset(), blob.array(), best.directoryCrc(),
                        best.nextKey(), best.dataStartOffset(), best.appendOffset(), best.segmentBytes());
            }
            return new Snapshot(best, slotImages, directory, size);
        }
    }
}
