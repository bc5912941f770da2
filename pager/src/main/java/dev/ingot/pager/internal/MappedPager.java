package dev.ingot.pager.internal;

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
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The {@link Pager} implementation: an append-only blob store in one file, read through
 * lazily mapped read-only segments and written with positional {@link FileChannel} writes.
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
 * <p>Superblock (one per slot; bytes 104..4095 of the slot are zero):
 * <pre>
 * offset  size  field
 * 0       8     magic "INGOTSB1" (ASCII in file order; the little-endian long 0x314253544f474e49)
 * 8       4     format version = 1
 * 12      4     segmentBytes (power of two, 1 MiB .. 1 GiB)
 * 16      8     epoch (0 = new store; +1 per commit)
 * 24      8     nextKey: the next key allocMany hands out (keys start at 1)
 * 32      8     appendOffset: end of the used data region (file offset)
 * 40      8     directoryOffset: file offset of the key directory blob (0 = none yet)
 * 48      8     directoryLength: bytes of the key directory blob (0 = none yet)
 * 56      4     directoryCrc: CRC32C of the directory blob without its footer
 * 60      32    rootKeys[4] (8 bytes each; 0 = no key)
 * 92      8     dataStartOffset (file offset where the data region begins)
 * 100     4     CRC32C ({@link CRC32C}) of bytes [0, 100)
 * </pre>
 *
 * <p>Key directory blob (written in the data region at each commit; it may cross segment
 * boundaries because it is read with file reads at open, never through a mapping):
 * <pre>
 * offset        size  field
 * 0             8     magic "INGOTDIR" (the little-endian long 0x524944544f474e49)
 * 8             4     format version = 1
 * 12            4     entry count n
 * 16 + 24*i     8     key (entries sorted by key, strictly ascending)
 * 24 + 24*i     8     blob file offset
 * 32 + 24*i     4     blob length in bytes (0 .. segmentBytes)
 * 36 + 24*i     4     blob CRC32C
 * 16 + 24*n     4     CRC32C of bytes [0, 16 + 24*n)
 * </pre>
 *
 * <h2>Protocol</h2>
 * A put reserves space at appendOffset under the directory lock (cheap), grows the file to the
 * next segment multiple if needed, writes the blob outside any lock with positional writes
 * (so a full disk is an {@link IOException}, never a fault on a mapped page), and then publishes
 * the directory entry under the lock. A commit, serialized with other commits, snapshots the
 * directory (only entries published before the snapshot are included), appends it as a blob,
 * forces the file, writes the superblock of epoch + 1 into slot {@code (epoch + 1) % 2} and
 * forces again; until that last write the previous superblock still describes a complete
 * state. Opening picks the valid slot (magic, version, CRC) with the highest epoch. The design
 * follows LMDB's two meta pages and Lucene's magic/version/checksum framing.
 *
 * <h2>Lifetimes</h2>
 * Segments are mapped lazily, whole and once, read-only. {@link #close()} does not unmap them
 * explicitly (a view still held by a caller would then crash the JVM): it drops the references
 * and the garbage collector unmaps each segment when its last view is gone. After close every
 * method except {@link #file()}, {@link #diagnostics()} and {@link #close()} throws
 * {@link IllegalStateException}.
 *
 * <p>Within one JVM a second open of the same path is refused before any file descriptor is
 * opened (POSIX record locks are per process, and closing any descriptor of the file would drop
 * them); across processes {@link FileChannel#tryLock()} excludes.
 *
 * <p>Limits: keys are indexed by int, so at most {@code Integer.MAX_VALUE - 8} keys can be
 * allocated over the store's lifetime; the in-memory directory costs 16 bytes per key up to the
 * largest key stored. The file channel is interruptible: interrupting a thread blocked in a
 * put or commit closes the channel (as for every {@link FileChannel}), after which I/O methods
 * throw {@link java.nio.channels.ClosedChannelException}.
 *
 * <p>Thread-safety: thread-safe (see {@link Pager}).
 */
public final class MappedPager implements Pager {
    /** Exclusive upper bound of {@code nextKey}: keys index int arrays. */
    static final long MAX_NEXT_KEY = Integer.MAX_VALUE - 8L;
    /** Largest count one {@link #allocMany} call accepts. */
    static final int MAX_ALLOC_COUNT = 1 << 20;

    /** Paths (resolved) currently open by a MappedPager in this JVM. */
    private static final Set<String> OPEN_FILES = ConcurrentHashMap.newKeySet();
    private static final ByteBuffer EMPTY_BLOB = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();

    private final Path file;
    private final String registryKey;
    private final FileChannel channel;
    private final FileLock fileLock;
    private final int segmentBytes;
    private final long dataStartOffset;
    private final boolean syncOnCommit;
    private final PagerDiagnostics diagnostics;
    private final AtomicLong nextKey;

    /** Guards {@link #directory}, {@link #appendOffset} and {@link #rootKeys}. */
    private final Object directoryLock = new Object();
    private final KeyDirectory directory;
    private long appendOffset;
    private final long[] rootKeys;

    /** Guards file growth; {@link #fileLength} is the length this pager has grown the file to. */
    private final Object growLock = new Object();
    private volatile long fileLength;
    /** Guards the channel position, used only by gathering writes. */
    private final Object gatherLock = new Object();
    /** Guards mapping; {@link #segments} is copy-on-write, indexed by segment number. */
    private final Object mapLock = new Object();
    private volatile MappedByteBuffer[] segments = new MappedByteBuffer[0];

    private final ReentrantLock commitLock = new ReentrantLock();
    private volatile long committedEpoch;
    private volatile boolean closed;

    private MappedPager(Path file, String registryKey, FileChannel channel, FileLock fileLock, Superblock sb,
                        KeyDirectory directory, long fileLength, boolean syncOnCommit, PagerDiagnostics diagnostics) {
        this.file = file;
        this.registryKey = registryKey;
        this.channel = channel;
        this.fileLock = fileLock;
        this.segmentBytes = sb.segmentBytes();
        this.dataStartOffset = sb.dataStartOffset();
        this.syncOnCommit = syncOnCommit;
        this.diagnostics = diagnostics;
        this.nextKey = new AtomicLong(sb.nextKey());
        this.directory = directory;
        this.appendOffset = sb.appendOffset();
        this.rootKeys = sb.rootKeys();
        this.fileLength = fileLength;
        this.committedEpoch = sb.epoch();
    }

    /**
     * Opens (creating if absent or empty) the store at {@code file} and locks it exclusively.
     * For an existing store, {@code segmentBytes} and {@code dataStartOffset} come from its
     * superblock and the option values are ignored.
     *
     * @throws StoreLockedException    if this JVM or another process has the file open
     * @throws StoreCorruptedException if the file is shorter than two superblocks but not empty,
     *                                 no superblock slot is valid, a superblock field is out of
     *                                 range, the file is shorter than the committed data, or the
     *                                 key directory fails validation; names the file offset
     * @throws IOException             on any other I/O failure; nothing is left open or locked
     */
    public static Pager open(Path file, PagerOptions options) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        String key = registryKey(file);
        if (!OPEN_FILES.add(key)) {
            throw new StoreLockedException(file);
        }
        FileChannel channel = null;
        FileLock lock = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreLockedException(file);
            }
            return load(file, key, channel, lock, options);
        } catch (Throwable t) {
            if (lock != null) {
                try {
                    lock.release();
                } catch (Throwable s) {
                    t.addSuppressed(s);
                }
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (Throwable s) {
                    t.addSuppressed(s);
                }
            }
            OPEN_FILES.remove(key);
            throw t;
        }
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

    private static MappedPager load(Path file, String key, FileChannel channel, FileLock lock, PagerOptions options)
            throws IOException {
        PagerDiagnostics diagnostics = new PagerDiagnostics("pager " + file.getFileName());
        long size = channel.size();
        if (size == 0) {
            Superblock sb = Superblock.initial(options.segmentBytes(), options.dataStartOffset());
            writeFully(channel, sb.encode(), 0);
            writeFully(channel, sb.encode(), PagerOptions.SUPERBLOCK_BYTES);
            long length = options.segmentBytes();
            writeFully(channel, ByteBuffer.allocate(1), length - 1);
            if (options.syncOnCommit()) {
                channel.force(true);
                diagnostics.increment(Counter.FORCES);
            }
            return new MappedPager(file, key, channel, lock, sb, new KeyDirectory(), length, options.syncOnCommit(), diagnostics);
        }
        if (size < 2L * PagerOptions.SUPERBLOCK_BYTES) {
            throw new StoreCorruptedException(file, size, "file of " + size
                    + " bytes is shorter than its two superblocks (" + 2 * PagerOptions.SUPERBLOCK_BYTES + " bytes)");
        }
        Superblock best = null;
        StoreCorruptedException[] slotErrors = new StoreCorruptedException[2];
        for (int slot = 0; slot < 2; slot++) {
            long slotOffset = (long) slot * PagerOptions.SUPERBLOCK_BYTES;
            ByteBuffer image = ByteBuffer.allocate(PagerOptions.SUPERBLOCK_BYTES);
            readFully(file, channel, image, slotOffset);
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
            StoreCorruptedException e = new StoreCorruptedException(file, 0, "no valid superblock: slot 0: "
                    + slotErrors[0].getMessage() + "; slot 1: " + slotErrors[1].getMessage());
            e.addSuppressed(slotErrors[0]);
            e.addSuppressed(slotErrors[1]);
            throw e;
        }
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
        long length = size;
        long rounded = roundUpToSegment(size, best.segmentBytes());
        if (rounded != size) {
            // Only bytes beyond the committed appendOffset are affected (validated above).
            writeFully(channel, ByteBuffer.allocate(1), rounded - 1);
            length = rounded;
        }
        return new MappedPager(file, key, channel, lock, best, directory, length, options.syncOnCommit(), diagnostics);
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
        if (count < 1 || count > MAX_ALLOC_COUNT) {
            throw new IllegalArgumentException("allocMany count must be in [1, " + MAX_ALLOC_COUNT + "]: " + count);
        }
        long first;
        while (true) {
            first = nextKey.get();
            if (first + count > MAX_NEXT_KEY) {
                throw new IllegalStateException("pager " + file + " has run out of physical keys: next key " + first
                        + ", requested " + count + ", limit " + MAX_NEXT_KEY);
            }
            if (nextKey.compareAndSet(first, first + count)) {
                break;
            }
        }
        diag.increment(Counter.ALLOC_CALLS);
        diag.add(Counter.KEYS_ALLOCATED, count);
        return new KeyRange(first, count);
    }

    @Override
    public KeyReservation reserveKeys(int blockSize) {
        ensureOpen();
        return new BlockKeyReservation(this, blockSize, diagnostics);
    }

    @Override
    public PagerWriter openWriter(String label, int keyBlockSize) {
        ensureOpen();
        Objects.requireNonNull(label, "label");
        PagerDiagnostics span = diagnostics.newSpan(label);
        return new SpanPagerWriter(this, label, new BlockKeyReservation(this, keyBlockSize, span), span);
    }

    private void checkKey(long key) {
        long next = nextKey.get();
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
        checkKey(key);
        Objects.requireNonNull(blob, "blob");
        int length = blob.remaining();
        checkBlobLength(key, length);
        int crc = crc32c(blob);
        long offset;
        synchronized (directoryLock) {
            offset = place(length);
        }
        if (length > 0) {
            ensureFileLength(offset + length);
            writeFully(channel, blob.duplicate(), offset);
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
        synchronized (directoryLock) {
            for (int i = 0; i < n; i++) {
                offsets[i] = place(lengths[i]);
            }
        }
        if (payloadBytes > 0) {
            ensureFileLength(offsets[n - 1] + lengths[n - 1]);
            writeRuns(blobs, offsets, lengths);
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

    /** Writes the blobs of a batch: one gathering write per run of file-contiguous blobs. */
    private void writeRuns(ByteBuffer[] blobs, long[] offsets, int[] lengths) throws IOException {
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
            int nonEmpty = 0;
            for (int k = i; k <= j; k++) {
                if (lengths[k] > 0) {
                    nonEmpty++;
                }
            }
            if (nonEmpty == 1) {
                writeFully(channel, blobs[i].duplicate(), offsets[i]);
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
            writeFully(channel, ByteBuffer.allocate(1), target - 1);
            fileLength = target;
        }
    }

    private static long roundUpToSegment(long offset, int segmentBytes) {
        return (offset + segmentBytes - 1) & -(long) segmentBytes;
    }

    private static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    private void writeGathered(ByteBuffer[] srcs, long position, long bytes) throws IOException {
        synchronized (gatherLock) {
            channel.position(position);
            long remaining = bytes;
            int first = 0;
            while (remaining > 0) {
                remaining -= channel.write(srcs, first, srcs.length - first);
                while (first < srcs.length && !srcs[first].hasRemaining()) {
                    first++;
                }
            }
        }
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new StoreCorruptedException(file, at, "unexpected end of file while reading "
                        + dst.capacity() + " bytes at offset " + position);
            }
            at += n;
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
        MappedByteBuffer segment = segment((int) segmentIndex);
        return segment.slice((int) inSegment, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private MappedByteBuffer segment(int index) throws IOException {
        MappedByteBuffer[] current = segments;
        if (index < current.length && current[index] != null) {
            return current[index];
        }
        synchronized (mapLock) {
            ensureOpen();
            current = segments;
            if (index < current.length && current[index] != null) {
                return current[index];
            }
            long start = (long) index * segmentBytes;
            long size = channel.size();
            if (start + segmentBytes > size) {
                throw new StoreCorruptedException(file, start, "segment " + index + " [" + start + ", "
                        + (start + segmentBytes) + ") lies beyond the end of the file (" + size + " bytes): truncated");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, start, segmentBytes);
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
            ByteBuffer directoryBlob;
            long directoryOffset;
            long[] roots;
            long committedNextKey;
            synchronized (directoryLock) {
                directoryBlob = directory.encode();
                roots = rootKeys.clone();
                committedNextKey = nextKey.get();
                // The directory is read with file reads, never mapped: it may cross segments.
                directoryOffset = appendOffset;
                appendOffset += directoryBlob.remaining();
            }
            int directoryLength = directoryBlob.remaining();
            int directoryCrc = KeyDirectory.footerCrc(directoryBlob);
            long directoryEnd = directoryOffset + directoryLength;
            ensureFileLength(directoryEnd);
            writeFully(channel, directoryBlob, directoryOffset);
            force();
            long newEpoch = committedEpoch + 1;
            Superblock sb = new Superblock(segmentBytes, dataStartOffset, newEpoch, committedNextKey, directoryEnd,
                    directoryOffset, directoryLength, directoryCrc, roots);
            writeFully(channel, sb.encode(), Superblock.slotOffset(newEpoch));
            force();
            committedEpoch = newEpoch;
            diagnostics.increment(Counter.COMMITS);
            return newEpoch;
        } finally {
            commitLock.unlock();
        }
    }

    private void force() throws IOException {
        if (syncOnCommit) {
            channel.force(true);
            diagnostics.increment(Counter.FORCES);
        }
    }

    @Override
    public long epoch() {
        ensureOpen();
        return committedEpoch;
    }

    @Override
    public long fileSizeBytes() throws IOException {
        ensureOpen();
        return channel.size();
    }

    @Override
    public PagerDiagnostics diagnostics() {
        return diagnostics;
    }

    // ---------------------------------------------------------------- lifecycle

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("pager " + file + " is closed");
        }
    }

    /**
     * Releases the file lock and closes the channel without committing; waits for a commit in
     * progress. Mapped segments are not unmapped here (see the class comment). Idempotent.
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
            IOException failure = null;
            try {
                fileLock.release();
            } catch (IOException e) {
                failure = e;
            }
            try {
                channel.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            OPEN_FILES.remove(registryKey);
            if (failure != null) {
                throw failure;
            }
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MappedPager[" + file + ", epoch " + committedEpoch + (closed ? ", closed]" : "]");
    }
}
