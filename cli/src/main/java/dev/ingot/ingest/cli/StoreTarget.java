package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.memory.internal.Failures;
import dev.ingot.pager.Pager;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a loading command writes, and how its result is put in place without losing anything.
 *
 * <ul>
 *   <li><b>Existing store, no replace:</b> the load goes into the store itself (tables are
 *       added; each commits on its own).</li>
 *   <li><b>New store:</b> the load creates the store in place; if it ends without a single
 *       committed table, {@link #finish(boolean)} deletes the store file again (and the directory
 *       if this run created it), so a failed first load leaves no store behind.</li>
 *   <li><b>Replace:</b> the load builds a store in {@value #STAGING_DIR}, a folder Ingot creates
 *       inside the store directory, beside the old {@value ColumnStore#STORE_FILE_NAME}.
 *       {@link #finish(boolean)} with {@code keep} renames the new file over the old one (one atomic
 *       {@code rename(2)}, then the directory is forced), else deletes it; either way the staging
 *       folder goes. A crash at any moment leaves the old store or the new one, and at most a
 *       staging folder that the next load removes.</li>
 * </ul>
 * A replace removes only what Ingot created: the directory may hold nothing but
 * {@value ColumnStore#STORE_FILE_NAME} and the staging folder, else it is refused naming the
 * first other entry. It holds the old store exclusively ({@link Pager#lockExclusively}) from
 * before the load until the swap, so it is refused while any process has the store open, and
 * nobody opens the old store meanwhile.
 *
 * <p>Thread-safety: not thread-safe; one per command run. Ownership: close it (releases the hold
 * and discards an unfinished staging store).
 */
final class StoreTarget implements Closeable {
    /** The folder, inside the store directory, that a new or replacing store is built in. */
    static final String STAGING_DIR = ".ingot-staging";

    private final Path dir;
    /** The staging folder of a replace, else null. */
    private final Path staging;
    /** Whether this run creates the store (in place). */
    private final boolean creates;
    private final boolean createdDir;
    private final Closeable hold;
    private boolean finished;

    private StoreTarget(Path dir, Path staging, boolean creates, boolean createdDir, Closeable hold) {
        this.dir = dir;
        this.staging = staging;
        this.creates = creates;
        this.createdDir = createdDir;
        this.hold = hold;
    }

    /**
     * Checks {@code dir} and prepares the load.
     *
     * @throws IOException naming the foreign entry if a replace finds a file Ingot did not
     *                     create; {@link dev.ingot.pager.StoreLockedException} if a replace finds
     *                     the store open by another process; or on an I/O failure
     */
    static StoreTarget prepare(Path dir, boolean replace) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("store path " + dir + " is not a directory");
        }
        Path file = dir.resolve(ColumnStore.STORE_FILE_NAME);
        boolean hasStore = Files.exists(file);
        if (replace && Files.isDirectory(dir)) {
            String foreign = firstForeignEntry(dir);
            if (foreign != null) {
                throw new IOException("refusing to replace " + dir + ": it holds " + foreign
                        + ", which Ingot did not create (move it away or choose another --store)");
            }
        }
        boolean createdDir = !Files.exists(dir);
        Closeable hold = null;
        try {
            if (hasStore && replace) {
                hold = Pager.lockExclusively(file);
            }
            if (hasStore && !replace) {
                return new StoreTarget(dir, null, false, false, null);
            }
            Files.createDirectories(dir);
            Path staging = dir.resolve(STAGING_DIR);
            removeStaging(staging);   // left by a replace that crashed
            if (!hasStore) {
                return new StoreTarget(dir, null, true, createdDir, null);
            }
            Files.createDirectory(staging);
            return new StoreTarget(dir, staging, false, false, hold);
        } catch (IOException | RuntimeException e) {
            if (hold != null) {
                try {
                    hold.close();
                } catch (IOException s) {
                    e.addSuppressed(s);
                }
            }
            throw e;
        }
    }

    /** The first entry of {@code dir} (sorted by name) that a store directory would not hold, or null. */
    private static String firstForeignEntry(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(null);
        for (String name : names) {
            Path p = dir.resolve(name);
            boolean ours = (name.equals(ColumnStore.STORE_FILE_NAME) && Files.isRegularFile(p))
                    || (name.equals(STAGING_DIR) && Files.isDirectory(p) && firstForeignEntry(p) == null)
                    || (name.equals(SpillDirectory.DEFAULT_NAME) && Files.isDirectory(p) && SpillDirectory.holdsOnlySpillFiles(p));
            if (!ours) {
                return dir.resolve(name).toString();
            }
        }
        return null;
    }

    /** Deletes a staging folder left by an earlier run (its store file, then the folder) if there is one. */
    private static void removeStaging(Path staging) throws IOException {
        if (!Files.exists(staging)) {
            return;
        }
        String foreign = firstForeignEntry(staging);
        if (foreign != null) {
            throw new IOException("refusing to remove " + staging + ": it holds " + foreign + ", which Ingot did not create");
        }
        Files.deleteIfExists(staging.resolve(ColumnStore.STORE_FILE_NAME));
        Files.delete(staging);
    }

    /** The directory to open the store in: the staging folder of a replace, else the store directory. */
    Path loadDirectory() {
        return staging != null ? staging : dir;
    }

    /** Whether the load builds a replacement beside the old store. */
    boolean replacing() {
        return staging != null;
    }

    /** Whether this run creates the store, in place. */
    boolean creates() {
        return creates;
    }

    /**
     * Ends the load. A replace with {@code keep} puts the new store in place of the old one
     * atomically, and without it deletes the new one. A new store without {@code keep} is deleted
     * (with the directory if this run created it). An existing store loaded in place is left as
     * it is. Call after the store is closed. Idempotent.
     */
    void finish(boolean keep) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (staging != null) {
            if (keep) {
                Files.move(staging.resolve(ColumnStore.STORE_FILE_NAME), dir.resolve(ColumnStore.STORE_FILE_NAME),
                        StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(dir);
            }
            removeStaging(staging);
        } else if (creates && !keep) {
            Files.deleteIfExists(dir.resolve(ColumnStore.STORE_FILE_NAME));
            if (createdDir) {
                Files.deleteIfExists(dir);
            }
        }
    }

    /** Makes a rename in {@code dir} durable (fsync of the directory, as the file systems need it). */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Ends an unfinished load as {@link #finish(boolean) finish(false)} would for a replace (the
     * old store stays); a load in place keeps what it committed. Releases the hold of the old store.
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            if (staging != null) {
                finish(false);
            }
        } catch (IOException e) {
            failure = e;
        }
        if (hold != null) {
            try {
                hold.close();
            } catch (IOException e) {
                failure = Failures.chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
