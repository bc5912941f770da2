package dev.ingot.pager;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The store file is locked against the requested open: another writer holds it (a store has one
 * writer at a time), or it is being replaced, or (for a replace) some process has it open.
 */
public class StoreLockedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Path file;

    /** The store is open for writing elsewhere (another process or another pager in this JVM). */
    public StoreLockedException(Path file) {
        this(file, "store " + file + " is already open by another process or pager (file lock held)");
    }

    /** The same with a message of its own (it should name the file). */
    public StoreLockedException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** The store file. */
    public Path file() {
        return file;
    }
}
