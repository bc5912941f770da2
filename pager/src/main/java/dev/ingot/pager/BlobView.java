package dev.ingot.pager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Reads blobs by physical key, as of some state of a {@link Pager}: the pager itself (its current
 * state), or a {@linkplain Pager#committedView() committed view} that keeps resolving keys against
 * one commit's key directory while a read-only pager refreshes to newer commits.
 *
 * <p>Thread-safety: thread-safe. Buffers are read-only, zero-copy views of the mapped file,
 * little-endian, valid until the pager closes.
 */
public interface BlobView {
    /** The store file. */
    Path file();

    /**
     * The blob under {@code key}.
     *
     * @throws java.util.NoSuchElementException if there is no blob under {@code key} in this view
     * @throws StoreCorruptedException          if the directory entry points outside the file
     */
    ByteBuffer get(long key) throws IOException;

    /**
     * Like {@link #get}, also checking the blob's CRC32C against the one recorded when it was put.
     *
     * @throws StoreCorruptedException naming the file, the file offset and both checksums on a mismatch
     */
    ByteBuffer getVerified(long key) throws IOException;

    /** Whether a blob is stored under {@code key} in this view. */
    boolean contains(long key);

    /** File offset of the blob under {@code key} in this view, or -1 if there is none. */
    long blobFileOffset(long key);
}
