/**
 * <b>API.</b> The TPC-H schema with every PRIMARY and FOREIGN KEY ({@link dev.ingot.ingest.tpch.TpchSchema},
 * row counts per scale factor) and dbgen {@code .tbl} files as a source
 * ({@link dev.ingot.ingest.tpch.TblFileSource}). The in-process generator is not here: it is the CLI
 * modules {@code dev.ingot.ingest.tpchgen} (io.trino.tpch).
 */
package dev.ingot.ingest.tpch;
