/**
 * <b>API.</b> The column store: a catalog of tables ({@link dev.ingot.columnstore.TableDef}: an Arrow
 * schema plus constraint specs), column writers that bulk-copy Arrow vectors into checksummed column
 * chunks, transactions and snapshots, and scans that return Arrow vectors.
 */
package dev.ingot.columnstore;
