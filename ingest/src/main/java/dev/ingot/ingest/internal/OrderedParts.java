package dev.ingot.ingest.internal;

import dev.ingot.memory.internal.Uninterruptibles;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Produces the items of {@code partCount} numbered parts on worker threads and hands them to
 * one consumer in part order (all items of part 0, then part 1, ...), each part's items in the
 * order its producer emitted them. Concatenating the parts therefore gives the same sequence
 * as producing them one after the other on one thread.
 *
 * <p>Scheduling: a worker takes a permit, claims the lowest unclaimed part and produces all of
 * it into that part's queue; the consumer returns the permit when it has drained the part.
 * {@code maxPartsInFlight} permits bound the parts claimed at once. Read-ahead is bounded as
 * well in items and in bytes ({@link ReadAhead}): a producer's {@link Sink#put} blocks while the
 * items queued and not yet taken by the consumer, over all parts, would exceed
 * {@link ReadAhead#maxItems()} or {@link ReadAhead#maxBytes()} (as measured by the item sizer).
 * Neither bound can deadlock: the lowest unconsumed part is always claimed before any later one,
 * and the producer of the part the consumer is draining may always put when none of its items
 * is queued (so one item larger than the byte bound still passes, and at most one item beyond
 * the bounds is ever queued).
 *
 * <p>Failures: when producing part k throws, its items emitted so far are still handed out,
 * then {@link #next()} throws the failure (the same one on every later call). Parts after k
 * are cancelled; parts before k are completed and handed out first, so the consumer always sees
 * the failure of the lowest failing part. {@link #close()} stops workers (they notice at their
 * next {@link Sink#put}), waits for them and disposes items never handed out.
 *
 * <p>Thread-safety: one consumer thread calls {@link #next()} and {@link #close()}; producers
 * run on the worker threads this object starts (daemon threads).
 *
 * @param <T> item type; items not handed out are given to the disposer
 */
public final class OrderedParts<T> implements AutoCloseable {
    /** Produces the items of one part. */
    @FunctionalInterface
    public interface Producer<T> {
        /**
         * Emits the items of {@code part} (0-based) through {@code sink}. Must close any
         * resource not yet put when it throws.
         */
        void produce(int part, Sink<T> sink) throws Exception;
    }

    /** Receives a part's items. */
    public interface Sink<T> {
        /**
         * Queues {@code item}, which the sink now owns. Throws {@link Cancelled} (after disposing
         * the item) when the part's output is no longer wanted; the producer should then return.
         */
        void put(T item);
    }

    /** Thrown by {@link Sink#put} when the source was closed or an earlier part failed. */
    public static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private static final Object PART_END = new Object();

    private record Failure(Throwable error) {
    }

    /** A queued item and the bytes it was counted with. */
    private record Sized(Object item, long bytes) {
    }

    /**
     * Bounds on what producers may queue ahead of the consumer, summed over all parts.
     *
     * @param maxItems items (batches), &gt;= 1
     * @param maxBytes bytes as measured by the item sizer, &gt;= 1
     */
    public record ReadAhead(int maxItems, long maxBytes) {
        /** Items per worker thread in {@link #forThreads}. */
        public static final int ITEMS_PER_THREAD = 64;
        /** Bytes per worker thread in {@link #forThreads}. */
        public static final long BYTES_PER_THREAD = 16L << 20;

        public ReadAhead {
            if (maxItems < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("read-ahead bounds must be >= 1: " + maxItems + " items, " + maxBytes + " bytes");
            }
        }

        /**
         * The default for {@code threads} workers: {@code 64 * (threads + 2)} items and
         * {@code 16 MiB * (threads + 2)} bytes (with 2 threads: 256 batches, 64 MiB).
         */
        public static ReadAhead forThreads(int threads) {
            int t = Math.max(1, threads) + 2;
            return new ReadAhead(ITEMS_PER_THREAD * t, BYTES_PER_THREAD * t);
        }

        /**
         * {@link #forThreads(int)}, with the bytes also at most an eighth of {@code memoryLimitBytes}
         * (the limit of the allocator the items come from, e.g. a load's share of
         * {@code --memory-limit-mb}; at least 1 MiB), so that a small memory limit makes the
         * workers wait instead of the allocation fail.
         */
        public static ReadAhead forThreads(int threads, long memoryLimitBytes) {
            ReadAhead r = forThreads(threads);
            return new ReadAhead(r.maxItems(), Math.min(r.maxBytes(), Math.max(1L << 20, memoryLimitBytes / 8)));
        }
    }

    private final int partCount;
    private final Producer<T> producer;
    private final Consumer<? super T> disposer;
    private final Semaphore permits;
    /** Nanoseconds workers spent waiting for a free slot (the consumer was behind), summed over workers. */
    private final java.util.concurrent.atomic.LongAdder blockedNanos = new java.util.concurrent.atomic.LongAdder();
    private final AtomicInteger nextPart = new AtomicInteger();
    private final AtomicInteger firstFailedPart = new AtomicInteger(Integer.MAX_VALUE);
    private final ConcurrentHashMap<Integer, LinkedBlockingQueue<Object>> queues = new ConcurrentHashMap<>();
    private final Thread[] workers;
    private final ReadAhead readAhead;
    private final ToLongFunction<? super T> sizer;
    /** Guards queuedItems/queuedBytes; producers wait on roomFreed. */
    private final ReentrantLock budgetLock = new ReentrantLock();
    private final Condition roomFreed = budgetLock.newCondition();
    private int queuedItems;
    private long queuedBytes;
    /** Items queued and not yet taken, per part (parts with none are absent). */
    private final java.util.HashMap<Integer, Integer> queuedPerPart = new java.util.HashMap<>();
    private int maxQueuedItemsSeen;
    private volatile boolean closed;
    /** The part the consumer is draining (written by the consumer only). */
    private volatile int currentPart;
    private Throwable failure;

    /**
     * Starts {@code min(threads, partCount)} workers.
     *
     * @param threadName       prefix of the worker thread names
     * @param partCount        number of parts, &gt;= 0
     * @param threads          worker threads, &gt;= 1
     * @param maxPartsInFlight parts claimed but not yet consumed, &gt;= 1
     * @param producer         produces one part; called concurrently for different parts
     * @param disposer         frees an item that is never handed out
     * @param readAhead        bounds on items and bytes queued ahead of the consumer
     * @param sizer            bytes an item holds (e.g. the capacity of a batch's buffers), &gt;= 0
     */
    public OrderedParts(String threadName, int partCount, int threads, int maxPartsInFlight, Producer<T> producer,
                 Consumer<? super T> disposer, ReadAhead readAhead, ToLongFunction<? super T> sizer) {
        if (partCount < 0 || threads < 1 || maxPartsInFlight < 1 || readAhead == null || sizer == null) {
            throw new IllegalArgumentException("partCount " + partCount + ", threads " + threads + ", maxPartsInFlight "
                    + maxPartsInFlight);
        }
        this.partCount = partCount;
        this.producer = producer;
        this.disposer = disposer;
        this.readAhead = readAhead;
        this.sizer = sizer;
        this.permits = new Semaphore(maxPartsInFlight);
        this.workers = new Thread[Math.min(threads, partCount)];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::runWorker, threadName + "-" + i);
            t.setDaemon(true);
            workers[i] = t;
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    public int partCount() {
        return partCount;
    }

    /** Nanoseconds the workers have spent blocked because the consumer was behind (summed over workers). */
    public long blockedNanos() {
        return blockedNanos.sum();
    }

    private LinkedBlockingQueue<Object> queue(int part) {
        return queues.computeIfAbsent(part, p -> new LinkedBlockingQueue<>());
    }

    private boolean wanted(int part) {
        return !closed && part <= firstFailedPart.get();
    }

    private void runWorker() {
        while (true) {
            long waitStart = System.nanoTime();
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return;
            }
            blockedNanos.add(System.nanoTime() - waitStart);
            int part = nextPart.getAndIncrement();
            if (part >= partCount || !wanted(part)) {
                permits.release();
                return;
            }
            LinkedBlockingQueue<Object> q = queue(part);
            Sink<T> sink = item -> {
                long bytes = sizer.applyAsLong(item);
                if (!awaitRoom(part, bytes)) {
                    disposer.accept(item);
                    throw new Cancelled();
                }
                q.add(new Sized(item, bytes));
            };
            try {
                producer.produce(part, sink);
                q.add(PART_END);
            } catch (Cancelled e) {
                return;
            } catch (Throwable t) {
                firstFailedPart.accumulateAndGet(part, Math::min);
                q.add(new Failure(t));
                return;
            }
        }
    }

    /**
     * Waits until an item of {@code bytes} may be queued for {@code part} and counts it; false
     * if the part's output is no longer wanted.
     */
    private boolean awaitRoom(int part, long bytes) {
        long waitStart = 0;
        budgetLock.lock();
        try {
            while (true) {
                if (!wanted(part)) {
                    return false;
                }
                boolean fits = queuedItems < readAhead.maxItems() && queuedBytes + bytes <= readAhead.maxBytes();
                if (fits || (part == currentPart && !queuedPerPart.containsKey(part))) {
                    queuedItems++;
                    queuedBytes += bytes;
                    queuedPerPart.merge(part, 1, Integer::sum);
                    maxQueuedItemsSeen = Math.max(maxQueuedItemsSeen, queuedItems);
                    return true;
                }
                if (waitStart == 0) {
                    waitStart = System.nanoTime();
                }
                try {
                    roomFreed.await(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } finally {
            budgetLock.unlock();
            if (waitStart != 0) {
                blockedNanos.add(System.nanoTime() - waitStart);
            }
        }
    }

    private void release(int part, long bytes) {
        budgetLock.lock();
        try {
            queuedItems--;
            queuedBytes -= bytes;
            queuedPerPart.computeIfPresent(part, (p, n) -> n == 1 ? null : n - 1);
            roomFreed.signalAll();
        } finally {
            budgetLock.unlock();
        }
    }

    private void signalRoom() {
        budgetLock.lock();
        try {
            roomFreed.signalAll();
        } finally {
            budgetLock.unlock();
        }
    }

    /** The most items that were ever queued ahead of the consumer at once (tests of the read-ahead bound). */
    public int maxQueuedItemsSeen() {
        budgetLock.lock();
        try {
            return maxQueuedItemsSeen;
        } finally {
            budgetLock.unlock();
        }
    }

    /**
     * The part whose items {@link #next()} hands out now: the parts below it are done; equals
     * the part count once every part was handed out. Consumer thread only.
     */
    public int currentPart() {
        return currentPart;
    }

    /**
     * The next item in part order, or null after the last item of the last part.
     *
     * @throws IOException           a producer's IOException, or another checked exception
     *                               wrapped in one
     * @throws InterruptedException  if interrupted while waiting
     * @throws IllegalStateException after {@link #close()}
     */
    @SuppressWarnings("unchecked")
    public T next() throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("source is closed");
        }
        if (failure != null) {
            throw rethrow(failure);
        }
        while (currentPart < partCount) {
            Object o = queue(currentPart).take();
            if (o == PART_END) {
                queues.remove(currentPart);
                currentPart++;
                permits.release();
                signalRoom();
            } else if (o instanceof Failure) {
                failure = ((Failure) o).error();
                throw rethrow(failure);
            } else {
                Sized sized = (Sized) o;
                release(currentPart, sized.bytes());
                return (T) sized.item();
            }
        }
        return null;
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException) {
            return (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IOException(t.toString(), t);
    }

    /** Stops the workers, waits for them and disposes every item not handed out. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        permits.release(workers.length + 1);
        signalRoom();
        for (Thread t : workers) {
            Uninterruptibles.await(t::join);
        }
        for (LinkedBlockingQueue<Object> q : queues.values()) {
            for (Object o : q) {
                if (o instanceof Sized) {
                    @SuppressWarnings("unchecked")
                    T item = (T) ((Sized) o).item();
                    disposer.accept(item);
                }
            }
        }
        queues.clear();
    }
}
