package dev.ingot.pager.internal;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;
import dev.ingot.pager.PagerDiagnostics;

/**
 * A {@link KeyReservation} that takes {@code blockSize} keys per {@link MappedPager#allocMany}
 * call and hands them out one by one; allocation calls are counted in the given diagnostics
 * (the pager's global counters or a writer's span).
 *
 * <p>Thread-safety: not thread-safe (one reservation per writer thread); different
 * reservations never return the same key because each block comes from the pager's atomic
 * counter. Holds no resources.
 */
final class BlockKeyReservation implements KeyReservation {
    private final MappedPager pager;
    private final int blockSize;
    private final PagerDiagnostics diagnostics;
    private long next;
    private long end;
    private long blocksTaken;

    /**
     * @param blockSize keys per allocation call, {@code 1 <= blockSize <= 1 << 20}
     * @throws IllegalArgumentException if blockSize is out of range
     */
    BlockKeyReservation(MappedPager pager, int blockSize, PagerDiagnostics diagnostics) {
        if (blockSize < 1 || blockSize > MappedPager.MAX_ALLOC_COUNT) {
            throw new IllegalArgumentException("key block size must be in [1, " + MappedPager.MAX_ALLOC_COUNT + "]: " + blockSize);
        }
        this.pager = pager;
        this.blockSize = blockSize;
        this.diagnostics = diagnostics;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the pager is closed or out of keys
     */
    @Override
    public long nextKey() {
        pager.ensureOpen();
        if (next == end) {
            KeyRange range = pager.allocMany(blockSize, diagnostics);
            next = range.first();
            end = range.end();
            blocksTaken++;
        }
        return next++;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long blocksTaken() {
        return blocksTaken;
    }

    @Override
    public String toString() {
        return "KeyReservation[block " + blockSize + ", " + blocksTaken + " blocks taken, " + (end - next) + " keys left]";
    }
}
