package dev.ingot.pager.internal;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;

/**
 * A {@link KeyReservation} that takes {@code blockSize} keys per call to its {@link BlockSource}
 * (for a pager: one {@link MappedPager#allocMany} call, counted in the pager's global counters or
 * a writer's span) and hands them out one by one.
 *
 * <p>Public only so that the jcstress suite (module {@code stress}) can build reservations over
 * a bare {@link KeyAllocator}; not part of the pager API.
 *
 * <p>Thread-safety: not thread-safe (one reservation per writer thread); different
 * reservations over one source never return the same key because each block comes from the
 * source's atomic counter. Holds no resources.
 */
public final class BlockKeyReservation implements KeyReservation {
    /** Where a reservation takes its blocks from. */
    public interface BlockSource {
        /**
         * Takes {@code count} fresh keys.
         *
         * @throws IllegalStateException if the source is closed or out of keys
         */
        KeyRange takeBlock(int count);

        /**
         * Checked on every {@link KeyReservation#nextKey()}, even when no block is taken.
         *
         * @throws IllegalStateException if the source is closed
         */
        default void checkOpen() {
        }
    }

    private final BlockSource source;
    private final int blockSize;
    private long next;
    private long end;
    private long blocksTaken;

    /**
     * @param source    where blocks come from
     * @param blockSize keys per block, {@code 1 <= blockSize <= 1 << 20}
     * @throws IllegalArgumentException if blockSize is out of range
     */
    public BlockKeyReservation(BlockSource source, int blockSize) {
        if (blockSize < 1 || blockSize > MappedPager.MAX_ALLOC_COUNT) {
            throw new IllegalArgumentException("key block size must be in [1, " + MappedPager.MAX_ALLOC_COUNT + "]: " + blockSize);
        }
        this.source = java.util.Objects.requireNonNull(source, "source");
        this.blockSize = blockSize;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the pager is closed or out of keys
     */
    @Override
    public long nextKey() {
        source.checkOpen();
        if (next == end) {
            KeyRange range = source.takeBlock(blockSize);
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
