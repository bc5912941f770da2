/**
 * <b>API.</b> A memory-mapped blob store keyed by 64-bit physical keys: the {@link dev.ingot.pager.Pager}
 * interface (key allocation, batched puts, zero-copy bounds-checked gets, atomic commits through two
 * alternating checksummed superblocks), its options and its typed exceptions. Implementations live in
 * {@code dev.ingot.pager.internal}.
 */
package dev.ingot.pager;
