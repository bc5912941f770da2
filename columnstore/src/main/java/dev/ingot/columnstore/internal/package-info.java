/**
 * <b>Internal, not API.</b> The column store implementation: chunk and catalog formats and codecs,
 * writers, readers, deletion vectors, compaction. May change in any release; reach it only through
 * {@code dev.ingot.columnstore}.
 */
package dev.ingot.columnstore.internal;
