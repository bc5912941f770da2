package dev.ingot.memory.internal;

/**
 * Waits that an interrupt does not end, for code that must not go on before something has
 * finished (for example, memory that another thread still reads or writes must not be released
 * under it). An interrupt that arrives during the wait is remembered, and the thread's interrupt
 * status is set again once the wait has ended, so callers further up still see it (as Guava's
 * {@code Uninterruptibles} does).
 *
 * <p>Thread-safety: stateless.
 */
public final class Uninterruptibles {
    private Uninterruptibles() {}

    /** A blocking wait that ends by returning, or early by {@link InterruptedException} (a latch's {@code await}, a thread's {@code join}). */
    @FunctionalInterface
    public interface Wait {
        void await() throws InterruptedException;
    }

    /**
     * Runs {@code wait} until it returns without being interrupted, then sets the interrupt status
     * again if it was interrupted on the way.
     */
    public static void await(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until {@code future} is done, normally or not (its outcome is left to the caller),
     * as {@link #await} does.
     */
    public static void awaitDone(java.util.concurrent.Future<?> future) {
        await(() -> {
            try {
                future.get();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // done: how is not this wait's concern
            }
        });
    }
}
