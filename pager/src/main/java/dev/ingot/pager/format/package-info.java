/**
 * <b>API (for the modules above the pager).</b> The one framing of every structure Ingot writes to a
 * store file: magic number, format version and a CRC32C, shared by the superblock, the key directory,
 * the catalog and the column chunks. Applications do not need it.
 */
package dev.ingot.pager.format;
