/**
 * Public API: scans with pushdown over a {@link dev.ingot.columnstore.TableReader}.
 * {@link dev.ingot.columnstore.scan.Predicate} is the one predicate model of Ingot (comparisons,
 * ranges, IN lists, IS [NOT] NULL, AND/OR/NOT over columns of every type, SQL's three-valued logic),
 * evaluated against a row group's zone maps (chunk statistics) and, vectorized, over a batch's
 * vectors; {@link dev.ingot.columnstore.scan.SelectionScan} yields row groups as Arrow vectors with
 * a selection (matching live rows) instead of filtered copies; {@link dev.ingot.columnstore.scan.RowGroupRange}
 * splits a table for parallel scans; {@link dev.ingot.columnstore.scan.Vectors} reads a batch's
 * values into Java arrays with one bounds check per chunk, for engines' tight loops.
 */
package dev.ingot.columnstore.scan;
