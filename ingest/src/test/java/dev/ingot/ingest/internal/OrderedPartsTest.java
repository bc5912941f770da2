package dev.ingot.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.ingest.tpch.TestRows;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OrderedPartsTest {
    private static final OrderedParts.ReadAhead UNBOUNDED = new OrderedParts.ReadAhead(Integer.MAX_VALUE, Long.MAX_VALUE);

    @Test
    void itemsComeOutInPartOrderWhateverTheTiming() throws Exception {
        long seed = TestSeed.seed("OrderedPartsTest.itemsComeOutInPartOrderWhateverTheTiming");
        TestSeed.run(seed, () -> itemsInPartOrder(new Random(seed)));
    }

    private static void itemsInPartOrder(Random random) throws Exception {
        int[] sleeps = random.ints(40, 0, 3).toArray();
        for (int threads : new int[] {1, 2, 4}) {
            try (OrderedParts<Integer> parts = new OrderedParts<>("t", 40, threads, 3, (part, sink) -> {
                for (int k = 0; k < 5; k++) {
                    if (sleeps[part] > 0) {
                        Thread.sleep(sleeps[part]);
                    }
                    sink.put(part * 5 + k);
                }
            }, x -> { }, UNBOUNDED, x -> 1)) {
                for (int expected = 0; expected < 200; expected++) {
                    assertEquals(expected, parts.next());
                }
                assertNull(parts.next());
                assertNull(parts.next());
            }
        }
    }

    @Test
    void failureIsDeliveredAfterTheItemsBeforeItAndOthersAreDisposed() throws Exception {
        AtomicInteger disposed = new AtomicInteger();
        IOException boom = new IOException("boom in part 3");
        List<Integer> seen = new ArrayList<>();
        try (OrderedParts<Integer> parts = new OrderedParts<>("t", 10, 2, 4, (part, sink) -> {
            for (int k = 0; k < 3; k++) {
                if (part == 3 && k == 2) {
                    throw boom;
                }
                if (part == 6 && k == 1) {
                    throw new IllegalStateException("later failure must not win");
                }
                sink.put(part * 10 + k);
            }
        }, x -> disposed.incrementAndGet(), UNBOUNDED, x -> 1)) {
            IOException e = assertThrows(IOException.class, () -> {
                Integer x;
                while ((x = parts.next()) != null) {
                    seen.add(x);
                }
            });
            assertSame(boom, e);
            assertSame(boom, assertThrows(IOException.class, parts::next));
        }
        assertEquals(List.of(0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31), seen);
    }

    @Test
    void uncheckedFailuresAreRethrownAsIs() {
        try (OrderedParts<Integer> parts = new OrderedParts<>("t", 1, 1, 1, (part, sink) -> {
            throw new IllegalArgumentException("bad");
        }, x -> { }, UNBOUNDED, x -> 1)) {
            assertEquals("bad", assertThrows(IllegalArgumentException.class, parts::next).getMessage());
        }
    }

    @Test
    void closeDisposesEverythingNotHandedOut() throws Exception {
        AtomicInteger made = new AtomicInteger();
        AtomicInteger disposed = new AtomicInteger();
        OrderedParts<Integer> parts = new OrderedParts<>("t", 1000, 2, 4, (part, sink) -> {
            for (int k = 0; k < 10; k++) {
                made.incrementAndGet();
                sink.put(k);
            }
        }, x -> disposed.incrementAndGet(), UNBOUNDED, x -> 1);
        parts.next();
        parts.next();
        // the workers go on: wait until items beyond the two handed out exist, so close() has some to dispose
        TestRows.awaitTrue(() -> made.get() > 2, "workers make items beyond the two handed out");
        parts.close();
        assertTrue(disposed.get() > 0, "close() disposed the items not handed out");
        assertEquals(made.get() - 2, disposed.get());
        assertThrows(IllegalStateException.class, parts::next);
    }

    /** 200 parts of 50 items each, a stalled consumer: what producers queue ahead stays within the bounds, then everything arrives in order. */
    private static void assertBounded(OrderedParts.ReadAhead bound, long itemBytes, int expectedMaxQueued) throws Exception {
        try (OrderedParts<Integer> parts = new OrderedParts<>("t", 200, 2, 8, (part, sink) -> {
            for (int k = 0; k < 50; k++) {
                sink.put(part * 50 + k);
            }
        }, x -> { }, bound, x -> itemBytes)) {
            assertEquals(0, parts.next());
            Thread.sleep(150); // the workers fill whatever the bounds allow
            for (int expected = 1; expected < 200 * 50; expected++) {
                assertEquals(expected, parts.next());
            }
            assertNull(parts.next());
            int seen = parts.maxQueuedItemsSeen();
            assertTrue(seen <= expectedMaxQueued, "queued ahead: " + seen);
            assertTrue(seen >= Math.min(expectedMaxQueued - 1, 8), "the bound was never approached: " + seen);
        }
    }

    @Test
    void readAheadIsBoundedInItems() throws Exception {
        // one item beyond the bound may be queued: the part being drained may always put when its queue is empty
        assertBounded(new OrderedParts.ReadAhead(12, Long.MAX_VALUE), 1, 13);
    }

    @Test
    void readAheadIsBoundedInBytes() throws Exception {
        assertBounded(new OrderedParts.ReadAhead(Integer.MAX_VALUE, 1000), 100, 11);
    }

    @Test
    void anItemLargerThanTheByteBoundStillPasses() throws Exception {
        assertBounded(new OrderedParts.ReadAhead(Integer.MAX_VALUE, 10), 100, 1);
    }
}
