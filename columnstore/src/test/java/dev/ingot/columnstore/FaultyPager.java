package dev.ingot.columnstore;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A pager that delegates to a real one and fails {@link #commit()} while {@link #failCommits} is set;
 * with it unset it keeps the whole {@link dev.ingot.pager.PagerContractTest Pager contract} ({@link FaultyPagerContractTest}).
 */
final class FaultyPager implements Pager {
    final Pager delegate;
    volatile boolean failCommits;

    FaultyPager(Pager delegate) {
        this.delegate = delegate;
    }

    @Override public Path file() { return delegate.file(); }
    @Override public KeyRange allocMany(int count) { return delegate.allocMany(count); }
    @Override public KeyReservation reserveKeys(int blockSize) { return delegate.reserveKeys(blockSize); }
    @Override public PagerWriter openWriter(String label, int keyBlockSize) {
        PagerWriter w = delegate.openWriter(label, keyBlockSize);
        return new PagerWriter() { // as the delegate's, but its pager is this one
            @Override public String label() { return w.label(); }
            @Override public long nextKey() { return w.nextKey(); }
            @Override public void put(long key, ByteBuffer blob) throws IOException { w.put(key, blob); }
            @Override public void putBatch(long[] keys, ByteBuffer[] blobs) throws IOException { w.putBatch(keys, blobs); }
            @Override public boolean free(long key) { return w.free(key); }
            @Override public PagerDiagnostics diagnostics() { return w.diagnostics(); }
            @Override public Pager pager() { return FaultyPager.this; }
        };
    }
    @Override public void put(long key, ByteBuffer blob) throws IOException { delegate.put(key, blob); }
    @Override public void putBatch(long[] keys, ByteBuffer[] blobs) throws IOException { delegate.putBatch(keys, blobs); }
    @Override public ByteBuffer get(long key) throws IOException { return delegate.get(key); }
    @Override public ByteBuffer getVerified(long key) throws IOException { return delegate.getVerified(key); }
    @Override public boolean contains(long key) { return delegate.contains(key); }
    @Override public long blobLength(long key) { return delegate.blobLength(key); }
    @Override public boolean free(long key) { return delegate.free(key); }
    @Override public long[] liveKeys() { return delegate.liveKeys(); }
    @Override public void setRootKey(int slot, long key) { delegate.setRootKey(slot, key); }
    @Override public long rootKey(int slot) { return delegate.rootKey(slot); }
    @Override public long epoch() { return delegate.epoch(); }
    @Override public long blobFileOffset(long key) { return delegate.blobFileOffset(key); }
    @Override public dev.ingot.pager.CommittedRoot committedRoot() { return delegate.committedRoot(); }
    @Override public boolean readOnly() { return delegate.readOnly(); }
    @Override public boolean refresh() throws IOException { return delegate.refresh(); }
    @Override public long fileSizeBytes() throws IOException { return delegate.fileSizeBytes(); }
    @Override public PagerDiagnostics diagnostics() { return delegate.diagnostics(); }
    @Override public void close() throws IOException { delegate.close(); }

    @Override
    public java.io.Closeable excludeReaders() throws IOException {
        return delegate.excludeReaders();
    }

    @Override
    public long compact() throws IOException {
        if (failCommits) {
            throw new IOException("injected commit failure");
        }
        return delegate.compact();
    }

    @Override
    public long commit() throws IOException {
        if (failCommits) {
            throw new IOException("injected commit failure");
        }
        return delegate.commit();
    }
}
