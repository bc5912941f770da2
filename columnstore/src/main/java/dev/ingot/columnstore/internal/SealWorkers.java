package dev.ingot.columnstore.internal;

import dev.ingot.memory.internal.Failures;
import dev.ingot.memory.internal.Uninterruptibles;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that seal the chunks of a full row group together with the table writer's own
 * thread: sealing (choosing an encoding, dictionaries, LZ4 text blocks, stats, CRC32C) is most of a
 * load's work on the writer's thread, and the columns of a row group are independent.
 *
 * <p>{@link #sealAll} hands the row group's columns out one at a time, largest staged bytes first
 * (a work-sharing counter: the writer's thread and up to {@code threads - 1} workers each take the
 * next unsealed column until none is left), and returns when every column has ended. The blobs and
 * the pager keys put for them afterwards are the same, in the same order, as when one thread seals
 * them, so the store file does not depend on the thread count. A worker that starts after the
 * columns are all taken (its pool was busy with another writer's row group) does nothing.
 *
 * <p>The workers are daemon threads ({@code ingot-seal-N}), created on the first row group that
 * needs them and ended after 30 s without work or by {@link #close}; with {@code threads == 1} no
 * thread is created and the writer's thread seals alone.
 *
 * <p>Thread-safety: thread-safe; one per store, shared by its table writers.
 */
final class SealWorkers implements AutoCloseable {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final int threads;
    private ThreadPoolExecutor pool; // guarded by this
    private boolean closed; // guarded by this

    /** @param threads threads that seal a row group, the table writer's own included (at least 1) */
    SealWorkers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("seal threads must be at least 1: " + threads);
        }
        this.threads = threads;
    }

    /** The columns of one row group to seal: column {@code i}'s cost (any unit, larger is slower) and its seal. */
    interface Columns {
        /** Number of columns. */
        int count();

        /** Relative cost of sealing column {@code i} (its staged bytes); not negative. */
        long cost(int i);

        /** Seals column {@code i} and returns its blob; called once per column, on any thread. */
        ByteBuffer seal(int i);
    }

    /** {@link #sealAll(Columns, ByteBuffer[])} of a table writer's columns ({@link ColumnWriterImpl#seal}, cost: staged bytes). */
    void sealAll(ColumnWriterImpl[] columns, ByteBuffer[] blobs) {
        sealAll(new Columns() {
            @Override
            public int count() {
                return columns.length;
            }

            @Override
            public long cost(int i) {
                return columns[i].stagedBytes();
            }

            @Override
            public ByteBuffer seal(int i) {
                return columns[i].seal();
            }
        }, blobs);
    }

    /**
     * Seals every column into {@code blobs[i]}. Returns once every column has ended; if any seal
     * failed, throws the failure of the lowest column index (the one a single thread would have met
     * first), with the others suppressed, after every other column has ended too. Waits through
     * interrupts (a seal takes milliseconds and its memory must not be released under it) and sets
     * the thread's interrupt status again afterwards.
     */
    void sealAll(Columns columns, ByteBuffer[] blobs) {
        int n = columns.count();
        ThreadPoolExecutor workers = n > 1 ? workers() : null;
        if (workers == null) {
            for (int i = 0; i < n; i++) {
                blobs[i] = columns.seal(i);
            }
            return;
        }
        RowGroup group = new RowGroup(columns, blobs);
        for (int k = Math.min(threads - 1, n - 1); k > 0; k--) {
            try {
                workers.execute(group);
            } catch (RejectedExecutionException e) {
                break; // closed meanwhile: this thread seals the rest
            }
        }
        group.run();
        group.await();
        group.throwFailure();
    }

    private synchronized ThreadPoolExecutor workers() {
        if (threads == 1 || closed) {
            return null;
        }
        if (pool == null) {
            pool = new ThreadPoolExecutor(threads - 1, threads - 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "ingot-seal-" + THREAD_IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
        }
        return pool;
    }

    /** Number of threads that seal a row group, the writer's own included. */
    int threads() {
        return threads;
    }

    /** Ends the workers once their queued row groups (all already sealed by their writers, or being sealed) are done; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** One row group's columns, taken one at a time by whichever thread asks next. */
    static final class RowGroup implements Runnable {
        private final Columns columns;
        private final ByteBuffer[] blobs;
        private final int[] order;
        private final Throwable[] failures;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch left;

        RowGroup(Columns columns, ByteBuffer[] blobs) {
            this.columns = columns;
            this.blobs = blobs;
            this.order = largestFirst(columns);
            this.failures = new Throwable[order.length];
            this.left = new CountDownLatch(order.length);
        }

        @Override
        public void run() {
            for (int k = next.getAndIncrement(); k < order.length; k = next.getAndIncrement()) {
                int c = order[k];
                try {
                    blobs[c] = columns.seal(c);
                } catch (Throwable t) {
                    failures[c] = t;
                } finally {
                    left.countDown();
                }
            }
        }

        void await() {
            Uninterruptibles.await(left::await);
        }

        void throwFailure() {
            Throwable first = null;
            for (Throwable t : failures) {
                if (t != null) {
                    first = Failures.chain(first, t);
                }
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof Error err) {
                throw err;
            }
            if (first != null) {
                throw new IllegalStateException("sealing a chunk failed: " + first, first);
            }
        }

        /** Column indexes by cost, largest first (ties: lower index first). */
        static int[] largestFirst(Columns columns) {
            int n = columns.count();
            if (n >= 1 << 20) {
                throw new IllegalArgumentException("too many columns to seal in one row group: " + n);
            }
            long[] keyed = new long[n];
            for (int i = 0; i < n; i++) {
                // the cost (capped below 2^40: a chunk is at most one blob) inverted above, the index below
                long cost = Math.min(Math.max(columns.cost(i), 0), (1L << 40) - 1);
                keyed[i] = (((1L << 40) - 1 - cost) << 20) | i;
            }
            Arrays.sort(keyed);
            int[] order = new int[n];
            for (int i = 0; i < order.length; i++) {
                order[i] = (int) (keyed[i] & ((1 << 20) - 1));
            }
            return order;
        }
    }
}
