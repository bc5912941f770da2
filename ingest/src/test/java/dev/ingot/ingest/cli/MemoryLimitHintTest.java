package dev.ingot.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The CLI's hint for an off-heap limit hit, for Ingot's own allocator (whose limit breach is a
 * {@link MemoryLimitException}, no longer an {@code OutOfMemoryError}) anywhere in the cause chain.
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
        assertEquals("", IngotCli.memoryLimitHint(new OutOfMemoryError("Java heap space")));
    }
}
