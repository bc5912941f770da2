package dev.ingot.pager;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A structure of a store file (superblock, key directory, catalog, chunk) carries a format
 * version this build does not read, although its magic number and checksum are intact: the
 * store was written by a newer Ingot ({@link FormatTooNewException}) or by an older one whose
 * format this build no longer reads ({@link FormatTooOldException}). Distinct from
 * {@link StoreCorruptedException}: the bytes are not damaged, only not understood. Names the
 * file, the file offset of the structure, the structure's format name, the version found and the
 * range this build reads. Mirrors Lucene's {@code IndexFormatTooNewException} /
 * {@code IndexFormatTooOldException}.
 */
public abstract class UnsupportedFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Path file;
    private final long fileOffset;
    private final String where;
    private final String formatName;
    private final int version;
    private final int minVersion;
    private final int maxVersion;

    UnsupportedFormatException(Path file, long fileOffset, String where, String formatName, int version,
                               int minVersion, int maxVersion, String tooWhat) {
        super("store " + file + " at offset " + fileOffset + ": " + (where == null ? "" : where + ": ") + formatName
                + " format version " + version + " is too " + tooWhat + ": this build reads versions " + minVersion
                + " to " + maxVersion + " (the store was written by " + ("new".equals(tooWhat) ? "a newer" : "an older")
                + " Ingot)");
        this.file = file;
        this.fileOffset = fileOffset;
        this.where = where;
        this.formatName = formatName;
        this.version = version;
        this.minVersion = minVersion;
        this.maxVersion = maxVersion;
    }

    /** The store file. */
    public Path file() {
        return file;
    }

    /** File offset of the structure whose version is not supported, or -1 if unknown. */
    public long fileOffset() {
        return fileOffset;
    }

    /** What holds the structure (e.g. {@code catalog (pager key 17)}), or null for a pager structure. */
    public String where() {
        return where;
    }

    /** The structure's format name, e.g. {@code "superblock"} or {@code "chunk"}. */
    public String formatName() {
        return formatName;
    }

    /** The version found in the structure's header. */
    public int version() {
        return version;
    }

    /** The oldest version this build reads. */
    public int minVersion() {
        return minVersion;
    }

    /** The newest version this build reads (the version it writes). */
    public int maxVersion() {
        return maxVersion;
    }

    /**
     * The same finding located at {@code structureFileOffset} (for decoders that know only the
     * blob; the code that fetched it by key knows its file offset); this exception is the cause.
     */
    public abstract UnsupportedFormatException atFileOffset(long structureFileOffset);
}
