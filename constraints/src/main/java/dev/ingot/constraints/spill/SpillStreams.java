package dev.ingot.constraints.spill;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Unsynchronised buffered writing and reading of the spill files' records: unsigned LEB128
 * varints, raw bytes and big-endian longs, through a 64 KiB byte array (the JDK's buffered and
 * data streams lock on every call). Not thread-safe; one owner each.
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

        void longBE(long v) throws IOException {
            room(8);
            for (int i = 7; i >= 0; i--) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
            written += 8;
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

        /**
         * Reads a key written as its varint length and bytes into {@code key} (or, if it is too
         * small, a new larger array, returned); its length is then {@link #keyLength()}.
         */
        byte[] key(byte[] key) throws IOException {
            keyLength = varint();
            if (keyLength > key.length) {
                key = new byte[Math.max(keyLength, key.length * 2)];
            }
            bytes(key, 0, keyLength);
            return key;
        }

        /** The length of the last {@link #key}. */
        int keyLength() {
            return keyLength;
        }

        long longBE() throws IOException {
            if (lim - pos >= 8) {
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v = (v << 8) | (buf[pos++] & 0xFFL);
                }
                return v;
            }
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | next();
            }
            return v;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
