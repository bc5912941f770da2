package dev.ingot.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ddl.SchemaParseException;
import dev.ingot.ingest.ddl.SqlSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A sharded Ingot data set: a directory holding one manifest ({@value #MANIFEST}) and, per table,
 * the shard stores of the table's committed version (each an ordinary Ingot store directory
 * holding that one table). The manifest is the only thing that publishes data: a reader sees
 * exactly the shards it names, so shard stores a job wrote but never published are invisible.
 *
 * <p>Layout: {@code ROOT/_ingot_dataset.json}, {@code ROOT/<table>/<job id>/_ingot_job} (the marker
 * a write job creates before its tasks start), {@code ROOT/<table>/<job id>/shard-<partition>-t<task id>/}
 * (one shard store per task attempt). Shard {@code i} of a table holds exactly the rows whose
 * clustering key hashes to {@code i} under the {@linkplain #SHARD_FUNCTION shard function}.
 *
 * <p>Commit protocol: the new manifest is written to a temporary file in ROOT, forced to disk and
 * renamed over the old one ({@link StandardCopyOption#ATOMIC_MOVE}), under an exclusive lock on
 * {@value #LOCK} (and, within one JVM, a JVM-wide lock) so two committing jobs cannot lose each
 * other's tables. The manifest's
 * {@code version} grows by one per commit.
 *
 * <p>Cleanup ({@link #removeUnpublished}) deletes only what Ingot created: job directories that
 * carry the {@value #JOB_MARKER} marker and that the manifest does not name, and in them only
 * shard directories (name {@code shard-*}) holding Ingot store files. A running job holds an
 * exclusive OS lock on its marker ({@link JobLock}); cleanup skips every locked marker, so a
 * commit never deletes the shards of a job that is still writing, in this JVM or another.
 *
 * <p>Thread-safety: instances are immutable snapshots of a manifest; the static methods may be
 * called from any thread (commits are serialized by the file lock).
 */
public final class IngotDataSet {
    /** The manifest's file name. */
    public static final String MANIFEST = "_ingot_dataset.json";
    /** The lock file taken while a manifest is replaced. */
    public static final String LOCK = "_ingot_dataset.lock";
    /** The marker file a write job puts in its job directory. */
    public static final String JOB_MARKER = "_ingot_job";
    /**
     * The shard function's name: Spark's hash partitioning, {@code pmod(murmur3(key columns, seed 42), shardCount)}
     * ({@code HashPartitioning.partitionIdExpression}), which {@code RequiresDistributionAndOrdering}
     * with a clustered distribution and a fixed partition count makes Spark apply.
     */
    public static final String SHARD_FUNCTION = "spark-murmur3-pmod";
    /** The manifest format this code writes and reads. */
    public static final String FORMAT = "ingot-sharded-dataset-1";

    static final Pattern SHARD_NAME = Pattern.compile("shard-\\d{5}-t\\d+");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One table of the manifest. */
    public record TableEntry(@JsonProperty("ddl") String ddl, @JsonProperty("shardFunction") String shardFunction,
                             @JsonProperty("shardCount") int shardCount, @JsonProperty("clusteredBy") List<String> clusteredBy,
                             @JsonProperty("job") String job, @JsonProperty("rows") long rows,
                             @JsonProperty("shards") List<String> shards) {
    }

    /** The manifest: its version and its tables in commit order (referenced tables first). */
    public record Manifest(@JsonProperty("format") String format, @JsonProperty("version") long version,
                           @JsonProperty("tables") LinkedHashMap<String, TableEntry> tables) {
    }

    private final Path root;
    private final Manifest manifest;
    private final Map<String, TableDef> defs;

    private IngotDataSet(Path root, Manifest manifest) {
        this.root = root;
        this.manifest = manifest;
        this.defs = parseDefs(root, manifest);
    }

    /** Whether {@code dir} is a single Ingot store (holds {@value ColumnStore#STORE_FILE_NAME}). */
    public static boolean isStore(Path dir) {
        return Files.isRegularFile(dir.resolve(ColumnStore.STORE_FILE_NAME));
    }

    /** The data set at {@code root} as its manifest says now; empty when there is no manifest. */
    public static Optional<IngotDataSet> open(Path root) throws IOException {
        Path m = root.resolve(MANIFEST);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(m);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Manifest manifest;
        try {
            manifest = JSON.readValue(bytes, Manifest.class);
        } catch (IOException e) {
            throw new IOException("data set manifest " + m + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.format())) {
            throw new IOException("data set manifest " + m + " has format " + manifest.format() + ", expected " + FORMAT);
        }
        return Optional.of(new IngotDataSet(root, manifest));
    }

    private static Map<String, TableDef> parseDefs(Path root, Manifest manifest) {
        Map<String, TableDef> defs = new LinkedHashMap<>();
        for (Map.Entry<String, TableEntry> e : manifest.tables().entrySet()) {
            try {
                for (TableDef d : SqlSchema.parse(e.getValue().ddl(), root.resolve(MANIFEST) + " table " + e.getKey(),
                        n -> Optional.ofNullable(defs.get(n)))) {
                    defs.put(d.name(), d);
                }
            } catch (SchemaParseException ex) {
                throw new IllegalStateException("data set manifest " + root.resolve(MANIFEST) + ": " + ex.getMessage(), ex);
            }
        }
        return defs;
    }

    /** The data set's directory. */
    public Path root() {
        return root;
    }

    /** The manifest read. */
    public Manifest manifest() {
        return manifest;
    }

    /** Table {@code name}'s definition (with its FOREIGN KEYs), if the data set holds it. */
    public Optional<TableDef> table(String name) {
        return Optional.ofNullable(defs.get(name));
    }

    /** Table {@code name}'s manifest entry, if any. */
    public Optional<TableEntry> entry(String name) {
        return Optional.ofNullable(manifest.tables().get(name));
    }

    /**
     * The shard store directories of {@code table}, shard 0 first.
     *
     * @throws IllegalArgumentException if the data set does not hold the table
     */
    public List<Path> shards(String table) {
        TableEntry e = entry(table).orElseThrow(() -> new IllegalArgumentException(
                "data set " + root + " holds no table " + table + " (tables: " + manifest.tables().keySet() + ")"));
        List<Path> out = new ArrayList<>();
        for (String s : e.shards()) {
            out.add(root.resolve(s));
        }
        return out;
    }

    /**
     * Publishes {@code entry} as table {@code table}'s version: under the lock, re-reads the
     * manifest, checks that the table is still as the job found it ({@code expectedJob}: the job
     * of the version replaced, null when the table was absent), and atomically replaces the
     * manifest with one more version.
     *
     * @return the manifest entry replaced, if any
     * @throws IllegalStateException if another job changed the table since this job started
     * @throws IOException           if the manifest cannot be written; the old one stays in force
     */
    public static Optional<TableEntry> publish(Path root, String table, TableEntry entry, String expectedJob) throws IOException {
        Files.createDirectories(root);
        // the file lock excludes other processes; within this JVM a second channel's lock() would throw
        // OverlappingFileLockException (and closing it would release the first one's lock), so jobs of
        // this JVM take turns first
        PUBLISHING.lock();
        try {
            return publishLocked(root, table, entry, expectedJob);
        } finally {
            PUBLISHING.unlock();
        }
    }

    private static final java.util.concurrent.locks.ReentrantLock PUBLISHING = new java.util.concurrent.locks.ReentrantLock();

    @SuppressWarnings("try") // the lock is held for the try block's duration
    private static Optional<TableEntry> publishLocked(Path root, String table, TableEntry entry, String expectedJob) throws IOException {
        try (FileChannel ch = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Optional<IngotDataSet> now = open(root);
            LinkedHashMap<String, TableEntry> tables = now.map(d -> new LinkedHashMap<>(d.manifest.tables())).orElseGet(LinkedHashMap::new);
            TableEntry old = tables.get(table);
            String oldJob = old == null ? null : old.job();
            if (!java.util.Objects.equals(oldJob, expectedJob)) {
                throw new IllegalStateException("table " + table + " of data set " + root + " was changed by job " + oldJob
                        + " while job " + entry.job() + " wrote it; nothing of job " + entry.job() + " was published");
            }
            if (old == null) {
                tables.put(table, entry);
            } else {
                tables.replace(table, entry);
            }
            long version = now.map(d -> d.manifest.version()).orElse(0L) + 1;
            byte[] bytes = JSON.writeValueAsBytes(new Manifest(FORMAT, version, tables));
            Path tmp = root.resolve(MANIFEST + ".tmp-" + entry.job());
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(bytes));
                out.force(true);
            }
            try {
                Files.move(tmp, root.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException s) {
                    e.addSuppressed(s);
                }
                if (e instanceof AtomicMoveNotSupportedException) {
                    throw new IOException("data set " + root + ": the file system cannot rename the manifest atomically", e);
                }
                throw e;
            }
            forceDirectory(root);
            return Optional.ofNullable(old);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory for reading; the rename is then as durable as they make it
        }
    }

    /** The job directory of job {@code job} writing {@code table}. */
    static Path jobDirectory(Path root, String table, String job) {
        return root.resolve(table).resolve(job);
    }

    /** The directory of the shard store one task attempt writes. */
    static Path shardDirectory(Path root, String table, String job, int partition, long taskId) {
        return jobDirectory(root, table, job).resolve(String.format("shard-%05d-t%d", partition, taskId));
    }

    /**
     * Deletes, under {@code root/table}, every job directory carrying {@value #JOB_MARKER} that the
     * current manifest does not name (left by failed, aborted or killed jobs, or superseded by a
     * newer version), except {@code keepJob}'s and those of running jobs (whose marker is locked,
     * see {@link JobLock}); and in a named job's directory, the shard
     * directories the manifest does not list (losing task attempts). Only shard directories with
     * Ingot store files and the marker are deleted; anything else stays (and keeps its directory).
     *
     * @return how many shard directories were deleted
     */
    public static int removeUnpublished(Path root, String table, String keepJob) throws IOException {
        Path dir = root.resolve(table);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Optional<TableEntry> e = open(root).flatMap(d -> d.entry(table));
        String liveJob = e.map(TableEntry::job).orElse(null);
        Set<String> listed = new HashSet<>(e.map(TableEntry::shards).orElse(List.of()));
        int removed = 0;
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(dir)) {
            for (Path job : jobs) {
                String name = job.getFileName().toString();
                if (Files.isRegularFile(job.resolve(JOB_MARKER)) && !name.equals(keepJob) && !running(job.resolve(JOB_MARKER))) {
                    removed += removeShards(root, job, listed, name.equals(liveJob));
                }
            }
        }
        return removed;
    }

    /**
     * Deletes job {@code job}'s directory of {@code table} (its shard stores, marker and the
     * directory), as an aborted job does; files Ingot did not create stay, with their directories.
     *
     * @return how many shard directories were deleted
     */
    public static int removeJob(Path root, String table, String job) throws IOException {
        Path dir = jobDirectory(root, table, job);
        return Files.isRegularFile(dir.resolve(JOB_MARKER)) ? removeShards(root, dir, Set.of(), false) : 0;
    }

    /**
     * Whether job {@code job} of {@code table} has ended: its marker is gone (the job's abort or a
     * clean-up removed it) or no longer locked (the job committed, aborted or its driver died).
     */
    static boolean jobEnded(Path root, String table, String job) throws IOException {
        Path marker = jobDirectory(root, table, job).resolve(JOB_MARKER);
        try {
            return !Files.isRegularFile(marker) || !running(marker);
        } catch (java.nio.file.NoSuchFileException e) {
            return true; // removed between the two checks
        }
    }

    /**
     * Deletes job {@code job}'s directory of {@code table} if its job has ended (its marker is gone
     * or not locked) and it holds no shard directory; a write task calls it after aborting, since the
     * job's own abort may have run while the task's shard directory still existed (a task whose
     * job's abort removed the marker and the directory can re-create the directory when it creates
     * its store; only that job's tasks know its name, so an unmarked empty directory of that name is
     * theirs).
     *
     * @return whether the directory was deleted
     */
    static boolean removeEndedJob(Path root, String table, String job) throws IOException {
        Path dir = jobDirectory(root, table, job);
        if (!jobEnded(root, table, job)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals(JOB_MARKER)) {
                    return false;
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // the job's own abort deleted it
        }
        return deleteJobDirectory(dir);
    }

    /**
     * Deletes a job directory's marker, then the directory; false if a task of the job created its
     * shard in it meanwhile (that task removes the directory when it ends).
     */
    private static boolean deleteJobDirectory(Path job) throws IOException {
        Files.deleteIfExists(job.resolve(JOB_MARKER));
        try {
            return Files.deleteIfExists(job);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            return false;
        }
    }

    /**
     * Deletes the shard stores of {@code job} that {@code listed} does not name; then, unless
     * {@code live}, the job directory if nothing else is left. A shard that a task is still writing
     * (a file appeared in it while it was deleted) stays, with the marker and the directory, and the
     * other shards are still deleted: that task removes its shard and the ended job's directory when
     * it ends ({@link #removeEndedJob}).
     */
    private static int removeShards(Path root, Path job, Set<String> listed, boolean live) throws IOException {
        int removed = 0;
        boolean kept = false;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(job)) {
            for (Path s : shards) {
                String rel = root.relativize(s).toString().replace('\\', '/');
                if (Files.isDirectory(s) && SHARD_NAME.matcher(s.getFileName().toString()).matches() && !listed.contains(rel)
                        && onlyStoreFiles(s)) {
                    try {
                        if (deleteStore(s)) {
                            removed++;
                        }
                    } catch (java.nio.file.DirectoryNotEmptyException stillWritten) {
                        kept = true;
                    }
                } else if (!s.getFileName().toString().equals(JOB_MARKER)) {
                    kept = true;
                }
            }
        }
        if (!live && !kept) {
            deleteJobDirectory(job);
        }
        return removed;
    }

    /** The names of a store's files ({@value ColumnStore#STORE_FILE_NAME} and those beside it), as a glob. */
    private static final String STORE_FILES = ColumnStore.STORE_FILE_NAME + "*";

    private static boolean onlyStoreFiles(Path shard) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
            for (Path f : files) {
                if (!Files.isRegularFile(f) || !f.getFileSystem().getPathMatcher("glob:" + STORE_FILES).matches(f.getFileName())) {
                    return false;
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return true; // deleted meanwhile (the aborting task of that shard deletes it too)
        }
        return true;
    }

    /**
     * Deletes a shard store directory: its store files ({@code store.ingot*}), then the directory.
     * Tolerates the shard's aborting task and the job's abort deleting the same files at the same
     * moment. Returns whether it was there.
     *
     * @throws java.nio.file.DirectoryNotEmptyException if anything else is in it: a file Ingot did
     *         not create, or a store file its task created after the listing (then it stays)
     */
    static boolean deleteStore(Path shard) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard, STORE_FILES)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        return Files.deleteIfExists(shard);
    }

    /**
     * A running write job's hold on its {@value #JOB_MARKER} marker: an exclusive OS file lock
     * ({@link FileChannel#lock()}) held from the job directory's creation until the job commits or
     * aborts. Cleanup never touches a job whose marker is locked; when the job's driver dies, the
     * operating system releases the lock and the next commit of the table deletes the job's shards.
     *
     * <p>Thread-safety: {@link #close} may be called from any thread, more than once.
     */
    static final class JobLock implements AutoCloseable {
        private final Path marker;
        private final FileChannel channel;

        private JobLock(Path marker, FileChannel channel) {
            this.marker = marker;
            this.channel = channel;
        }

        /** Releases the lock (closing the marker's channel); the job is no longer running. */
        @Override
        public synchronized void close() throws IOException {
            if (channel.isOpen()) {
                try {
                    channel.close();
                } finally {
                    HELD.remove(marker);
                }
            }
        }
    }

    /**
     * The markers this JVM's running jobs lock. Cleanup must not open a channel on them: on Linux,
     * closing any channel of a file releases every lock this process holds on it.
     */
    private static final Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Creates job {@code job}'s directory for {@code table} with its marker and locks the marker
     * for as long as the job runs.
     *
     * @throws UncheckedIOException if the directory or marker cannot be created or locked
     */
    static JobLock createJobDirectory(Path root, String table, String job) {
        Path marker = jobDirectory(root, table, job).resolve(JOB_MARKER);
        try {
            Files.createDirectories(marker.getParent());
            FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                ch.write(java.nio.ByteBuffer.wrap(("Ingot write job " + job + " of table " + table + "\n").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)));
                HELD.add(marker.toAbsolutePath());
                ch.lock();
            } catch (IOException | RuntimeException e) {
                HELD.remove(marker.toAbsolutePath());
                try {
                    ch.close();
                } catch (IOException s) {
                    e.addSuppressed(s);
                }
                throw e;
            }
            return new JobLock(marker.toAbsolutePath(), ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the job directory of table " + table + " in data set " + root, e);
        }
    }

    /**
     * Whether the job owning {@code marker} is running: a job of this JVM holds it, or another
     * process holds its OS lock (probed with {@link FileChannel#tryLock()}, released at once).
     */
    private static boolean running(Path marker) throws IOException {
        if (HELD.contains(marker.toAbsolutePath())) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return true; // another channel of this JVM holds it
        }
    }
}
