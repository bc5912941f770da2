package dev.ingot.ingest.keys;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.index.KeyRunSearch;
import dev.ingot.constraints.internal.KeyVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Searches the sorted runs of one key of a stored table ({@link KeyRunSearch}) in its stored key
 * columns: the row groups by the zone maps of the key's first column (each chunk header's min/max,
 * read once per row group), then, inside a row group, a binary search over its key values, in one
 * of two ways. A key outside every candidate row group's range costs no chunk read.
 *
 * <p><b>Encoded</b> (a reader without a cache: point lookups): the binary search runs by random
 * access in the encoded key chunks ({@link TableReader#equalRange}, {@link TableReader#readLong}):
 * the rows holding the first key column's value, then among them the second's; an RLE chunk is
 * searched by its runs. Nothing is decoded or kept on the heap, so no lookup pays for decoding a
 * row group, whatever the table's size. A row group whose key chunks cannot be searched so (a NULL
 * in them, or a kind other than {@link dev.ingot.columnstore.encoding.ChunkEncoding#isIntegral}
 * integers, dates, times, timestamps and DECIMAL(p &lt;= 18)) is searched decoded, as below, in a
 * cache of this reader's own.
 *
 * <p><b>Decoded</b> (a reader given a cache: transactions, which probe many keys of the same row
 * groups): decoded key values are cached per row group (in a {@link KeyRunCache}, which the readers of
 * one open store share across snapshots), most recently used kept, within a budget of
 * {@code ingot.keys.runCacheBytes} bytes (system property; default the smaller of 256 MiB and a
 * quarter of the JVM's largest heap, as the values live on the heap): the first column as
 * 4-byte offsets from the row group's minimum when its range allows, the second as 4 bytes when
 * its values fit an {@code int}, 8 bytes a value otherwise. Warm transactions then decode nothing.
 *
 * <p>Thread-safety: not thread-safe (the cache and the reader); one per {@link StoredTable}.
 * Ownership: the reader belongs to the caller and must stay open while this is used.
 */
final class KeyRunReader implements KeyRunSearch {
    /** Default cache budget, bytes: at most 256 MiB and a quarter of the largest heap. */
    static final long DEFAULT_CACHE_BYTES = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);

    private final TableInfo info;
    private final TableReader reader;
    private final List<String> columns;
    private final int column0;
    private final long[] minA;
    private final long[] maxA;
    private final boolean[] statsKnown;
    /** Decoded row groups; for an encoded reader, those of its row groups that are not searchable encoded (made when first needed). */
    private KeyRunCache cache;
    private final int column1;
    /** Whether the key chunks are searched encoded (no cache given). */
    private final boolean encoded;
    /** By row group, for an encoded reader: 0 not yet known, 1 searched encoded, 2 searched decoded. */
    private final byte[] searchable;
    /** Scratch of {@link #findEncoded}: a range of rows. */
    private final int[] range = new int[2];

    /** The key values of one row group, every row (deleted ones included), compactly. Immutable. */
    static final class GroupKeys {
        final long baseA;
        final int[] narrowA;
        final long[] wideA;
        final int[] narrowB;
        final long[] wideB;
        final int rows;

        GroupKeys(long[] a, long[] b, int rows) {
            this.rows = rows;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < rows; i++) {
                min = Math.min(min, a[i]);
                max = Math.max(max, a[i]);
            }
            if (rows > 0 && max - min >= 0 && max - min <= 0xFFFF_FFFFL) {
                baseA = min;
                narrowA = new int[rows];
                for (int i = 0; i < rows; i++) {
                    narrowA[i] = (int) (a[i] - min);
                }
                wideA = null;
            } else {
                baseA = 0;
                narrowA = null;
                wideA = a;
            }
            boolean bFits = b != null;
            for (int i = 0; bFits && i < rows; i++) {
                bFits = b[i] == (int) b[i];
            }
            if (b == null) {
                narrowB = null;
                wideB = null;
            } else if (bFits) {
                narrowB = new int[rows];
                for (int i = 0; i < rows; i++) {
                    narrowB[i] = (int) b[i];
                }
                wideB = null;
            } else {
                narrowB = null;
                wideB = b;
            }
        }

        long a(int i) {
            return narrowA != null ? baseA + Integer.toUnsignedLong(narrowA[i]) : wideA[i];
        }

        long b(int i) {
            return narrowB != null ? narrowB[i] : wideB != null ? wideB[i] : 0;
        }

        long bytes() {
            return 64L + (narrowA != null ? 4L : 8L) * rows + (narrowB != null ? 4L * rows : wideB != null ? 8L * rows : 0);
        }
    }

    KeyRunReader(TableInfo info, TableReader reader, List<String> keyColumns) {
        this(info, reader, keyColumns, new KeyRunCache());
    }

    /** The system property of the cache budget. */
    static final String CACHE_PROPERTY = "ingot.keys.runCacheBytes";

    /**
     * The cache budget a property value asks for: bytes, or with a {@code k}, {@code m} or {@code g}
     * suffix (binary units); null = the default.
     *
     * @throws IllegalArgumentException naming the property for anything else or a negative size
     */
    static long cacheBudget(String value) {
        if (value == null) {
            return DEFAULT_CACHE_BYTES;
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        int shift = v.endsWith("k") ? 10 : v.endsWith("m") ? 20 : v.endsWith("g") ? 30 : 0;
        try {
            long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
            if (n < 0 || n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + CACHE_PROPERTY + "=" + value + ": expected a size in bytes, such as 268435456 or 256m");
        }
    }

    KeyRunReader(TableInfo info, TableReader reader, List<String> keyColumns, long budget) {
        this(info, reader, keyColumns, new KeyRunCache(budget));
    }

    /**
     * A reader whose decoded row groups go to {@code cache}, which other readers of the same store
     * may share; with a null {@code cache} the reader searches the encoded key chunks (see above).
     */
    KeyRunReader(TableInfo info, TableReader reader, List<String> keyColumns, KeyRunCache cache) {
        if (keyColumns.size() != 1 && keyColumns.size() != 2) {
            throw new IllegalArgumentException("a sorted run has a key of 1 or 2 columns: " + keyColumns);
        }
        this.info = info;
        this.reader = reader;
        this.columns = List.copyOf(keyColumns);
        this.column0 = info.def().columnIndex(keyColumns.get(0));
        this.column1 = keyColumns.size() == 2 ? info.def().columnIndex(keyColumns.get(1)) : -1;
        int groups = info.rowGroups().size();
        this.minA = new long[groups];
        this.maxA = new long[groups];
        this.statsKnown = new boolean[groups];
        this.cache = cache;
        this.encoded = cache == null;
        this.searchable = encoded ? new byte[groups] : null;
    }

    @Override
    public long find(long a, long b, long fromRowId, long toRowId) {
        if (fromRowId >= toRowId || fromRowId < 0 || toRowId > info.rowCount()) {
            return -1;
        }
        try {
            int lo = info.rowGroupOf(fromRowId);
            int hi = info.rowGroupOf(toRowId - 1);
            // the first row group whose run rows end at a key >= a (column 0 never decreases in a run)
            int g = lo;
            int l = lo;
            int h = hi;
            while (l <= h) {
                int mid = (l + h) >>> 1;
                if (lastA(mid, fromRowId, toRowId) < a) {
                    l = mid + 1;
                } else {
                    g = mid;
                    h = mid - 1;
                }
            }
            if (l > hi) {
                return -1;
            }
            for (; g <= hi && firstA(g, fromRowId, toRowId) <= a; g++) {
                long r = findInGroup(g, a, b, fromRowId, toRowId);
                if (r >= 0) {
                    return r;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("searching the sorted key run of table " + info.name() + " " + columns + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether row group {@code g} lies wholly inside {@code [from, to)}. */
    private boolean inside(int g, long from, long to) {
        RowGroupInfo rg = info.rowGroups().get(g);
        return rg.firstRowId() >= from && rg.firstRowId() + rg.rowCount() <= to;
    }

    /** Column 0 of the last run row of group {@code g}. */
    private long lastA(int g, long from, long to) throws IOException {
        if (inside(g, from, to) && stats(g)) {
            return maxA[g];
        }
        RowGroupInfo rg = info.rowGroups().get(g);
        int row = (int) (Math.min(to, rg.firstRowId() + rg.rowCount()) - 1 - rg.firstRowId());
        return encoded(g) ? reader.readLong(column0, g, row) : keys(g).a(row);
    }

    /** Column 0 of the first run row of group {@code g}. */
    private long firstA(int g, long from, long to) throws IOException {
        if (inside(g, from, to) && stats(g)) {
            return minA[g];
        }
        RowGroupInfo rg = info.rowGroups().get(g);
        int row = (int) (Math.max(from, rg.firstRowId()) - rg.firstRowId());
        return encoded(g) ? reader.readLong(column0, g, row) : keys(g).a(row);
    }

    /**
     * Whether row group {@code g} is searched in its encoded key chunks: an encoded reader, key
     * columns read as longs and no NULL in the group's key chunks (decided once per row group).
     */
    private boolean encoded(int g) throws IOException {
        if (!encoded) {
            return false;
        }
        if (searchable[g] == 0) {
            boolean ok = searchable(column0, g) && (column1 < 0 || searchable(column1, g));
            searchable[g] = (byte) (ok ? 1 : 2);
        }
        return searchable[g] == 1;
    }

    private boolean searchable(int column, int g) throws IOException {
        return dev.ingot.columnstore.encoding.ChunkEncoding.isIntegral(info.def().columns().get(column).type().kind())
                && reader.chunkStats(column, g).nullCount() == 0;
    }

    /**
     * The row id of key {@code (a, b)} among rows {@code [from, to)} of row group {@code g} by
     * binary searches in the encoded key chunks: the rows whose first column is {@code a}, then
     * among them the one whose second is {@code b}; -1 if absent.
     */
    private long findEncoded(int g, long a, long b, long from, long to) throws IOException {
        RowGroupInfo rg = info.rowGroups().get(g);
        int lo = (int) (Math.max(from, rg.firstRowId()) - rg.firstRowId());
        int end = (int) (Math.min(to, rg.firstRowId() + rg.rowCount()) - rg.firstRowId());
        reader.equalRange(column0, g, lo, end, a, range);
        if (range[0] == range[1] || column1 < 0) {
            return range[0] == range[1] ? -1 : rg.firstRowId() + range[0];
        }
        reader.equalRange(column1, g, range[0], range[1], b, range);
        return range[0] == range[1] ? -1 : rg.firstRowId() + range[0];
    }

    /** Reads group {@code g}'s column-0 min/max from its chunk header once; false if the chunk has none. */
    private boolean stats(int g) throws IOException {
        if (!statsKnown[g]) {
            ChunkStats s = reader.chunkStats(column0, g);
            if (!s.hasMinMax() || s.nullCount() > 0 || !KeyVectors.isIntegerLike(s.kind())) {
                return false;
            }
            minA[g] = s.min();
            maxA[g] = s.max();
            statsKnown[g] = true;
        }
        return true;
    }

    private long findInGroup(int g, long a, long b, long from, long to) throws IOException {
        if (encoded(g)) {
            return findEncoded(g, a, b, from, to);
        }
        RowGroupInfo rg = info.rowGroups().get(g);
        GroupKeys k = keys(g);
        int lo = (int) (Math.max(from, rg.firstRowId()) - rg.firstRowId());
        int hi = (int) (Math.min(to, rg.firstRowId() + rg.rowCount()) - rg.firstRowId()) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compare(k.a(mid), a);
            if (c == 0) {
                c = Long.compare(k.b(mid), b);
            }
            if (c == 0) {
                return rg.firstRowId() + mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** The decoded key values of group {@code g} (every row, deleted ones included), cached. */
    private GroupKeys keys(int g) throws IOException {
        RowGroupInfo rg = info.rowGroups().get(g);
        KeyRunCache.Key name = new KeyRunCache.Key(rg.chunkKey(column0), column1 < 0 ? -1 : rg.chunkKey(column1), rg.rowCount());
        if (cache == null) { // an encoded reader's row group that is not searchable encoded
            cache = new KeyRunCache();
        }
        GroupKeys k = cache.get(name);
        if (k != null) {
            return k;
        }
        try (VectorSchemaRoot root = reader.readRowGroup(g, columns, true)) {
            int rows = root.getRowCount();
            long[] a = new long[rows];
            long[] b = columns.size() == 2 ? new long[rows] : null;
            FieldVector va = root.getVector(0);
            KeyVectors.readLongs(va, 0, rows, a);
            if (b != null) {
                KeyVectors.readLongs(root.getVector(1), 0, rows, b);
            }
            k = new GroupKeys(a, b, rows);
        }
        cache.put(name, k);
        return k;
    }

    /** Bytes of decoded key values held (by the cache, which other readers may share; 0 without one). */
    long cachedBytes() {
        return cache == null ? 0 : cache.cachedBytes();
    }
}
