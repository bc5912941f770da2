package dev.ingot.ingest.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * ASCII digits read 8 bytes at a time (SWAR, SIMD within a register): a field's bytes are loaded
 * as one little-endian 64-bit word (the first byte in the lowest 8 bits), the run of leading
 * digits is found with a few word operations, and up to 8 digits are converted with 3
 * multiplications, as in simdjson's {@code parse_eight_digits_unrolled} (Lemire, "Fast
 * integer parsing", and Langdale and Lemire, "Parsing Gigabytes of JSON per Second", 2019).
 * The number parsers use it to avoid a loop whose exit depends on each field's length (a
 * mispredicted branch per field). Stateless; thread-safe.
 */
final class AsciiDigits {
    /** Little-endian 8-byte reads from a byte array (bounds-checked by the array access). */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** '0' in each of the 8 bytes of a word. */
    static final long ZEROS = 0x3030303030303030L;
    private static final long HIGH_NIBBLES = 0xF0F0F0F0F0F0F0F0L;
    private static final long SIXES = 0x0606060606060606L;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGHS = 0x8080808080808080L;

    private AsciiDigits() {
    }

    /** The 8 bytes {@code buf[i .. i+8)} as a little-endian word; the caller checked that they are there. */
    static long word(byte[] buf, int i) {
        return (long) LONGS.get(buf, i);
    }

    /**
     * How many of the word's first (lowest) bytes are ASCII digits before the first byte that is
     * not, 0 to 8. A byte is a digit when its high nibble is 3 and adding 6 leaves it at 3 (the low
     * nibble is at most 9). A carry of the addition out of a byte happens only from a byte at or
     * above 0xFA, which is itself no digit, and only into the bytes above it, so the lowest flagged
     * byte is exact.
     */
    static int leadingDigits(long w) {
        long x = (w & HIGH_NIBBLES ^ ZEROS) | ((w + SIXES) & HIGH_NIBBLES ^ ZEROS); // a byte is 0 iff it is a digit
        long nonZero = ((x & LOW7) + LOW7 | x) & HIGHS;
        return Long.numberOfTrailingZeros(nonZero) >>> 3; // 64 >>> 3 = 8 when all are digits
    }

    /**
     * Whether all 8 bytes of the word are ASCII digits: each high nibble 3, and each low nibble
     * still below 10 after adding 6 (Lemire's {@code is_made_of_eight_digits_fast}). Shorter than
     * {@link #leadingDigits}, for fixed forms such as dates.
     */
    static boolean allDigits(long w) {
        return ((w & HIGH_NIBBLES) | ((w + SIXES) & HIGH_NIBBLES) >>> 4) == 0x3333333333333333L;
    }

    /**
     * The value of the word's first {@code n} bytes read as decimal digits, 0 &lt;= n &lt;= 7 (0 gives
     * 0); those bytes must be digits ({@link #leadingDigits} at least n). The digits are moved to
     * the top of the word (the bytes below them become leading zeros) and summed pairwise in 3
     * multiplications. Without a branch on n.
     */
    static long valueOf(long w, int n) {
        // subtracting '0' borrows only out of bytes below '0', none of the first n; the bytes above
        // them (with any borrow) are shifted out. Two shifts, so that n = 0 shifts all 64 bits out.
        long d = ((w - ZEROS) << (63 - 8 * n)) << 1;
        return eightDigits(d);
    }

    /** The value of 8 decimal digits, one per byte of {@code d} (0 to 9 each), the most significant in the lowest byte. */
    static long eightDigits(long d) {
        d = d * 10 + (d >>> 8); // even bytes: pairs of digits, 0..99
        d = ((d & 0x000000FF000000FFL) * (100 + (1000000L << 32)) + ((d >>> 16) & 0x000000FF000000FFL) * (1 + (10000L << 32))) >>> 32;
        return d & 0xFFFFFFFFL;
    }
}
