package dev.ingot.ingest.text;

import java.nio.charset.StandardCharsets;

/** The display of field bytes in messages (UTF-8 validation: {@link dev.ingot.columnstore.Utf8}). Stateless. */
final class TextBytes {
    /** Characters of a value shown in a message; longer values end in {@code ...}. */
    static final int MAX_SHOWN_CHARS = 200;

    private TextBytes() {
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
