package dev.ingot.constraints.spill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directory where external constraint checks write their temporary files, and the naming rule
 * that makes them recognisable: {@code ingot-spill-<pid>-<n>.run}, where {@code pid} is the id of
 * the writing JVM process. Each file is deleted by its owner when the check ends (success or
 * failure); {@link #removeStale} deletes the files of processes that no longer run (a load that
 * was killed), and nothing else.
 *
 * <p>Thread-safety: thread-safe. Ownership: owns no resource; the files belong to their
 * {@link KeyRuns} / {@link SortedKeyFile}.
 */
public final class SpillDirectory {
    /** File name prefix of every spill file. */
    public static final String PREFIX = "ingot-spill-";
    /** The default spill directory's name, inside the store directory. */
    public static final String DEFAULT_NAME = ".ingot-spill";
    /** File name suffix of every spill file. */
    public static final String SUFFIX = ".run";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+" + Pattern.quote(SUFFIX));
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path directory;
    private final int runBufferEntries;
    private final AtomicLong bytesWritten = new AtomicLong();
    /** Whether {@link #newFile} created the directory (then {@link #removeIfEmpty} may delete it). */
    private volatile boolean created;

    /**
     * @param directory where spill files go; created (with its parents) when the first file is
     * @throws NullPointerException if null
     */
    public SpillDirectory(Path directory) {
        this(directory, KeyRuns.BUFFER_ENTRIES);
    }

    /**
     * A spill directory whose checks write a run every {@code runBufferEntries} keys (at the
     * latest; also when {@value KeyRuns#BUFFER_BYTES} key bytes are buffered): fewer keys per run
     * mean less heap and more runs to merge. Tests use a few keys to get many runs.
     *
     * @throws IllegalArgumentException if {@code runBufferEntries < 2}
     */
    public SpillDirectory(Path directory, int runBufferEntries) {
        if (runBufferEntries < 2) {
            throw new IllegalArgumentException("runBufferEntries must be >= 2: " + runBufferEntries);
        }
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        this.runBufferEntries = runBufferEntries;
    }

    /** Keys per run at most. */
    int runBufferEntries() {
        return runBufferEntries;
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** Bytes written to spill files of this directory object so far. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    void addBytesWritten(long bytes) {
        bytesWritten.addAndGet(bytes);
    }

    /**
     * A fresh, not yet existing file name in the directory (the directory is created if missing).
     *
     * @throws UncheckedIOException naming the directory if it cannot be created
     */
    Path newFile() {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory);
                created = true;
            }
        } catch (IOException e) {
            throw failure("create the spill directory", e);
        }
        return directory.resolve(PREFIX + PID + "-" + SEQUENCE.incrementAndGet() + SUFFIX);
    }

    /**
     * The error of a spill file operation: names the directory, the operation and the cause
     * (e.g. {@code No space left on device}), and says how to choose another directory.
     */
    UncheckedIOException failure(String what, IOException e) {
        return new UncheckedIOException("cannot " + what + " in spill directory " + directory + ": " + describe(e)
                + " (free disk space there or choose another directory with --spill-dir)", e);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /**
     * Deletes the directory if this object created it and it is empty now (every check deleted its
     * files); otherwise leaves it.
     *
     * @throws IOException if the deletion fails for another reason than the directory being non-empty
     */
    public void removeIfEmpty() throws IOException {
        if (created) {
            try {
                Files.deleteIfExists(directory);
            } catch (java.nio.file.DirectoryNotEmptyException stillUsed) {
                // another load's files: it is not empty, so it stays
            }
        }
    }

    /** Deletes {@code file} if it exists. @throws UncheckedIOException naming the directory if that fails */
    void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure("delete " + file.getFileName(), e);
        }
    }

    /**
     * Deletes the spill files in {@code directory} left by processes that no longer run (a load
     * that was killed); files of running processes (another load right now) and every file not
     * named {@code ingot-spill-<pid>-<n>.run} are left alone. A missing directory is not an error.
     * A directory named {@value #DEFAULT_NAME} that is empty afterwards is deleted as well.
     *
     * @return how many files were deleted
     * @throws IOException if the directory cannot be listed or a file cannot be deleted
     */
    public static int removeStale(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(f)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (pid != PID && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (pid == PID) {
                    continue; // this process's own files belong to live checks
                }
                try {
                    Files.delete(f);
                    removed++;
                } catch (NoSuchFileException gone) {
                    // removed concurrently: fine
                }
            }
        }
        if (directory.getFileName() != null && directory.getFileName().toString().equals(DEFAULT_NAME)) {
            try {
                Files.deleteIfExists(directory);
            } catch (java.nio.file.DirectoryNotEmptyException inUse) {
                // a running load's files
            }
        }
        return removed;
    }

    /** Whether every entry of {@code directory} is a regular file named as a spill file. */
    public static boolean holdsOnlySpillFiles(Path directory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                if (!NAME.matcher(f.getFileName().toString()).matches() || !Files.isRegularFile(f)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SpillDirectory[" + directory + "]";
    }
}
