package dev.ingot.pager.format;

import dev.ingot.pager.FormatTooNewException;
import dev.ingot.pager.FormatTooOldException;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The one framing of every structure Ingot writes to a store file (superblock, key directory,
 * catalog, chunk): a header of magic number and format version at the start of the structure, and
 * a CRC32C ({@link CRC32C}, Castagnoli) over the structure; after the Lucene store's
 * {@code CodecUtil} ({@code writeHeader} / {@code checkHeader} returning the actual version /
 * {@code checkFooter}).
 *
 * <p>Header (little-endian, at offset 0 of the structure):
 * <pre>
 * offset        size              field
 * 0             magicBytes (4|8)  magic: the format's ASCII tag in file order ("INGOTSB1", "ICHK" ...),
 *                                 read as a little-endian integer, so a hex dump shows the text
 * magicBytes    versionBytes (2|4) format version, in [minVersion, currentVersion]
 * </pre>
 * The header's widths are each format's own (chosen when the format was first written and kept so
 * that every existing store still opens); what follows the header is the owning class's layout,
 * drawn in its Javadoc beside its {@code OFF_*} constants. The checksum is a footer (4 bytes: the
 * CRC32C of every byte before it, {@link #writeFooter} / {@link #checkFooter}) or, for the chunk,
 * a header field covering the whole structure with that field taken as zero
 * ({@link #checkChecksumField}).
 *
 * <p>Checks, in order: magic (else {@link StoreCorruptedException}), checksum, version (below the
 * range: {@link FormatTooOldException}; above: {@link FormatTooNewException}). A reader that skips
 * the checksum for speed ({@link #checkHeaderUnverified}) still verifies it before it reports an
 * unsupported version, so a damaged version field is reported as corruption and only an intact
 * structure of another version as "format too old/new".
 *
 * <p>Errors name the file and the offset: corruption through the caller's {@link Corruption}
 * (which knows where the structure lies and how its errors read), an unsupported version with the
 * structure's file offset and the caller's {@code where}.
 *
 * <p>Thread-safety: immutable; every method is stateless over its arguments and reads buffers
 * with absolute gets, leaving their position and limit unchanged.
 */
public final class FormatCodec {
    /** Bytes of a CRC32C footer. */
    public static final int FOOTER_BYTES = 4;

    /** Builds the corruption error of a structure; knows the file and where the structure lies. */
    @FunctionalInterface
    public interface Corruption {
        /**
         * @param offset offset within the structure of the damaged field, bytes
         * @param detail what was wrong, with expected and actual values
         */
        StoreCorruptedException at(long offset, String detail);
    }

    /** Verifies a structure's checksum (and whatever must hold before it can be computed). */
    @FunctionalInterface
    public interface Checksum {
        /** @throws StoreCorruptedException if the checksum does not match */
        void verify() throws StoreCorruptedException;
    }

    private final String name;
    private final long magic;
    private final int magicBytes;
    private final int versionBytes;
    private final int minVersion;
    private final int currentVersion;

    private FormatCodec(String name, long magic, int magicBytes, int versionBytes, int minVersion, int currentVersion) {
        this.name = name;
        this.magic = magic;
        this.magicBytes = magicBytes;
        this.versionBytes = versionBytes;
        this.minVersion = minVersion;
        this.currentVersion = currentVersion;
    }

    /**
     * The codec of one format.
     *
     * @param name           the format's name in messages, e.g. {@code "key directory"}
     * @param asciiMagic     4 or 8 ASCII characters; their bytes in file order are the magic
     * @param versionBytes   width of the version field, 2 or 4 bytes
     * @param minVersion     oldest version still read ({@code >= 1})
     * @param currentVersion version written and newest version read ({@code >= minVersion})
     * @throws IllegalArgumentException on any other value
     */
    public static FormatCodec of(String name, String asciiMagic, int versionBytes, int minVersion, int currentVersion) {
        Objects.requireNonNull(name, "name");
        byte[] m = asciiMagic.getBytes(StandardCharsets.US_ASCII);
        if (m.length != 4 && m.length != 8) {
            throw new IllegalArgumentException("magic must be 4 or 8 ASCII characters: " + asciiMagic);
        }
        if (versionBytes != 2 && versionBytes != 4) {
            throw new IllegalArgumentException("version field must be 2 or 4 bytes: " + versionBytes);
        }
        int maxVersion = versionBytes == 2 ? 0xFFFF : Integer.MAX_VALUE;
        if (minVersion < 1 || currentVersion < minVersion || currentVersion > maxVersion) {
            throw new IllegalArgumentException("need 1 <= minVersion <= currentVersion <= " + maxVersion + ": "
                    + minVersion + ", " + currentVersion);
        }
        return new FormatCodec(name, asciiMagic(asciiMagic), m.length, versionBytes, minVersion, currentVersion);
    }

    /** The 4 or 8 bytes of {@code ascii} in file order as a little-endian integer. */
    public static long asciiMagic(String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /** The format's name in messages. */
    public String name() {
        return name;
    }

    /** The magic as a little-endian integer of {@link #magicBytes()} bytes. */
    public long magic() {
        return magic;
    }

    /** Width of the magic, 4 or 8 bytes. */
    public int magicBytes() {
        return magicBytes;
    }

    /** Offset of the version field: right after the magic. */
    public int versionOffset() {
        return magicBytes;
    }

    /** Width of the version field, 2 or 4 bytes. */
    public int versionBytes() {
        return versionBytes;
    }

    /** Bytes of the header (magic and version). */
    public int headerBytes() {
        return magicBytes + versionBytes;
    }

    /** Oldest version read. */
    public int minVersion() {
        return minVersion;
    }

    /** Version written and newest version read. */
    public int currentVersion() {
        return currentVersion;
    }

    /** Writes magic and {@link #currentVersion()} at offset 0 of {@code b} (absolute, little-endian). */
    public void writeHeader(ByteBuffer b) {
        writeHeader(b, currentVersion);
    }

    /**
     * Writes magic and {@code version} at offset 0 of {@code b}. Any version may be written (tests
     * write versions this build does not read).
     */
    public void writeHeader(ByteBuffer b, int version) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (magicBytes == 8) {
            le.putLong(0, magic);
        } else {
            le.putInt(0, (int) magic);
        }
        if (versionBytes == 4) {
            le.putInt(magicBytes, version);
        } else {
            le.putShort(magicBytes, (short) version);
        }
    }

    /**
     * Checks magic, then {@code checksum}, then the version range, of the structure at offset 0
     * of {@code b}.
     *
     * @param file       the store file, for an unsupported version
     * @param fileOffset file offset of the structure, or -1 if the caller relocates the exception
     *                   ({@link UnsupportedFormatException#atFileOffset})
     * @param where      what holds the structure, prefixed to an unsupported-version message, or null
     * @param corruption builds the error of a bad magic or a structure shorter than the header
     * @param checksum   verifies the structure's checksum
     * @return the structure's version, in {@code [minVersion, currentVersion]}
     * @throws StoreCorruptedException    if the magic or the checksum does not match
     * @throws UnsupportedFormatException if the version is outside the range read
     */
    public int checkHeader(ByteBuffer b, Path file, long fileOffset, String where, Corruption corruption,
                           Checksum checksum) throws IOException {
        checkMagic(b, corruption);
        checksum.verify();
        return checkVersion(b, file, fileOffset, where, null);
    }

    /**
     * Like {@link #checkHeader} for a reader that skips the checksum for speed: magic and version
     * only, but an unsupported version is reported only after {@code checksum} passed (a damaged
     * version field is corruption, not another format).
     */
    public int checkHeaderUnverified(ByteBuffer b, Path file, long fileOffset, String where, Corruption corruption,
                                     Checksum checksum) throws IOException {
        checkMagic(b, corruption);
        return checkVersion(b, file, fileOffset, where, checksum);
    }

    private void checkMagic(ByteBuffer b, Corruption corruption) throws StoreCorruptedException {
        int length = b.limit();
        if (length < headerBytes()) {
            throw corruption.at(0, name + " of " + length + " bytes is shorter than its " + headerBytes()
                    + "-byte magic and version");
        }
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long actual = magicBytes == 8 ? le.getLong(0) : le.getInt(0) & 0xFFFF_FFFFL;
        if (actual != magic) {
            int digits = 2 * magicBytes;
            throw corruption.at(0, String.format("%s magic mismatch: expected 0x%0" + digits + "x (\"%s\"), actual 0x%0"
                    + digits + "x", name, magic, ascii(magic, magicBytes), actual));
        }
    }

    private int checkVersion(ByteBuffer b, Path file, long fileOffset, String where, Checksum lateChecksum)
            throws IOException {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int version = versionBytes == 4 ? le.getInt(magicBytes) : le.getShort(magicBytes) & 0xFFFF;
        if (version >= minVersion && version <= currentVersion) {
            return version;
        }
        if (lateChecksum != null) {
            lateChecksum.verify();
        }
        if (version > currentVersion || version < 0) {
            throw new FormatTooNewException(file, fileOffset, where, name, version, minVersion, currentVersion);
        }
        throw new FormatTooOldException(file, fileOffset, where, name, version, minVersion, currentVersion);
    }

    /**
     * Writes the CRC32C of bytes {@code [0, footerOffset)} of {@code b} at {@code footerOffset}.
     *
     * @return the CRC32C written
     */
    public int writeFooter(ByteBuffer b, int footerOffset) {
        int crc = crc32c(b, 0, footerOffset);
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(footerOffset, crc);
        return crc;
    }

    /**
     * Checks the CRC32C footer at {@code footerOffset} against bytes {@code [0, footerOffset)}.
     *
     * @return the CRC32C (stored and computed alike)
     * @throws StoreCorruptedException from {@code corruption} at {@code footerOffset}:
     *                                 "{name} CRC32C mismatch: stored 0x.., computed 0x.."
     */
    public int checkFooter(ByteBuffer b, int footerOffset, Corruption corruption) throws StoreCorruptedException {
        int stored = b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(footerOffset);
        return checkCrc(stored, crc32c(b, 0, footerOffset), footerOffset, corruption);
    }

    /**
     * CRC32C of bytes {@code [0, limit)} of {@code b} with the 4 bytes at {@code fieldOffset}
     * taken as zero: the checksum of a structure that stores its CRC in its header.
     */
    public static int crc32cSkipping(ByteBuffer b, int fieldOffset) {
        CRC32C crc = new CRC32C();
        ByteBuffer d = b.duplicate();
        d.position(0).limit(fieldOffset);
        crc.update(d);
        crc.update(new byte[4], 0, 4);
        d.limit(b.limit()).position(fieldOffset + 4);
        crc.update(d);
        return (int) crc.getValue();
    }

    /**
     * Checks the CRC32C stored at {@code fieldOffset} against {@link #crc32cSkipping}.
     *
     * @throws StoreCorruptedException from {@code corruption} at {@code fieldOffset}:
     *                                 "{name} CRC32C mismatch: stored 0x.., computed 0x.."
     */
    public void checkChecksumField(ByteBuffer b, int fieldOffset, Corruption corruption) throws StoreCorruptedException {
        int stored = b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(fieldOffset);
        checkCrc(stored, crc32cSkipping(b, fieldOffset), fieldOffset, corruption);
    }

    private int checkCrc(int stored, int computed, int offset, Corruption corruption) throws StoreCorruptedException {
        if (stored != computed) {
            throw corruption.at(offset, String.format("%s CRC32C mismatch: stored 0x%08x, computed 0x%08x", name, stored,
                    computed));
        }
        return computed;
    }

    /** CRC32C of bytes {@code [from, to)} of {@code b} (absolute; position and limit unchanged). */
    public static int crc32c(ByteBuffer b, int from, int to) {
        CRC32C crc = new CRC32C();
        ByteBuffer d = b.duplicate();
        d.limit(to).position(from);
        crc.update(d);
        return (int) crc.getValue();
    }

    /** CRC32C of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static String ascii(long magic, int bytes) {
        StringBuilder s = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) {
            s.append((char) ((magic >>> (8 * i)) & 0xFF));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return name + " format (magic \"" + ascii(magic, magicBytes) + "\", versions " + minVersion + " to "
                + currentVersion + ")";
    }
}
