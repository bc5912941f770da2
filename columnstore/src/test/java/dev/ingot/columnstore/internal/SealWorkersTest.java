package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.memory.internal.Uninterruptibles;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link SealWorkers}: every column sealed exactly once with its blob at its own index, the largest
 * first; the failure of the lowest column thrown only after every column ended; the caller's thread
 * alone when the workers are closed; a wait that an interrupt does not cut short.
 */
class SealWorkersTest {
    /** Columns whose blob holds the column's index; {@code seal} may be replaced per test. */
    private static SealWorkers.Columns columns(long[] costs, IntFunction<ByteBuffer> seal) {
        return new SealWorkers.Columns() {
            @Override
            public int count() {
                return costs.length;
            }

            @Override
            public long cost(int i) {
                return costs[i];
            }

            @Override
            public ByteBuffer seal(int i) {
                return seal.apply(i);
            }
        };
    }

    private static ByteBuffer blobOf(int i) {
        return ByteBuffer.allocate(4).putInt(0, i);
    }

    @Test
    void largestCostFirstTiesByIndex() {
        long[] costs = {10, 4000, 0, 4000, 7, 1L << 45, 10};
        assertArrayEquals(new int[] {5, 1, 3, 0, 6, 4, 2}, SealWorkers.RowGroup.largestFirst(columns(costs, SealWorkersTest::blobOf)));
    }

    @Test
    void everyColumnIsSealedOnceIntoItsOwnSlotOnSeveralThreads() {
        int n = 64;
        long[] costs = new long[n];
        for (int i = 0; i < n; i++) {
            costs[i] = (i * 7919L) % 101;
        }
        AtomicInteger[] calls = new AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            calls[i] = new AtomicInteger();
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (SealWorkers workers = new SealWorkers(4)) {
            for (int round = 0; round < 50; round++) {
                ByteBuffer[] blobs = new ByteBuffer[n];
                workers.sealAll(columns(costs, i -> {
                    calls[i].incrementAndGet();
                    threads.add(Thread.currentThread().getName());
                    busy(20_000);
                    return blobOf(i);
                }), blobs);
                for (int i = 0; i < n; i++) {
                    assertEquals(i, blobs[i].getInt(0), "round " + round + ": column " + i + "'s blob");
                }
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(50, calls[i].get(), "seals of column " + i);
        }
        assertTrue(threads.contains(Thread.currentThread().getName()), "the caller seals too: " + threads);
        assertTrue(threads.stream().anyMatch(t -> t.startsWith("ingot-seal-")), "workers sealed some columns: " + threads);
    }

    @Test
    void oneThreadSealsInColumnOrderOnTheCaller() {
        long[] costs = {1, 50, 2, 40};
        StringBuilder order = new StringBuilder();
        String caller = Thread.currentThread().getName();
        try (SealWorkers workers = new SealWorkers(1)) {
            ByteBuffer[] blobs = new ByteBuffer[4];
            workers.sealAll(columns(costs, i -> {
                assertEquals(caller, Thread.currentThread().getName());
                order.append(i);
                return blobOf(i);
            }), blobs);
            assertEquals(3, blobs[3].getInt(0));
        }
        assertEquals("0123", order.toString());
    }

    @Test
    void theLowestFailingColumnIsThrownAfterEveryColumnEndedWithTheOthersSuppressed() {
        long[] costs = {5, 9, 1, 8, 3, 7, 2, 6};
        AtomicInteger ended = new AtomicInteger();
        RuntimeException at2 = new IllegalStateException("column 2");
        Error at5 = new AssertionError("column 5");
        try (SealWorkers workers = new SealWorkers(3)) {
            ByteBuffer[] blobs = new ByteBuffer[costs.length];
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> workers.sealAll(columns(costs, i -> {
                busy(200_000);
                ended.incrementAndGet();
                if (i == 5) {
                    throw at5;
                }
                if (i == 2) {
                    throw at2;
                }
                return blobOf(i);
            }), blobs));
            assertSame(at2, thrown);
            assertEquals(List.of(at5), List.of(thrown.getSuppressed()));
            assertEquals(costs.length, ended.get(), "every column ended before the failure was thrown");
            assertEquals(7, blobs[7].getInt(0));
        }
    }

    @Test
    void closedWorkersLeaveEveryColumnToTheCaller() {
        SealWorkers workers = new SealWorkers(4);
        workers.close();
        String caller = Thread.currentThread().getName();
        ByteBuffer[] blobs = new ByteBuffer[6];
        workers.sealAll(columns(new long[] {1, 2, 3, 4, 5, 6}, i -> {
            assertEquals(caller, Thread.currentThread().getName(), "column " + i);
            return blobOf(i);
        }), blobs);
        assertEquals(5, blobs[5].getInt(0));
        assertThrows(IllegalArgumentException.class, () -> new SealWorkers(0));
    }

    @Test
    void anInterruptDoesNotEndTheWaitForAWorkersColumnAndIsKept() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        ByteBuffer[] blobs = new ByteBuffer[2];
        try (SealWorkers workers = new SealWorkers(2)) {
            Thread caller = new Thread(() -> {
                try {
                    workers.sealAll(columns(new long[] {1, 1}, i -> {
                        started.countDown();
                        Uninterruptibles.await(release::await); // this seal ignores interrupts, as a real one (memory work) does
                        busy(i == 0 ? 0 : 2_000_000); // the worker's column ends well after the caller's
                        return blobOf(i);
                    }), blobs);
                    outcome.set(Thread.currentThread().isInterrupted() ? "returned, interrupted" : "returned, not interrupted");
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }, "seal-caller");
            caller.start();
            assertTrue(started.await(10, TimeUnit.SECONDS), "both columns started");
            caller.interrupt();
            release.countDown();
            caller.join(10_000);
            assertEquals("returned, interrupted", outcome.get());
            assertEquals(0, blobs[0].getInt(0));
            assertEquals(1, blobs[1].getInt(0));
        }
    }

    /** Spins about {@code iterations} steps (work that takes some microseconds, without sleeping). */
    private static void busy(int iterations) {
        long x = 1;
        for (int k = 0; k < iterations; k++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        if (x == 42) {
            throw new IllegalStateException("unreachable");
        }
    }
}
