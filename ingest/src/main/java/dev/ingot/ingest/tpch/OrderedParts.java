package dev.ingot.ingest.tpch;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Produces the items of {@code partCount} numbered parts on worker threads and hands them to
 * one consumer in part order (all items of part 0, then part 1, ...), each part's items in the
 * order its producer emitted them. Concatenating the parts therefore gives the same sequence
 * as producing them one after the other on one thread.
 *
 * <p>Scheduling: a worker takes a permit, claims the lowest unclaimed part and produces all of
 * it into that part's queue; the consumer returns the permit when it has drained the part.
 * {@code maxPartsInFlight} permits bound the memory held in queues to that many parts, and
 * cannot deadlock: the lowest unconsumed part is always claimed before any later one.
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
final class OrderedParts<T> implements AutoCloseable {
    /** Produces the items of one part. */
    @FunctionalInterface
    interface Producer<T> {
        /**
         * Emits the items of {@code part} (0-based) through {@code sink}. Must close any
         * resource not yet put when it throws.
         */
        void produce(int part, Sink<T> sink) throws Exception;
    }

    /** Receives a part's items. */
    interface Sink<T> {
        /**
         * Queues {@code item}, which the sink now owns. Throws {@link Cancelled} (after disposing
         * the item) when the part's output is no longer wanted; the producer should then return.
         */
        void put(T item);
    }

    /** Thrown by {@link Sink#put} when the source was closed or an earlier part failed. */
    static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private static final Object PART_END = new Object();

    private record Failure(Throwable error) {
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
    private volatile boolean closed;
    private int currentPart;
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
     */
    OrderedParts(String threadName, int partCount, int threads, int maxPartsInFlight, Producer<T> producer,
                 Consumer<? super T> disposer) {
        if (partCount < 0 || threads < 1 || maxPartsInFlight < 1) {
            throw new IllegalArgumentException("partCount " + partCount + ", threads " + threads + ", maxPartsInFlight "
                    + maxPartsInFlight);
        }
        this.partCount = partCount;
        this.producer = producer;
        this.disposer = disposer;
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

    int partCount() {
        return partCount;
    }

    /** Nanoseconds the workers have spent blocked because the consumer was behind (summed over workers). */
    long blockedNanos() {
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
                if (!wanted(part)) {
                    disposer.accept(item);
                    throw new Cancelled();
                }
                q.add(item);
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
     * The next item in part order, or null after the last item of the last part.
     *
     * @throws IOException           a producer's IOException, or another checked exception
     *                               wrapped in one
     * @throws InterruptedException  if interrupted while waiting
     * @throws IllegalStateException after {@link #close()}
     */
    @SuppressWarnings("unchecked")
    T next() throws IOException, InterruptedException {
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
            } else if (o instanceof Failure) {
                failure = ((Failure) o).error();
                throw rethrow(failure);
            } else {
                return (T) o;
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
        boolean interrupted = false;
        for (Thread t : workers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (LinkedBlockingQueue<Object> q : queues.values()) {
            for (Object o : q) {
                if (o != PART_END && !(o instanceof Failure)) {
                    @SuppressWarnings("unchecked")
                    T item = (T) o;
                    disposer.accept(item);
                }
            }
        }
        queues.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
