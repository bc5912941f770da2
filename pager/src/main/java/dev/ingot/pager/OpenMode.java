package dev.ingot.pager;

/**
 * How {@link Pager#open(java.nio.file.Path, PagerOptions, OpenMode)} opens a store file.
 */
public enum OpenMode {
    /**
     * Read-only: never writes a byte (works on a full file system, a read-only mount and a file
     * without write permission); takes the shared lock, so it coexists with one writer and any
     * number of other readers; sees the last commit as of the open until {@link Pager#refresh()}.
     * The file must hold a store.
     */
    READ_ONLY,
    /** The one writer (exclusive lock) of an existing store; the file must hold a store. */
    READ_WRITE,
    /** Like {@link #READ_WRITE}, but creates an empty store first if the file is absent or empty. */
    CREATE
}
