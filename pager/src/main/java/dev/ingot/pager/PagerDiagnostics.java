package dev.ingot.pager;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what a {@link Pager} did: the churn a storage engine should be able to report
 * about itself. A pager has one global instance; each {@link PagerWriter} has a child span
 * whose increments are also added to its parent, so per-table churn is exact even when
 * tables load in parallel.
 *
 * <p>Thread-safety: thread-safe; counters are {@link LongAdder}s, so no update is lost under
 * contention. A {@link #snapshot()} reads each counter once; counters updated concurrently
 * may be seen at slightly different moments (each is exact on its own).
 */
public final class PagerDiagnostics {
    /** The counters, in the order of {@link Snapshot}'s components. */
    public enum Counter {
        /** Calls to {@link Pager#allocMany} (key blocks taken). */
        ALLOC_CALLS,
        /** Keys handed out by those calls. */
        KEYS_ALLOCATED,
        /** Put calls: a single put or one putBatch counts as one. */
        PUT_BATCHES,
        /** Blobs written. */
        BLOBS_PUT,
        /** Payload bytes written for blobs. */
        BYTES_WRITTEN,
        /** Blobs written to a key that had no blob yet. */
        FRESH_WRITES,
        /** Blobs written to a key that already had one. */
        OVERWRITES,
        /** Calls to get / getVerified. */
        GETS,
        /** Blobs freed. */
        FREES,
        /** Successful commits. */
        COMMITS,
        /** fsync/force calls on the store file. */
        FORCES,
        /** Segments mapped into memory. */
        SEGMENTS_MAPPED
    }

    private final String label;
    private final PagerDiagnostics parent;
    private final LongAdder[] counters = new LongAdder[Counter.values().length];

    /** A root (global) diagnostics object. */
    public PagerDiagnostics(String label) {
        this(label, null);
    }

    private PagerDiagnostics(String label, PagerDiagnostics parent) {
        this.label = label;
        this.parent = parent;
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
    }

    /** A span whose increments are also counted here. */
    public PagerDiagnostics newSpan(String spanLabel) {
        return new PagerDiagnostics(spanLabel, this);
    }

    public String label() {
        return label;
    }

    /** Adds {@code delta} to {@code counter} here and in every ancestor. */
    public void add(Counter counter, long delta) {
        for (PagerDiagnostics d = this; d != null; d = d.parent) {
            d.counters[counter.ordinal()].add(delta);
        }
    }

    /** Adds one. */
    public void increment(Counter counter) {
        add(counter, 1);
    }

    /** The current value of one counter. */
    public long get(Counter counter) {
        return counters[counter.ordinal()].sum();
    }

    /** Reads every counter. */
    public Snapshot snapshot() {
        long[] v = new long[counters.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = counters[i].sum();
        }
        return new Snapshot(label, v);
    }

    /** An immutable reading of all counters; {@link #minus} gives the delta between two. */
    public static final class Snapshot {
        private final String label;
        private final long[] values;

        Snapshot(String label, long[] values) {
            this.label = label;
            this.values = values;
        }

        public String label() {
            return label;
        }

        public long get(Counter counter) {
            return values[counter.ordinal()];
        }

        /** This reading minus an earlier one: the activity in between. */
        public Snapshot minus(Snapshot earlier) {
            long[] d = new long[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i] - earlier.values[i];
            }
            return new Snapshot(label, d);
        }

        /** Keys per allocation call (how well reservations batch), or 0 with no calls. */
        public double keysPerAllocCall() {
            long calls = get(Counter.ALLOC_CALLS);
            return calls == 0 ? 0 : (double) get(Counter.KEYS_ALLOCATED) / calls;
        }

        /** One line: {@code alloc 3 calls/150 keys, put 12 batches/150 blobs, 1.2 MiB, ...}. */
        @Override
        public String toString() {
            return String.format("alloc %d calls/%d keys, put %d batches/%d blobs, %s written, %d fresh/%d overwrites, %d gets, %d frees, %d commits, %d forces, %d segments mapped",
                    get(Counter.ALLOC_CALLS), get(Counter.KEYS_ALLOCATED), get(Counter.PUT_BATCHES), get(Counter.BLOBS_PUT),
                    humanBytes(get(Counter.BYTES_WRITTEN)), get(Counter.FRESH_WRITES), get(Counter.OVERWRITES), get(Counter.GETS),
                    get(Counter.FREES), get(Counter.COMMITS), get(Counter.FORCES), get(Counter.SEGMENTS_MAPPED));
        }
    }

    /** Formats a byte count with a binary unit, e.g. {@code 1.5 MiB}. */
    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
