/**
 * <b>API (for the embedding API and the CLI).</b> A committed table as key checks and lookups see it
 * ({@link dev.ingot.ingest.keys.StoredTable}) and Java values in and out of Arrow vectors
 * ({@link dev.ingot.ingest.keys.ArrowValues}).
 */
package dev.ingot.ingest.keys;
