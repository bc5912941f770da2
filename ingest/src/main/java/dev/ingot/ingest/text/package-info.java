/**
 * <b>API.</b> The one delimited-text reader (CSV, TSV, dbgen {@code .tbl}): dialects, the parallel
 * {@link dev.ingot.ingest.text.DelimitedTextSource}, value parsers per column type, rejected lines and
 * {@link dev.ingot.ingest.text.TextParseException} naming file, line, column and value.
 */
package dev.ingot.ingest.text;
