/**
 * <b>Internal, not API.</b> Small helpers shared by every Ingot module (collecting the failures of a
 * close); public only because Java packages cannot be shared between modules otherwise. May change
 * without notice.
 */
package dev.ingot.memory.internal;
