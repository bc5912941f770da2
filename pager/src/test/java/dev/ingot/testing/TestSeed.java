package dev.ingot.testing;

/**
 * The one seed property of every randomized test in the build: {@code -Dingot.test.seed=N} makes
 * each seeded test run with seed {@code N} (tests that loop over several seeds then run only that
 * one), so a failure can be replayed. Each test prints the seed it uses, and {@link #run} names it
 * again in the failure itself.
 *
 * <p>Shared through the pager module's test jar ({@code ingot-pager}, type {@code test-jar}, test
 * scope) so that every module reads the same property.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class TestSeed {
    /** The system property every seeded test reads. */
    public static final String PROPERTY = "ingot.test.seed";

    private TestSeed() {}

    /** Whether {@value #PROPERTY} is set (a replay of one seed). */
    public static boolean isFixed() {
        return System.getProperty(PROPERTY) != null;
    }

    /**
     * The seed of {@code test}: the {@value #PROPERTY} property if set, else a fresh one from
     * {@link System#nanoTime()}; printed to standard output.
     */
    public static long seed(String test) {
        return announce(test, Long.getLong(PROPERTY, System.nanoTime()));
    }

    /**
     * The seed of {@code test}: the {@value #PROPERTY} property if set, else {@code defaultSeed}
     * (for tests whose figures are tuned to one seed); printed to standard output.
     */
    public static long seed(String test, long defaultSeed) {
        return announce(test, Long.getLong(PROPERTY, defaultSeed));
    }

    private static long announce(String test, long seed) {
        System.out.println(test + ": " + describe(seed));
        return seed;
    }

    /** {@code "seed N (rerun with -Dingot.test.seed=N)"}, for failure messages. */
    public static String describe(long seed) {
        return "seed " + seed + " (rerun with -D" + PROPERTY + "=" + seed + ")";
    }

    /** A test body that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body}; an {@link AssertionError} or exception it throws is rethrown as an
     * {@link AssertionError} whose message starts with {@link #describe(long) the seed} (the
     * original is its cause).
     */
    public static void run(long seed, Body body) {
        try {
            body.run();
        } catch (AssertionError | Exception e) {
            throw new AssertionError(describe(seed) + ": " + e, e);
        }
    }
}
