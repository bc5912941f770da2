package dev.ingot.ingest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-system helpers for store directories. */
final class StoreFiles {
    /** The pager file every store directory holds. */
    static final String PAGER_FILE = "store.ingot";

    private StoreFiles() {}

    /**
     * Deletes a store directory, refusing to touch a directory that does not look like a store
     * (it must contain {@value #PAGER_FILE} and nothing but regular files).
     */
    static void deleteStore(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(PAGER_FILE))) {
            throw new IOException("refusing to delete " + dir + ": it is not an Ingot store (no " + PAGER_FILE + ")");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Fails with a clear message unless {@code dir} holds a store. */
    static void requireStore(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(PAGER_FILE))) {
            throw new IOException("no Ingot store at " + dir + " (expected " + dir.resolve(PAGER_FILE) + ")");
        }
    }
}
