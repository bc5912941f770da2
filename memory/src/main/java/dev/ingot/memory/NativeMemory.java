package dev.ingot.memory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import sun.misc.Unsafe;

/**
 * The one place in Ingot that touches {@code sun.misc.Unsafe}: raw reads, writes and copies at
 * native addresses. Package-private: the rest of Ingot reaches memory only through
 * {@link MemoryBlock} (memory Ingot owns), {@link MemoryView} (memory it does not own) and
 * {@link Bits}, which check every range first.
 *
 * <p>This class does no bounds checking itself. Thread-safety: stateless; the memory itself is the
 * caller's to guard. Byte order is the platform's (little-endian on every platform Ingot
 * supports); on-disk formats written through this layer are therefore little-endian, and the
 * class refuses to initialise on a big-endian host.
 */
final class NativeMemory {
    static final Unsafe UNSAFE;
    private static final long BUFFER_ADDRESS_OFFSET;
    private static final long BYTE_ARRAY_BASE;
    private static final long LONG_ARRAY_BASE;
    private static final long INT_ARRAY_BASE;
    /** Above this many bytes, copies are split so a safepoint can happen between pieces. */
    private static final long COPY_SLICE_BYTES = 1L << 20;
    /**
     * Up to this many bytes, {@link #copyFromArray} copies with plain 8-byte moves instead of
     * {@code Unsafe.copyMemory}: above every TPC-H text value (199 bytes at most), so a parser that
     * copies one table's short values and then another's longer ones keeps its compiled code (at 64,
     * the first value above it deoptimized the parser's inlined copy, and C2 compiled
     * {@code RecordParser.simpleField} 5-6 times per SF1 load); 32 moves still cost less than the
     * native call.
     */
    static final int SMALL_COPY_BYTES = 256;

    /** {@code DirectByteBuffer(long address, int|long capacity)}: JDK 17 takes an int, JDK 21+ a long. */
    private static final MethodHandle DIRECT_BUFFER;

    static {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (Unsafe) f.get(null);
            BUFFER_ADDRESS_OFFSET = UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            BYTE_ARRAY_BASE = UNSAFE.arrayBaseOffset(byte[].class);
            LONG_ARRAY_BASE = UNSAFE.arrayBaseOffset(long[].class);
            INT_ARRAY_BASE = UNSAFE.arrayBaseOffset(int[].class);
            Class<?> cls = ByteBuffer.allocateDirect(1).getClass();
            Constructor<?> ctor;
            try {
                ctor = cls.getDeclaredConstructor(long.class, int.class);
            } catch (NoSuchMethodException jdk21) {
                ctor = cls.getDeclaredConstructor(long.class, long.class);
            }
            ctor.setAccessible(true); // needs --add-opens=java.base/java.nio=ALL-UNNAMED (ingot.jvm.flags)
            DIRECT_BUFFER = MethodHandles.lookup().unreflectConstructor(ctor)
                    .asType(MethodType.methodType(ByteBuffer.class, long.class, ctor.getParameterTypes()[1]));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(e);
        }
        checkPlatform();
    }

    /** A direct {@link ByteBuffer} over {@code capacity} bytes at {@code address}, which the caller keeps alive. */
    static ByteBuffer directBuffer(long address, int capacity) {
        try {
            return DIRECT_BUFFER.type().parameterType(1) == int.class
                    ? (ByteBuffer) DIRECT_BUFFER.invokeExact(address, capacity)
                    : (ByteBuffer) DIRECT_BUFFER.invokeExact(address, (long) capacity);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a direct buffer view", e);
        }
    }

    private NativeMemory() {}

    /** Throws {@link UnsupportedOperationException} on a big-endian platform. */
    static void checkPlatform() {
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
    static void freeDirectBuffer(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        UNSAFE.invokeCleaner(direct);
    }

    /** The native address of a direct {@link ByteBuffer}'s first byte (position ignored). */
    static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS_OFFSET);
    }

    static byte getByte(long address) {
        return UNSAFE.getByte(address);
    }

    static void putByte(long address, byte value) {
        UNSAFE.putByte(address, value);
    }

    static short getShort(long address) {
        return UNSAFE.getShort(address);
    }

    static void putShort(long address, short value) {
        UNSAFE.putShort(address, value);
    }

    static int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    static void putInt(long address, int value) {
        UNSAFE.putInt(address, value);
    }

    static long getLong(long address) {
        return UNSAFE.getLong(address);
    }

    static void putLong(long address, long value) {
        UNSAFE.putLong(address, value);
    }

    /** Copies {@code bytes} from one native address to another (regions may not overlap). */
    static void copy(long srcAddress, long dstAddress, long bytes) {
        while (bytes > 0) {
            long n = Math.min(bytes, COPY_SLICE_BYTES);
            UNSAFE.copyMemory(null, srcAddress, null, dstAddress, n);
            srcAddress += n;
            dstAddress += n;
            bytes -= n;
        }
    }

    /** Copies {@code length} bytes of {@code src} starting at {@code srcIndex} to a native address. */
    static void copyFromArray(byte[] src, int srcIndex, long dstAddress, int length) {
        java.util.Objects.checkFromIndexSize(srcIndex, length, src.length);
        if (length <= SMALL_COPY_BYTES) {
            // short values (most text fields): plain moves, as Unsafe.copyMemory's array checks and
            // native call cost more than the copy itself here. From 8 bytes: 8 at a time, the last 8
            // overlapping the ones before; below 8: one move each of 4, 2 and 1 bytes as the length has them
            long from = BYTE_ARRAY_BASE + srcIndex;
            if (length >= 8) {
                for (int i = 0; i < length - 8; i += 8) {
                    UNSAFE.putLong(dstAddress + i, UNSAFE.getLong(src, from + i));
                }
                UNSAFE.putLong(dstAddress + length - 8, UNSAFE.getLong(src, from + length - 8));
            } else {
                int i = 0;
                if ((length & 4) != 0) {
                    UNSAFE.putInt(dstAddress, UNSAFE.getInt(src, from));
                    i = 4;
                }
                if ((length & 2) != 0) {
                    UNSAFE.putShort(dstAddress + i, UNSAFE.getShort(src, from + i));
                    i += 2;
                }
                if ((length & 1) != 0) {
                    UNSAFE.putByte(dstAddress + i, UNSAFE.getByte(src, from + i));
                }
            }
            return;
        }
        UNSAFE.copyMemory(src, BYTE_ARRAY_BASE + srcIndex, null, dstAddress, length);
    }

    /** Copies {@code length} bytes from a native address into {@code dst} at {@code dstIndex}. */
    static void copyToArray(long srcAddress, byte[] dst, int dstIndex, int length) {
        java.util.Objects.checkFromIndexSize(dstIndex, length, dst.length);
        UNSAFE.copyMemory(null, srcAddress, dst, BYTE_ARRAY_BASE + dstIndex, length);
    }

    /** Copies {@code count} longs from a native address into {@code dst} at {@code dstIndex}. */
    static void copyToLongArray(long srcAddress, long[] dst, int dstIndex, int count) {
        java.util.Objects.checkFromIndexSize(dstIndex, count, dst.length);
        UNSAFE.copyMemory(null, srcAddress, dst, LONG_ARRAY_BASE + 8L * dstIndex, 8L * count);
    }

    /** Copies {@code count} ints from a native address into {@code dst} at {@code dstIndex}. */
    static void copyToIntArray(long srcAddress, int[] dst, int dstIndex, int count) {
        java.util.Objects.checkFromIndexSize(dstIndex, count, dst.length);
        UNSAFE.copyMemory(null, srcAddress, dst, INT_ARRAY_BASE + 4L * dstIndex, 4L * count);
    }

    /** Copies {@code count} longs of {@code src} from {@code srcIndex} to a native address. */
    static void copyFromLongArray(long[] src, int srcIndex, long dstAddress, int count) {
        java.util.Objects.checkFromIndexSize(srcIndex, count, src.length);
        UNSAFE.copyMemory(src, LONG_ARRAY_BASE + 8L * srcIndex, null, dstAddress, 8L * count);
    }

    /** Copies {@code count} ints of {@code src} from {@code srcIndex} to a native address. */
    static void copyFromIntArray(int[] src, int srcIndex, long dstAddress, int count) {
        java.util.Objects.checkFromIndexSize(srcIndex, count, src.length);
        UNSAFE.copyMemory(src, INT_ARRAY_BASE + 4L * srcIndex, null, dstAddress, 4L * count);
    }

    /** Sets {@code bytes} bytes starting at {@code address} to {@code value}. */
    static void fill(long address, long bytes, byte value) {
        UNSAFE.setMemory(address, bytes, value);
    }
}
