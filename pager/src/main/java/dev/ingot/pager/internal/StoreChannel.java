package dev.ingot.pager.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
 * <p>Ownership: the pager that opened the channel closes it.
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

    /** The default: a real {@link FileChannel} opened with CREATE, READ and WRITE. */
    static StoreChannel open(Path file) throws IOException {
        return new FileStoreChannel(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
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

    /** Maps {@code size} bytes from file offset {@code position} read-only. */
    MappedByteBuffer mapReadOnly(long position, long size) throws IOException;

    /**
     * Tries to take an exclusive lock on the whole file.
     *
     * @return the lock, or null if another process (or another channel of this JVM) holds it
     */
    FileLock tryLock() throws IOException;

    /** The default implementation: delegates to a {@link FileChannel}. Thread-safe. */
    final class FileStoreChannel implements StoreChannel {
        private final FileChannel channel;
        /** Guards the channel position, used only by gathering writes. */
        private final Object gatherLock = new Object();

        /** Wraps {@code channel}, which this object then owns (closes). */
        public FileStoreChannel(FileChannel channel) {
            this.channel = channel;
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
        public MappedByteBuffer mapReadOnly(long position, long size) throws IOException {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
        }

        @Override
        public FileLock tryLock() throws IOException {
            try {
                return channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return null;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
