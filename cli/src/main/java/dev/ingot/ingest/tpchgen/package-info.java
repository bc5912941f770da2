/**
 * The in-process TPC-H generator (io.trino.tpch) as a {@link dev.ingot.ingest.BatchSource}, and
 * {@code .tbl} files written from it; used by {@code ingot load-tpch}, {@code ingot gen-tbl} and the
 * benchmarks. Part of the CLI module so that the library does not depend on the generator.
 */
package dev.ingot.ingest.tpchgen;
