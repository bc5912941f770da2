package dev.ingot.columnstore.internal;

import dev.ingot.pager.StoreCorruptedException;
import java.nio.file.Path;

/**
 * Damage found inside one blob (a chunk or the catalog) while decoding it, located by its byte
 * offset within the blob. Decoders know only the blob; the code that fetched it by key turns this
 * into a {@link StoreCorruptedException} at the absolute file offset with {@link #atFileOffset}.
 */
final class BlobCorruptedException extends StoreCorruptedException {
    private static final long serialVersionUID = 1L;
    private final long blobOffset;

    BlobCorruptedException(Path file, long blobOffset, String detail) {
        super(file, -1, detail);
        this.blobOffset = blobOffset;
    }

    /** Offset of the damaged byte within the blob. */
    long blobOffset() {
        return blobOffset;
    }

    /**
     * The same damage located in the file: {@code blobFileOffset + blobOffset}, or unknown (-1)
     * when the blob's file offset is unknown.
     */
    StoreCorruptedException atFileOffset(long blobFileOffset) {
        StoreCorruptedException e = new StoreCorruptedException(file(), blobFileOffset < 0 ? -1 : blobFileOffset + blobOffset, detail());
        e.initCause(this);
        return e;
    }
}
