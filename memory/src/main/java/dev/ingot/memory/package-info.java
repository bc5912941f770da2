/**
 * <b>API.</b> The one raw-memory layer: the accounted native allocator ({@link dev.ingot.memory.NativeAllocator},
 * limits per allocator tree, {@link dev.ingot.memory.MemoryLimitException}), owned blocks
 * ({@link dev.ingot.memory.MemoryBlock}), bounds-checked views of memory Ingot does not own
 * ({@link dev.ingot.memory.MemoryView}) and word-at-a-time bitmaps ({@link dev.ingot.memory.Bits}).
 * Nothing outside this package touches {@code Unsafe} or a raw address.
 */
package dev.ingot.memory;
