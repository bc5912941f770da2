package dev.ingot.ingest.internal;

/**
 * Error-message helpers shared by the file sources.
 *
 * <p>Thread-safety: stateless; all methods are thread-safe.
 */
public final class Errors {
    private Errors() {
    }

    /**
     * What went wrong, for a message that wraps {@code e}: its message, or, when it has none
     * (as readers' {@code EOFException}, {@code IndexOutOfBoundsException} often have), its
     * class name, followed by the message of its first cause that has one.
     */
    public static String describe(Throwable e) {
        String own = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !own.contains(c.getMessage())) {
                return own + " (" + c.getMessage() + ")";
            }
        }
        return own;
    }
}
