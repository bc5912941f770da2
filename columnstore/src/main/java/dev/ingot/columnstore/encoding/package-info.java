/**
 * <b>API (read-only meaning).</b> The value encodings a column chunk may use, as recorded in its header
 * and reported by diagnostics; the codecs themselves are internal.
 */
package dev.ingot.columnstore.encoding;
