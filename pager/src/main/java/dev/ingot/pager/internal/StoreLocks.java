package dev.ingot.pager.internal;

import dev.ingot.memory.internal.Failures;
import dev.ingot.pager.StoreLockedException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file locks of store files: one writer per store (an exclusive lock), any number of
 * read-only opens (a shared lock), and an exclusive hold of both for replacing or deleting a
 * store that nobody has open.
 *
 * <h2>Lock bytes</h2>
 * Locks are POSIX record locks ({@link FileChannel#tryLock(long, long, boolean)}) on two single
 * bytes far beyond any real file length, so they never cover data and a writer and readers do
 * not exclude each other:
 * <pre>
 * byte {@link #WRITER_BYTE}: a writer holds it exclusively (a second writer fails)
 * byte {@link #READER_BYTE}: each process with read-only opens holds it shared
 * </pre>
 * Replacing a store takes both bytes exclusively ({@link #acquireExclusive}), which fails while any
 * process has the store open in either mode.
 *
 * <h2>One entry per file and JVM</h2>
 * POSIX record locks belong to the process, and closing <em>any</em> descriptor of a file drops
 * all of the process's locks on it. So within one JVM every open of the same file (resolved
 * path) shares one entry: one lock descriptor, opened when the first open of the file takes its
 * lock and closed when the last one releases it. Read-only pagers read through that descriptor
 * ({@link Handle#channel()}) and open none of their own; the descriptors of a writer closed
 * while other opens of the file remain are closed only with the last one
 * ({@link Handle#release(Closeable)}). A second writer of the same file in
 * this JVM is refused by the entry before any descriptor is opened.
 *
 * <p>Thread-safety: thread-safe (one class-wide lock guards the entries).
 */
final class StoreLocks {
    /** File offset of the writer's lock byte (beyond any real file; locking past the end is allowed). */
    static final long WRITER_BYTE = Long.MAX_VALUE - 2;
    /** File offset of the readers' lock byte. */
    static final long READER_BYTE = Long.MAX_VALUE - 1;

    /** Guarded by the class monitor. */
    private static final Map<String, Entry> ENTRIES = new HashMap<>();

    private StoreLocks() {
    }

    private static final class Entry {
        final String key;
        final FileChannel channel;
        final boolean writable;
        FileLock writerLock;
        FileLock readerLock;
        int readers;
        boolean writer;
        boolean exclusive;
        final List<Closeable> deferred = new ArrayList<>();

        Entry(String key, FileChannel channel, boolean writable) {
            this.key = key;
            this.channel = channel;
            this.writable = writable;
        }

        boolean idle() {
            return readers == 0 && !writer && !exclusive;
        }
    }

    /** What one open holds; release it exactly once. */
    static final class Handle {
        private final Entry entry;
        private final Mode mode;
        private boolean released;

        private Handle(Entry entry, Mode mode) {
            this.entry = entry;
            this.mode = mode;
        }

        /**
         * The lock descriptor of the file in this JVM (read-write where the file allows it, else
         * read-only), open until the last open of the file releases; for read-only pagers to read
         * through instead of opening a descriptor of their own.
         */
        FileChannel channel() {
            return entry.channel;
        }

        /**
         * For the writer's handle: takes the readers' byte exclusively as well, so that no
         * read-only open exists in any process until the returned hold is closed (a read-only
         * open attempted meanwhile fails as for a store being replaced).
         *
         * @throws StoreLockedException if this JVM or another process has the store open read-only
         * @throws IllegalStateException if this is not a writer's handle, or it was released
         */
        Closeable excludeReaders(Path file) throws IOException {
            synchronized (StoreLocks.class) {
                Entry e = entry;
                if (mode != Mode.WRITE || released) {
                    throw new IllegalStateException("store " + file + ": only its open writer can hold read-only opens off");
                }
                if (e.readers > 0) {
                    throw new StoreLockedException(file, "store " + file + " is open read-only in this process (" + e.readers
                            + " open); close every read-only open first");
                }
                FileLock r;
                try {
                    r = tryLock(e, READER_BYTE, false, file);
                } catch (StoreLockedException locked) {
                    throw new StoreLockedException(file, "store " + file + " is open read-only by another process; close"
                            + " every read-only open first");
                }
                e.readerLock = r;
                e.exclusive = true;
                return () -> {
                    synchronized (StoreLocks.class) {
                        if (e.readerLock == r) {
                            e.readerLock = null;
                            e.exclusive = false;
                            r.release();
                        }
                    }
                };
            }
        }

        /**
         * Gives up this open's lock. {@code channel} (the open's own descriptors, may be null) is
         * closed now if no other open of the file remains in this JVM, else when the last one
         * releases (closing it earlier would drop their locks). Idempotent.
         *
         * @throws IOException if releasing a lock or closing a descriptor fails (every step is
         *                     still attempted; later failures are suppressed)
         */
        void release(Closeable channel) throws IOException {
            synchronized (StoreLocks.class) {
                if (released) {
                    return;
                }
                released = true;
                Entry e = entry;
                if (channel != null) {
                    e.deferred.add(channel);
                }
                IOException failure = null;
                try {
                    switch (mode) {
                        case WRITE -> {
                            e.writer = false;
                            FileLock lock = e.writerLock;
                            e.writerLock = null;
                            lock.release();
                        }
                        case READ -> {
                            if (--e.readers == 0) {
                                FileLock lock = e.readerLock;
                                e.readerLock = null;
                                lock.release();
                            }
                        }
                        case EXCLUSIVE -> {
                            e.exclusive = false;
                            FileLock w = e.writerLock;
                            FileLock r = e.readerLock;
                            e.writerLock = null;
                            e.readerLock = null;
                            try {
                                w.release();
                            } finally {
                                r.release();
                            }
                        }
                    }
                } catch (IOException ex) {
                    failure = ex;
                }
                if (e.idle()) {
                    ENTRIES.remove(e.key);
                    e.deferred.add(e.channel);
                    for (Closeable c : e.deferred) {
                        try {
                            c.close();
                        } catch (IOException ex) {
                            failure = Failures.chain(failure, ex);
                        }
                    }
                    e.deferred.clear();
                }
                if (failure != null) {
                    throw failure;
                }
            }
        }
    }

    enum Mode { READ, WRITE, EXCLUSIVE }

    /**
     * Takes the lock of one open of {@code file} ({@code key}: its resolved path).
     *
     * @param mode READ for a read-only open, WRITE for the writer, EXCLUSIVE to hold the store
     *             against every open (replace/delete)
     * @throws StoreLockedException if the lock is held elsewhere (this JVM or another process);
     *                              for EXCLUSIVE the message says the store is open by another
     *                              process
     * @throws IOException          if the file cannot be opened or locked
     */
    static Handle acquire(Path file, String key, Mode mode) throws IOException {
        synchronized (StoreLocks.class) {
            Entry e = ENTRIES.get(key);
            boolean created = false;
            if (e == null) {
                e = newEntry(file, key, mode != Mode.READ);
                created = true;
            }
            try {
                switch (mode) {
                    case WRITE -> {
                        if (e.writer || e.exclusive) {
                            throw new StoreLockedException(file);
                        }
                        if (!e.writable) {
                            throw new IOException("store " + file + ": cannot lock it for writing: it is open read-only"
                                    + " in this process through a descriptor without write access");
                        }
                        e.writerLock = tryLock(e, WRITER_BYTE, false, file);
                        e.writer = true;
                    }
                    case READ -> {
                        if (e.exclusive) {
                            throw beingReplaced(file);
                        }
                        if (e.readers == 0) {
                            try {
                                e.readerLock = tryLock(e, READER_BYTE, true, file);
                            } catch (StoreLockedException locked) {
                                throw beingReplaced(file);
                            }
                        }
                        e.readers++;
                    }
                    case EXCLUSIVE -> {
                        if (!created) {
                            throw openElsewhere(file);
                        }
                        FileLock w = tryLock(e, WRITER_BYTE, false, file);
                        FileLock r;
                        try {
                            r = tryLock(e, READER_BYTE, false, file);
                        } catch (IOException ex) {
                            w.release();
                            throw ex;
                        }
                        e.writerLock = w;
                        e.readerLock = r;
                        e.exclusive = true;
                    }
                }
            } catch (IOException | RuntimeException | Error ex) {
                if (created) {
                    try {
                        e.channel.close();
                    } catch (IOException s) {
                        ex.addSuppressed(s);
                    }
                }
                if (mode == Mode.EXCLUSIVE && ex instanceof StoreLockedException) {
                    throw openElsewhere(file);
                }
                throw ex;
            }
            if (created) {
                ENTRIES.put(key, e);
            }
            return new Handle(e, mode);
        }
    }

    private static StoreLockedException beingReplaced(Path file) {
        return new StoreLockedException(file, "store " + file + " is held exclusively (being replaced) by another process"
                + " or pager; open it when that is done");
    }

    private static StoreLockedException openElsewhere(Path file) {
        return new StoreLockedException(file, "store " + file + " is open by another process (or pager); close it first");
    }

    /**
     * Opens the lock descriptor: read-write where possible; for a reader of a file it may not
     * write (no permission, read-only mount) read-only, which still allows the shared lock.
     */
    private static Entry newEntry(Path file, String key, boolean needWrite) throws IOException {
        try {
            return new Entry(key, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), true);
        } catch (FileSystemException e) {
            if (needWrite) {
                throw e;
            }
            try {
                return new Entry(key, FileChannel.open(file, StandardOpenOption.READ), false);
            } catch (IOException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
    }

    private static FileLock tryLock(Entry e, long position, boolean shared, Path file) throws IOException {
        FileLock lock;
        try {
            lock = e.channel.tryLock(position, 1, shared);
        } catch (OverlappingFileLockException ex) {
            lock = null;
        } catch (IOException ex) {
            throw new IOException("store " + file + ": taking the file lock failed: " + ex.getMessage(), ex);
        }
        if (lock == null) {
            throw new StoreLockedException(file);
        }
        return lock;
    }
}
