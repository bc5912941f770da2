package dev.ingot.constraints.spill;

import dev.ingot.memory.internal.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyRowEncoder;
import dev.ingot.constraints.internal.KeyVectors;
import org.apache.arrow.vector.FieldVector;

/**
 * Keys with the row ids they came from, in (key, row id) order for a merge: {@link #merge()} reads
 * every entry back in one k-way merge, ascending by key, then row id. Keys compare as unsigned
 * bytes, lexicographically (a prefix first), the order of
 * {@link java.util.Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}; a key is the
 * {@link dev.ingot.constraints.internal.KeyRowEncoder} encoding of a row's key columns, turned into
 * the {@link SortableKeys} encoding on the way in (so integer keys sort numerically).
 *
 * <p>Two ways in, chosen per entry:
 * <ol>
 *   <li>The ordered prefix: while every entry follows the previous one in (key, row id) order
 *       (strictly increasing keys for a {@code distinct} set: a PRIMARY KEY / UNIQUE), entries are
 *       written straight to one file, already sorted: no buffer, no sort. For a {@code distinct}
 *       set that file holds the keys only, in the {@link SortedKeyFile} format, so that if the
 *       order never breaks it proves there is no duplicate without a merge
 *       ({@link #isOrdered()}) and is the sorted distinct keys that FOREIGN KEYs merge-join
 *       against ({@link #takeOrderedKeys()}).</li>
 *   <li>From the first entry that breaks the order on, entries are collected in a bounded buffer
 *       and spilled as sorted runs; the prefix file stays as one more sorted run of the merge.</li>
 * </ol>
 * A {@code distinct} set's entries must come in non-decreasing row id order (a table's rows as
 * they are checked; row id -1 for keys exported before the spill): its prefix keeps no row ids, and
 * its entries take row id -1 in the merge, which is exact because every later entry's row is
 * higher (the merge reports the second and later rows of a key, never the first).
 *
 * <p>Run file format: per entry, the key front-coded against the previous entry's (see
 * {@link SpillStreams}) and the row id plus one as an unsigned LEB128 varint; entries in (key, row
 * id) order; the entry count is kept in memory.
 *
 * <p>Memory: the buffer is on the Java heap and bounded: at most {@link #BUFFER_BYTES} key bytes
 * and {@link #BUFFER_ENTRIES} entries (about 32 bytes of bookkeeping each), whatever the number
 * of keys; keys of 8 or 16 bytes are buffered as records of 2 or 3 longs instead (16 or 24 bytes an
 * entry, sorted in place); a merge holds one 64 KiB read buffer per run.
 *
 * <p>Thread-safety: not thread-safe; one owner thread. Ownership: {@link #close()} deletes every
 * run file (also after a failure) and is idempotent.
 */
final class KeyRuns implements AutoCloseable {
    /** Most key bytes buffered before a run is written. */
    static final int BUFFER_BYTES = 4 << 20;
    /** Most entries buffered before a run is written. */
    static final int BUFFER_ENTRIES = 1 << 18;

    private final SpillDirectory dir;
    private final SortableKeys sortable;
    private final boolean distinct;
    private final int bufferBytes;
    private final int bufferEntries;
    private byte[] arena = new byte[1024];
    private int arenaUsed;
    private int n;
    private int[] off = new int[64];
    private int[] len = new int[64];
    private long[] row = new long[64];
    private long[] prefix = new long[64];
    private final List<Path> runs = new ArrayList<>();
    private final List<Long> runEntries = new ArrayList<>();
    private long entries;
    private long spilledBytes;
    private boolean closed;
    /** The sortable form of the key being added. */
    private byte[] scratch = new byte[64];
    /** Whether every entry so far went to the ordered prefix. */
    private final KeyOrder order;
    private boolean ordered = true;
    /** The ordered prefix of a distinct set while it is open; null before its first key, after a break or hand-over. */
    private SortedKeyFile.Writer prefixKeys;
    /** The ordered prefix of a distinct set once the order broke (a source of every merge). */
    private SortedKeyFile prefixKeysDone;
    /** The ordered prefix of a set that is not distinct (a run file with row ids), while open. */
    private Path prefixRun;
    private SpillStreams.Out prefixOut;
    private long prefixEntries;
    /** The prefix was handed over by {@link #takeOrderedKeys}: no more entries. */
    private boolean handedOver;
    private long lastRow = Long.MIN_VALUE;
    /**
     * Record mode, for keys of 8 or 16 bytes (one or two integer columns, a 16-byte column): the
     * buffer is one {@code long[]} of records of {@code recordLongs} longs, the key's big-endian
     * words then the row id, sorted in place, so that neither the sort nor the run's write
     * chases a permutation through the buffer; 0 otherwise (byte keys in an arena).
     */
    private final int recordLongs;
    private long[] records = new long[0];
    private final byte[] recordKey = new byte[16];

    /**
     * @param types    the key's column types, in key order
     * @param distinct whether the keys are a PRIMARY KEY / UNIQUE set's (see the class comment)
     */
    KeyRuns(SpillDirectory dir, List<ColumnType> types, boolean distinct) {
        this(dir, types, distinct, BUFFER_BYTES, dir.runBufferEntries());
    }

    /** With a smaller buffer (tests: many runs from few keys). */
    KeyRuns(SpillDirectory dir, List<ColumnType> types, boolean distinct, int bufferBytes, int bufferEntries) {
        if (bufferBytes < 1 || bufferEntries < 2) {
            throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes, " + bufferEntries + " entries");
        }
        this.dir = dir;
        this.sortable = new SortableKeys(types);
        this.distinct = distinct;
        this.order = new KeyOrder(distinct);
        this.bufferBytes = bufferBytes;
        this.bufferEntries = bufferEntries;
        int fixed = sortable.fixedLength();
        this.recordLongs = fixed == 8 || fixed == 16 ? fixed / 8 + 1 : 0;
    }

    /**
     * Whether the entries after a key that is not greater than the one before still follow it:
     * the one test of order for every spilled key stream ({@link KeyRuns}' prefix, the streamed
     * merge join of {@link ExternalForeignKey}). Compares the sortable encoding as unsigned bytes,
     * then row ids; not thread-safe.
     */
    static final class KeyOrder {
        private final boolean strict;
        private byte[] last = new byte[32];
        private int lastLength = -1;
        private long lastRow;

        /** @param strict keys must increase (PRIMARY KEY / UNIQUE); otherwise equal keys with increasing row ids follow too */
        KeyOrder(boolean strict) {
            this.strict = strict;
        }

        /**
         * Whether {@code (key[0, length), rowId)} follows the last entry accepted (any entry
         * follows none); if so, it becomes the last. Row ids must not decrease.
         */
        boolean accept(byte[] key, int length, long rowId) {
            if (lastLength >= 0) {
                int c = Arrays.compareUnsigned(key, 0, length, last, 0, lastLength);
                if (c < 0 || (c == 0 && (strict || rowId <= lastRow)) || rowId < lastRow) {
                    return false;
                }
            }
            if (length > last.length) {
                last = new byte[Math.max(length, last.length * 2)];
            }
            System.arraycopy(key, 0, last, 0, length);
            lastLength = length;
            lastRow = rowId;
            return true;
        }
    }

    /** The sortable form of {@code key[0, length)} (a scratch array, valid until the next call). */
    byte[] sortable(byte[] key, int length) {
        if (length > scratch.length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        System.arraycopy(key, 0, scratch, 0, length);
        sortable.toSortable(scratch, length);
        return scratch;
    }

    /** The key encoding {@link #merge()} returns, turned back into the row encoding; a new array. */
    byte[] rowEncoding(byte[] key, int length) {
        byte[] k = Arrays.copyOf(key, length);
        sortable.toRowEncoding(k, length);
        return k;
    }

    /** Adds the key {@code key[0, length)} (row encoding) of row {@code rowId} (-1 = a row before the spill began). */
    void add(byte[] key, int length, long rowId) {
        addSortable(sortable(key, length), length, rowId);
    }

    /**
     * Adds the key {@code key[0, length)}, already in the {@link SortableKeys} encoding, of row
     * {@code rowId}.
     *
     * @throws IllegalArgumentException if a distinct set's row ids decrease
     */
    void addSortable(byte[] key, int length, long rowId) {
        ensureOpen();
        if (handedOver) {
            throw new IllegalStateException("the ordered keys were handed over; no more keys can be added");
        }
        if (distinct) {
            if (rowId < lastRow) {
                throw new IllegalArgumentException("row " + rowId + " after row " + lastRow + ": a key set's rows come in order");
            }
            lastRow = rowId;
        }
        if (ordered && order.accept(key, length, rowId)) {
            writePrefix(key, length, rowId);
            entries++;
            return;
        }
        if (ordered) {
            endPrefix();
        }
        buffer(key, length, rowId);
    }

    private void writePrefix(byte[] key, int length, long rowId) {
        if (distinct) {
            if (prefixKeys == null) {
                prefixKeys = SortedKeyFile.create(dir);
            }
            prefixKeys.add(key, length);
        } else {
            if (prefixOut == null) {
                prefixRun = dir.newFile();
                runs.add(prefixRun); // deleted by close() even if a write fails; merged as a run once ended
                runEntries.add(0L);
                try {
                    prefixOut = new SpillStreams.Out(Files.newOutputStream(prefixRun, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                } catch (IOException e) {
                    throw dir.failure("write spill run " + prefixRun.getFileName(), e);
                }
            }
            try {
                prefixOut.frontKey(key, 0, length);
                prefixOut.varlong(rowId + 1);
            } catch (IOException e) {
                throw dir.failure("write spill run " + prefixRun.getFileName(), e);
            }
            runEntries.set(0, runEntries.get(0) + 1);
        }
        prefixEntries++;
    }

    /** The order broke: the prefix file becomes one sorted run of the merge. */
    private void endPrefix() {
        ordered = false;
        if (prefixKeys != null) {
            long before = spilledBytes;
            SortedKeyFile f = prefixKeys.finish();
            prefixKeys = null;
            prefixKeysDone = f;
            spilledBytes = before + f.bytes();
        } else if (prefixOut != null) {
            long bytes;
            try {
                prefixOut.close();
                bytes = prefixOut.written();
            } catch (IOException e) {
                throw dir.failure("write spill run " + prefixRun.getFileName(), e);
            } finally {
                prefixOut = null;
            }
            spilledBytes += bytes;
            dir.addBytesWritten(bytes);
        }
    }

    /**
     * Whether every entry so far came in order (strictly increasing keys for a distinct set, so
     * none repeats) and went to the ordered prefix.
     */
    boolean isOrdered() {
        return ordered;
    }

    /**
     * Hands over the ordered prefix of a distinct set that never broke its order, as the sorted
     * distinct keys (possibly none); the caller owns the file from now on and no more entries can
     * be added.
     *
     * @throws IllegalStateException if the set is not distinct or its order broke
     */
    SortedKeyFile takeOrderedKeys() {
        ensureOpen();
        if (!distinct || !ordered || handedOver) {
            throw new IllegalStateException("only the keys of a distinct set that stayed in order can be taken, once");
        }
        SortedKeyFile.Writer w = prefixKeys != null ? prefixKeys : SortedKeyFile.create(dir);
        prefixKeys = null;
        handedOver = true;
        return w.finish();
    }

    /** Appends an entry that broke the order to the buffer, spilling a sorted run when it is full. */
    private void buffer(byte[] key, int length, long rowId) {
        if (recordLongs > 0) {
            bufferRecord(key, length, rowId);
            return;
        }
        if (n > 0 && (n == bufferEntries || arenaUsed + length > bufferBytes)) {
            flush();
        }
        if (n == off.length) {
            int cap = Math.min(bufferEntries, n * 2);
            off = Arrays.copyOf(off, cap);
            len = Arrays.copyOf(len, cap);
            row = Arrays.copyOf(row, cap);
            prefix = Arrays.copyOf(prefix, cap);
        }
        if (arenaUsed + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arenaUsed + length, Math.min(bufferBytes, arena.length * 2)));
        }
        System.arraycopy(key, 0, arena, arenaUsed, length);
        off[n] = arenaUsed;
        len[n] = length;
        row[n] = rowId;
        prefix[n] = prefixOf(key, 0, length);
        arenaUsed += length;
        n++;
        entries++;
    }

    private static final java.lang.invoke.VarHandle LONG_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /** {@link #buffer} in record mode. */
    private void bufferRecord(byte[] key, int length, long rowId) {
        int w = recordLongs - 1;
        if (length != 8 * w) {
            throw new IllegalArgumentException("a key of " + length + " bytes in runs of " + 8 * w + "-byte keys");
        }
        if (n == bufferEntries) {
            flush();
        }
        int at = n * recordLongs;
        if (at + recordLongs > records.length) {
            records = Arrays.copyOf(records, Math.max(at + recordLongs, Math.min(bufferEntries * recordLongs, Math.max(64, records.length * 2))));
        }
        for (int j = 0; j < w; j++) {
            records[at + j] = (long) LONG_BE.get(key, 8 * j);
        }
        records[at + w] = rowId;
        n++;
        entries++;
    }

    /** Order of records {@code i} and {@code j}: key words unsigned, then row id. */
    private int compareRecords(long[] r, int i, int j) {
        int a = i * recordLongs;
        int b = j * recordLongs;
        int w = recordLongs - 1;
        for (int x = 0; x < w; x++) {
            int c = Long.compareUnsigned(r[a + x], r[b + x]);
            if (c != 0) {
                return c;
            }
        }
        return Long.compare(r[a + w], r[b + w]);
    }

    private void swapRecords(long[] r, int i, int j) {
        int a = i * recordLongs;
        int b = j * recordLongs;
        for (int x = 0; x < recordLongs; x++) {
            long t = r[a + x];
            r[a + x] = r[b + x];
            r[b + x] = t;
        }
    }

    /**
     * Quicksort (median of three, insertion sort below 16) of records {@code [lo, hi]} in place;
     * the pivot is moved to {@code lo} first so that it stays put while the range is partitioned.
     */
    private void sortRecords(long[] r, int lo, int hi) {
        while (hi - lo >= 16) {
            int mid = (lo + hi) >>> 1;
            if (compareRecords(r, mid, lo) < 0) {
                swapRecords(r, mid, lo);
            }
            if (compareRecords(r, hi, lo) < 0) {
                swapRecords(r, hi, lo);
            }
            if (compareRecords(r, hi, mid) < 0) {
                swapRecords(r, hi, mid);
            }
            swapRecords(r, lo, mid); // the median as pivot at lo
            int i = lo + 1;
            int j = hi;
            while (true) {
                while (i <= j && compareRecords(r, i, lo) < 0) {
                    i++;
                }
                while (compareRecords(r, j, lo) > 0) {
                    j--;
                }
                if (i >= j) {
                    break;
                }
                swapRecords(r, i++, j--);
            }
            swapRecords(r, lo, j); // the pivot in its place: [lo, j) <= pivot <= (j, hi]
            if (j - lo < hi - j) { // recurse into the smaller part: O(log n) stack
                sortRecords(r, lo, j - 1);
                lo = j + 1;
            } else {
                sortRecords(r, j + 1, hi);
                hi = j - 1;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && compareRecords(r, j - 1, j) > 0; j--) {
                swapRecords(r, j - 1, j);
            }
        }
    }

    /**
     * Adds the keys of rows {@code [offset, offset + length)} of {@code cols} (batch row
     * {@code offset + i} is row id {@code firstRowId + i}), skipping rows with a NULL key column
     * and, before them, the first {@code skipNonNull} rows without one.
     */
    void addRows(KeyRowEncoder encoder, FieldVector[] cols, int offset, int length, long firstRowId, long skipNonNull) {
        encoder.checkBatch(cols, offset, length);
        try {
            boolean nulls = KeyVectors.anyNulls(cols);
            long skip = skipNonNull;
            for (int base = 0; base < length; base += KeyRowEncoder.WINDOW) {
                int w = Math.min(KeyRowEncoder.WINDOW, length - base);
                encoder.prepare(cols, offset + base, w);
                for (int i = 0; i < w; i++) {
                    if (nulls && KeyVectors.anyNullAt(cols, offset + base + i)) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    int keyLength = encoder.encode(i);
                    add(encoder.key(), keyLength, firstRowId + base + i);
                }
            }
        } finally {
            encoder.release();
        }
    }

    /** The first 8 bytes of a key as an unsigned big-endian number (zero-padded): orders like the bytes. */
    static long prefixOf(byte[] key, int from, int length) {
        long p = 0;
        int m = Math.min(8, length);
        for (int i = 0; i < m; i++) {
            p |= (key[from + i] & 0xFFL) << (56 - 8 * i);
        }
        return p;
    }

    /** Entries added so far. */
    long entries() {
        return entries;
    }

    /** Bytes written to run files so far. */
    long spilledBytes() {
        return spilledBytes + (prefixKeys != null ? prefixKeys.written() : 0) + (prefixOut != null ? prefixOut.written() : 0);
    }

    /** Heap bytes the buffer holds now. */
    long bufferedBytes() {
        return arena.length + 32L * off.length + 8L * records.length;
    }

    /** Run files written so far (tests). */
    int runCount() {
        return runs.size();
    }

    /** Full comparison of entries {@code a} and {@code b} whose prefixes are equal: bytes, then row id. */
    private int compareRest(int a, int b) {
        int c = Arrays.compareUnsigned(arena, off[a], off[a] + len[a], arena, off[b], off[b] + len[b]);
        return c != 0 ? c : Long.compare(row[a], row[b]);
    }

    /** Sorts the buffer and writes it as a run file. */
    private void flush() {
        if (recordLongs > 0) {
            flushRecords();
            return;
        }
        int[] perm = new int[n];
        long[] keys = Arrays.copyOf(prefix, n); // sorted along with perm: compares read them in place
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        sort(keys, perm, 0, n - 1);
        Path file = dir.newFile();
        runs.add(file); // deleted by close() even if the write fails half-way
        long bytes;
        try (SpillStreams.Out out = new SpillStreams.Out(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            for (int k = 0; k < n; k++) {
                int i = perm[k];
                out.frontKey(arena, off[i], len[i]);
                out.varlong(row[i] + 1);
            }
            bytes = out.written();
        } catch (IOException e) {
            throw dir.failure("write spill run " + file.getFileName(), e);
        }
        runEntries.add((long) n);
        spilledBytes += bytes;
        dir.addBytesWritten(bytes);
        n = 0;
        arenaUsed = 0;
    }

    /** {@link #flush} in record mode: sorts the records in place and writes them in order. */
    private void flushRecords() {
        sortRecords(records, 0, n - 1);
        int w = recordLongs - 1;
        Path file = dir.newFile();
        runs.add(file); // deleted by close() even if the write fails half-way
        long bytes;
        try (SpillStreams.Out out = new SpillStreams.Out(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            for (int k = 0, at = 0; k < n; k++, at += recordLongs) {
                for (int j = 0; j < w; j++) {
                    LONG_BE.set(recordKey, 8 * j, records[at + j]);
                }
                out.frontKey(recordKey, 0, 8 * w);
                out.varlong(records[at + w] + 1);
            }
            bytes = out.written();
        } catch (IOException e) {
            throw dir.failure("write spill run " + file.getFileName(), e);
        }
        runEntries.add((long) n);
        spilledBytes += bytes;
        dir.addBytesWritten(bytes);
        n = 0;
    }

    /** Order of positions {@code i} and {@code j} of the sort: prefix, then the entries' bytes and row ids. */
    private int cmp(long[] keys, int[] perm, int i, int j) {
        int c = Long.compareUnsigned(keys[i], keys[j]);
        return c != 0 ? c : compareRest(perm[i], perm[j]);
    }

    private int cmpTo(long[] keys, int[] perm, int i, long pivotKey, int pivot) {
        int c = Long.compareUnsigned(keys[i], pivotKey);
        return c != 0 ? c : compareRest(perm[i], pivot);
    }

    /**
     * Quicksort (median of three, insertion sort below 16) of positions {@code [lo, hi]} of the
     * parallel arrays {@code keys} (prefixes) and {@code perm} (entry indexes).
     */
    private void sort(long[] keys, int[] perm, int lo, int hi) {
        while (hi - lo >= 16) {
            int mid = (lo + hi) >>> 1;
            if (cmp(keys, perm, mid, lo) < 0) {
                swap(keys, perm, mid, lo);
            }
            if (cmp(keys, perm, hi, lo) < 0) {
                swap(keys, perm, hi, lo);
            }
            if (cmp(keys, perm, hi, mid) < 0) {
                swap(keys, perm, hi, mid);
            }
            long pivotKey = keys[mid];
            int pivot = perm[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (cmpTo(keys, perm, i, pivotKey, pivot) < 0) {
                    i++;
                }
                while (cmpTo(keys, perm, j, pivotKey, pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    swap(keys, perm, i++, j--);
                }
            }
            if (j - lo < hi - i) { // recurse into the smaller part: O(log n) stack
                sort(keys, perm, lo, j);
                lo = i;
            } else {
                sort(keys, perm, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            long k = keys[i];
            int x = perm[i];
            int j = i - 1;
            while (j >= lo && cmpTo(keys, perm, j, k, x) > 0) {
                keys[j + 1] = keys[j];
                perm[j + 1] = perm[j];
                j--;
            }
            keys[j + 1] = k;
            perm[j + 1] = x;
        }
    }

    private static void swap(long[] keys, int[] perm, int i, int j) {
        long k = keys[i];
        keys[i] = keys[j];
        keys[j] = k;
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }

    /**
     * Writes what is buffered as a last run and opens a merge of every run and the ordered prefix,
     * in (key, row id) order. More keys may be added after the cursor is closed (a later merge
     * sees them too).
     */
    Cursor merge() {
        ensureOpen();
        if (handedOver) {
            throw new IllegalStateException("the ordered keys were handed over");
        }
        if (n > 0) {
            flush();
        }
        Cursor c = new Cursor();
        try {
            if (prefixKeys != null) {
                prefixKeys.flush();
                c.open(new KeysSource(prefixKeys.file().reader()));
            } else if (prefixKeysDone != null) {
                c.open(new KeysSource(prefixKeysDone.reader()));
            }
            if (prefixOut != null) {
                try {
                    prefixOut.flush();
                } catch (IOException e) {
                    throw dir.failure("write spill run " + prefixRun.getFileName(), e);
                }
            }
            for (int r = 0; r < runs.size(); r++) {
                c.open(new RunReader(runs.get(r), runEntries.get(r)));
            }
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** One sorted stream of entries of a merge. */
    private abstract static class Source {
        byte[] key = new byte[32];
        int length;
        long rowId;

        /** Moves to the next entry; false at the end. */
        abstract boolean advance();

        abstract void close();

        final int compareTo(Source o) {
            int c = Arrays.compareUnsigned(key, 0, length, o.key, 0, o.length);
            return c != 0 ? c : Long.compare(rowId, o.rowId);
        }
    }

    /** One run file being read. */
    private final class RunReader extends Source {
        final Path file;
        final SpillStreams.In in;
        long remaining;

        RunReader(Path file, long entries) {
            this.file = file;
            this.remaining = entries;
            try {
                this.in = new SpillStreams.In(Files.newInputStream(file));
            } catch (IOException e) {
                throw dir.failure("open spill run " + file.getFileName(), e);
            }
        }

        @Override
        boolean advance() {
            if (remaining == 0) {
                return false;
            }
            try {
                key = in.frontKey(key);
                length = in.keyLength();
                rowId = in.varlong() - 1;
            } catch (IOException e) {
                throw dir.failure("read spill run " + file.getFileName(), e);
            }
            remaining--;
            return true;
        }

        @Override
        void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A distinct set's ordered prefix: its keys, each with row id -1 (see the class comment). */
    private static final class KeysSource extends Source {
        final SortedKeyFile.Reader in;

        KeysSource(SortedKeyFile.Reader in) {
            this.in = in;
            this.rowId = -1;
        }

        @Override
        boolean advance() {
            if (!in.next()) {
                return false;
            }
            key = in.key();
            length = in.length();
            return true;
        }

        @Override
        void close() {
            in.close();
        }
    }

    /**
     * The merged entries of every run, ascending by key, then row id. Not thread-safe; close it
     * (closes the run files' streams; the files stay until {@link KeyRuns#close()}).
     */
    final class Cursor implements AutoCloseable {
        private final PriorityQueue<Source> heap = new PriorityQueue<>(Source::compareTo);
        private final List<Source> all = new ArrayList<>();
        private Source current;

        private void open(Source s) {
            all.add(s);
            if (s.advance()) {
                heap.add(s);
            }
        }

        /** Moves to the next entry; false at the end. */
        boolean next() {
            if (current != null && current.advance()) {
                heap.add(current);
            }
            current = heap.poll();
            return current != null;
        }

        /** The current entry's key bytes {@code [0, length())} (sortable encoding); valid until {@link #next()}. */
        byte[] key() {
            return current.key;
        }

        int length() {
            return current.length;
        }

        long rowId() {
            return current.rowId;
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (Source r : all) {
                try {
                    r.close();
                } catch (RuntimeException e) {
                    failure = Failures.chain(failure, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("spilled key runs are closed");
        }
    }

    /** Deletes every run file; idempotent. @throws UncheckedIOException naming the directory if a delete fails */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        UncheckedIOException failure = null;
        if (prefixOut != null) {
            try {
                prefixOut.close();
            } catch (IOException e) {
                failure = dir.failure("close spill run " + prefixRun.getFileName(), e);
            }
            prefixOut = null;
        }
        if (prefixKeys != null) {
            prefixKeys.abandon();
            prefixKeys = null;
        }
        if (prefixKeysDone != null) {
            try {
                prefixKeysDone.close();
            } catch (UncheckedIOException e) {
                failure = Failures.chain(failure, e);
            }
            prefixKeysDone = null;
        }
        for (Path f : runs) {
            try {
                dir.delete(f);
            } catch (UncheckedIOException e) {
                failure = Failures.chain(failure, e);
            }
        }
        runs.clear();
        arena = new byte[0];
        off = new int[0];
        len = new int[0];
        row = new long[0];
        prefix = new long[0];
        records = new long[0];
        if (failure != null) {
            throw failure;
        }
    }
}
