/**
 * <b>API.</b> Table definitions from SQL {@code CREATE TABLE} statements (JSqlParser) and back.
 */
package dev.ingot.ingest.ddl;
