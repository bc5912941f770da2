/**
 * <b>API.</b> Parquet files as a {@link dev.ingot.ingest.BatchSource} (parquet-java; its shaded Hadoop
 * client is a run-time dependency of this package only).
 */
package dev.ingot.ingest.parquet;
