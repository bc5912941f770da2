/**
 * <b>API.</b> The one write path ({@link dev.ingot.ingest.TableInserter}, Arrow batches in), the
 * FOREIGN KEY-ordered parallel {@link dev.ingot.ingest.BulkLoader}, the {@link dev.ingot.ingest.BatchSource}
 * interface every source implements, Arrow IPC files ({@link dev.ingot.ingest.ArrowIpcSource}), load
 * options and reports.
 */
package dev.ingot.ingest;
