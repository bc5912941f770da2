package dev.ingot.ingest;

import java.io.IOException;

/**
 * A stream of Arrow batches for one table: the TPC-H generator, a {@code .tbl} file, an Arrow
 * IPC file. Produces batches in row order; may produce them on worker threads internally.
 *
 * <p>Thread-safety: one consumer thread calls {@link #next()}. Ownership: the caller closes the
 * source, and every batch it returns.
 */
public interface BatchSource extends AutoCloseable {
    /**
     * The next batch, or null when the source is exhausted.
     *
     * @throws IOException          on read or parse errors (parse errors name file, line, column)
     * @throws InterruptedException if the waiting thread is interrupted
     */
    InsertSource.ArrowBatch next() throws IOException, InterruptedException;

    /**
     * Nanoseconds this source's worker threads spent waiting because the consumer was behind
     * (back-pressure), summed over workers; 0 for sources without workers.
     */
    default long producerWaitNanos() {
        return 0;
    }

    /**
     * Bytes of input files that the batches returned so far cover, for progress: it grows as
     * batches are handed out and equals the input files' total size once {@link #next()} has
     * returned null; -1 for sources without input files (the generator). Callable from the
     * consumer thread only.
     */
    default long inputBytesRead() {
        return -1;
    }

    /** Stops any worker threads and frees buffers; batches already returned stay valid. */
    @Override
    void close();
}
