package dev.ingot.columnstore;

import dev.ingot.pager.PagerOptions;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Settings for {@link ColumnStore#open}. Immutable; build variants with the {@code with...} methods.
 *
 * @param pagerOptions       options of the pager file (segment size bounds the largest chunk)
 * @param keyBlockSize       pager keys each table writer reserves per allocation call (default 64)
 * @param verifyChunksOnRead whether readers recompute each chunk's CRC32C before decoding it
 *                           (default true; headers are validated either way)
 * @param stagingLimitBytes  most off-heap bytes all writers' staging chunks may hold at once
 *                           (default 4 GiB)
 * @param arrowAllocator     allocator for scan vectors, owned by the caller; null (default)
 *                           makes the store create and own a {@code RootAllocator}
 */
public record ColumnStoreOptions(PagerOptions pagerOptions, int keyBlockSize, boolean verifyChunksOnRead,
                                 long stagingLimitBytes, BufferAllocator arrowAllocator) {
    public ColumnStoreOptions {
        if (pagerOptions == null) {
            throw new IllegalArgumentException("pagerOptions is null");
        }
        if (keyBlockSize < 1 || keyBlockSize > (1 << 20)) {
            throw new IllegalArgumentException("keyBlockSize must be in [1, 2^20]: " + keyBlockSize);
        }
        if (stagingLimitBytes <= 0) {
            throw new IllegalArgumentException("stagingLimitBytes must be positive: " + stagingLimitBytes);
        }
    }

    /** Default options: default pager options, 64 keys per block, verify on read, 4 GiB staging. */
    public static ColumnStoreOptions defaults() {
        return new ColumnStoreOptions(PagerOptions.defaults(), 64, true, 4L << 30, null);
    }

    public ColumnStoreOptions withPagerOptions(PagerOptions options) {
        return new ColumnStoreOptions(options, keyBlockSize, verifyChunksOnRead, stagingLimitBytes, arrowAllocator);
    }

    public ColumnStoreOptions withKeyBlockSize(int keys) {
        return new ColumnStoreOptions(pagerOptions, keys, verifyChunksOnRead, stagingLimitBytes, arrowAllocator);
    }

    public ColumnStoreOptions withVerifyChunksOnRead(boolean verify) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, verify, stagingLimitBytes, arrowAllocator);
    }

    public ColumnStoreOptions withStagingLimitBytes(long bytes) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, verifyChunksOnRead, bytes, arrowAllocator);
    }

    public ColumnStoreOptions withArrowAllocator(BufferAllocator allocator) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, verifyChunksOnRead, stagingLimitBytes, allocator);
    }
}
