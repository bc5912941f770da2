package dev.ingot.constraints.spill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The distinct keys of a PRIMARY KEY / UNIQUE constraint checked externally, ascending (unsigned
 * bytes of the {@link SortableKeys} encoding, as {@link KeyRuns}), in one file of a
 * {@link SpillDirectory}: what FOREIGN KEYs that reference it merge-join against. Format: per key,
 * the key front-coded against the previous one (see {@link SpillStreams}).
 *
 * <p>Thread-safety: written by one thread; once {@link Writer#finish finished}, any number of
 * threads may each open their own {@link #reader()}. Ownership: {@link #close()} deletes the file.
 */
final class SortedKeyFile implements AutoCloseable {
    private final SpillDirectory dir;
    private final Path file;
    private long keys;
    private long bytes;
    private volatile boolean closed;

    private SortedKeyFile(SpillDirectory dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /** Starts a new file; keys must be written ascending and distinct. */
    static Writer create(SpillDirectory dir) {
        SortedKeyFile f = new SortedKeyFile(dir, dir.newFile());
        try {
            return f.new Writer(new SpillStreams.Out(Files.newOutputStream(f.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)));
        } catch (IOException e) {
            throw dir.failure("create key file " + f.file.getFileName(), e);
        }
    }

    long keys() {
        return keys;
    }

    long bytes() {
        return bytes;
    }

    /** Writes the keys; {@link #finish} or {@link #abandon}. */
    final class Writer {
        private final SpillStreams.Out out;

        private Writer(SpillStreams.Out out) {
            this.out = out;
        }

        void add(byte[] key, int length) {
            try {
                out.frontKey(key, 0, length);
            } catch (IOException e) {
                throw dir.failure("write key file " + file.getFileName(), e);
            }
            keys++;
        }

        /** The file being written. */
        SortedKeyFile file() {
            return SortedKeyFile.this;
        }

        /** Bytes written so far. */
        long written() {
            return out.written();
        }

        /** Makes the keys written so far visible to a {@link #reader()} opened afterwards. */
        void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw dir.failure("write key file " + file.getFileName(), e);
            }
        }

        SortedKeyFile finish() {
            try {
                out.close();
            } catch (IOException e) {
                abandon();
                throw dir.failure("write key file " + file.getFileName(), e);
            }
            bytes = out.written();
            dir.addBytesWritten(bytes);
            return SortedKeyFile.this;
        }

        /** Closes and deletes the file (after a failure), attaching any error to nothing: best effort. */
        void abandon() {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is deleted next; its content does not matter
            }
            SortedKeyFile.this.close();
        }
    }

    /**
     * A new sequential reader of the keys: those written when it is opened (while a writer is
     * still open, call its {@link Writer#flush} first).
     */
    Reader reader() {
        if (closed) {
            throw new IllegalStateException("key file is closed");
        }
        try {
            return new Reader(new SpillStreams.In(Files.newInputStream(file)));
        } catch (IOException e) {
            throw dir.failure("open key file " + file.getFileName(), e);
        }
    }

    /** Reads the keys in order; not thread-safe. */
    final class Reader implements AutoCloseable {
        private final SpillStreams.In in;
        private long remaining = keys;
        private byte[] key = new byte[32];
        private int length;

        private Reader(SpillStreams.In in) {
            this.in = in;
        }

        /** Moves to the next key; false at the end. */
        boolean next() {
            if (remaining == 0) {
                return false;
            }
            try {
                key = in.frontKey(key);
                length = in.keyLength();
            } catch (IOException e) {
                throw dir.failure("read key file " + file.getFileName(), e);
            }
            remaining--;
            return true;
        }

        /** The current key's bytes {@code [0, length())}; valid until {@link #next()}. */
        byte[] key() {
            return key;
        }

        int length() {
            return length;
        }

        /** Compares the current key with {@code other[0, otherLength)}. */
        int compareTo(byte[] other, int otherLength) {
            return Arrays.compareUnsigned(key, 0, length, other, 0, otherLength);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Deletes the file; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            dir.delete(file);
        }
    }
}
