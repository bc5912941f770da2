package dev.ingot.columnstore;

/**
 * When a reader recomputes a chunk's CRC32C before using its bytes ({@link ColumnStoreOptions#chunkVerification()}).
 * A chunk's header (magic, version, kind, row count, buffer offsets and lengths) is validated on
 * every read whatever the setting, so damaged lengths or offsets never reach a memory access.
 *
 * <p>The default, {@link #FIRST_READ}, checks each chunk the first time any reader of an open
 * store reads it and remembers the chunk (its pager key and file offset) for the life of the
 * {@link ColumnStore}: damage present in the file when a chunk is first read is always found,
 * damage that happens to the file after that (a disk flipping a bit under a running process) is
 * what {@link TableReader#verifyChecksums()} (the {@code ingot verify} command), which always
 * checks every chunk, or {@link #EVERY_READ} is for.
 *
 * <p>Thread-safety: immutable.
 */
public enum ChunkVerification {
    /** Check each chunk's CRC32C once per open store, on its first read (the default). */
    FIRST_READ,
    /** Check the CRC32C of every chunk on every read (for the paranoid; a scan then reads each byte twice). */
    EVERY_READ,
    /** Never check chunk CRC32Cs on reads; only {@link TableReader#verifyChecksums()} does. */
    NEVER
}
