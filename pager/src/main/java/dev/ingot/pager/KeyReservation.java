package dev.ingot.pager;

/**
 * Hands out physical keys one at a time from blocks taken with {@link Pager#allocMany(int)},
 * so a writer makes one allocation call per {@code blockSize} keys. Keys left unused in the
 * last block are simply never used (they are not handed to anyone else).
 *
 * <p>Thread-safety: not thread-safe; one reservation per writer thread. Different
 * reservations of one pager never return the same key.
 */
public interface KeyReservation {
    /** The next key; takes a new block from the pager when the current one is used up. */
    long nextKey();

    /** Keys per block. */
    int blockSize();

    /** Number of {@link Pager#allocMany} calls this reservation made. */
    long blocksTaken();
}
