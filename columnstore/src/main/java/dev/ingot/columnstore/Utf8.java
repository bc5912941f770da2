package dev.ingot.columnstore;

/**
 * UTF-8 (RFC 3629) as CHAR/VARCHAR values hold it: the one place that validates it and counts
 * its characters (code points), for the text reader's fields and the column writer's VARCHAR(n)
 * check alike. Stateless and thread-safe.
 */
public final class Utf8 {
    private Utf8() {}

    /**
     * Code points in the UTF-8 bytes {@code buf[from .. to)}, or {@code -(i + 1)} where
     * {@code i} is the index of the first byte of an invalid sequence (RFC 3629: no overlong
     * forms, no surrogates, nothing above U+10FFFF) or of a NUL byte (which no SQL text holds,
     * as in PostgreSQL).
     */
    public static int codePoints(byte[] buf, int from, int to) {
        int count = 0;
        int i = from;
        while (i < to) {
            int b0 = buf[i] & 0xff;
            int need;
            int min2 = 0x80;
            int max2 = 0xbf;
            if (b0 < 0x80) {
                if (b0 == 0) {
                    return -(i + 1);
                }
                i++;
                count++;
                continue;
            } else if (b0 < 0xc2) {
                return -(i + 1);
            } else if (b0 < 0xe0) {
                need = 1;
            } else if (b0 < 0xf0) {
                need = 2;
                if (b0 == 0xe0) {
                    min2 = 0xa0;
                } else if (b0 == 0xed) {
                    max2 = 0x9f;
                }
            } else if (b0 < 0xf5) {
                need = 3;
                if (b0 == 0xf0) {
                    min2 = 0x90;
                } else if (b0 == 0xf4) {
                    max2 = 0x8f;
                }
            } else {
                return -(i + 1);
            }
            if (i + need >= to) {
                return -(i + 1);
            }
            int b1 = buf[i + 1] & 0xff;
            if (b1 < min2 || b1 > max2) {
                return -(i + 1);
            }
            for (int k = 2; k <= need; k++) {
                int bk = buf[i + k] & 0xff;
                if (bk < 0x80 || bk > 0xbf) {
                    return -(i + 1);
                }
            }
            i += need + 1;
            count++;
        }
        return count;
    }
}
