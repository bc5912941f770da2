package dev.ingot.memory.internal;

/**
 * Collecting the failures of a close that releases several resources: the first failure is the
 * one thrown, every later one is attached to it as suppressed (as try-with-resources does).
 *
 * <p>Thread-safety: stateless.
 */
public final class Failures {
    private Failures() {}

    /**
     * The failure to keep after {@code next}: {@code next} if there was none yet, else {@code first}
     * with {@code next} added as suppressed.
     *
     * @param first the failure kept so far, or null
     * @param next  the failure just caught; not null
     */
    public static <T extends Throwable> T chain(T first, T next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
