package dev.ingot.memory;

/**
 * Thrown when an allocation would take a {@link NativeAllocator} (or one of its ancestors) over
 * its byte limit. Nothing stays reserved when it is thrown; the caller may free memory and try
 * again, or give up the work that needed it.
 *
 * <p>It is a {@link RuntimeException} of Ingot's, not {@link OutOfMemoryError}: a limit breach
 * is an expected, recoverable condition of a configured budget, not a JVM failure. The message
 * reads {@code allocator 'NAME' limit of L bytes exceeded: U allocated, R requested}, followed
 * by {@code ; raise it with OPTION} when the allocator was given the option that sets its limit.
 */
public final class MemoryLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String allocator;
    private final long limitBytes;
    private final long allocatedBytes;
    private final long requestedBytes;
    private final String raiseWith;

    MemoryLimitException(String allocator, long limitBytes, long allocatedBytes, long requestedBytes, String raiseWith) {
        super("allocator '" + allocator + "' limit of " + limitBytes + " bytes exceeded: " + allocatedBytes + " allocated, "
                + requestedBytes + " requested" + (raiseWith == null ? "" : "; raise it with " + raiseWith));
        this.allocator = allocator;
        this.limitBytes = limitBytes;
        this.allocatedBytes = allocatedBytes;
        this.requestedBytes = requestedBytes;
        this.raiseWith = raiseWith;
    }

    /** Name of the allocator whose limit was hit (the requester itself or an ancestor). */
    public String allocator() {
        return allocator;
    }

    /** That allocator's limit, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes that allocator had allocated when the request came. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /** Bytes requested. */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** The option or property that raises the limit (e.g. {@code --memory-limit-mb}), or null if none was given. */
    public String raiseWith() {
        return raiseWith;
    }
}
