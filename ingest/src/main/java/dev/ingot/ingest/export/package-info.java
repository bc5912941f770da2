/**
 * <b>API.</b> Exporting a committed table to a file that {@code ingot load} reads back into an identical
 * table ({@link dev.ingot.ingest.export.TableExporter}: delimited text, Arrow IPC, Parquet).
 */
package dev.ingot.ingest.export;
