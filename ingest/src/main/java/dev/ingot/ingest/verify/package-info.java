/**
 * <b>API.</b> Verification of a store: every checksum, constraint and row count, with a profile per
 * column ({@link dev.ingot.ingest.verify.StoreVerifier}, {@link dev.ingot.ingest.verify.VerifyReport}).
 */
package dev.ingot.ingest.verify;
