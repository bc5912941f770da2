package dev.ingot.pager.internal;

import dev.ingot.pager.BlobView;
import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;
import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.PagerWriter;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.StoreLockedException;
import dev.ingot.pager.StoreNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The {@link Pager} implementation: an append-only blob store in one file, read through
 * lazily mapped read-only segments and written with positional {@link FileChannel} writes
 * (large blob writes bypass the page cache, see "Direct writes" below).
 * Every file operation goes through a {@link StoreChannel} (a plain {@link FileChannel} unless a
 * fault-injection test supplies another through {@link #open(Path, PagerOptions, StoreChannel.Opener)}).
 *
 * <h2>Parts</h2>
 * This class is a facade over the parts that do the work, each small enough to read alone:
 * <ul>
 *   <li>{@link PagerOpener}: opening, creation and recovery (picks the superblock slot, reads the
 *       key directory), the file lock, a read-only pager's re-read on {@link #refresh()};</li>
 *   <li>{@link KeyAllocator} and {@link BlockKeyReservation}: physical key allocation;</li>
 *   <li>{@link DataRegionWriter}: placement of blobs at the append offset and their buffered or
 *       direct writes;</li>
 *   <li>{@link SegmentMap}: file growth to segment multiples and the read-only segment mappings
 *       every read goes through;</li>
 *   <li>{@link CommitProtocol}: the two-slot superblock commit and its failure handling;</li>
 *   <li>{@link StoreFileIo}: positional file operations whose errors name the store;</li>
 *   <li>{@link Superblock} and {@link KeyDirectory}: the on-disk structures (layouts drawn there).</li>
 * </ul>
 * The facade keeps the argument checks, the lifecycle ({@link #close()}, read-only refusal), the
 * in-memory key directory and root keys under one directory lock, and the diagnostics.
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
 * {@code O_DIRECT}, a put or putBatch whose payload is at least {@link DataRegionWriter#DIRECT_MIN_BYTES}
 * (16 KiB) bypasses the page cache: its blobs are copied into a page-aligned staging buffer
 * ({@link DirectStaging}), the tail is zero-padded to a whole page, and the result is written with
 * {@link StoreChannel#writeDirect} (a second descriptor of the file, opened with
 * {@code O_DIRECT}). Everything else (superblocks, the key directory, file growth, smaller puts,
 * and all reads) uses the buffered descriptor and the mappings; Linux keeps the mappings coherent
 * with direct writes (a direct write writes back and invalidates cached pages of its range).
 *
 * <p>Alignment rule: the memory address, file offset and length of every direct write are
 * multiples of {@link DataRegionWriter#PAGE_BYTES} (4096). To make that possible, and so that no 4 KiB page is
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
 * {@link PagerOpener#READER_ATTEMPTS} times, if a concurrent commit left both unreadable at that moment)
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

    private final Path file;
    private final StoreFileIo io;
    private final StoreLocks.Handle lock;
    /** Whether this pager was opened {@link OpenMode#READ_ONLY}: it then never writes. */
    private final boolean readOnly;
    private final int segmentBytes;
    private final PagerDiagnostics diagnostics;
    /** Replaced by {@link #refresh()} of a read-only pager; otherwise fixed. */
    private volatile KeyAllocator keys;

    /** Guards {@link #directory}, {@link #rootKeys} and the placement state of {@link #region}. */
    private final Object directoryLock = new Object();
    /** Replaced by {@link #refresh()} of a read-only pager; otherwise fixed. */
    private KeyDirectory directory;
    private final long[] rootKeys;

    private final SegmentMap segments;
    private final DataRegionWriter region;
    private final CommitProtocol commits;
    private volatile boolean closed;

    MappedPager(StoreFileIo io, StoreLocks.Handle lock, boolean readOnly, Superblock sb, byte[][] slotImages,
                KeyDirectory directory, long fileLength, boolean syncOnCommit, boolean directIo,
                PagerDiagnostics diagnostics) {
        this.file = io.file();
        this.io = io;
        this.lock = lock;
        this.readOnly = readOnly;
        this.segmentBytes = sb.segmentBytes();
        this.diagnostics = diagnostics;
        this.keys = new KeyAllocator(sb.nextKey(), MAX_NEXT_KEY);
        this.directory = directory;
        this.rootKeys = sb.rootKeys();
        this.segments = new SegmentMap(io, sb.segmentBytes(), sb.dataStartOffset(), readOnly, fileLength, diagnostics);
        this.region = new DataRegionWriter(io, segments, sb.segmentBytes(), sb.appendOffset(), directIo);
        this.commits = new CommitProtocol(io, segments, sb, slotImages, syncOnCommit, diagnostics);
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
     * @throws dev.ingot.pager.UnsupportedFormatException if an intact superblock or key directory
     *                                 has a format version this build does not read
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
        return PagerOpener.open(file, options, mode, opener);
    }

    /**
     * Takes {@code file} exclusively against every open, in this JVM and in other processes,
     * until the returned hold is closed; for replacing or deleting the store.
     *
     * @throws StoreNotFoundException if the file does not exist
     * @throws StoreLockedException   if any process (this one included) has the store open
     */
    public static Closeable lockExclusively(Path file) throws IOException {
        return PagerOpener.lockExclusively(file);
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
        commits.lock().lock();
        try {
            ensureOpen();
            PagerOpener.Snapshot snap = PagerOpener.readCommitted(io, PagerOpener.READER_ATTEMPTS);
            Superblock sb = snap.superblock();
            segments.observeFileLength(snap.size());
            if (sb.epoch() <= commits.current().epoch()) {
                return false;
            }
            long[] roots = sb.rootKeys();
            synchronized (directoryLock) {
                directory = snap.directory();
                region.resetAppendOffset(sb.appendOffset());
                System.arraycopy(roots, 0, rootKeys, 0, roots.length);
                keys = new KeyAllocator(sb.nextKey(), MAX_NEXT_KEY);
            }
            commits.publish(sb.epoch(), sb.nextKey(), roots);
            return true;
        } finally {
            commits.lock().unlock();
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
        boolean direct = region.direct(length);
        long offset;
        synchronized (directoryLock) {
            offset = direct ? region.placeDirect(length) : region.place(length);
        }
        region.writeBlob(blob, offset, direct);
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
        boolean direct = region.direct(payloadBytes);
        synchronized (directoryLock) {
            if (direct) {
                region.alignAppendOffset();
            }
            for (int i = 0; i < n; i++) {
                offsets[i] = region.place(lengths[i]);
            }
            if (direct) {
                region.alignAppendOffset();
            }
        }
        if (payloadBytes > 0) {
            region.writeBatch(blobs, offsets, lengths, direct);
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

    private void checkBlobLength(long key, int length) {
        if (length > segmentBytes) {
            throw new IllegalArgumentException("blob of " + length + " bytes for key " + key
                    + " exceeds the largest blob of pager " + file + " (segmentBytes = " + segmentBytes + ")");
        }
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

    /**
     * {@inheritDoc} A read-only pager's view holds the {@link KeyDirectory} of the commit it shows
     * now; {@link #refresh()} swaps in another directory object and never changes this one.
     */
    @Override
    public BlobView committedView() {
        ensureOpen();
        if (!readOnly) {
            return this;
        }
        KeyDirectory pinned;
        synchronized (directoryLock) {
            pinned = directory;
        }
        return new BlobView() {
            @Override
            public Path file() {
                return file;
            }

            @Override
            public ByteBuffer get(long key) throws IOException {
                return read(key, false, pinned);
            }

            @Override
            public ByteBuffer getVerified(long key) throws IOException {
                return read(key, true, pinned);
            }

            @Override
            public boolean contains(long key) {
                return containsIn(pinned, key);
            }

            @Override
            public long blobFileOffset(long key) {
                return fileOffsetIn(pinned, key);
            }
        };
    }

    private ByteBuffer read(long key, boolean verify) throws IOException {
        return read(key, verify, null);
    }

    /** Reads through {@code pinned}, or the current directory if null. */
    private ByteBuffer read(long key, boolean verify, KeyDirectory pinned) throws IOException {
        ensureOpen();
        if (key <= 0) {
            checkKey(key);
        }
        long offset;
        int length;
        int expectedCrc;
        synchronized (directoryLock) {
            KeyDirectory directory = pinned != null ? pinned : this.directory;
            if (pinned == null) {
                checkKey(key);
            } else if (!directory.contains(key)) {
                throw new NoSuchElementException("no blob under key " + key + " in pager " + file + " (pinned commit)");
            }
            offset = directory.fileOffset(key);
            if (offset == 0) {
                throw new NoSuchElementException("no blob under key " + key + " in pager " + file);
            }
            length = directory.length(key);
            expectedCrc = directory.crc(key);
        }
        diagnostics.increment(Counter.GETS);
        ByteBuffer view = segments.view(key, offset, length);
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

    @Override
    public boolean contains(long key) {
        return containsIn(null, key);
    }

    /** Whether {@code pinned} (the current directory if null) holds {@code key}. */
    private boolean containsIn(KeyDirectory pinned, long key) {
        ensureOpen();
        synchronized (directoryLock) {
            return (pinned != null ? pinned : directory).contains(key);
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
        return fileOffsetIn(null, key);
    }

    /** The file offset of {@code key}'s blob in {@code pinned} (the current directory if null), or -1. */
    private long fileOffsetIn(KeyDirectory pinned, long key) {
        ensureOpen();
        synchronized (directoryLock) {
            KeyDirectory d = pinned != null ? pinned : directory;
            return d.contains(key) ? d.fileOffset(key) : -1;
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
        commits.lock().lock();
        try {
            ensureOpen();
            ensureWritable();
            return commits.commit(this::pendingCommit);
        } finally {
            commits.lock().unlock();
        }
    }

    /**
     * Snapshots the directory and root keys (only entries published before the snapshot are
     * included) and reserves the directory blob's space at the append offset.
     */
    private CommitProtocol.Pending pendingCommit() {
        synchronized (directoryLock) {
            ByteBuffer directoryBlob = directory.encode();
            // The directory is read with file reads, never mapped: it may cross segments.
            long directoryOffset = region.reserve(directoryBlob.remaining());
            return new CommitProtocol.Pending(directoryBlob, directoryOffset, rootKeys.clone(), keys.nextKey());
        }
    }

    /** The hold of {@link #excludeReaders()}, while open; guarded by the commit lock. */
    private Closeable readersHold;

    @Override
    public Closeable excludeReaders() throws IOException {
        commits.lock().lock();
        try {
            ensureOpen();
            ensureWritable();
            if (readersHold != null) {
                throw new IllegalStateException("pager " + file + " already holds read-only opens off");
            }
            Closeable inner = lock.excludeReaders(file);
            Closeable[] self = new Closeable[1];
            self[0] = () -> {
                commits.lock().lock();
                try {
                    if (readersHold == self[0]) {
                        readersHold = null;
                    }
                    inner.close();
                } finally {
                    commits.lock().unlock();
                }
            };
            readersHold = self[0];
            return self[0];
        } finally {
            commits.lock().unlock();
        }
    }

    @Override
    public long compact() throws IOException {
        commits.lock().lock();
        try {
            ensureOpen();
            ensureWritable();
            try (Closeable hold = readersHold != null ? () -> { } : lock.excludeReaders(file)) {
                long oldEnd;
                synchronized (directoryLock) {
                    oldEnd = region.appendOffset();
                }
                commits.commit(this::pendingCommit); // what is pending (frees) becomes the state to pack
                long[] live;
                synchronized (directoryLock) {
                    live = directory.liveKeys();
                }
                Long[] order = new Long[live.length];
                synchronized (directoryLock) {
                    for (int i = 0; i < live.length; i++) {
                        order[i] = live[i];
                    }
                    java.util.Arrays.sort(order, (a, b) -> Long.compare(directory.fileOffset(a), directory.fileOffset(b)));
                }
                // 1: copies at the end; everything below oldEnd is then unreferenced
                relocate(order);
                commits.commit(this::pendingCommit);
                long phase1End;
                synchronized (directoryLock) {
                    phase1End = region.appendOffset();
                    region.resetAppendOffset(segments.dataStartOffset());
                }
                // 2: packed at the front, in the original file order: each blob ends no later
                // than it did originally, so the packed blobs end at or below oldEnd
                relocate(order);
                long packedEnd;
                long directoryBytes;
                synchronized (directoryLock) {
                    packedEnd = region.appendOffset();
                    if (packedEnd > oldEnd) {
                        throw new IllegalStateException("internal: packed data region ends at " + packedEnd + " beyond " + oldEnd);
                    }
                    region.resetAppendOffset(phase1End); // this commit's directory above the copies of step 1
                    directoryBytes = directory.encode().remaining();
                }
                commits.commit(this::pendingCommit);
                // 3: two commits whose directories follow the packed blobs (so both superblock
                // slots describe the packed file), then the truncation
                if (packedEnd + 2 * directoryBytes <= phase1End) {
                    synchronized (directoryLock) {
                        region.resetAppendOffset(packedEnd);
                    }
                    commits.commit(this::pendingCommit);
                    commits.commit(this::pendingCommit);
                    long end;
                    synchronized (directoryLock) {
                        end = region.appendOffset();
                    }
                    long length = SegmentMap.roundUpToSegment(Math.max(end, segments.dataStartOffset() + 1), segmentBytes);
                    if (length < io.size()) {
                        segments.shrinkTo(length);
                        io.truncate(length);
                        io.force();
                    }
                }
                return io.size();
            }
        } finally {
            commits.lock().unlock();
        }
    }

    /** Rewrites each blob of {@code keys} at the append offset (buffered writes) and points its directory entry there. */
    private void relocate(Long[] keys) throws IOException {
        for (Long boxed : keys) {
            long key = boxed;
            long from;
            int length;
            int crc;
            synchronized (directoryLock) {
                from = directory.fileOffset(key);
                length = directory.length(key);
                crc = directory.crc(key);
            }
            ByteBuffer src = segments.view(key, from, length);
            long to;
            synchronized (directoryLock) {
                to = region.place(length);
            }
            region.writeBlob(src, to, false);
            synchronized (directoryLock) {
                directory.put(key, to, length, crc);
            }
        }
    }

    @Override
    public long epoch() {
        ensureOpen();
        return commits.current().epoch();
    }

    /** {@inheritDoc} Reads one volatile reference ({@link RootPublisher}). */
    @Override
    public CommittedRoot committedRoot() {
        ensureOpen();
        return commits.current();
    }

    @Override
    public long fileSizeBytes() throws IOException {
        ensureOpen();
        return io.size();
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
        return region.directIo();
    }

    /** Native bytes held by this pager's direct-write staging buffers (0 once closed and idle). */
    public long stagingBytes() {
        return region.stagingBytes();
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
     * a commit in progress. Mapped segments are not unmapped here (see the class comment). A writer
     * first gives back the file's unused tail: the file grows in whole segments, and at close it is
     * cut to the end of the data region (what either superblock describes, and blobs put since the
     * last commit, whose views stay readable), rounded up to 4 KiB, and one more 4 KiB page (so the
     * file still ends with unused bytes after the committed data); a later writer grows it again.
     * A pager whose file operations failed leaves the file as it is. Idempotent.
     *
     * @throws IOException if cutting the tail or releasing the lock fails (the lock is released and
     *                     the store stays valid, only longer, either way)
     */
    @Override
    @SuppressWarnings("try") // the resource only releases the lock
    public void close() throws IOException {
        commits.lock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            segments.close();
            region.close();
            // the lock is released whatever the cut does (a failure of both: the release's is suppressed)
            try (java.io.Closeable release = () -> lock.release(io.channel())) {
                if (!readOnly && !io.failed()) {
                    long used;
                    synchronized (directoryLock) {
                        used = Math.max(commits.describedEnd(), region.appendOffset()); // blobs put since: views of them stay valid
                    }
                    long end = SegmentMap.roundUpToSegment(used, TAIL_ALIGNMENT) + TAIL_ALIGNMENT;
                    if (end < io.size()) {
                        io.truncate(end);
                    }
                }
            }
        } finally {
            commits.lock().unlock();
        }
    }

    /** What a writer's close rounds the file's length up to: the page size of direct writes. */
    private static final int TAIL_ALIGNMENT = 4096;

    @Override
    public String toString() {
        return "MappedPager[" + file + ", epoch " + commits.current().epoch() + (closed ? ", closed]" : "]");
    }
}
