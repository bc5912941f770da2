package dev.ingot.pager.internal;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.PagerWriter;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.StoreLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.io.Closeable;
import java.nio.file.Files;
import dev.ingot.pager.OpenMode;
import dev.ingot.pager.StoreNotFoundException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The {@link Pager} implementation: an append-only blob store in one file, read through
 * lazily mapped read-only segments and written with positional {@link FileChannel} writes
 * (large blob writes bypass the page cache, see "Direct writes" below).
 * Every file operation goes through a {@link StoreChannel} (a plain {@link FileChannel} unless a
 * fault-injection test supplies another through {@link #open(Path, PagerOptions, StoreChannel.Opener)}).
 *
 * <h2>File layout</h2>
 * All integers are little-endian. The file length is always a multiple of {@code segmentBytes}
 * (segment {@code i} is file bytes {@code [i * segmentBytes, (i + 1) * segmentBytes)}).
 * <pre>
 * file offset            size            content
 * 0                      4096            superblock slot 0 (epochs 0, 2, 4, ...)
 * 4096                   4096            superblock slot 1 (epochs 0, 1, 3, 5, ...)
 * 8192                   ...             unused (sparse hole) up to dataStartOffset
 * dataStartOffset        ...             data region: blobs and key directory blobs, appended
 *                                        at appendOffset; a blob never crosses a segment
 *                                        boundary (it skips to the next segment start)
 * appendOffset           ...             unused, or garbage of an uncommitted session
 * </pre>
 *
 * <p>The superblock's layout is drawn in {@link Superblock}, the key directory blob's in
 * {@link KeyDirectory}, each beside its offset constants; both are framed by
 * {@link dev.ingot.pager.format.FormatCodec} (magic, version range, CRC32C).
 *
 * <h2>Protocol</h2>
 * A put reserves space at appendOffset under the directory lock (cheap), grows the file to the
 * next segment multiple if needed, writes the blob outside any lock with positional writes
 * (so a full disk is an {@link IOException}, never a fault on a mapped page), and then publishes
 * the directory entry under the lock. A commit, serialized with other commits, snapshots the
 * directory (only entries published before the snapshot are included), appends it as a blob,
 * forces the file, writes the superblock of epoch + 1 into slot {@code (epoch + 1) % 2} and
 * forces again; until that last write the previous superblock still describes a complete
 * state. Only then is the new {@link CommittedRoot} published (one volatile write, see
 * {@link RootPublisher}). Opening picks the valid slot (magic, CRC, version) with the highest
 * epoch; a slot of a newer format version fails the open ({@link dev.ingot.pager.FormatTooNewException}).
 * The design follows LMDB's two meta pages and Lucene's magic/version/checksum framing.
 *
 * <h2>Direct writes</h2>
 * With {@link PagerOptions#directWrites()} (the default) and a file system that accepts
 * {@code O_DIRECT}, a put or putBatch whose payload is at least {@link #DIRECT_MIN_BYTES}
 * (16 KiB) bypasses the page cache: its blobs are copied into a page-aligned staging buffer
 * ({@link DirectStaging}), the tail is zero-padded to a whole page, and the result is written with
 * {@link StoreChannel#writeDirect} (a second descriptor of the file, opened with
 * {@code O_DIRECT}). Everything else (superblocks, the key directory, file growth, smaller puts,
 * and all reads) uses the buffered descriptor and the mappings; Linux keeps the mappings coherent
 * with direct writes (a direct write writes back and invalidates cached pages of its range).
 *
 * <p>Alignment rule: the memory address, file offset and length of every direct write are
 * multiples of {@link #PAGE_BYTES} (4096). To make that possible, and so that no 4 KiB page is
 * ever written both directly and through the page cache, the space reserved for a direct put or
 * putBatch starts on a page boundary and ends on one (up to 4095 bytes of padding on each side):
 * <pre>
 * ... | buffered blobs | pad | direct batch: blob blob blob ... blob | pad | buffered ...
 *                           ^ 4096-aligned                               ^ 4096-aligned
 * </pre>
 * Blobs inside one batch stay contiguous (only the batch is padded), and the segment rule holds
 * (a blob that would cross a segment boundary starts the next segment, which is page-aligned
 * because segments are powers of two of at least 1 MiB). Every byte of a direct reservation
 * belongs to that one put, so buffered writes (the directory blob, smaller puts, the one-byte
 * write that grows the file before the put writes there) never share a page with a concurrent
 * direct write. The padding is dead space; the file format is unchanged.
 *
 * <p>Durability is unchanged: {@code commit} forces the file through the buffered descriptor,
 * which covers data written through either ({@code fsync} is per file; {@code O_DIRECT} does not
 * make a write durable by itself: disk caches and extent metadata still need it).
 *
 * <p>Fallback: if the file system refuses {@code O_DIRECT} at open (tmpfs: EINVAL), or the
 * first direct write of this pager fails with EINVAL (or the JDK's alignment check), the pager
 * writes everything buffered for the rest of its lifetime, silently; {@link #directIo()} tells
 * which path is in use. Any other failure of a direct write is a write failure like any other.
 *
 * <h2>Failures</h2>
 * Every {@link IOException} of a file operation is rethrown as an {@link IOException} whose
 * message names the store, the operation, its size and file offset, and the cause's message,
 * e.g. {@code store /x/store.ingot: write of 4096 bytes at offset 8192 failed: No space left on
 * device}; the original exception is the cause. A failed put or putBatch leaves the directory
 * unchanged (its reserved space becomes dead bytes). A commit that fails before its superblock
 * write leaves the on-disk state untouched; one that fails in the superblock write or in the
 * final force writes the previous image of that superblock slot back (best effort, then forces
 * once more), so a reopen, and a crash that loses every unforced write, both show the previous
 * commit; the epoch and {@link #committedRoot()} stay unchanged and the pager stays usable.
 * After a failed force, though, every later commit is refused with an {@link IOException}: a
 * kernel may drop dirty pages whose write-back failed and report the next fsync as successful
 * (PostgreSQL's "fsyncgate"), so a later commit could reference blobs that never reached the
 * disk. Reads and puts keep working; reopening the store (which reads the file back) clears it.
 * (If even that rollback fails, the slot holds either a torn superblock, which fails its CRC, or
 * the new one: a reopen then shows the new commit although {@code commit} threw; the failures
 * of the rollback are attached to the commit's exception as suppressed.)
 *
 * <h2>Lifetimes</h2>
 * Segments are mapped lazily, whole and once, read-only. {@link #close()} does not unmap them
 * explicitly (a view still held by a caller would then crash the JVM): it drops the references
 * and the garbage collector unmaps each segment when its last view is gone. The direct-write
 * staging buffers are freed by {@link #close()} (one still in use by a put running concurrently
 * is freed when that put ends). After close every
 * method except {@link #file()}, {@link #diagnostics()} and {@link #close()} throws
 * {@link IllegalStateException}.
 *
 * <h2>Readers</h2>
 * An {@link OpenMode#READ_ONLY} pager reads through its JVM's lock descriptor of the file (read-only
 * where the file or mount allows no writing) and never writes: no
 * superblock, no growth to a segment multiple (it maps what the file holds of a segment), no
 * direct-write descriptor. It reads the newest valid superblock slot (again, up to
 * {@link #READER_ATTEMPTS} times, if a concurrent commit left both unreadable at that moment)
 * and that commit's key directory, and keeps that snapshot until {@link #refresh()}. What keeps
 * a snapshot readable while the writer goes on: the data region is append-only from the
 * committed appendOffset, so neither blobs, nor key directories, nor the padding around direct
 * writes of a commit are ever rewritten (a writer reopening after a crash overwrites only the
 * uncommitted tail beyond the last commit's appendOffset); a free removes a directory entry, not
 * bytes; and a commit rewrites only the older superblock slot, whose commit a reader has already
 * decoded.
 *
 * <p>Locks: see {@link StoreLocks} (writer byte exclusive, reader byte shared, one lock
 * descriptor per file and JVM).
 *
 * <p>Limits: keys are indexed by int, so at most {@code Integer.MAX_VALUE - 8} keys can be
 * allocated over the store's lifetime; the in-memory directory costs 16 bytes per key up to the
 * largest key stored. The file channel is interruptible: interrupting a thread blocked in a
 * put or commit closes the channel (as for every {@link FileChannel}), after which I/O methods
 * throw an {@link IOException} naming the store whose cause is a
 * {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Thread-safety: thread-safe (see {@link Pager}).
 */
public final class MappedPager implements Pager {
    /** Exclusive upper bound of {@code nextKey}: keys index int arrays. */
    static final long MAX_NEXT_KEY = Integer.MAX_VALUE - 8L;
    /** Largest count one {@link #allocMany} call accepts. */
    static final int MAX_ALLOC_COUNT = 1 << 20;

    private static final ByteBuffer EMPTY_BLOB = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();
    /** Direct writes are aligned to, and reserve space in, pages of this many bytes. */
    static final int PAGE_BYTES = StoreChannel.DIRECT_ALIGNMENT;
    /**
     * Smallest put or putBatch payload written directly; smaller ones stay buffered: a direct
     * write waits for the device, and its padding costs up to a page per reservation.
     */
    static final int DIRECT_MIN_BYTES = 16 << 10;
    private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect(PAGE_BYTES).asReadOnlyBuffer();

    private final Path file;
    private final StoreChannel channel;
    private final StoreLocks.Handle lock;
    /** Whether this pager was opened {@link OpenMode#READ_ONLY}: it then never writes. */
    private final boolean readOnly;
    private final int segmentBytes;
    private final long dataStartOffset;
    private final boolean syncOnCommit;
    private final PagerDiagnostics diagnostics;
    /** Replaced by {@link #refresh()} of a read-only pager; otherwise fixed. */
    private volatile KeyAllocator keys;
    /**
     * Whether large blob writes go through {@link StoreChannel#writeDirect}; cleared for the
     * pager's lifetime by a fallback (see the class comment).
     */
    private volatile boolean directIo;
    /** Set by the first direct write that succeeds: after it, EINVAL is a failure, not a fallback. */
    private volatile boolean directWriteSucceeded;
    /** Aligned buffers that direct writes copy blobs into; closed with the pager. */
    private final DirectStaging staging = new DirectStaging();

    /** Guards {@link #directory}, {@link #appendOffset} and {@link #rootKeys}. */
    private final Object directoryLock = new Object();
    /** Replaced by {@link #refresh()} of a read-only pager; otherwise fixed. */
    private KeyDirectory directory;
    private long appendOffset;
    private final long[] rootKeys;

    /** Guards file growth; {@link #fileLength} is the length this pager has grown the file to. */
    private final Object growLock = new Object();
    private volatile long fileLength;
    /** Guards mapping; {@link #segments} is copy-on-write, indexed by segment number. */
    private final Object mapLock = new Object();
    private volatile MappedByteBuffer[] segments = new MappedByteBuffer[0];

    private final ReentrantLock commitLock = new ReentrantLock();
    /** The last committed root; its epoch is {@link #epoch()}. */
    private final RootPublisher committed;
    /**
     * The bytes of superblock slots 0 and 1 as this pager last read or wrote them, to undo a
     * failed superblock write; guarded by {@link #commitLock}.
     */
    private final byte[][] slotImages;
    /** The first failed force of a commit; set once, then every commit is refused. Guarded by {@link #commitLock}. */
    private IOException forceFailure;
    private volatile boolean closed;

    private MappedPager(Path file, StoreChannel channel, StoreLocks.Handle lock, boolean readOnly, Superblock sb,
                        byte[][] slotImages, KeyDirectory directory, long fileLength, boolean syncOnCommit,
                        boolean directIo, PagerDiagnostics diagnostics) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.readOnly = readOnly;
        this.segmentBytes = sb.segmentBytes();
        this.dataStartOffset = sb.dataStartOffset();
        this.syncOnCommit = syncOnCommit;
        this.directIo = directIo;
        this.diagnostics = diagnostics;
        this.keys = new KeyAllocator(sb.nextKey(), MAX_NEXT_KEY);
        this.directory = directory;
        this.appendOffset = sb.appendOffset();
        this.rootKeys = sb.rootKeys();
        this.fileLength = fileLength;
        this.committed = new RootPublisher(new CommittedRoot(sb.epoch(), sb.nextKey(), sb.rootKeys()));
        this.slotImages = slotImages;
    }

    /**
     * Opens (creating if absent or empty) the store at {@code file} and locks it exclusively:
     * {@link OpenMode#CREATE}. For an existing store, {@code segmentBytes} and
     * {@code dataStartOffset} come from its superblock and the option values are ignored.
     *
     * @throws StoreLockedException    if this JVM or another process has the file open for writing
     * @throws StoreCorruptedException if the file is shorter than two superblocks but not empty,
     *                                 no superblock slot is valid, a superblock field is out of
     *                                 range, the file is shorter than the committed data, or the
     *                                 key directory fails validation; names the file offset
     * @throws IOException             on any other I/O failure; nothing is left open or locked
     */
    public static Pager open(Path file, PagerOptions options) throws IOException {
        return open(file, options, OpenMode.CREATE, StoreChannel::open);
    }

    /** {@link #open(Path, PagerOptions)} in the given mode (see {@link Pager#open(Path, PagerOptions, OpenMode)}). */
    public static Pager open(Path file, PagerOptions options, OpenMode mode) throws IOException {
        return open(file, options, mode, StoreChannel::open);
    }

    /**
     * Like {@link #open(Path, PagerOptions)}, but the store file is opened through {@code opener}.
     * For fault-injection tests only: they pass a {@link StoreChannel} that fails writes, tears
     * them, fails force or simulates a crash. Not part of the pager API.
     *
     * @param opener opens the file's channel; the pager owns (closes) what it returns
     * @throws IOException as {@link #open(Path, PagerOptions)}
     */
    public static Pager open(Path file, PagerOptions options, StoreChannel.Opener opener) throws IOException {
        return open(file, options, OpenMode.CREATE, opener);
    }

    /**
     * Opens {@code file} in {@code mode}; a writable mode opens the file through {@code opener},
     * {@link OpenMode#READ_ONLY} reads through the lock descriptor ({@link StoreChannel#borrowed}) and
     * never writes.
     * The lock is taken before the store's own descriptor is opened, so a refused open never
     * closes a descriptor of a file another pager of this JVM has locked (see {@link StoreLocks}).
     *
     * @throws StoreNotFoundException  unless {@code mode} is CREATE: the file is absent or empty
     * @throws StoreLockedException    if a writer already has the file (for a writable mode), or
     *                                 it is held exclusively for a replace
     * @throws IOException             as {@link #open(Path, PagerOptions)}
     */
    public static Pager open(Path file, PagerOptions options, OpenMode mode, StoreChannel.Opener opener)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(opener, "opener");
        if (!Files.exists(file)) {
            if (mode != OpenMode.CREATE) {
                throw new StoreNotFoundException(file, "no such file");
            }
            try {
                Files.createFile(file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another open created it meanwhile: open that one
            }
        }
        boolean readOnly = mode == OpenMode.READ_ONLY;
        StoreLocks.Handle lock = StoreLocks.acquire(file, registryKey(file),
                readOnly ? StoreLocks.Mode.READ : StoreLocks.Mode.WRITE);
        StoreChannel channel = null;
        try {
            channel = readOnly ? StoreChannel.borrowed(lock.channel()) : opener.open(file);
            return load(file, channel, lock, mode, options);
        } catch (Throwable t) {
            try {
                lock.release(channel);
            } catch (Throwable s) {
                t.addSuppressed(s);
            }
            throw t;
        }
    }

    /**
     * Takes {@code file} exclusively against every open, in this JVM and in other processes,
     * until the returned hold is closed; for replacing or deleting the store.
     *
     * @throws StoreNotFoundException if the file does not exist
     * @throws StoreLockedException   if any process (this one included) has the store open
     */
    public static Closeable lockExclusively(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new StoreNotFoundException(file, "no such file");
        }
        StoreLocks.Handle handle = StoreLocks.acquire(file, registryKey(file), StoreLocks.Mode.EXCLUSIVE);
        return () -> handle.release(null);
    }

    private static String registryKey(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            return abs.toRealPath().toString();
        } catch (IOException notThereYet) {
            Path parent = abs.getParent();
            if (parent != null && abs.getFileName() != null) {
                try {
                    return parent.toRealPath().resolve(abs.getFileName()).toString();
                } catch (IOException e) {
                    // fall through: the open itself will report the problem
                }
            }
            return abs.toString();
        }
    }

    private static MappedPager load(Path file, StoreChannel channel, StoreLocks.Handle lock, OpenMode mode,
                                    PagerOptions options) throws IOException {
        PagerDiagnostics diagnostics = new PagerDiagnostics("pager " + file.getFileName());
        boolean readOnly = mode == OpenMode.READ_ONLY;
        long size = size(file, channel);
        if (size == 0 || unfinishedCreation(file, channel, size)) {
            if (mode != OpenMode.CREATE) {
                throw new StoreNotFoundException(file, size == 0 ? "the file is empty"
                        : "the file holds only the first superblock of a new store (" + size
                        + " bytes): a creation that did not finish");
            }
            Superblock sb = Superblock.initial(options.segmentBytes(), options.dataStartOffset());
            ByteBuffer image = sb.encode();
            // both slots in one write: a creation killed part-way leaves a file shorter than the two
            // slots, which unfinishedCreation recognises
            ByteBuffer slots = ByteBuffer.allocate(2 * PagerOptions.SUPERBLOCK_BYTES);
            slots.put(image.duplicate()).put(image.duplicate()).flip();
            writeFully(file, channel, slots, 0, " (superblocks of a new store)");
            long length = options.segmentBytes();
            writeFully(file, channel, ByteBuffer.allocate(1), length - 1, " (growing the file to " + length + " bytes)");
            if (options.syncOnCommit()) {
                force(file, channel);
                diagnostics.increment(Counter.FORCES);
            }
            byte[][] slotImages = {image.array().clone(), image.array().clone()};
            return new MappedPager(file, channel, lock, false, sb, slotImages, new KeyDirectory(), length,
                    options.syncOnCommit(), options.directWrites() && channel.openDirectWrites(), diagnostics);
        }
        Snapshot snap = readCommitted(file, channel, readOnly ? READER_ATTEMPTS : 1);
        long length = snap.size();
        if (!readOnly) {
            long rounded = roundUpToSegment(length, snap.superblock().segmentBytes());
            if (rounded != length) {
                // Only bytes beyond the committed appendOffset are affected (validated above).
                writeFully(file, channel, ByteBuffer.allocate(1), rounded - 1, " (growing the file to " + rounded + " bytes)");
                length = rounded;
            }
        }
        return new MappedPager(file, channel, lock, readOnly, snap.superblock(), snap.slotImages(), snap.directory(),
                length, options.syncOnCommit(), !readOnly && options.directWrites() && channel.openDirectWrites(),
                diagnostics);
    }

    /**
     * Whether a file of {@code size} bytes is what a creation killed part-way leaves. A creation
     * writes both superblock slots in one write, which a kill cuts only at a page boundary, so such
     * a file is exactly one slot long and that slot holds the epoch-0 superblock of a new store (a
     * foreign file, or a store damaged to another length, is never taken for one). Reads only.
     */
    private static boolean unfinishedCreation(Path file, StoreChannel channel, long size) throws IOException {
        if (size != PagerOptions.SUPERBLOCK_BYTES) {
            return false;
        }
        ByteBuffer slot0 = ByteBuffer.allocate(PagerOptions.SUPERBLOCK_BYTES);
        readFully(file, channel, slot0, 0);
        try {
            return Superblock.decode(file, 0, slot0.array()).epoch() == 0;
        } catch (StoreCorruptedException e) {
            return false;
        }
    }

    /** A committed state read from the file: its superblock, both slot images, its directory, the file size. */
    private record Snapshot(Superblock superblock, byte[][] slotImages, KeyDirectory directory, long size) {}

    /**
     * How often a reader reads the superblock slots before it reports that none is valid: a
     * writer rewrites one slot per commit, so a reader racing two commits can find one slot torn
     * and, on a second look, the other.
     */
    static final int READER_ATTEMPTS = 3;

    /**
     * Reads the newest valid superblock, validates it against the file size and decodes its key
     * directory; reads only. With {@code attempts > 1}, a file with no valid superblock slot is
     * read again (a concurrent writer may have been writing a slot) before it is reported.
     */
    private static Snapshot readCommitted(Path file, StoreChannel channel, int attempts) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long size = size(file, channel);
            if (size < 2L * PagerOptions.SUPERBLOCK_BYTES) {
                throw new StoreCorruptedException(file, size, "file of " + size
                        + " bytes is shorter than its two superblocks (" + 2 * PagerOptions.SUPERBLOCK_BYTES + " bytes)");
            }
            Superblock best = null;
            StoreCorruptedException[] slotErrors = new StoreCorruptedException[2];
            byte[][] slotImages = new byte[2][];
            for (int slot = 0; slot < 2; slot++) {
                long slotOffset = (long) slot * PagerOptions.SUPERBLOCK_BYTES;
                ByteBuffer image = ByteBuffer.allocate(PagerOptions.SUPERBLOCK_BYTES);
                readFully(file, channel, image, slotOffset);
                slotImages[slot] = image.array();
                try {
                    Superblock sb = Superblock.decode(file, slotOffset, image.array());
                    if (best == null || sb.epoch() > best.epoch()) {
                        best = sb;
                    }
                } catch (StoreCorruptedException e) {
                    slotErrors[slot] = e;
                }
            }
            if (best == null) {
                if (attempt < attempts) {
                    continue;
                }
                StoreCorruptedException e = new StoreCorruptedException(file, 0, "no valid superblock: slot 0: "
                        + slotErrors[0].getMessage() + "; slot 1: " + slotErrors[1].getMessage());
                e.addSuppressed(slotErrors[0]);
                e.addSuppressed(slotErrors[1]);
                throw e;
            }
            // The size is read again: a concurrent writer only ever grows the file.
            size = Math.max(size, size(file, channel));
            best.validate(file, Superblock.slotOffset(best.epoch()), size, MAX_NEXT_KEY);
            KeyDirectory directory;
            if (best.directoryLength() == 0) {
                directory = new KeyDirectory();
            } else {
                ByteBuffer blob = ByteBuffer.allocate((int) best.directoryLength());
                readFully(file, channel, blob, best.directoryOffset());
                directory = KeyDirectory.decode(file, best.directoryOffset(), blob.array(), best.directoryCrc(),
                        best.nextKey(), best.dataStartOffset(), best.appendOffset(), best.segmentBytes());
            }
            return new Snapshot(best, slotImages, directory, size);
        }
    }

    /**
     * {@inheritDoc} Reads the superblock slots and, if a newer commit is there, its key directory,
     * then swaps them in under the directory lock; buffers returned earlier stay valid (their
     * mappings are never unmapped while referenced, and committed bytes are never rewritten).
     */
    @Override
    public boolean refresh() throws IOException {
        if (!readOnly) {
            ensureOpen();
            return false;
        }
        commitLock.lock();
        try {
            ensureOpen();
            Snapshot snap = readCommitted(file, channel, READER_ATTEMPTS);
            Superblock sb = snap.superblock();
            if (snap.size() > fileLength) {
                fileLength = snap.size();
            }
            if (sb.epoch() <= committed.current().epoch()) {
                return false;
            }
            long[] roots = sb.rootKeys();
            synchronized (directoryLock) {
                directory = snap.directory();
                appendOffset = sb.appendOffset();
                System.arraycopy(roots, 0, rootKeys, 0, roots.length);
                keys = new KeyAllocator(sb.nextKey(), MAX_NEXT_KEY);
            }
            committed.publish(sb.epoch(), sb.nextKey(), roots);
            return true;
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /** Refuses every change of a read-only pager. */
    private void ensureWritable() {
        if (readOnly) {
            throw new IllegalStateException("pager " + file + " is open read-only");
        }
    }

    // ---------------------------------------------------------------- keys

    @Override
    public Path file() {
        return file;
    }

    @Override
    public KeyRange allocMany(int count) {
        return allocMany(count, diagnostics);
    }

    KeyRange allocMany(int count, PagerDiagnostics diag) {
        ensureOpen();
        ensureWritable();
        if (count < 1 || count > MAX_ALLOC_COUNT) {
            throw new IllegalArgumentException("allocMany count must be in [1, " + MAX_ALLOC_COUNT + "]: " + count);
        }
        KeyRange range = keys.allocMany(count, file);
        diag.increment(Counter.ALLOC_CALLS);
        diag.add(Counter.KEYS_ALLOCATED, count);
        return range;
    }

    /** The block source of a reservation whose allocations are counted in {@code diag}. */
    private BlockKeyReservation.BlockSource blockSource(PagerDiagnostics diag) {
        return new BlockKeyReservation.BlockSource() {
            @Override
            public KeyRange takeBlock(int count) {
                return allocMany(count, diag);
            }

            @Override
            public void checkOpen() {
                ensureOpen();
            }
        };
    }

    @Override
    public KeyReservation reserveKeys(int blockSize) {
        ensureOpen();
        ensureWritable();
        return new BlockKeyReservation(blockSource(diagnostics), blockSize);
    }

    @Override
    public PagerWriter openWriter(String label, int keyBlockSize) {
        ensureOpen();
        ensureWritable();
        Objects.requireNonNull(label, "label");
        PagerDiagnostics span = diagnostics.newSpan(label);
        return new SpanPagerWriter(this, label, new BlockKeyReservation(blockSource(span), keyBlockSize), span);
    }

    private void checkKey(long key) {
        long next = keys.nextKey();
        if (key <= 0 || key >= next) {
            throw new IllegalArgumentException("key " + key + " was never allocated by pager " + file
                    + " (allocated keys are [1, " + next + "))");
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(long key, ByteBuffer blob) throws IOException {
        put(key, blob, diagnostics);
    }

    void put(long key, ByteBuffer blob, PagerDiagnostics diag) throws IOException {
        ensureOpen();
        ensureWritable();
        checkKey(key);
        Objects.requireNonNull(blob, "blob");
        int length = blob.remaining();
        checkBlobLength(key, length);
        int crc = crc32c(blob);
        boolean direct = directIo && length >= DIRECT_MIN_BYTES;
        long offset;
        synchronized (directoryLock) {
            offset = direct ? placeDirect(length) : place(length);
        }
        if (length > 0) {
            ensureFileLength(offset + length);
            if (direct) {
                writeRunDirect(new ByteBuffer[] {blob}, 0, 0, offset, length);
            } else {
                writeFully(blob.duplicate(), offset, "");
            }
        }
        boolean overwrite;
        synchronized (directoryLock) {
            overwrite = directory.put(key, offset, length, crc);
        }
        diag.increment(Counter.PUT_BATCHES);
        diag.increment(Counter.BLOBS_PUT);
        diag.add(Counter.BYTES_WRITTEN, length);
        diag.increment(overwrite ? Counter.OVERWRITES : Counter.FRESH_WRITES);
    }

    @Override
    public void putBatch(long[] keys, ByteBuffer[] blobs) throws IOException {
        putBatch(keys, blobs, diagnostics);
    }

    void putBatch(long[] keys, ByteBuffer[] blobs, PagerDiagnostics diag) throws IOException {
        ensureOpen();
        ensureWritable();
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(blobs, "blobs");
        if (keys.length != blobs.length) {
            throw new IllegalArgumentException("putBatch: " + keys.length + " keys but " + blobs.length + " blobs");
        }
        int n = keys.length;
        if (n == 0) {
            return;
        }
        int[] lengths = new int[n];
        int[] crcs = new int[n];
        long payloadBytes = 0;
        for (int i = 0; i < n; i++) {
            checkKey(keys[i]);
            if (blobs[i] == null) {
                throw new IllegalArgumentException("putBatch: blob " + i + " is null");
            }
            lengths[i] = blobs[i].remaining();
            checkBlobLength(keys[i], lengths[i]);
            crcs[i] = crc32c(blobs[i]);
            payloadBytes += lengths[i];
        }
        long[] offsets = new long[n];
        boolean direct = directIo && payloadBytes >= DIRECT_MIN_BYTES;
        synchronized (directoryLock) {
            if (direct) {
                alignAppendOffset();
            }
            for (int i = 0; i < n; i++) {
                offsets[i] = place(lengths[i]);
            }
            if (direct) {
                alignAppendOffset();
            }
        }
        if (payloadBytes > 0) {
            ensureFileLength(offsets[n - 1] + lengths[n - 1]);
            writeRuns(blobs, offsets, lengths, direct);
        }
        int overwrites = 0;
        synchronized (directoryLock) {
            for (int i = 0; i < n; i++) {
                if (directory.put(keys[i], offsets[i], lengths[i], crcs[i])) {
                    overwrites++;
                }
            }
        }
        diag.increment(Counter.PUT_BATCHES);
        diag.add(Counter.BLOBS_PUT, n);
        diag.add(Counter.BYTES_WRITTEN, payloadBytes);
        diag.add(Counter.FRESH_WRITES, n - overwrites);
        diag.add(Counter.OVERWRITES, overwrites);
    }

    /**
     * Writes the blobs of a batch: one gathering write per run of file-contiguous blobs, or if
     * {@code direct}, one staged direct write per run (per {@link DirectStaging#MAX_BUFFER_BYTES}
     * of it).
     */
    private void writeRuns(ByteBuffer[] blobs, long[] offsets, int[] lengths, boolean direct) throws IOException {
        int n = blobs.length;
        int i = 0;
        while (i < n) {
            if (lengths[i] == 0) {
                i++;
                continue;
            }
            int j = i;
            long runEnd = offsets[i] + lengths[i];
            while (j + 1 < n && (lengths[j + 1] == 0 || offsets[j + 1] == runEnd)) {
                j++;
                runEnd += lengths[j];
            }
            if (direct) {
                writeRunDirect(blobs, i, j, offsets[i], runEnd - offsets[i]);
                i = j + 1;
                continue;
            }
            int nonEmpty = 0;
            for (int k = i; k <= j; k++) {
                if (lengths[k] > 0) {
                    nonEmpty++;
                }
            }
            if (nonEmpty == 1) {
                writeFully(blobs[i].duplicate(), offsets[i], "");
            } else {
                ByteBuffer[] run = new ByteBuffer[nonEmpty];
                int r = 0;
                for (int k = i; k <= j; k++) {
                    if (lengths[k] > 0) {
                        run[r++] = blobs[k].duplicate();
                    }
                }
                writeGathered(run, offsets[i], runEnd - offsets[i]);
            }
            i = j + 1;
        }
    }

    private void checkBlobLength(long key, int length) {
        if (length > segmentBytes) {
            throw new IllegalArgumentException("blob of " + length + " bytes for key " + key
                    + " exceeds the largest blob of pager " + file + " (segmentBytes = " + segmentBytes + ")");
        }
    }

    /**
     * Stages blobs {@code from..to} (inclusive; file-contiguous, empty ones skipped) into an
     * aligned buffer and writes them with direct writes from {@code runStart}, zero-padding the
     * last page. {@code runStart} is page-aligned and the reservation covers the padded end
     * (see {@link #placeDirect} and the alignment rule in the class comment).
     */
    private void writeRunDirect(ByteBuffer[] blobs, int from, int to, long runStart, long runBytes)
            throws IOException {
        DirectStaging.Buffer stage = staging.acquire(runBytes);
        try {
            ByteBuffer buffer = stage.buffer();
            long fileOffset = runStart;
            for (int k = from; k <= to; k++) {
                ByteBuffer src = blobs[k].duplicate();
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), buffer.remaining());
                    int limit = src.limit();
                    src.limit(src.position() + n);
                    buffer.put(src);
                    src.limit(limit);
                    if (!buffer.hasRemaining()) {
                        buffer.flip();
                        fileOffset += writeStaged(buffer, fileOffset);
                        buffer.clear();
                    }
                }
            }
            if (buffer.position() > 0) {
                int padding = (int) (-buffer.position() & (PAGE_BYTES - 1));
                buffer.put(ZERO_PAGE.duplicate().limit(padding));
                buffer.flip();
                writeStaged(buffer, fileOffset);
            }
        } finally {
            staging.release(stage);
        }
    }

    /**
     * Writes a staged, page-aligned buffer at the page-aligned {@code position}: with direct
     * writes, or buffered after a fallback. Falls back for good if the very first direct write of
     * this pager fails with EINVAL (a file system that accepted {@code O_DIRECT} at open but not
     * these writes); finishes buffered if a short direct write left an unaligned remainder.
     *
     * @return bytes written (all of them)
     */
    private int writeStaged(ByteBuffer src, long position) throws IOException {
        int bytes = src.remaining();
        if (!directIo) {
            writeFully(src, position, "");
            return bytes;
        }
        long at = position;
        try {
            while (src.hasRemaining() && ((at | src.remaining()) & (PAGE_BYTES - 1)) == 0) {
                at += channel.writeDirect(src, at);
            }
        } catch (IOException e) {
            if (!directWriteSucceeded && at == position && isInvalidArgument(e)) {
                directIo = false;
                writeFully(src, position, "");
                return bytes;
            }
            throw ioFailure(file, "direct write of " + bytes + " bytes at offset " + position
                    + (at != position ? " (" + (at - position) + " bytes written)" : ""), e);
        }
        directWriteSucceeded = true;
        if (src.hasRemaining()) {
            // A short direct write ended mid-page: the rest of the reservation is this put's alone.
            writeFully(src, at, " (rest of a short direct write at offset " + position + ")");
        }
        return bytes;
    }

    /** EINVAL from the kernel, or the JDK's own alignment check of a direct channel. */
    private static boolean isInvalidArgument(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("Invalid argument") || message.contains("multiple of the block size"));
    }

    /** Rounds appendOffset up to a page boundary; caller holds directoryLock. */
    private void alignAppendOffset() {
        appendOffset = (appendOffset + PAGE_BYTES - 1) & -(long) PAGE_BYTES;
    }

    /**
     * Like {@link #place}, for a direct write: the reservation starts on a page boundary and
     * covers whole pages; caller holds directoryLock.
     */
    private long placeDirect(int length) {
        alignAppendOffset();
        long offset = place(length);
        alignAppendOffset();
        return offset;
    }

    /** Reserves {@code length} bytes at appendOffset without crossing a segment; caller holds directoryLock. */
    private long place(int length) {
        long offset = appendOffset;
        if (length > 0) {
            long inSegment = offset & (segmentBytes - 1);
            if (inSegment + length > segmentBytes) {
                offset += segmentBytes - inSegment;
            }
        }
        appendOffset = offset + length;
        return offset;
    }

    /** Grows the file to the segment multiple covering {@code endOffset}, before anything is written there. */
    private void ensureFileLength(long endOffset) throws IOException {
        if (endOffset <= fileLength) {
            return;
        }
        synchronized (growLock) {
            long current = fileLength;
            if (endOffset <= current) {
                return;
            }
            long target = roundUpToSegment(endOffset, segmentBytes);
            // A positional write of the last byte: sparse, leaves the channel position alone, and
            // reports a full disk as an IOException. Bytes in [current, target) are not yet in use.
            writeFully(ByteBuffer.allocate(1), target - 1, " (growing the file to " + target + " bytes)");
            fileLength = target;
        }
    }

    private static long roundUpToSegment(long offset, int segmentBytes) {
        return (offset + segmentBytes - 1) & -(long) segmentBytes;
    }

    private void writeFully(ByteBuffer src, long position, String purpose) throws IOException {
        writeFully(file, channel, src, position, purpose);
    }

    /**
     * Writes all remaining bytes of {@code src} at {@code position}.
     *
     * @param purpose appended to the operation in an error message, e.g. " (growing the file to N bytes)"
     * @throws IOException naming the store, the size and offset of the write, and the cause
     */
    private static void writeFully(Path file, StoreChannel channel, ByteBuffer src, long position, String purpose)
            throws IOException {
        int bytes = src.remaining();
        long at = position;
        try {
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        } catch (IOException e) {
            throw ioFailure(file, "write of " + bytes + (bytes == 1 ? " byte" : " bytes") + " at offset " + position
                    + purpose + (at != position ? " (" + (at - position) + " bytes written)" : ""), e);
        }
    }

    /**
     * Gathering write of the remaining bytes of {@code srcs} ({@code bytes} in total) at
     * {@code position}.
     */
    private void writeGathered(ByteBuffer[] srcs, long position, long bytes) throws IOException {
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
            throw ioFailure(file, "gathering write of " + bytes + " bytes (" + srcs.length + " blobs) at offset "
                    + position + (written > 0 ? " (" + written + " bytes written)" : ""), e);
        }
    }

    private static void readFully(Path file, StoreChannel channel, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n;
            try {
                n = channel.read(dst, at);
            } catch (IOException e) {
                throw ioFailure(file, "read of " + dst.capacity() + " bytes at offset " + position, e);
            }
            if (n < 0) {
                throw new StoreCorruptedException(file, at, "unexpected end of file while reading "
                        + dst.capacity() + " bytes at offset " + position);
            }
            at += n;
        }
    }

    private static void force(Path file, StoreChannel channel) throws IOException {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw ioFailure(file, "force (fsync)", e);
        }
    }

    private static long size(Path file, StoreChannel channel) throws IOException {
        try {
            return channel.size();
        } catch (IOException e) {
            throw ioFailure(file, "size query", e);
        }
    }

    /** {@code store <file>: <operation> failed: <cause message>}, with {@code cause} attached. */
    static IOException ioFailure(Path file, String operation, IOException cause) {
        String detail = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
        return new IOException("store " + file + ": " + operation + " failed: " + detail, cause);
    }

    private static int crc32c(ByteBuffer blob) {
        CRC32C crc = new CRC32C();
        crc.update(blob.duplicate());
        return (int) crc.getValue();
    }

    @Override
    public boolean free(long key) {
        return free(key, diagnostics);
    }

    boolean free(long key, PagerDiagnostics diag) {
        ensureOpen();
        ensureWritable();
        checkKey(key);
        boolean freed;
        synchronized (directoryLock) {
            freed = directory.remove(key);
        }
        if (freed) {
            diag.increment(Counter.FREES);
        }
        return freed;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public ByteBuffer get(long key) throws IOException {
        return read(key, false);
    }

    @Override
    public ByteBuffer getVerified(long key) throws IOException {
        return read(key, true);
    }

    private ByteBuffer read(long key, boolean verify) throws IOException {
        ensureOpen();
        checkKey(key);
        long offset;
        int length;
        int expectedCrc;
        synchronized (directoryLock) {
            offset = directory.fileOffset(key);
            if (offset == 0) {
                throw new NoSuchElementException("no blob under key " + key + " in pager " + file);
            }
            length = directory.length(key);
            expectedCrc = directory.crc(key);
        }
        diagnostics.increment(Counter.GETS);
        ByteBuffer view = view(key, offset, length);
        if (verify) {
            int actualCrc = crc32c(view);
            if (actualCrc != expectedCrc) {
                throw new StoreCorruptedException(file, offset, String.format(
                        "blob of key %d (%d bytes) CRC32C mismatch, expected 0x%08x, actual 0x%08x",
                        key, length, expectedCrc, actualCrc));
            }
        }
        return view;
    }

    /** A read-only little-endian slice of the mapped segment holding {@code [offset, offset + length)}. */
    private ByteBuffer view(long key, long offset, int length) throws IOException {
        if (length == 0) {
            return EMPTY_BLOB.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        long segmentIndex = offset / segmentBytes;
        long inSegment = offset - segmentIndex * segmentBytes;
        if (offset < dataStartOffset || length < 0 || inSegment + length > segmentBytes
                || offset + length > fileLength || segmentIndex > Integer.MAX_VALUE) {
            throw new StoreCorruptedException(file, offset, "blob of key " + key + " [" + offset + ", +" + length
                    + ") is outside the data region [" + dataStartOffset + ", " + fileLength
                    + ") or crosses a segment boundary");
        }
        MappedByteBuffer segment = segment((int) segmentIndex, inSegment + length);
        return segment.slice((int) inSegment, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The mapping of segment {@code index}, covering at least its first {@code needed} bytes. A
     * writer maps whole segments (it grew the file to a segment multiple); a reader, which never
     * grows the file, maps what the file holds of the segment and maps it again, larger, when a
     * refreshed commit reaches further (the smaller mapping stays valid for views taken from it).
     */
    private MappedByteBuffer segment(int index, long needed) throws IOException {
        MappedByteBuffer[] current = segments;
        if (index < current.length && current[index] != null && current[index].capacity() >= needed) {
            return current[index];
        }
        synchronized (mapLock) {
            ensureOpen();
            current = segments;
            if (index < current.length && current[index] != null && current[index].capacity() >= needed) {
                return current[index];
            }
            long start = (long) index * segmentBytes;
            long size = size(file, channel);
            long mapBytes = readOnly ? Math.min(segmentBytes, size - start) : segmentBytes;
            if (mapBytes < needed || start + mapBytes > size) {
                throw new StoreCorruptedException(file, start, "segment " + index + " [" + start + ", "
                        + (start + (readOnly ? needed : segmentBytes)) + ") lies beyond the end of the file (" + size
                        + " bytes): truncated");
            }
            MappedByteBuffer mapped;
            try {
                mapped = channel.mapReadOnly(start, mapBytes);
            } catch (IOException e) {
                throw ioFailure(file, "mapping segment " + index + " (" + mapBytes + " bytes at offset " + start + ")", e);
            }
            MappedByteBuffer[] next = Arrays.copyOf(current, Math.max(current.length, index + 1));
            next[index] = mapped;
            segments = next;
            diagnostics.increment(Counter.SEGMENTS_MAPPED);
            return mapped;
        }
    }

    @Override
    public boolean contains(long key) {
        ensureOpen();
        synchronized (directoryLock) {
            return directory.contains(key);
        }
    }

    @Override
    public long blobLength(long key) {
        ensureOpen();
        synchronized (directoryLock) {
            return directory.contains(key) ? directory.length(key) : -1;
        }
    }

    @Override
    public long blobFileOffset(long key) {
        ensureOpen();
        synchronized (directoryLock) {
            return directory.contains(key) ? directory.fileOffset(key) : -1;
        }
    }

    @Override
    public long[] liveKeys() {
        ensureOpen();
        synchronized (directoryLock) {
            return directory.liveKeys();
        }
    }

    // ---------------------------------------------------------------- roots and commit

    @Override
    public void setRootKey(int slot, long key) {
        ensureOpen();
        ensureWritable();
        checkSlot(slot);
        if (key != NO_KEY) {
            checkKey(key);
        }
        synchronized (directoryLock) {
            rootKeys[slot] = key;
        }
    }

    @Override
    public long rootKey(int slot) {
        ensureOpen();
        checkSlot(slot);
        synchronized (directoryLock) {
            return rootKeys[slot];
        }
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= ROOT_SLOTS) {
            throw new IllegalArgumentException("root slot must be in [0, " + ROOT_SLOTS + "): " + slot);
        }
    }

    @Override
    public long commit() throws IOException {
        commitLock.lock();
        try {
            ensureOpen();
            ensureWritable();
            if (forceFailure != null) {
                throw new IOException("store " + file + ": commit refused: an earlier force (fsync) failed ("
                        + forceFailure.getMessage() + "), so data written since the last successful commit may not"
                        + " be on disk; close and reopen the store", forceFailure);
            }
            ByteBuffer directoryBlob;
            long directoryOffset;
            long[] roots;
            long committedNextKey;
            synchronized (directoryLock) {
                directoryBlob = directory.encode();
                roots = rootKeys.clone();
                committedNextKey = keys.nextKey();
                // The directory is read with file reads, never mapped: it may cross segments.
                directoryOffset = appendOffset;
                appendOffset += directoryBlob.remaining();
            }
            int directoryLength = directoryBlob.remaining();
            int directoryCrc = KeyDirectory.footerCrc(directoryBlob);
            long directoryEnd = directoryOffset + directoryLength;
            ensureFileLength(directoryEnd);
            writeFully(directoryBlob, directoryOffset, " (key directory)");
            force();
            long newEpoch = committed.current().epoch() + 1;
            Superblock sb = new Superblock(segmentBytes, dataStartOffset, newEpoch, committedNextKey, directoryEnd,
                    directoryOffset, directoryLength, directoryCrc, roots);
            int slot = (int) (newEpoch & 1);
            ByteBuffer image = sb.encode();
            try {
                writeFully(image.duplicate(), Superblock.slotOffset(newEpoch), " (superblock of epoch " + newEpoch + ")");
                force();
            } catch (IOException | RuntimeException | Error e) {
                restoreSlot(slot, e);
                throw e;
            }
            slotImages[slot] = image.array();
            committed.publish(newEpoch, committedNextKey, roots);
            diagnostics.increment(Counter.COMMITS);
            return newEpoch;
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * After a failed superblock write or force: writes the slot's previous image back and forces,
     * so that neither a reopen nor a crash shows the commit that failed. Best effort: failures
     * are added to {@code failure} as suppressed. Caller holds {@link #commitLock}.
     */
    private void restoreSlot(int slot, Throwable failure) {
        try {
            writeFully(ByteBuffer.wrap(slotImages[slot]), (long) slot * PagerOptions.SUPERBLOCK_BYTES,
                    " (restoring superblock slot " + slot + " after a failed commit)");
            force();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Forces the file if syncOnCommit; remembers the first failure (see {@link #forceFailure}). */
    private void force() throws IOException {
        if (syncOnCommit) {
            try {
                force(file, channel);
            } catch (IOException e) {
                if (forceFailure == null) {
                    forceFailure = e;
                }
                throw e;
            }
            diagnostics.increment(Counter.FORCES);
        }
    }

    @Override
    public long epoch() {
        ensureOpen();
        return committed.current().epoch();
    }

    /** {@inheritDoc} Reads one volatile reference ({@link RootPublisher}). */
    @Override
    public CommittedRoot committedRoot() {
        ensureOpen();
        return committed.current();
    }

    @Override
    public long fileSizeBytes() throws IOException {
        ensureOpen();
        return size(file, channel);
    }

    @Override
    public PagerDiagnostics diagnostics() {
        return diagnostics;
    }

    /**
     * Whether large blob writes currently bypass the page cache: {@link PagerOptions#directWrites()}
     * was set, the file system accepted {@code O_DIRECT}, and no fallback happened since.
     */
    public boolean directIo() {
        return directIo;
    }

    /** Native bytes held by this pager's direct-write staging buffers (0 once closed and idle). */
    public long stagingBytes() {
        return staging.allocatedBytes();
    }

    // ---------------------------------------------------------------- lifecycle

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pager " + file + " is closed");
        }
    }

    /**
     * Releases the file lock and closes the channel without committing (the channel's descriptors
     * only once no other pager of the file is open in this JVM, see {@link StoreLocks}); waits for
     * a commit in progress. Mapped segments are not unmapped here (see the class comment). Idempotent.
     */
    @Override
    public void close() throws IOException {
        commitLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (mapLock) {
                segments = new MappedByteBuffer[0];
            }
            staging.close();
            lock.release(channel);
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MappedPager[" + file + ", epoch " + committed.current().epoch() + (closed ? ", closed]" : "]");
    }
}
