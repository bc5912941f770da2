package dev.ingot.pager.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

/**
 * A fault-injecting {@link StoreChannel} over a real file, for tests: it can fail the Nth write
 * with {@code IOException("No space left on device")} (once, or from then on until
 * {@link #heal()}: a full disk, which then fails every write that touches a 4 KiB page never
 * written before, while overwrites of pages that already hold data still succeed, as on a
 * file system without copy-on-write), tear the Nth write (a random prefix reaches the file, then the
 * disk is full or the process "crashes"), fail the Nth force with
 * {@code IOException("Input/output error")}, and simulate a crash.
 *
 * <h2>Crash model</h2>
 * The channel keeps an undo log of every write since the last successful force: the file
 * offset, the bytes the write replaced (its pre-image) and the bytes written, plus the file size
 * at the last force. A crash (at the Nth write, before or after the Nth force, or on
 * {@link #crashNow()}) rewrites the real file to its last forced content: it writes the
 * pre-images back in reverse order and truncates the file to the forced size ("every unforced
 * write is lost"). If {@link #unforcedPagesMaySurvive} is set, it then writes back a random
 * subset of the unforced writes at 4 KiB page granularity, the way a kernel may have flushed some
 * dirty pages before the power went out, and may tear one of those pages at a 512-byte sector
 * boundary. After a crash every operation except {@link #close()} throws
 * {@code IOException("simulated crash ...")}: the pager is dead, the test reopens the file.
 *
 * <p>A failed force leaves the unforced writes unforced (a later successful force makes them
 * durable); the pager refuses to commit after a failed force anyway.
 *
 * <p>Direct writes ({@link #writeDirect}) are writes like any other to the crash model and the
 * fault counters (they count in the same sequence and can fail, tear or crash the same way); they
 * check the alignment contract of {@link StoreChannel#writeDirect} (a violation is an
 * {@link AssertionError}) and, where the file system supports it, really go through a second
 * descriptor opened with {@code O_DIRECT} (a torn prefix is written buffered: it is not aligned).
 * {@link #refuseDirect} simulates a file system without {@code O_DIRECT};
 * {@link #invalidDirectWrites} makes that many direct writes fail with EINVAL first.
 *
 * <p>Faults count operations from {@link #arm}; a fault fires once. Forces are logical by default
 * (the real {@code fsync} is skipped: the crash model does not need it, and the suite stays fast).
 *
 * <p>Thread-safety: every method is synchronized on the channel.
 */
final class FaultyStoreChannel implements StoreChannel {
    static final String DISK_FULL = "No space left on device";
    static final String IO_ERROR = "Input/output error";
    static final int PAGE_BYTES = 4096;
    static final int SECTOR_BYTES = 512;

    /** What happens at the armed write. */
    enum WriteFault {
        /** Nothing written; IOException "No space left on device". */
        DISK_FULL,
        /** A random prefix (possibly empty, never all) written, then "No space left on device". */
        TORN_THEN_DISK_FULL,
        /** Crash instead of writing. */
        CRASH,
        /** A random prefix written, then a crash. */
        TORN_THEN_CRASH
    }

    /** What happens at the armed force. */
    enum ForceFault {
        /** IOException "Input/output error"; nothing becomes durable. */
        FAIL,
        /** Crash before anything becomes durable. */
        CRASH_BEFORE,
        /** Everything becomes durable, then the crash. */
        CRASH_AFTER
    }

    /** One write since the last force: where, what it replaced, what it wrote. */
    private record Undo(long position, byte[] preImage, byte[] written) {}

    private final Path path;
    private final FileChannel file;
    /** The O_DIRECT descriptor once opened; null if not (then direct writes are logged buffered). */
    private FileChannel direct;
    /** Direct writes done (whole, not failed), and direct writes done through a real O_DIRECT descriptor. */
    private int directWrites;
    private int realDirectWrites;
    /** Whether {@link #openDirectWrites()} refuses, as on tmpfs. */
    boolean refuseDirect;
    /** How many of the next direct writes fail with "Invalid argument" before anything else. */
    int invalidDirectWrites;
    private final Random random;
    private final List<Undo> unforced = new ArrayList<>();
    /** Indexes of 4 KiB pages that hold written data (allocated blocks of the sparse file). */
    private final HashSet<Long> allocatedPages = new HashSet<>();
    private long forcedSize;
    private boolean crashed;
    private String crashReason;

    private int writesSinceArm;
    private int forcesSinceArm;
    private int failWriteAt = -1;
    private WriteFault writeFault;
    private boolean stickyDiskFull;
    private boolean diskFull;
    private int failForceAt = -1;
    private ForceFault forceFault;
    private int faultsFired;

    /** Whether a crash keeps a random subset of unforced pages (and may tear one). */
    boolean unforcedPagesMaySurvive;
    /** Whether force also calls the real {@code fsync}. */
    boolean realForce;

    /** Opens {@code path} (CREATE, READ, WRITE); {@code random} drives tears and surviving pages. */
    FaultyStoreChannel(Path path, Random random) throws IOException {
        this.path = path;
        this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.random = random;
        this.forcedSize = file.size();
        // An existing store's superblock slots hold data; nothing else is known to.
        for (long page = 0; page < Math.min(2, forcedSize / PAGE_BYTES); page++) {
            allocatedPages.add(page);
        }
    }

    /** An opener that records the channel it opened in {@code holder[0]}. */
    static StoreChannel.Opener opener(Random random, FaultyStoreChannel[] holder) {
        return path -> {
            FaultyStoreChannel c = new FaultyStoreChannel(path, random);
            holder[0] = c;
            return c;
        };
    }

    /**
     * Arms one fault: the write with index {@code writeIndex} (0 = the next write), or the force
     * with index {@code forceIndex}; pass -1 / null to arm none. Resets the operation counts.
     *
     * @param sticky for DISK_FULL faults: every later write fails too, until {@link #heal()}
     */
    synchronized void arm(int writeIndex, WriteFault writeFault, boolean sticky, int forceIndex, ForceFault forceFault) {
        this.writesSinceArm = 0;
        this.forcesSinceArm = 0;
        this.failWriteAt = writeIndex;
        this.writeFault = writeFault;
        this.stickyDiskFull = sticky;
        this.failForceAt = forceIndex;
        this.forceFault = forceFault;
    }

    /** Disarms every fault and ends a sticky full disk. */
    synchronized void heal() {
        failWriteAt = -1;
        failForceAt = -1;
        diskFull = false;
    }

    /** Faults that fired so far. */
    synchronized int faultsFired() {
        return faultsFired;
    }

    synchronized boolean crashed() {
        return crashed;
    }

    /** Simulates a crash now (see the class comment). */
    synchronized void crashNow() throws IOException {
        crash("on request");
    }

    private void checkAlive() throws IOException {
        if (crashed) {
            throw new IOException("simulated crash (" + crashReason + "): channel is dead");
        }
    }

    /** Direct writes that completed (through either descriptor). */
    synchronized int directWrites() {
        return directWrites;
    }

    /** Direct writes that completed through a real O_DIRECT descriptor. */
    synchronized int realDirectWrites() {
        return realDirectWrites;
    }

    /** Whether a real O_DIRECT descriptor is open. */
    synchronized boolean realDirect() {
        return direct != null;
    }

    @Override
    public synchronized boolean openDirectWrites() {
        if (refuseDirect) {
            return false;
        }
        if (direct == null) {
            try {
                direct = FileChannel.open(path, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
            } catch (IOException | UnsupportedOperationException e) {
                // No O_DIRECT here (tmpfs): direct writes are still modelled, through the buffered descriptor.
            }
        }
        return true;
    }

    @Override
    public synchronized int writeDirect(ByteBuffer src, long position) throws IOException {
        checkAlive();
        if (!src.isDirect() || src.alignmentOffset(src.position(), PAGE_BYTES) != 0
                || position % PAGE_BYTES != 0 || src.remaining() % PAGE_BYTES != 0) {
            throw new AssertionError("misaligned direct write of " + src + " at offset " + position);
        }
        if (invalidDirectWrites > 0) {
            invalidDirectWrites--;
            throw new IOException("Invalid argument");
        }
        int written = write(src, position, true);
        directWrites++;
        return written;
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
        return write(src, position, false);
    }

    private int write(ByteBuffer src, long position, boolean directWrite) throws IOException {
        checkAlive();
        int index = writesSinceArm++;
        if (diskFull && !allAllocated(position, src.remaining())) {
            throw new IOException(DISK_FULL);
        }
        if (index == failWriteAt) {
            faultsFired++;
            int length = src.remaining();
            switch (writeFault) {
                case DISK_FULL -> {
                    diskFull = stickyDiskFull;
                    throw new IOException(DISK_FULL);
                }
                case TORN_THEN_DISK_FULL -> {
                    writeLogged(prefix(src, random.nextInt(Math.max(1, length))), position, false);
                    diskFull = stickyDiskFull;
                    throw new IOException(DISK_FULL);
                }
                case CRASH -> throw crash("at write " + index + " of " + length + " bytes at offset " + position);
                case TORN_THEN_CRASH -> {
                    writeLogged(prefix(src, random.nextInt(Math.max(1, length))), position, false);
                    throw crash("torn write " + index + " of " + length + " bytes at offset " + position);
                }
                default -> throw new AssertionError(writeFault);
            }
        }
        return writeLogged(src, position, directWrite);
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, long position) throws IOException {
        // One gathering write is one write operation: concatenate and write once.
        int total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        ByteBuffer joined = ByteBuffer.allocate(total);
        for (ByteBuffer b : srcs) {
            joined.put(b.duplicate());
        }
        joined.flip();
        int written = write(joined, position);
        int left = written;
        for (ByteBuffer b : srcs) {
            int n = Math.min(left, b.remaining());
            b.position(b.position() + n);
            left -= n;
        }
        return written;
    }

    private boolean allAllocated(long position, int length) {
        for (long page = position / PAGE_BYTES; page * PAGE_BYTES < position + length; page++) {
            if (!allocatedPages.contains(page)) {
                return false;
            }
        }
        return true;
    }

    /** A buffer of the first {@code n} remaining bytes of {@code src}; advances {@code src} by n. */
    private static ByteBuffer prefix(ByteBuffer src, int n) {
        ByteBuffer p = src.duplicate();
        p.limit(p.position() + n);
        src.position(src.position() + n);
        return p;
    }

    /**
     * Writes all of {@code src} at {@code position}, logging the pre-image for a crash; through
     * the O_DIRECT descriptor if {@code directWrite} and one is open.
     */
    private int writeLogged(ByteBuffer src, long position, boolean directWrite) throws IOException {
        int length = src.remaining();
        long size = file.size();
        int preLength = (int) Math.max(0, Math.min(length, size - position));
        byte[] pre = new byte[preLength];
        if (preLength > 0) {
            readFully(ByteBuffer.wrap(pre), position);
        }
        byte[] data = new byte[length];
        if (directWrite && direct != null) {
            src.duplicate().get(data);
            long at = position;
            while (src.hasRemaining()) {
                at += direct.write(src, at);
            }
            realDirectWrites++;
        } else {
            src.get(data);
            writeRaw(data, 0, length, position);
        }
        unforced.add(new Undo(position, pre, data));
        for (long page = position / PAGE_BYTES; page * PAGE_BYTES < position + length; page++) {
            allocatedPages.add(page);
        }
        return length;
    }

    private void writeRaw(byte[] data, int from, int length, long position) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, from, length);
        long at = position;
        while (b.hasRemaining()) {
            at += file.write(b, at);
        }
    }

    private void readFully(ByteBuffer dst, long position) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = file.read(dst, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    @Override
    public synchronized int read(ByteBuffer dst, long position) throws IOException {
        checkAlive();
        return file.read(dst, position);
    }

    @Override
    public synchronized void force(boolean metaData) throws IOException {
        checkAlive();
        int index = forcesSinceArm++;
        if (index == failForceAt) {
            faultsFired++;
            switch (forceFault) {
                case FAIL -> throw new IOException(IO_ERROR);
                case CRASH_BEFORE -> throw crash("before force " + index);
                case CRASH_AFTER -> {
                    makeDurable(metaData);
                    throw crash("after force " + index);
                }
                default -> throw new AssertionError(forceFault);
            }
        }
        makeDurable(metaData);
    }

    private void makeDurable(boolean metaData) throws IOException {
        if (realForce) {
            file.force(metaData);
        }
        unforced.clear();
        forcedSize = file.size();
    }

    /** Rewrites the file to its last forced content (plus surviving pages) and kills the channel. */
    private IOException crash(String reason) throws IOException {
        crashed = true;
        crashReason = reason;
        List<Undo> lost = new ArrayList<>(unforced);
        for (int i = lost.size() - 1; i >= 0; i--) {
            Undo u = lost.get(i);
            writeRaw(u.preImage(), 0, u.preImage().length, u.position());
        }
        file.truncate(forcedSize);
        if (unforcedPagesMaySurvive) {
            boolean tornOne = false;
            for (Undo u : lost) {
                long start = u.position();
                long end = start + u.written().length;
                long pageStart = start;
                while (pageStart < end) {
                    long pageEnd = Math.min(end, (pageStart / PAGE_BYTES + 1) * PAGE_BYTES);
                    if (random.nextBoolean()) {
                        int length = (int) (pageEnd - pageStart);
                        if (!tornOne && length > SECTOR_BYTES && random.nextInt(4) == 0) {
                            tornOne = true;
                            // Sectors are atomic, pages are not: keep a whole number of sectors.
                            int sectors = (int) ((pageEnd - pageStart) / SECTOR_BYTES);
                            length = SECTOR_BYTES * random.nextInt(Math.max(1, sectors));
                        }
                        writeRaw(u.written(), (int) (pageStart - start), length, pageStart);
                    }
                    pageStart = pageEnd;
                }
            }
        }
        unforced.clear();
        if (realForce) {
            file.force(true);
        }
        return new IOException("simulated crash (" + reason + ")");
    }

    @Override
    public synchronized long size() throws IOException {
        checkAlive();
        return file.size();
    }

    /** Truncates at once (a crash does not undo it: the test reopens what the truncation left). */
    @Override
    public synchronized void truncate(long size) throws IOException {
        checkAlive();
        file.truncate(size);
        forcedSize = Math.min(forcedSize, size);
    }

    @Override
    public synchronized MappedByteBuffer mapReadOnly(long position, long size) throws IOException {
        checkAlive();
        return file.map(FileChannel.MapMode.READ_ONLY, position, size);
    }


    @Override
    public synchronized void close() throws IOException {
        try {
            if (direct != null) {
                direct.close();
            }
        } finally {
            file.close();
        }
    }

    @Override
    public synchronized String toString() {
        return "FaultyStoreChannel[" + unforced.size() + " unforced writes, forced size " + forcedSize
                + (crashed ? ", crashed: " + crashReason : "") + "]";
    }
}
