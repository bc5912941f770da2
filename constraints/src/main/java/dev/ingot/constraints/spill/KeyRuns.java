package dev.ingot.constraints.spill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import dev.ingot.constraints.internal.KeyRowEncoder;
import dev.ingot.constraints.internal.KeyVectors;
import org.apache.arrow.vector.FieldVector;

/**
 * Keys with the row ids they came from, collected in a bounded buffer and spilled as sorted runs
 * to files of a {@link SpillDirectory}; {@link #merge()} reads every run back in one k-way merge,
 * in (key, row id) order. Keys compare as unsigned bytes, lexicographically (a prefix first), the
 * order of {@link java.util.Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}; a key is
 * the {@link dev.ingot.constraints.internal.KeyRowEncoder} encoding of a row's key columns.
 *
 * <p>Run file format: per entry, the key length as an unsigned LEB128 varint, the key bytes, the
 * row id as 8 bytes big-endian; entries in (key, row id) order; the entry count is kept in memory.
 *
 * <p>Memory: the buffer is on the Java heap and bounded: at most {@link #BUFFER_BYTES} key bytes
 * and {@link #BUFFER_ENTRIES} entries (about 32 bytes of bookkeeping each), whatever the number
 * of keys; a merge holds one 64 KiB read buffer per run.
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

    KeyRuns(SpillDirectory dir) {
        this(dir, BUFFER_BYTES, dir.runBufferEntries());
    }

    /** With a smaller buffer (tests: many runs from few keys). */
    KeyRuns(SpillDirectory dir, int bufferBytes, int bufferEntries) {
        if (bufferBytes < 1 || bufferEntries < 2) {
            throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes, " + bufferEntries + " entries");
        }
        this.dir = dir;
        this.bufferBytes = bufferBytes;
        this.bufferEntries = bufferEntries;
    }

    /** Adds the key {@code key[0, length)} of row {@code rowId} (-1 = a row before the spill began). */
    void add(byte[] key, int length, long rowId) {
        ensureOpen();
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
        return spilledBytes;
    }

    /** Heap bytes the buffer holds now. */
    long bufferedBytes() {
        return arena.length + 32L * off.length;
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
                out.varint(len[i]);
                out.bytes(arena, off[i], len[i]);
                out.longBE(row[i]);
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
     * Writes what is buffered as a last run and opens a merge of every run, in (key, row id) order.
     * More keys may be added after the cursor is closed (a later merge sees them too).
     */
    Cursor merge() {
        ensureOpen();
        if (n > 0) {
            flush();
        }
        Cursor c = new Cursor();
        try {
            for (int r = 0; r < runs.size(); r++) {
                c.open(runs.get(r), runEntries.get(r));
            }
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** One run being read. */
    private final class RunReader {
        final Path file;
        final SpillStreams.In in;
        long remaining;
        byte[] key = new byte[32];
        int length;
        long rowId;

        RunReader(Path file, long entries) {
            this.file = file;
            this.remaining = entries;
            try {
                this.in = new SpillStreams.In(Files.newInputStream(file));
            } catch (IOException e) {
                throw dir.failure("open spill run " + file.getFileName(), e);
            }
        }

        boolean advance() {
            if (remaining == 0) {
                return false;
            }
            try {
                key = in.key(key);
                length = in.keyLength();
                rowId = in.longBE();
            } catch (IOException e) {
                throw dir.failure("read spill run " + file.getFileName(), e);
            }
            remaining--;
            return true;
        }

        int compareTo(RunReader o) {
            int c = Arrays.compareUnsigned(key, 0, length, o.key, 0, o.length);
            return c != 0 ? c : Long.compare(rowId, o.rowId);
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The merged entries of every run, ascending by key, then row id. Not thread-safe; close it
     * (closes the run files' streams; the files stay until {@link KeyRuns#close()}).
     */
    final class Cursor implements AutoCloseable {
        private final PriorityQueue<RunReader> heap = new PriorityQueue<>(RunReader::compareTo);
        private final List<RunReader> all = new ArrayList<>();
        private RunReader current;

        private void open(Path file, long count) {
            RunReader r = new RunReader(file, count);
            all.add(r);
            if (r.advance()) {
                heap.add(r);
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

        /** The current entry's key bytes {@code [0, length())}; valid until {@link #next()}. */
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
            for (RunReader r : all) {
                try {
                    r.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
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
        for (Path f : runs) {
            try {
                dir.delete(f);
            } catch (UncheckedIOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        runs.clear();
        arena = new byte[0];
        off = new int[0];
        len = new int[0];
        row = new long[0];
        prefix = new long[0];
        if (failure != null) {
            throw failure;
        }
    }
}
