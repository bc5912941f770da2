/**
 * <b>Internal, not API.</b> Implementation of key encoding: how the key columns of a constraint, arriving as Arrow
 * vectors, are read in batches and mapped onto the hash sets of {@code dev.ingot.constraints.hash}.
 * Not a stable API.
 */
package dev.ingot.constraints.internal;
