package dev.ingot.pager;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A durable store of byte blobs keyed by 64-bit physical keys, kept in one memory-mapped file.
 *
 * <p><b>Keys.</b> Physical keys are positive longs handed out by {@link #allocMany(int)} in
 * contiguous ranges; key 0 is never a valid key ({@link #NO_KEY}). Writers take keys through a
 * {@link KeyReservation} so that the number of allocation calls stays far below the number of
 * keys (both counts are in {@link PagerDiagnostics}).
 *
 * <p><b>Visibility and durability.</b> {@link #put} makes a blob visible to {@link #get} at once
 * in this process; {@link #commit()} makes every blob put so far (and every free) durable and
 * atomically publishes it, together with the {@linkplain #setRootKey root keys}. Reopening the
 * file shows exactly the last committed state, whether the previous process closed cleanly,
 * failed or was killed. Freed space is not reused (the data region is append-only; a blob that
 * is overwritten or freed leaves dead bytes behind until a future compaction), and the key
 * directory and superblocks of a commit are never rewritten in place while a newer commit does
 * not exist, so a read-only pager of another process can keep reading the commit it opened at.
 *
 * <p><b>Reads</b> are zero-copy: {@link #get} returns a read-only view of the mapped file (still
 * readable after close, see "Ownership" below). Writes go through positional file writes (as
 * LMDB does by default), so a full disk surfaces as an {@link IOException} rather than a fault on
 * a mapped page.
 *
 * <p>Thread-safety: all methods are thread-safe. {@link #commit()} is serialized with other
 * commits; puts from other threads that complete before commit starts are included.
 *
 * <p><b>Modes</b> ({@link OpenMode}): one writer, created explicitly or opened; any number of
 * read-only pagers, which never write a byte and change only their snapshot ({@link #refresh()}).
 * On a read-only pager every changing method ({@link #allocMany}, {@link #reserveKeys},
 * {@link #openWriter}, {@link #put}, {@link #putBatch}, {@link #free}, {@link #setRootKey},
 * {@link #commit}) throws {@link IllegalStateException}.
 *
 * <p>Ownership: the caller of {@link #open} closes the pager; {@link #close()} is idempotent and
 * does <em>not</em> commit. It does not unmap the file either: a buffer returned by {@link #get}
 * stays safe to read after close (its segment is unmapped by the garbage collector once the last
 * view of it is gone, so a late read never crashes the JVM), while every method of the closed
 * pager except {@link #file()}, {@link #diagnostics()} and {@link #close()} throws
 * {@link IllegalStateException}.
 */
public interface Pager extends Closeable, BlobView {
    /** The key value that never names a blob (used as "none" in root slots). */
    long NO_KEY = 0L;

    /** Number of root-key slots published with each commit ({@link #setRootKey}). */
    int ROOT_SLOTS = 4;

    /**
     * Opens the store file at {@code file} as its writer, creating an empty store if the file is
     * absent or empty ({@link OpenMode#CREATE}), and takes the writer's exclusive lock.
     *
     * @throws StoreLockedException   if another process (or another pager in this JVM) is the writer
     * @throws StoreCorruptedException if no valid superblock or a damaged directory is found
     * @throws IOException            on any other I/O failure; nothing is left open
     */
    static Pager open(Path file, PagerOptions options) throws IOException {
        return dev.ingot.pager.internal.MappedPager.open(file, options);
    }

    /** Opens with {@link PagerOptions#defaults()} ({@link OpenMode#CREATE}). */
    static Pager open(Path file) throws IOException {
        return open(file, PagerOptions.defaults());
    }

    /**
     * Opens the store file at {@code file} in {@code mode}. {@link OpenMode#READ_ONLY} takes the
     * shared lock and never writes (for an existing store, the segment size and data start come
     * from its superblock, as for every mode).
     *
     * <p><b>Locks.</b> One writer (exclusive lock) and any number of read-only opens (shared lock),
     * in this and other processes, coexist. Within one JVM the pagers of one file share one lock
     * descriptor, and closing a pager closes its descriptors only when the last pager of that file
     * in this JVM closes (a POSIX lock dies with any descriptor of its file).
     *
     * @throws StoreNotFoundException  unless {@code mode} is CREATE: the file does not exist or is empty
     * @throws StoreLockedException    for a writer, if another writer holds the store; for any
     *                                 mode, if the store is held by {@link #lockExclusively}
     * @throws StoreCorruptedException if no valid superblock or a damaged directory is found
     * @throws IOException             on any other I/O failure; nothing is left open
     */
    static Pager open(Path file, PagerOptions options, OpenMode mode) throws IOException {
        return dev.ingot.pager.internal.MappedPager.open(file, options, mode);
    }

    /**
     * Holds the store file at {@code file} against every open, in any mode and any process, until
     * the returned object is closed; replacing or deleting a store happens under this hold.
     *
     * @throws StoreNotFoundException if the file does not exist
     * @throws StoreLockedException   if some process (this one included) has the store open; the
     *                                message says the store is open by another process
     * @throws IOException            if the file cannot be opened to lock it
     */
    static Closeable lockExclusively(Path file) throws IOException {
        return dev.ingot.pager.internal.MappedPager.lockExclusively(file);
    }

    /** Whether this pager was opened {@link OpenMode#READ_ONLY} (every change then throws). */
    boolean readOnly();

    /**
     * For a read-only pager, moves its snapshot to the newest commit in the file, if there is a
     * newer one: afterwards {@link #get}, {@link #liveKeys}, {@link #rootKey} and
     * {@link #committedRoot} describe that commit. Buffers returned before stay valid: committed
     * bytes are never rewritten while a commit can reference them. Reads only.
     *
     * <p>For a writer this does nothing and returns false (a writer always sees its own state).
     *
     * @return whether the snapshot moved to a newer commit
     * @throws StoreCorruptedException if the newer commit fails validation (the snapshot stays)
     * @throws IOException             if reading the file fails (the snapshot stays)
     * @throws IllegalStateException   if the pager is closed
     */
    boolean refresh() throws IOException;

    /** The store file. */
    @Override
    Path file();

    /**
     * A view of the blobs as of now that later changes do not alter: for a read-only pager, the
     * key directory of the commit it currently shows, kept by the view across {@link #refresh()}
     * (the bytes of a commit stay in the append-only data region); for a writer, the pager itself
     * (a writer's upper layer defers its frees while an older state is still read).
     *
     * @throws IllegalStateException if the pager is closed
     */
    default BlobView committedView() {
        return this;
    }

    /**
     * Hands out {@code count} fresh physical keys in one call: the keys
     * {@code first, first+1, ..., first+count-1} of the returned range. Keys are never handed
     * out twice, also across threads and across reopen (the next free key is committed).
     *
     * @param count number of keys, {@code 1 <= count <= 1 << 20}
     * @throws IllegalArgumentException if count is out of range
     */
    KeyRange allocMany(int count);

    /**
     * A per-writer reservation that takes keys from this pager {@code blockSize} at a time.
     *
     * @param blockSize keys per {@link #allocMany} call, {@code >= 1}
     */
    KeyReservation reserveKeys(int blockSize);

    /**
     * A writer whose puts, frees and key allocations are also counted in a per-table
     * diagnostics span named {@code label} (see {@link PagerWriter}).
     *
     * @param label       name of the span, usually the table name
     * @param keyBlockSize keys per allocation call of the writer's reservation
     */
    PagerWriter openWriter(String label, int keyBlockSize);

    /**
     * Stores the readable bytes of {@code blob} (position to limit; the buffer's position is not
     * changed) under {@code key}, replacing any previous blob of that key (an overwrite).
     *
     * @param key a key from {@link #allocMany}
     * @throws IllegalArgumentException if the key was never allocated or the blob is longer
     *                                  than {@link PagerOptions#maxBlobBytes()}
     * @throws IOException if the write fails (for example, the disk is full); the key keeps its
     *                     previous blob
     */
    void put(long key, ByteBuffer blob) throws IOException;

    /**
     * Stores several blobs with one gathering write; {@code keys[i]} gets {@code blobs[i]}.
     * Equivalent to calling {@link #put} for each pair, counted as one put batch.
     *
     * @throws IllegalArgumentException if the arrays differ in length or a key/blob is invalid
     * @throws IOException if the write fails; no key of the batch changes
     */
    void putBatch(long[] keys, ByteBuffer[] blobs) throws IOException;

    /**
     * A read-only, zero-copy view of the blob stored under {@code key}, position 0, limit the
     * blob's length, little-endian. Valid until the pager closes.
     *
     * @throws java.util.NoSuchElementException if there is no blob under {@code key}
     * @throws StoreCorruptedException if the directory entry points outside the file
     */
    @Override
    ByteBuffer get(long key) throws IOException;

    /**
     * Like {@link #get} but also recomputes the blob's CRC32C and compares it with the one
     * recorded when it was put.
     *
     * @throws StoreCorruptedException naming the file, the file offset and both checksums on a
     *                                 mismatch
     */
    @Override
    ByteBuffer getVerified(long key) throws IOException;

    /** Whether a blob is stored under {@code key}. */
    @Override
    boolean contains(long key);

    /** Length in bytes of the blob under {@code key}, or -1 if there is none. */
    long blobLength(long key);

    /**
     * File offset of the first byte of the blob under {@code key}, or -1 if there is none; lets
     * upper layers name the exact file offset of damage they find inside a blob.
     */
    @Override
    long blobFileOffset(long key);

    /**
     * Removes the blob under {@code key} (durable at the next commit).
     *
     * @return whether there was a blob to free
     */
    boolean free(long key);

    /** Every key that currently has a blob, in ascending order. */
    long[] liveKeys();

    /**
     * Sets root slot {@code slot} ({@code 0 <= slot < ROOT_SLOTS}) to {@code key}, published by the
     * next commit. Upper layers keep their entry points here (the catalog lives in slot 0).
     */
    void setRootKey(int slot, long key);

    /** The key in root slot {@code slot} as of the last {@link #setRootKey} or commit. */
    long rootKey(int slot);

    /**
     * Makes everything put and freed so far durable and visible after reopen, atomically:
     * data is forced to disk, then the key directory, then a new superblock (epoch + 1, CRC32C)
     * is written to the older of the two superblock slots and forced.
     *
     * @return the new commit epoch
     * @throws IOException if a write or force fails (the message names the store file); the last
     *                     committed state stays the one a reopen will see. After a failed force
     *                     every later commit of this pager throws too (reopen the store)
     */
    long commit() throws IOException;

    /**
     * Packs the data region and gives the space of freed and overwritten blobs back to the file
     * system: commits what is pending, then moves every live blob (same key, same bytes and
     * checksum) first to the end of the file and commits, then to the front of the data region
     * in file order and commits, and truncates the file to the segment multiple covering the
     * packed blobs and the last two key directories. No write ever touches bytes that the last
     * commit references, so a crash at any point reopens in a committed state holding every blob
     * (a crash before the truncation leaves the file long until the next compaction).
     *
     * <p>While it runs it holds the readers' lock byte exclusively, so no read-only pager of this
     * store exists in any process (such opens fail meanwhile with {@link StoreLockedException});
     * it uses the hold of {@link #excludeReaders()} if one is open, else takes one for its run.
     * Buffers returned by {@link #get} before it must not be read afterwards (their bytes may be
     * rewritten or cut off): the caller makes sure no reader of this pager holds one.
     *
     * @return the file size afterwards, bytes
     * @throws StoreLockedException  if a read-only pager of this store is open in this or another process
     * @throws IllegalStateException if the pager is read-only or closed
     * @throws IOException           if a write, commit or the truncation fails (the last commit stays readable)
     */
    long compact() throws IOException;

    /**
     * Holds read-only opens of this store off, in every process, until the returned hold is
     * closed: takes the readers' lock byte exclusively (a read-only open attempted meanwhile fails
     * with {@link StoreLockedException}). For an upper layer that prepares a {@link #compact()}
     * and must not start unless it can finish. Closing the hold twice is harmless.
     *
     * @throws StoreLockedException  if a read-only pager of this store is open in this or another
     *                               process; the message says which
     * @throws IllegalStateException if the pager is read-only or closed, or a hold is already open
     */
    java.io.Closeable excludeReaders() throws IOException;

    /** Epoch of the last successful commit (0 for a new, never committed store). */
    long epoch();

    /**
     * The root of the last successful commit: epoch, next key and root keys together, as one
     * immutable {@link CommittedRoot} published atomically at the end of each commit (a single
     * volatile reference), so it is seen whole or not at all, never the epoch of one commit with
     * the root keys of another. Unlike {@link #rootKey(int)} it does not show root keys set since
     * the last commit. Right after open it describes the commit the store was opened at.
     *
     * <p>Decorators (fault-injecting test pagers) delegate it to the pager they wrap.
     *
     * @throws IllegalStateException if the pager is closed
     */
    CommittedRoot committedRoot();

    /** Bytes of the store file (including pre-allocated segment space). */
    long fileSizeBytes() throws IOException;

    /** The global counters of this pager. */
    PagerDiagnostics diagnostics();

    /**
     * Releases the store's lock and closes the file, without committing; waits for a commit in
     * progress. Segments are not unmapped explicitly (see "Ownership" above). Idempotent.
     */
    @Override
    void close() throws IOException;
}
