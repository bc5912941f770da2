package dev.ingot.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UninterruptiblesTest {
    @Test
    void interruptsDoNotEndTheWaitAndAreSetAgainAfterIt() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger waits = new AtomicInteger();
        AtomicLong countAtReturn = new AtomicLong(-1);
        AtomicBoolean interruptedAtReturn = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            Uninterruptibles.await(() -> {
                waits.incrementAndGet();
                done.await();
            });
            countAtReturn.set(done.getCount());
            interruptedAtReturn.set(Thread.currentThread().isInterrupted());
        }, "uninterruptibles-test");
        waiter.start();
        for (int i = 1; i <= 2; i++) {
            waitUntilWaiting(waiter, waits, i);
            waiter.interrupt();
        }
        waitUntilWaiting(waiter, waits, 3);
        assertTrue(waiter.isAlive(), "two interrupts ended the wait");
        done.countDown();
        waiter.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(waiter.isAlive());
        assertEquals(0, countAtReturn.get(), "returned before the latch was counted down");
        assertEquals(3, waits.get(), "the wait is started again after each interrupt");
        assertTrue(interruptedAtReturn.get(), "the interrupt status is set again after the wait");
    }

    @Test
    void aWaitThatIsNotInterruptedLeavesTheStatusClear() {
        AtomicInteger waits = new AtomicInteger();
        Uninterruptibles.await(waits::incrementAndGet);
        assertEquals(1, waits.get());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void awaitDoneReturnsOnceTheFutureFailedWhateverTheInterrupts() throws Exception {
        java.util.concurrent.CompletableFuture<Void> future = new java.util.concurrent.CompletableFuture<>();
        AtomicBoolean doneAtReturn = new AtomicBoolean();
        AtomicBoolean interruptedAtReturn = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            Uninterruptibles.awaitDone(future);
            doneAtReturn.set(future.isDone());
            interruptedAtReturn.set(Thread.currentThread().isInterrupted());
        }, "uninterruptibles-done-test");
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the waiter never blocked: " + waiter.getState());
            Thread.sleep(1);
        }
        waiter.interrupt();
        Thread.sleep(50);
        assertTrue(waiter.isAlive(), "an interrupt ended the wait");
        future.completeExceptionally(new IllegalStateException("failed"));
        waiter.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(waiter.isAlive(), "a failed future ended the wait");
        assertTrue(doneAtReturn.get(), "returned before the future was done");
        assertTrue(interruptedAtReturn.get(), "the interrupt status is set again after the wait");
    }

    /** Waits until {@code waiter} has started its {@code n}-th wait and blocks in it. */
    private static void waitUntilWaiting(Thread waiter, AtomicInteger waits, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waits.get() < n || waiter.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("wait " + n + " not reached: " + waits.get() + " waits, state " + waiter.getState());
            }
            Thread.sleep(1);
        }
    }
}
