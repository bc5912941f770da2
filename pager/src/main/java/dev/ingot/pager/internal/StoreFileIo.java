package dev.ingot.pager.internal;

import dev.ingot.pager.StoreCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The positional file operations of a {@link MappedPager} on its {@link StoreChannel}, each
 * turning an {@link IOException} into one that names the store, the operation, its size and
 * file offset, and the cause's message (see "Failures" in {@link MappedPager}).
 *
 * <p>Thread-safety: thread-safe (positional operations only; the channel position is never used).
 * Ownership: does not own the channel (the pager's lock handle releases it).
 */
final class StoreFileIo {
    private final Path file;
    private volatile boolean failed;
    private final StoreChannel channel;

    StoreFileIo(Path file, StoreChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    Path file() {
        return file;
    }

    StoreChannel channel() {
        return channel;
    }

    /**
     * Writes all remaining bytes of {@code src} at {@code position}.
     *
     * @param purpose appended to the operation in an error message, e.g. " (growing the file to N bytes)"
     * @throws IOException naming the store, the size and offset of the write, and the cause
     */
    void writeFully(ByteBuffer src, long position, String purpose) throws IOException {
        int bytes = src.remaining();
        long at = position;
        try {
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        } catch (IOException e) {
            throw failure("write of " + bytes + (bytes == 1 ? " byte" : " bytes") + " at offset " + position
                    + purpose + (at != position ? " (" + (at - position) + " bytes written)" : ""), e);
        }
    }

    /**
     * Gathering write of the remaining bytes of {@code srcs} ({@code bytes} in total) at
     * {@code position}.
     */
    void writeGathered(ByteBuffer[] srcs, long position, long bytes) throws IOException {
        long written = 0;
        try {
            int first = 0;
            while (written < bytes) {
                ByteBuffer[] rest = first == 0 ? srcs : Arrays.copyOfRange(srcs, first, srcs.length);
                written += channel.write(rest, position + written);
                while (first < srcs.length && !srcs[first].hasRemaining()) {
                    first++;
                }
            }
        } catch (IOException e) {
            throw failure("gathering write of " + bytes + " bytes (" + srcs.length + " blobs) at offset "
                    + position + (written > 0 ? " (" + written + " bytes written)" : ""), e);
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code position}.
     *
     * @throws StoreCorruptedException if the file ends first
     */
    void readFully(ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n;
            try {
                n = channel.read(dst, at);
            } catch (IOException e) {
                throw failure("read of " + dst.capacity() + " bytes at offset " + position, e);
            }
            if (n < 0) {
                throw new StoreCorruptedException(file, at, "unexpected end of file while reading "
                        + dst.capacity() + " bytes at offset " + position);
            }
            at += n;
        }
    }

    /** Forces file data and metadata to the device ({@code fsync}). */
    void force() throws IOException {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw failure("force (fsync)", e);
        }
    }

    /** Shrinks the file to {@code size} bytes. */
    void truncate(long size) throws IOException {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            throw failure("truncate to " + size + " bytes", e);
        }
    }

    /** The file's size in bytes. */
    long size() throws IOException {
        try {
            return channel.size();
        } catch (IOException e) {
            throw failure("size query", e);
        }
    }

    /** Whether an operation of this file failed (a later close then leaves the file as it is). */
    boolean failed() {
        return failed;
    }

    /** {@link #ioFailure} for an operation of this file, remembered by {@link #failed()}. */
    IOException failure(String operation, IOException cause) {
        failed = true;
        return ioFailure(file, operation, cause);
    }

    /** {@code store <file>: <operation> failed: <cause message>}, with {@code cause} attached. */
    static IOException ioFailure(Path file, String operation, IOException cause) {
        String detail = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
        return new IOException("store " + file + ": " + operation + " failed: " + detail, cause);
    }
}
