package dev.ingot.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The CLI's hint for an off-heap limit hit, for Ingot's own allocator (whose limit breach is a
 * {@link MemoryLimitException}, no longer an {@code OutOfMemoryError}) anywhere in the cause chain,
 * and for the Java heap (an {@code OutOfMemoryError}): raised through {@code INGOT_JAVA_OPTS}.
 */
class MemoryLimitHintTest {
    @Test
    void aLimitOfIngotsAllocatorAnywhereInTheCauseChainGetsTheHint() {
        MemoryLimitException limit;
        try (NativeAllocator memory = NativeAllocator.root("ingot", 16)) {
            limit = assertThrows(MemoryLimitException.class, () -> memory.allocate(17, "key set"));
        }
        assertEquals(" (raise the off-heap limit with --memory-limit-mb)", IngotCli.memoryLimitHint(limit));
        RuntimeException wrapped = new IllegalStateException("table lineitem failed", new RuntimeException(limit));
        assertEquals(" (raise the off-heap limit with --memory-limit-mb)", IngotCli.memoryLimitHint(wrapped));
        assertEquals("", IngotCli.memoryLimitHint(new UncheckedIOException(new java.io.IOException("disk full"))));
        assertEquals(" (the Java heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB ran out: raise it with INGOT_JAVA_OPTS=-Xmx<size>,"
                + " e.g. -Xmx2g)", IngotCli.memoryLimitHint(new IllegalStateException(new OutOfMemoryError("Java heap space"))));
    }
}
