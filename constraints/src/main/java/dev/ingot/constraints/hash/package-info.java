/**
 * <b>API (for the modules above).</b> Off-heap open-addressing hash sets (linear probing, power-of-two tables, MurmurHash3 mixing)
 * whose memory comes from a {@link dev.ingot.memory.NativeAllocator}, modelled on Agrona's
 * {@code IntHashSet} / {@code LongHashSet}.
 */
package dev.ingot.constraints.hash;
