package dev.ingot.pager;

import java.nio.file.Path;

/**
 * A structure of a store file has a format version older than this build still reads. Not a
 * corruption (the structure's magic number and checksum are intact); see
 * {@link UnsupportedFormatException}.
 */
public final class FormatTooOldException extends UnsupportedFormatException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file       the store file
     * @param fileOffset file offset of the structure, or -1 if unknown
     * @param where      what holds the structure (e.g. {@code catalog (pager key 17)}), or null
     * @param formatName the structure's format name
     * @param version    the version found (below {@code minVersion})
     * @param minVersion the oldest version this build reads
     * @param maxVersion the newest version this build reads
     */
    public FormatTooOldException(Path file, long fileOffset, String where, String formatName, int version,
                                 int minVersion, int maxVersion) {
        super(file, fileOffset, where, formatName, version, minVersion, maxVersion, "old");
    }

    @Override
    public FormatTooOldException atFileOffset(long structureFileOffset) {
        FormatTooOldException e = new FormatTooOldException(file(), structureFileOffset, where(), formatName(), version(),
                minVersion(), maxVersion());
        e.initCause(this);
        return e;
    }
}
