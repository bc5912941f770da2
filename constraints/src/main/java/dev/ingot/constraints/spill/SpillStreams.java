package dev.ingot.constraints.spill;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Unsynchronised buffered writing and reading of the spill files' records: unsigned LEB128
 * varints and front-coded keys, through a 64 KiB byte array (the
 * JDK's buffered and data streams lock on every call). Not thread-safe; one owner each.
 *
 * <p>A front-coded key (the incremental encoding of sorted string tables, as Lucene's terms
 * dictionary and LevelDB's blocks) is written as the varint length of the prefix it shares with
 * the previous key of the same stream, the varint length of the rest, and the rest's bytes: keys
 * of a sorted file share most of their bytes with their predecessor (the next line of a TPC-H
 * order differs from the last in one byte), so a 16-byte key takes about 3 bytes.
 */
final class SpillStreams {
    static final int BUFFER = 1 << 16;

    private SpillStreams() {}

    /** Buffered output of one file; {@link #close()} flushes and closes. */
    static final class Out implements AutoCloseable {
        private final OutputStream out;
        private final byte[] buf = new byte[BUFFER];
        private int pos;
        private long written;
        private byte[] prev = new byte[32];
        private int prevLength;

        Out(OutputStream out) {
            this.out = out;
        }

        private void room(int n) throws IOException {
            if (pos + n > buf.length) {
                out.write(buf, 0, pos);
                pos = 0;
            }
        }

        void varint(int v) throws IOException {
            room(5);
            while ((v & ~0x7F) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
                written++;
            }
            buf[pos++] = (byte) v;
            written++;
        }

        void bytes(byte[] b, int off, int len) throws IOException {
            written += len;
            if (len > buf.length) {
                room(buf.length);
                out.write(buf, 0, pos);
                pos = 0;
                out.write(b, off, len);
                return;
            }
            room(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        }

        /** An unsigned LEB128 varint of a non-negative {@code long}. */
        void varlong(long v) throws IOException {
            room(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
                written++;
            }
            buf[pos++] = (byte) v;
            written++;
        }

        /** The key {@code key[from, from + length)}, front-coded against the previous key of this stream. */
        void frontKey(byte[] key, int from, int length) throws IOException {
            int shared = Arrays.mismatch(prev, 0, prevLength, key, from, from + length);
            if (shared < 0) {
                shared = length; // equal
            }
            varint(shared);
            varint(length - shared);
            bytes(key, from + shared, length - shared);
            if (length > prev.length) {
                prev = Arrays.copyOf(prev, Math.max(length, prev.length * 2));
            }
            System.arraycopy(key, from + shared, prev, shared, length - shared);
            prevLength = length;
        }

        /** Writes what is buffered to the file (readers opened afterwards see it). */
        void flush() throws IOException {
            if (pos > 0) {
                out.write(buf, 0, pos);
                pos = 0;
            }
            out.flush();
        }

        /** Bytes written so far. */
        long written() {
            return written;
        }

        @Override
        public void close() throws IOException {
            try {
                if (pos > 0) {
                    out.write(buf, 0, pos);
                    pos = 0;
                }
            } finally {
                out.close();
            }
        }
    }

    /** Buffered input of one file. */
    static final class In implements AutoCloseable {
        private final InputStream in;
        private final byte[] buf = new byte[BUFFER];
        private int pos;
        private int lim;
        private int keyLength;

        In(InputStream in) {
            this.in = in;
        }

        private void fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                throw new EOFException("spill file ends early");
            }
            pos = 0;
            lim = n;
        }

        private int next() throws IOException {
            if (pos == lim) {
                fill();
            }
            return buf[pos++] & 0xFF;
        }

        int varint() throws IOException {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = next();
                v |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("corrupt varint in spill file");
        }

        void bytes(byte[] dst, int off, int len) throws IOException {
            while (len > 0) {
                if (pos == lim) {
                    fill();
                }
                int n = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, dst, off, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        /** The length of the last {@link #frontKey}. */
        int keyLength() {
            return keyLength;
        }

        long varlong() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = next();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("corrupt varint in spill file");
        }

        /**
         * Reads a front-coded key into {@code key}, which must hold the previous key of this
         * stream (or, if it is too small, a larger copy of it, returned); its length is then
         * {@link #keyLength()}.
         */
        byte[] frontKey(byte[] key) throws IOException {
            int shared = varint();
            int rest = varint();
            if (shared > keyLength) {
                throw new IOException("corrupt front-coded key in spill file: shares " + shared + " of " + keyLength + " bytes");
            }
            if (shared + rest > key.length) {
                key = Arrays.copyOf(key, Math.max(shared + rest, key.length * 2));
            }
            bytes(key, shared, rest);
            keyLength = shared + rest;
            return key;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
