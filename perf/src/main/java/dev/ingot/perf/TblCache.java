package dev.ingot.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A cache of dbgen {@code .tbl} files per scale factor: {@code <cache>/tbl-sf<SF>/<table>.tbl}
 * plus a marker {@value #MARKER} recording each file's bytes and rows. A directory whose marker
 * is missing or whose file sizes differ from it is regenerated: written with
 * {@link TblWriter#write} into {@code tbl-sf<SF>.tmp-<pid>}, its lines counted, the marker
 * written, then renamed into place, so an interrupted generation never looks complete.
 *
 * <p>Marker: {@code {"scale":1.0,"totalBytes":1100693130,"tables":{"region":{"rows":5,"bytes":389}, ...}}}
 *
 * <p>Thread-safety: one process at a time per cache directory.
 */
public final class TblCache {
    /** Name of the marker file in a complete cache directory. */
    public static final String MARKER = "ingot-tbl.json";

    /**
     * A complete set of {@code .tbl} files.
     *
     * @param dir          directory of the files
     * @param rowsPerTable lines per file, in foreign-key order
     * @param bytesPerTable bytes per file
     */
    public record TblSet(Path dir, double scale, Map<String, Long> rowsPerTable, Map<String, Long> bytesPerTable) {
        public long totalBytes() {
            return bytesPerTable.values().stream().mapToLong(Long::longValue).sum();
        }

        public long totalRows() {
            return rowsPerTable.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private TblCache() {
    }

    /** {@code 1} for 1.0, {@code 0.1} for 0.1: the scale as the directory and store names spell it. */
    public static String formatScale(double sf) {
        return sf == Math.rint(sf) ? Long.toString((long) sf) : Double.toString(sf);
    }

    /**
     * Returns the cached files for {@code scale}, generating them first if needed.
     *
     * @param cacheRoot cache directory (created if missing)
     * @param threads   generator threads, &gt;= 1
     * @throws IOException on a write error
     */
    public static TblSet ensure(Path cacheRoot, double scale, int threads) throws IOException {
        Path dir = cacheRoot.resolve("tbl-sf" + formatScale(scale));
        TblSet existing = readValid(dir, scale);
        if (existing != null) {
            return existing;
        }
        Files.createDirectories(cacheRoot);
        Path tmp = cacheRoot.resolve("tbl-sf" + formatScale(scale) + ".tmp-" + ProcessHandle.current().pid());
        deleteTree(tmp);
        Files.createDirectories(tmp);
        long start = System.nanoTime();
        System.err.printf("bench: generating TPC-H SF%s .tbl files into %s ...%n", formatScale(scale), dir);
        TblWriter.write(tmp, scale, threads, TpchSchema.tableNames());
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String t : TpchSchema.tableNames()) {
            Path f = tmp.resolve(t + ".tbl");
            rows.put(t, countLines(f));
            bytes.put(t, Files.size(f));
        }
        TblSet set = new TblSet(dir, scale, rows, bytes);
        Files.writeString(tmp.resolve(MARKER), markerJson(set));
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        System.err.printf("bench: wrote %,d bytes of .tbl in %.1f s%n", set.totalBytes(), (System.nanoTime() - start) / 1e9);
        return new TblSet(dir, scale, rows, bytes);
    }

    /** The set in {@code dir} if its marker exists and every file has the recorded size; otherwise null. */
    static TblSet readValid(Path dir, double scale) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(marker.toFile());
        } catch (IOException e) {
            return null;
        }
        if (doc.path("scale").asDouble(-1) != scale) {
            return null;
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String t : TpchSchema.tableNames()) {
            JsonNode tn = doc.path("tables").path(t);
            Path f = dir.resolve(t + ".tbl");
            if (!tn.has("bytes") || !Files.isRegularFile(f) || Files.size(f) != tn.get("bytes").asLong()) {
                return null;
            }
            rows.put(t, tn.path("rows").asLong());
            bytes.put(t, tn.get("bytes").asLong());
        }
        return new TblSet(dir, scale, rows, bytes);
    }

    static String markerJson(TblSet set) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode doc = m.createObjectNode();
        doc.put("scale", set.scale());
        doc.put("totalBytes", set.totalBytes());
        ObjectNode tables = doc.putObject("tables");
        for (String t : set.rowsPerTable().keySet()) {
            tables.putObject(t).put("rows", set.rowsPerTable().get(t)).put("bytes", set.bytesPerTable().get(t));
        }
        return doc.toPrettyString();
    }

    /** Number of {@code \n} bytes in {@code file}. */
    static long countLines(Path file) throws IOException {
        long lines = 0;
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                byte[] a = buf.array();
                for (int i = 0, n = buf.position(); i < n; i++) {
                    if (a[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
