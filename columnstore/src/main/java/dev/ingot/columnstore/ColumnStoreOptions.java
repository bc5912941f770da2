package dev.ingot.columnstore;

import dev.ingot.pager.PagerOptions;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Settings for {@link ColumnStore#open}. Immutable; build variants with the {@code with...} methods.
 *
 * @param pagerOptions       options of the pager file (segment size bounds the largest chunk)
 * @param keyBlockSize       pager keys each table writer reserves per allocation call (default 64)
 * @param chunkVerification  when readers recompute a chunk's CRC32C before using it (default
 *                           {@link ChunkVerification#FIRST_READ}: once per chunk per open store;
 *                           headers are validated on every read either way)
 * @param stagingLimitBytes  most off-heap bytes all writers' staging chunks may hold at once
 *                           (default 4 GiB)
 * @param arrowAllocator     allocator for scan vectors, owned by the caller; null (default)
 *                           makes the store create and own a {@code RootAllocator}
 * @param zeroCopyReads      whether readers hand out PLAIN chunks as Arrow buffers over the mapped
 *                           file instead of copies (default true; see {@link TableReader} for what
 *                           that asks of the caller: such vectors are read-only)
 * @param sealThreads        threads that seal the chunks of a full row group, the appending thread
 *                           included (default: the available processors, at most 4); the store
 *                           starts {@code sealThreads - 1} daemon threads for it on the first full
 *                           row group and ends them when closed or idle. The store file is the same
 *                           for every value; 1 seals on the appending thread alone
 */
public record ColumnStoreOptions(PagerOptions pagerOptions, int keyBlockSize, ChunkVerification chunkVerification,
                                 long stagingLimitBytes, BufferAllocator arrowAllocator, boolean zeroCopyReads,
                                 int sealThreads) {
    public ColumnStoreOptions {
        if (pagerOptions == null) {
            throw new IllegalArgumentException("pagerOptions is null");
        }
        if (keyBlockSize < 1 || keyBlockSize > (1 << 20)) {
            throw new IllegalArgumentException("keyBlockSize must be in [1, 2^20]: " + keyBlockSize);
        }
        if (chunkVerification == null) {
            throw new IllegalArgumentException("chunkVerification is null");
        }
        if (stagingLimitBytes <= 0) {
            throw new IllegalArgumentException("stagingLimitBytes must be positive: " + stagingLimitBytes);
        }
        if (sealThreads < 1 || sealThreads > 256) {
            throw new IllegalArgumentException("sealThreads must be in [1, 256]: " + sealThreads);
        }
    }

    /**
     * Default options: default pager options, 64 keys per block, each chunk's CRC32C verified on its
     * first read, 4 GiB staging, zero-copy reads, row groups sealed by up to 4 threads (the available
     * processors).
     */
    public static ColumnStoreOptions defaults() {
        return new ColumnStoreOptions(PagerOptions.defaults(), 64, ChunkVerification.FIRST_READ, 4L << 30, null, true,
                Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public ColumnStoreOptions withPagerOptions(PagerOptions options) {
        return new ColumnStoreOptions(options, keyBlockSize, chunkVerification, stagingLimitBytes, arrowAllocator, zeroCopyReads, sealThreads);
    }

    public ColumnStoreOptions withKeyBlockSize(int keys) {
        return new ColumnStoreOptions(pagerOptions, keys, chunkVerification, stagingLimitBytes, arrowAllocator, zeroCopyReads, sealThreads);
    }

    public ColumnStoreOptions withChunkVerification(ChunkVerification verification) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, verification, stagingLimitBytes, arrowAllocator, zeroCopyReads, sealThreads);
    }

    public ColumnStoreOptions withStagingLimitBytes(long bytes) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, chunkVerification, bytes, arrowAllocator, zeroCopyReads, sealThreads);
    }

    public ColumnStoreOptions withArrowAllocator(BufferAllocator allocator) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, chunkVerification, stagingLimitBytes, allocator, zeroCopyReads, sealThreads);
    }

    public ColumnStoreOptions withZeroCopyReads(boolean zeroCopy) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, chunkVerification, stagingLimitBytes, arrowAllocator, zeroCopy, sealThreads);
    }

    /** These options with {@code threads} sealing each full row group (1: the appending thread alone). */
    public ColumnStoreOptions withSealThreads(int threads) {
        return new ColumnStoreOptions(pagerOptions, keyBlockSize, chunkVerification, stagingLimitBytes, arrowAllocator, zeroCopyReads, threads);
    }
}
