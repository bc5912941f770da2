package dev.ingot.memory.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void theFirstFailureIsKeptAndLaterOnesAreSuppressedInOrder() {
        IOException a = new IOException("a");
        IOException b = new IOException("b");
        IOException c = new IOException("c");
        IOException kept = Failures.chain(null, a);
        assertSame(a, kept);
        kept = Failures.chain(kept, b);
        kept = Failures.chain(kept, c);
        assertSame(a, kept);
        assertArrayEquals(new Throwable[] {b, c}, a.getSuppressed());
        assertArrayEquals(new Throwable[0], b.getSuppressed());
    }
}
