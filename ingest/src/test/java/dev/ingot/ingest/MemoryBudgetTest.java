package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The load's memory limit: derived from the machine, and shared without exceeding it. */
class MemoryBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void theDefaultIsHalfOfThePhysicalMemoryTheHeapDoesNotTakeAtLeast256MiB() {
        assertEquals(11776 * MIB, MemoryBudget.defaultLimitBytes(24576 * MIB, 1024 * MIB));
        assertEquals(256 * MIB, MemoryBudget.defaultLimitBytes(600 * MIB, 512 * MIB));
        assertEquals(256 * MIB, MemoryBudget.defaultLimitBytes(-1, 512 * MIB), "unknown physical memory");
        assertEquals(256 * MIB, MemoryBudget.defaultLimitBytes(256 * MIB, 1L << 40), "a heap larger than the machine");
    }

    @Test
    void thePartsAddUpToTheLimit() {
        for (long limit : new long[] {4, 7, 256 * MIB, 4096 * MIB + 3}) {
            assertEquals(limit,
                    MemoryBudget.arrowBytes(limit) + MemoryBudget.stagingBytes(limit) + MemoryBudget.nativeBytes(limit), "limit " + limit);
        }
        assertEquals(128 * MIB, MemoryBudget.arrowBytes(256 * MIB));
        assertEquals(64 * MIB, MemoryBudget.stagingBytes(256 * MIB));
        assertEquals(64 * MIB, MemoryBudget.nativeBytes(256 * MIB));
    }

    @Test
    void batchesShrinkSoThatThoseInFlightFitTheArrowPart() {
        // 256 MiB: 128 MiB for batches, 2 tables x (4 * 2 + 4) batches x 2 (buffer doubling): 2.67 MiB a batch
        assertEquals(13_981, MemoryBudget.batchRows(256 * MIB, 65_536, 200, 2, 2));
        assertEquals(65_536, MemoryBudget.batchRows(8192 * MIB, 65_536, 200, 2, 2), "ample memory: unchanged");
        assertEquals(1024, MemoryBudget.batchRows(4 * MIB, 65_536, 200, 2, 2), "never below 1024 rows");
        assertEquals(100, MemoryBudget.batchRows(4 * MIB, 100, 200, 2, 2), "never above the rows asked for");
    }
}
