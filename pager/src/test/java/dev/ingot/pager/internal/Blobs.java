package dev.ingot.pager.internal;

import dev.ingot.pager.PagerOptions;
import java.nio.ByteBuffer;
import java.util.Random;

/** Test helpers: random blobs, buffer-to-array copies, and the options the suite uses (also for {@code PagerContractTest}). */
public final class Blobs {
    public static final int SEGMENT_BYTES = 1 << 20;

    private Blobs() {}

    /** 1 MiB segments, data at 8 KiB, no fsync (durability is not what these tests measure). */
    public static PagerOptions fastOptions() {
        return PagerOptions.defaults().withSegmentBytes(SEGMENT_BYTES).withSyncOnCommit(false);
    }

    public static byte[] random(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** The readable bytes of {@code buffer}, without moving its position. */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    public static ByteBuffer heap(byte[] bytes) {
        return ByteBuffer.wrap(bytes);
    }

    public static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }
}
