package dev.ingot.pager.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file operations a {@link MappedPager} performs on its store file, and nothing more: every
 * write, read, force, size query, mapping and lock of the pager goes through one of these. The
 * default implementation ({@link #open(Path)}) is a thin wrapper over a {@link FileChannel};
 * tests substitute a fault-injecting one through {@link MappedPager#open(Path,
 * dev.ingot.pager.PagerOptions, Opener)} to simulate a full disk, torn writes, failing fsync and
 * crashes that lose unforced writes.
 *
 * <p>Contract: the methods mirror the {@link FileChannel} methods of the same name (positions
 * and sizes in bytes, file offsets from the start of the file). Implementations report failures
 * as they are; the pager adds the store path to every message.
 *
 * <p>Thread-safety: implementations must be thread-safe; {@link #write(ByteBuffer[], long)} must
 * be atomic with respect to other gathering writes (the default implementation serializes them,
 * because a {@link FileChannel} has no positional gathering write).
 *
 * <p>Direct writes: a channel may also offer a second write path that bypasses the page cache
 * ({@link #openDirectWrites()}, {@link #writeDirect}); the default implementation opens a second
 * descriptor of the same file with {@code O_DIRECT}. Both paths write the same file: a reader of
 * the mappings, a {@link #read}, {@link #size()} and {@link #force} see the bytes of either.
 *
 * <p>Ownership: the pager that opened the channel closes it (both descriptors).
 */
public interface StoreChannel extends Closeable {

    /** Opens the store channel of a file; the pager's factory hook for fault-injection tests. */
    @FunctionalInterface
    interface Opener {
        /**
         * Opens {@code file} for reading and writing, creating it if absent.
         *
         * @throws IOException if the file cannot be opened
         */
        StoreChannel open(Path file) throws IOException;
    }

    /**
     * Alignment of every {@link #writeDirect}: the buffer's memory address (at its position), the
     * file offset and the byte count are multiples of this (the page size of ext4 and xfs, and a
     * multiple of their logical block size).
     */
    int DIRECT_ALIGNMENT = 4096;

    /**
     * The default: a real {@link FileChannel} opened with CREATE, READ and WRITE; direct writes,
     * once {@linkplain #openDirectWrites() opened}, go through a second one opened with WRITE and
     * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}.
     */
    static StoreChannel open(Path file) throws IOException {
        return new FileStoreChannel(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), file);
    }

    /**
     * A read-only pager's channel over {@code shared}, a descriptor it borrows (the lock
     * descriptor of its file in this JVM, see {@link StoreLocks}): {@link #close()} leaves it
     * open, so a reader adds no descriptor of its own and closing one drops no lock. The pager
     * calls only the reading methods.
     */
    static StoreChannel borrowed(FileChannel shared) {
        return new FileStoreChannel(shared, null, false);
    }

    /**
     * Opens the direct write path if the file system supports it; idempotent. Never fails for
     * lack of support: a file system that refuses {@code O_DIRECT} (tmpfs answers EINVAL), a
     * block size that does not divide {@link #DIRECT_ALIGNMENT}, or a JDK without the option
     * all give {@code false}, and the caller keeps using {@link #write(ByteBuffer, long)}.
     *
     * @return whether {@link #writeDirect} may be called
     */
    default boolean openDirectWrites() {
        return false;
    }

    /**
     * Writes bytes of {@code src} at {@code position} bypassing the page cache, possibly fewer
     * than remaining, like {@link FileChannel#write(ByteBuffer, long)} on a descriptor opened
     * with {@code O_DIRECT}. Only after {@link #openDirectWrites()} returned true.
     *
     * @param src      a direct buffer; its address at {@code src.position()} and its remaining
     *                 byte count are multiples of {@link #DIRECT_ALIGNMENT}
     * @param position file offset, a multiple of {@link #DIRECT_ALIGNMENT}
     * @return bytes written
     * @throws IOException as the kernel reports it ({@code Invalid argument} for an alignment the
     *                     file system does not accept, {@code No space left on device}, ...)
     * @throws UnsupportedOperationException if direct writes were not opened
     */
    default int writeDirect(ByteBuffer src, long position) throws IOException {
        throw new UnsupportedOperationException("direct writes are not open");
    }

    /**
     * Writes bytes of {@code src} (from its position) at file offset {@code position}, possibly
     * fewer than remaining, like {@link FileChannel#write(ByteBuffer, long)}.
     *
     * @return bytes written
     */
    int write(ByteBuffer src, long position) throws IOException;

    /**
     * Gathering write of the remaining bytes of {@code srcs} starting at file offset
     * {@code position}; may write fewer than all (the caller loops, advancing the position by
     * the returned count and skipping drained buffers).
     *
     * @return bytes written
     */
    long write(ByteBuffer[] srcs, long position) throws IOException;

    /**
     * Reads into {@code dst} from file offset {@code position}, like
     * {@link FileChannel#read(ByteBuffer, long)}.
     *
     * @return bytes read, or -1 at end of file
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Forces written data (and metadata if {@code metaData}) to stable storage. */
    void force(boolean metaData) throws IOException;

    /** Current file size in bytes. */
    long size() throws IOException;

    /** Shrinks the file to {@code size} bytes (nothing happens if it is not longer). */
    void truncate(long size) throws IOException;

    /** Maps {@code size} bytes from file offset {@code position} read-only. */
    MappedByteBuffer mapReadOnly(long position, long size) throws IOException;

    /**
     * The default implementation: delegates to a {@link FileChannel}, and direct writes to a
     * second one opened with {@code O_DIRECT}. Thread-safe.
     */
    final class FileStoreChannel implements StoreChannel {
        private final FileChannel channel;
        /** The file, to open the direct descriptor; null if unknown (then no direct writes). */
        private final Path file;
        /** Guards the channel position, used only by gathering writes. */
        private final Object gatherLock = new Object();
        /** The {@code O_DIRECT} descriptor once opened, else null; guarded by {@code this} for opening and closing. */
        private volatile FileChannel direct;
        /** Whether {@link #close()} closes {@link #channel} (false for a borrowed descriptor). */
        private final boolean owned;
        private boolean closed;

        /** Wraps {@code channel}, which this object then owns (closes); no direct writes. */
        public FileStoreChannel(FileChannel channel) {
            this(channel, null);
        }

        /**
         * Wraps {@code channel}, which this object then owns (closes), and opens direct writes on
         * {@code file} (the same file) when asked to.
         */
        public FileStoreChannel(FileChannel channel, Path file) {
            this(channel, file, true);
        }

        private FileStoreChannel(FileChannel channel, Path file, boolean owned) {
            this.channel = channel;
            this.file = file;
            this.owned = owned;
        }

        @Override
        public synchronized boolean openDirectWrites() {
            if (direct != null) {
                return true;
            }
            if (file == null || closed) {
                return false;
            }
            try {
                long blockSize = Files.getFileStore(file).getBlockSize();
                if (blockSize <= 0 || blockSize > DIRECT_ALIGNMENT || DIRECT_ALIGNMENT % blockSize != 0) {
                    return false;
                }
                direct = FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
                return true;
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // Not an error: the file system (or platform) has no O_DIRECT; the caller stays buffered.
                return false;
            }
        }

        @Override
        public int writeDirect(ByteBuffer src, long position) throws IOException {
            FileChannel d = direct;
            if (d == null) {
                throw new UnsupportedOperationException("direct writes are not open");
            }
            return d.write(src, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return channel.write(src, position);
        }

        @Override
        public long write(ByteBuffer[] srcs, long position) throws IOException {
            synchronized (gatherLock) {
                channel.position(position);
                return channel.write(srcs);
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return channel.read(dst, position);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            channel.force(metaData);
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            channel.truncate(size);
        }

        @Override
        public MappedByteBuffer mapReadOnly(long position, long size) throws IOException {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        }

        /** Closes the direct descriptor (if open), then the main one unless borrowed; idempotent. */
        @Override
        public void close() throws IOException {
            FileChannel d;
            synchronized (this) {
                closed = true;
                d = direct;
            }
            IOException failure = null;
            if (d != null) {
                try {
                    d.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            try {
                if (owned) {
                    channel.close();
                }
            } catch (IOException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
