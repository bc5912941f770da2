/**
 * <b>API.</b> PRIMARY KEY, UNIQUE and FOREIGN KEY enforcement for bulk loads: {@link
 * dev.ingot.constraints.ConstraintService} owns the off-heap key sets and their lifetimes,
 * {@link dev.ingot.constraints.TableChecker} checks one table's batches, and violations raise
 * {@link dev.ingot.constraints.ConstraintViolationException}.
 */
package dev.ingot.constraints;
