/**
 * <b>Internal, not API.</b> The memory-mapped implementation of {@link dev.ingot.pager.Pager}: store
 * file I/O and segments, the key directory, superblocks and the commit protocol, key reservations,
 * file locks. May change in any release; reach it only through {@code dev.ingot.pager}.
 */
package dev.ingot.pager.internal;
