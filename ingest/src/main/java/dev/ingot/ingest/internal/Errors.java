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
        if (e instanceof OutOfMemoryError && e.getMessage() != null) {
            return "java.lang.OutOfMemoryError: " + e.getMessage(); // "Java heap space" alone says too little
        }
        String own = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !own.contains(c.getMessage())) {
                return own + " (" + c.getMessage() + ")";
            }
        }
        return own;
    }

    /**
     * The memory exhaustion along {@code e}'s cause chain, or null: a {@code java.lang.OutOfMemoryError}
     * (the Java heap), Ingot's {@link dev.ingot.memory.MemoryLimitException} or Arrow's
     * {@link org.apache.arrow.memory.OutOfMemoryException} (an off-heap limit).
     */
    public static Throwable memoryExhaustion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError || t instanceof dev.ingot.memory.MemoryLimitException
                    || t instanceof org.apache.arrow.memory.OutOfMemoryException) {
                return t;
            }
        }
        return null;
    }
}
