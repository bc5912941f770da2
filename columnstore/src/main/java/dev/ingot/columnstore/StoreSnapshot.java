package dev.ingot.columnstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * One committed catalog version of a {@link ColumnStore}, held open: its tables, row groups,
 * deletion vectors and index blobs stay readable, whatever later commits append, delete or drop,
 * until the snapshot is closed (snapshot isolation). A writer store defers freeing blobs an open
 * snapshot still references; a read-only store keeps reading the pager's key directory of the
 * snapshot's commit after {@link ColumnStore#refresh()}. {@link ColumnStore#compact()} refuses to
 * run while any snapshot of the store is open in this process.
 *
 * <p>Thread-safety: thread-safe (it is immutable apart from {@link #close()}); each reader it
 * opens is used by one thread at a time. Ownership: the caller closes it; readers opened from it
 * must be closed before (they fail once it is closed).
 */
public interface StoreSnapshot extends AutoCloseable {
    /** The catalog generation: the number of catalog commits that produced this version. */
    long generation();

    /** The tables, in commit order. */
    List<TableInfo> tables();

    /** The table named {@code name}, if any. */
    Optional<TableInfo> table(String name);

    /**
     * Opens a reader over {@code name}'s version in this snapshot.
     *
     * @throws IllegalArgumentException if there is no such table in this snapshot
     * @throws IllegalStateException    if the snapshot is closed
     */
    TableReader openTable(String name);

    /**
     * Part {@code part} of index {@code index} of {@code table}, checked against its CRC32C: a
     * read-only, zero-copy view of the mapped file, little-endian, valid while this snapshot is
     * open.
     *
     * @throws IllegalArgumentException if there is no such table, index or part (a stale index has none)
     * @throws dev.ingot.pager.StoreCorruptedException if the blob fails its checksum
     * @throws IOException on other read failures
     */
    ByteBuffer indexPart(String table, String index, int part) throws IOException;

    /**
     * Part {@code part} of index {@code index} of {@code table}, checked when the store's
     * {@link ChunkVerification} asks for it (as chunks are: by default on the first read of the
     * blob in the open store, remembered by its pager key and file offset; every read with
     * {@code EVERY_READ}; never with {@code NEVER}), by {@code check}: the caller's own validation
     * of the blob's format, which must cover every byte (an index blob framed with its own CRC32C
     * checks that). The blob is remembered as checked only when {@code check} returns normally.
     * A view as {@link #indexPart(String, String, int)} gives; the pager's CRC32C is not computed
     * as well, since {@code check} covers the same bytes.
     *
     * @param check validates the whole blob; throws (for example a
     *              {@link dev.ingot.pager.StoreCorruptedException}) when it is damaged
     * @throws IllegalArgumentException if there is no such table, index or part
     * @throws IOException what {@code check} throws, or other read failures
     */
    ByteBuffer indexPart(String table, String index, int part, BlobCheck check) throws IOException;

    /** A caller's validation of a whole blob (see {@link #indexPart(String, String, int, BlobCheck)}). */
    @FunctionalInterface
    interface BlobCheck {
        /** Validates {@code blob} (position 0 to its limit), throwing when it is damaged; must not modify it. */
        void check(ByteBuffer blob) throws IOException;
    }

    /** Releases the snapshot (its blobs may then be freed). Idempotent. */
    @Override
    void close();
}
