package dev.ingot.ingest.text;

import java.nio.charset.StandardCharsets;

/** UTF-8 validation and the display of field bytes in messages. Stateless. */
final class TextBytes {
    /** Characters of a value shown in a message; longer values end in {@code ...}. */
    static final int MAX_SHOWN_CHARS = 200;

    private TextBytes() {
    }

    /**
     * Code points in the UTF-8 bytes {@code buf[from .. to)}, or {@code -(i + 1)} where
     * {@code i} is the index of the first byte of an invalid sequence (RFC 3629: no overlong
     * forms, no surrogates, nothing above U+10FFFF) or of a NUL byte (which no SQL text holds,
     * as in PostgreSQL).
     */
    static int utf8CodePoints(byte[] buf, int from, int to) {
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

    /** The bytes of the invalid sequence starting at {@code at}, PostgreSQL style: {@code 0xc3 0x28}. */
    static String hexSequence(byte[] buf, int at, int to) {
        int b0 = buf[at] & 0xff;
        int len = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 1;
        StringBuilder sb = new StringBuilder();
        for (int i = at; i < Math.min(to, at + len); i++) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("0x%02x", buf[i] & 0xff));
        }
        return sb.toString();
    }

    /** The bytes as text (invalid UTF-8 replaced by U+FFFD); at most about 200 characters of a long field. */
    static String text(byte[] buf, int from, int to) {
        int n = Math.min(to - from, MAX_SHOWN_CHARS * 4 + 4);
        return new String(buf, from, n, StandardCharsets.UTF_8);
    }

    /**
     * The field as shown in a message: at most 200 characters, then {@code ...}; control
     * characters (NUL, tab, CR, ...) as {@code \xNN}.
     */
    static String shown(byte[] buf, int from, int to) {
        String s = text(buf, from, to);
        boolean cut = s.length() > MAX_SHOWN_CHARS || to - from > MAX_SHOWN_CHARS * 4 + 4;
        if (s.length() > MAX_SHOWN_CHARS) {
            s = s.substring(0, MAX_SHOWN_CHARS);
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                sb.append(String.format("\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        String out = sb == null ? s : sb.toString();
        return cut ? out + "..." : out;
    }
}
