package dev.ingot.sql.cli;

import java.sql.SQLException;

/** The useful part of a Calcite failure: the innermost message that says what went wrong. */
final class IngotDriverMessages {
    private IngotDriverMessages() {}

    /**
     * The deepest non-empty message along the cause chain (Calcite wraps a validation error such
     * as "Object 'x' not found" or a parse error with its position in several generic layers).
     */
    static String of(SQLException e) {
        String best = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t.getMessage();
            }
        }
        return best == null ? e.toString() : best.replace('\n', ' ');
    }
}
