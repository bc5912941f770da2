package dev.ingot.pager.internal;

import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerWriter;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link PagerWriter} of a {@link MappedPager}: delegates to the pager and counts its key
 * allocations, puts and frees in its own diagnostics span (which also adds to the pager's
 * global counters).
 *
 * <p>Thread-safety: not thread-safe (its key reservation is not); holds no resources.
 */
final class SpanPagerWriter implements PagerWriter {
    private final MappedPager pager;
    private final String label;
    private final BlockKeyReservation keys;
    private final PagerDiagnostics span;

    SpanPagerWriter(MappedPager pager, String label, BlockKeyReservation keys, PagerDiagnostics span) {
        this.pager = pager;
        this.label = label;
        this.keys = keys;
        this.span = span;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long nextKey() {
        return keys.nextKey();
    }

    @Override
    public void put(long key, ByteBuffer blob) throws IOException {
        pager.put(key, blob, span);
    }

    @Override
    public void putBatch(long[] keys, ByteBuffer[] blobs) throws IOException {
        pager.putBatch(keys, blobs, span);
    }

    @Override
    public boolean free(long key) {
        return pager.free(key, span);
    }

    @Override
    public PagerDiagnostics diagnostics() {
        return span;
    }

    @Override
    public Pager pager() {
        return pager;
    }

    @Override
    public String toString() {
        return "PagerWriter[" + label + ", " + span.snapshot() + "]";
    }
}
