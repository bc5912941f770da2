package dev.ingot.pager;

import java.io.IOException;
import java.nio.file.Path;

/** The store file is already open for writing by another process or another pager. */
public class StoreLockedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Path file;

    public StoreLockedException(Path file) {
        super("store " + file + " is already open by another process or pager (file lock held)");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
