package dev.ingot.constraints.spill;

import java.util.List;

/**
 * The lowest violating row an external check found: its row id (0-based within the table's load)
 * and its key's column values, in the constraint's key column order. Immutable.
 */
public record SpilledViolation(long rowId, List<Object> keyValues) {
}
