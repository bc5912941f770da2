package dev.ingot.pager;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A writer's view of a {@link Pager}: its own {@link KeyReservation}, and puts and frees that
 * are counted both in the pager's global {@link PagerDiagnostics} and in this writer's span
 * ({@link #diagnostics()}), so a loader can report churn per table even when tables load in
 * parallel.
 *
 * <p>Thread-safety: not thread-safe (one writer per table writer thread). Closing is not
 * needed and not provided: a writer holds no resources.
 */
public interface PagerWriter {
    /** The span's name (usually the table name). */
    String label();

    /** Takes the next key from this writer's reservation. */
    long nextKey();

    /** {@link Pager#put}, counted in this span. */
    void put(long key, ByteBuffer blob) throws IOException;

    /** {@link Pager#putBatch}, counted in this span. */
    void putBatch(long[] keys, ByteBuffer[] blobs) throws IOException;

    /** {@link Pager#free}, counted in this span. */
    boolean free(long key);

    /** The span's counters (only this writer's activity). */
    PagerDiagnostics diagnostics();

    /** The pager written to. */
    Pager pager();
}
