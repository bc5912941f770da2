package dev.ingot.pager;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A store file (or a structure inside it) failed validation: bad magic number, unsupported
 * format version, checksum mismatch, truncation, or an offset/length outside the file.
 * Names the file and the file offset of the damaged structure.
 */
public class StoreCorruptedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Path file;
    private final long fileOffset;
    private final String detail;

    /**
     * @param file       the damaged file
     * @param fileOffset byte offset of the damaged structure in the file, or -1 if unknown
     * @param detail     what was wrong, with expected and actual values
     */
    public StoreCorruptedException(Path file, long fileOffset, String detail) {
        super("store " + file + " is corrupted at offset " + fileOffset + ": " + detail);
        this.file = file;
        this.fileOffset = fileOffset;
        this.detail = detail;
    }

    public Path file() {
        return file;
    }

    public long fileOffset() {
        return fileOffset;
    }

    /** What was wrong, without the file and offset prefix. */
    public String detail() {
        return detail;
    }
}
