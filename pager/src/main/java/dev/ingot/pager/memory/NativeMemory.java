package dev.ingot.pager.memory;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import sun.misc.Unsafe;

/**
 * The one place in Ingot that touches raw memory: every off-heap read, write and copy goes
 * through these static methods, which sit on {@code sun.misc.Unsafe}.
 *
 * <p>This class does no bounds checking itself; callers go through {@link MemoryBlock}, which
 * checks every access against the block it owns. The checks can be turned off for
 * benchmarks only with the system property {@value #DISABLE_BOUNDS_CHECKS_PROPERTY}{@code =true}
 * (mirrors Agrona's {@code agrona.disable.bounds.checks}).
 *
 * <p>Thread-safety: stateless; the memory itself is the caller's to guard. Byte order is the
 * platform's (little-endian on every platform Ingot supports); on-disk formats written through
 * this class are therefore little-endian, and {@link #checkPlatform()} refuses big-endian hosts.
 */
public final class NativeMemory {
    /** System property that disables bounds checks in {@link MemoryBlock}; for benchmarks only. */
    public static final String DISABLE_BOUNDS_CHECKS_PROPERTY = "ingot.memory.disableBoundsChecks";

    /** Whether {@link MemoryBlock} checks every access (true unless the property says otherwise). */
    public static final boolean BOUNDS_CHECKS = !Boolean.getBoolean(DISABLE_BOUNDS_CHECKS_PROPERTY);

    static final Unsafe UNSAFE;
    private static final long BUFFER_ADDRESS_OFFSET;
    private static final long BYTE_ARRAY_BASE;
    private static final long LONG_ARRAY_BASE;
    /** Above this many bytes, copies are split so a safepoint can happen between pieces. */
    private static final long COPY_SLICE_BYTES = 1L << 20;

    static {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (Unsafe) f.get(null);
            BUFFER_ADDRESS_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            BYTE_ARRAY_BASE = UNSAFE.arrayBaseOffset(byte[].class);
            LONG_ARRAY_BASE = UNSAFE.arrayBaseOffset(long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        checkPlatform();
    }

    private NativeMemory() {}

    /** Throws {@link UnsupportedOperationException} on a big-endian platform. */
    public static void checkPlatform() {
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("Ingot needs a little-endian platform");
        }
    }

    /** Allocates {@code bytes} of uninitialised native memory; the caller frees it with {@link #free}. */
    static long allocate(long bytes) {
        return UNSAFE.allocateMemory(bytes);
    }

    static void free(long address) {
        UNSAFE.freeMemory(address);
    }

    /**
     * Frees the memory of a direct {@link ByteBuffer} now instead of when the garbage collector
     * finds it unreachable ({@code Unsafe.invokeCleaner}, as Netty and Lucene do). The caller
     * guarantees that neither {@code direct} nor any view of it is used afterwards: an access
     * then reads or writes freed memory.
     *
     * @param direct a buffer returned by {@link ByteBuffer#allocateDirect}, not a slice or duplicate
     * @throws IllegalArgumentException if {@code direct} is not direct or is a slice or duplicate
     */
    public static void freeDirectBuffer(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        UNSAFE.invokeCleaner(direct);
    }

    /** The native address of a direct {@link ByteBuffer}'s first byte (position ignored). */
    public static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS_OFFSET);
    }

    public static byte getByte(long address) {
        return UNSAFE.getByte(address);
    }

    public static void putByte(long address, byte value) {
        UNSAFE.putByte(address, value);
    }

    public static int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    public static void putInt(long address, int value) {
        UNSAFE.putInt(address, value);
    }

    public static long getLong(long address) {
        return UNSAFE.getLong(address);
    }

    public static void putLong(long address, long value) {
        UNSAFE.putLong(address, value);
    }

    public static long getLongVolatile(long address) {
        return UNSAFE.getLongVolatile(null, address);
    }

    public static void putLongVolatile(long address, long value) {
        UNSAFE.putLongVolatile(null, address, value);
    }

    /** Copies {@code bytes} from one native address to another (regions may not overlap). */
    public static void copy(long srcAddress, long dstAddress, long bytes) {
        while (bytes > 0) {
            long n = Math.min(bytes, COPY_SLICE_BYTES);
            UNSAFE.copyMemory(null, srcAddress, null, dstAddress, n);
            srcAddress += n;
            dstAddress += n;
            bytes -= n;
        }
    }

    /** Copies {@code length} bytes of {@code src} starting at {@code srcIndex} to a native address. */
    public static void copyFromArray(byte[] src, int srcIndex, long dstAddress, int length) {
        java.util.Objects.checkFromIndexSize(srcIndex, length, src.length);
        UNSAFE.copyMemory(src, BYTE_ARRAY_BASE + srcIndex, null, dstAddress, length);
    }

    /** Copies {@code length} bytes from a native address into {@code dst} at {@code dstIndex}. */
    public static void copyToArray(long srcAddress, byte[] dst, int dstIndex, int length) {
        java.util.Objects.checkFromIndexSize(dstIndex, length, dst.length);
        UNSAFE.copyMemory(null, srcAddress, dst, BYTE_ARRAY_BASE + dstIndex, length);
    }

    /** Copies {@code count} longs from a native address into {@code dst} at {@code dstIndex}. */
    public static void copyToLongArray(long srcAddress, long[] dst, int dstIndex, int count) {
        java.util.Objects.checkFromIndexSize(dstIndex, count, dst.length);
        UNSAFE.copyMemory(null, srcAddress, dst, LONG_ARRAY_BASE + 8L * dstIndex, 8L * count);
    }

    /** Sets {@code bytes} bytes starting at {@code address} to {@code value}. */
    public static void fill(long address, long bytes, byte value) {
        UNSAFE.setMemory(address, bytes, value);
    }
}
