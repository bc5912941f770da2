package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.constraints.KeySetReport;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The differential check of the spill tests: a load with ample memory against the same load under small limits. */
final class SpillDifferential {
    private SpillDifferential() {}

    /** One load of the scenario with {@code memory}; collects the key set reports, returns "committed" or the failure's message. */
    @FunctionalInterface
    interface Load {
        String run(NativeAllocator memory, List<KeySetReport> sets) throws IOException;
    }

    /** Further checks of one limited load. */
    @FunctionalInterface
    interface Check {
        void check(long limit, List<KeySetReport> sets) throws IOException;
    }

    /**
     * Loads with {@code ample} memory and asserts the model's outcome ({@code expectedConstraint}
     * null: committed; else the message names that constraint and row), then under each limit:
     * exactly the same message, every byte of the limited allocator freed, then {@code check}.
     */
    static void assertSameUnderLimits(NativeAllocator ample, String where, String expectedConstraint, long expectedRow, long[] limits,
                                      Load load, Check check) throws IOException {
        String inMemory = load.run(ample, new ArrayList<>());
        if (expectedConstraint == null) {
            assertEquals("committed", inMemory, where);
        } else {
            assertTrue(inMemory.contains("\"" + expectedConstraint + "\"") && inMemory.contains("; row " + expectedRow + " ("),
                    where + ": " + inMemory);
        }
        for (long limit : limits) {
            List<KeySetReport> sets = new ArrayList<>();
            try (NativeAllocator tiny = NativeAllocator.root("tiny", limit, "--memory-limit-mb")) {
                assertEquals(inMemory, load.run(tiny, sets), where + " limit " + limit);
                assertEquals(0, tiny.allocatedBytes());
            }
            check.check(limit, sets);
        }
    }
}
