/**
 * <b>API: the entry point a JVM application embeds.</b> {@link dev.ingot.Ingot#open} owns the
 * allocators, the store and the constraint state; {@link dev.ingot.Transaction} appends Arrow batches,
 * deletes and commits atomically; {@link dev.ingot.Lookup} finds rows by primary or unique key;
 * {@link dev.ingot.Scan} reads columns back as Arrow vectors.
 */
package dev.ingot;
