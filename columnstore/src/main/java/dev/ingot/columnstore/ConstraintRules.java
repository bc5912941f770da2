package dev.ingot.columnstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one validator of constraint definitions across the tables of a store. The store runs it
 * when a table is defined ({@link ColumnStore#createTable}, against the committed tables and the
 * loads in progress) and again when it commits (against the committed tables only), the loaders
 * run it before they start, and {@link ColumnStore#definitionProblems()} and {@code verify} report
 * what it finds in a stored catalog. The rules:
 * <ol>
 *   <li>constraint names are unique in the store (across the PRIMARY KEY, UNIQUE and FOREIGN KEY
 *       constraints of all tables);</li>
 *   <li>a FOREIGN KEY's referenced table exists (and, at commit, is committed);</li>
 *   <li>its referenced columns are exactly the columns of a PRIMARY KEY or UNIQUE constraint of
 *       the referenced table (in any order, each once);</li>
 *   <li>each column's type is compatible with the referenced column's ({@link #compatible});</li>
 *   <li>the FOREIGN KEYs between tables form no cycle; a table referencing itself is allowed.</li>
 * </ol>
 * Rules that concern one table alone (column names, at most one PRIMARY KEY) are checked by
 * {@link TableDef} itself.
 *
 * <p>Thread-safety: stateless; all methods are thread-safe.
 */
public final class ConstraintRules {
    private ConstraintRules() {}

    /**
     * One broken rule.
     *
     * @param table      the table whose constraint breaks it
     * @param constraint that constraint (for a cycle, the FOREIGN KEY that closes it)
     * @param message    the problem in one sentence, naming the table, the constraint and what is wrong
     */
    public record Problem(String table, ConstraintSpec constraint, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    /**
     * Every problem of {@code tables} taken together, in table order.
     *
     * @param tables      the tables (e.g. a catalog, or the committed tables plus one being defined)
     * @param uncommitted names of tables that exist but are not committed yet: a FOREIGN KEY to
     *                    one of them is a problem (used at commit); empty otherwise
     */
    public static List<Problem> check(Collection<TableDef> tables, Set<String> uncommitted) {
        List<Problem> problems = new ArrayList<>();
        Map<String, TableDef> byName = new LinkedHashMap<>();
        for (TableDef t : tables) {
            byName.putIfAbsent(t.name(), t);
        }
        checkNames(tables, problems);
        for (TableDef t : tables) {
            for (ConstraintSpec fk : t.foreignKeys()) {
                String problem = foreignKeyProblem(t, fk, byName.get(fk.referencedTable()), uncommitted);
                if (problem != null) {
                    problems.add(new Problem(t.name(), fk, problem));
                }
            }
        }
        checkCycles(byName, problems);
        return problems;
    }

    /** {@link #check(Collection, Set)} with no uncommitted tables. */
    public static List<Problem> check(Collection<TableDef> tables) {
        return check(tables, Set.of());
    }

    /**
     * The problems that adding {@code added} to {@code others} brings: those of {@code others}
     * plus {@code added} that {@code others} alone do not have (so a stored catalog's old
     * problems never block an unrelated table).
     *
     * @param uncommitted as in {@link #check(Collection, Set)}
     */
    public static List<Problem> checkAdded(Collection<TableDef> added, Collection<TableDef> others, Set<String> uncommitted) {
        List<TableDef> with = new ArrayList<>(others);
        with.addAll(added);
        Set<String> before = new HashSet<>();
        for (Problem p : check(others, uncommitted)) {
            before.add(p.message());
        }
        List<Problem> found = new ArrayList<>();
        for (Problem p : check(with, uncommitted)) {
            if (!before.contains(p.message())) {
                found.add(p);
            }
        }
        return found;
    }

    /**
     * Throws if adding {@code added} to {@code others} breaks a rule ({@link #checkAdded}).
     *
     * @throws IllegalArgumentException naming every problem, separated by {@code "; "}
     */
    public static void requireValid(Collection<TableDef> added, Collection<TableDef> others) {
        List<Problem> problems = checkAdded(added, others, Set.of());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(describe(problems));
        }
    }

    /** The messages of {@code problems}, separated by {@code "; "}. */
    public static String describe(List<Problem> problems) {
        return String.join("; ", problems.stream().map(Problem::message).toList());
    }

    /**
     * Whether a FOREIGN KEY column of type {@code child} may reference a key column of type
     * {@code parent}: text references text; otherwise both are integers, dates, or DECIMALs of
     * the same scale (an integer counts as scale 0), because key sets compare stored values.
     */
    public static boolean compatible(ColumnType child, ColumnType parent) {
        return ColumnType.canReference(child, parent);
    }

    /** The PRIMARY KEY or UNIQUE constraint of {@code parent} whose columns are exactly {@code columns} (any order), or null. */
    public static ConstraintSpec referencedKey(TableDef parent, List<String> columns) {
        Set<String> wanted = new HashSet<>(columns);
        if (wanted.size() != columns.size()) {
            return null;
        }
        for (ConstraintSpec k : parent.keyConstraints()) {
            if (k.columns().size() == columns.size() && new HashSet<>(k.columns()).equals(wanted)) {
                return k;
            }
        }
        return null;
    }

    private static void checkNames(Collection<TableDef> tables, List<Problem> problems) {
        Map<String, String> firstUse = new HashMap<>();
        for (TableDef t : tables) {
            for (ConstraintSpec c : t.constraints()) {
                String use = c.describe() + " of table " + t.name();
                String earlier = firstUse.putIfAbsent(c.name(), use);
                if (earlier != null) {
                    problems.add(new Problem(t.name(), c, "constraint name \"" + c.name() + "\" is used twice, by " + earlier
                            + " and by " + use + "; constraint names must be unique in the store"));
                }
            }
        }
    }

    private static String foreignKeyProblem(TableDef child, ConstraintSpec fk, TableDef parent, Set<String> uncommitted) {
        String what = "FOREIGN KEY \"" + fk.name() + "\" of table " + child.name();
        if (uncommitted.contains(fk.referencedTable()) && !fk.referencedTable().equals(child.name())) {
            return what + " references table " + fk.referencedTable() + ", which is not committed yet";
        }
        if (parent == null) {
            return what + " references table " + fk.referencedTable() + ", which does not exist";
        }
        ConstraintSpec key = referencedKey(parent, fk.referencedColumns());
        if (key == null) {
            return what + " references " + parent.name() + " (" + String.join(", ", fk.referencedColumns())
                    + "), which is not a PRIMARY KEY or UNIQUE constraint of " + parent.name();
        }
        for (int i = 0; i < fk.columns().size(); i++) {
            ColumnType childType = child.column(fk.columns().get(i)).type();
            String parentColumn = fk.referencedColumns().get(i);
            ColumnType parentType = parent.column(parentColumn).type();
            if (!compatible(childType, parentType)) {
                return what + ": column " + fk.columns().get(i) + " " + childType + " cannot reference " + parent.name() + "."
                        + parentColumn + " " + parentType;
            }
        }
        return null;
    }

    /** Depth-first search over FOREIGN KEY edges (self-references skipped); one problem per back edge. */
    private static void checkCycles(Map<String, TableDef> byName, List<Problem> problems) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
        for (TableDef t : byName.values()) {
            visit(t, byName, state, new ArrayList<>(), problems);
        }
    }

    private static void visit(TableDef t, Map<String, TableDef> byName, Map<String, Integer> state, List<String> path,
                              List<Problem> problems) {
        if (state.containsKey(t.name())) {
            return;
        }
        state.put(t.name(), 1);
        path.add(t.name());
        for (ConstraintSpec fk : t.foreignKeys()) {
            TableDef parent = byName.get(fk.referencedTable());
            if (parent == null || parent.name().equals(t.name())) {
                continue;
            }
            Integer s = state.get(parent.name());
            if (s == null) {
                visit(parent, byName, state, path, problems);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(parent.name()), path.size()));
                cycle.add(parent.name());
                problems.add(new Problem(t.name(), fk, "foreign keys form a cycle: " + String.join(" -> ", cycle)
                        + " (closed by FOREIGN KEY \"" + fk.name() + "\" of table " + t.name() + ")"));
            }
        }
        path.remove(path.size() - 1);
        state.put(t.name(), 2);
    }
}
