package dev.ingot.ingest.ddl;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;
import net.sf.jsqlparser.statement.create.table.Index;

/**
 * Table definitions from SQL {@code CREATE TABLE} statements, and back ({@link #toDdl}).
 * Statements are parsed by JSqlParser (5.3, {@code com.github.jsqlparser:jsqlparser}); this class
 * splits the script at semicolons outside quotes and comments, maps the parsed statements to
 * {@link TableDef}s and checks what JSqlParser accepts loosely (type names, column options).
 *
 * <h2>Accepted</h2>
 * <ul>
 *   <li>Types (any case): BOOLEAN/BOOL; TINYINT; SMALLINT/INT2; INTEGER/INT/INT4; BIGINT/INT8;
 *       REAL/FLOAT4; DOUBLE/DOUBLE PRECISION/FLOAT/FLOAT8; DECIMAL/NUMERIC(p[,s]) with
 *       1 &lt;= p &lt;= 38 (a precision is required); DATE; TIME; TIMESTAMP;
 *       TIMESTAMP WITH TIME ZONE/TIMESTAMPTZ; CHAR/CHARACTER[(n)] (n = 1 when omitted);
 *       VARCHAR/CHARACTER VARYING[(n)], TEXT, STRING (unbounded without n); VARBINARY[(n)],
 *       BYTEA, BLOB; UUID.</li>
 *   <li>Column options: NOT NULL, NULL, PRIMARY KEY (implies NOT NULL), UNIQUE,
 *       REFERENCES t [(c)], each optionally named by CONSTRAINT name.</li>
 *   <li>Table constraints: [CONSTRAINT name] PRIMARY KEY (cols), UNIQUE (cols),
 *       FOREIGN KEY (cols) REFERENCES t [(cols)]; composite and self-referencing ones. A
 *       REFERENCES without columns means the referenced table's PRIMARY KEY.</li>
 *   <li>Identifiers: unquoted ones are folded to lower case (as PostgreSQL does), double-quoted
 *       ones are kept as written.</li>
 *   <li>Unnamed constraints get PostgreSQL's names: {@code <table>_pkey},
 *       {@code <table>_<columns>_key}, {@code <table>_<columns>_fkey}.</li>
 * </ul>
 * Anything else (DEFAULT, CHECK, indexes, other statements) is refused with a
 * {@link SchemaParseException} naming the statement, line and column. A table's constraints are
 * kept as PRIMARY KEY, then UNIQUEs, then FOREIGN KEYs, each in declaration order (the order
 * violations are reported in).
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlSchema {
    private static final Pattern TYPE = Pattern.compile("([A-Za-z][A-Za-z0-9 ]*?)\\s*(?:\\(\\s*([0-9]+)\\s*(?:,\\s*([0-9]+)\\s*)?\\))?");
    /** Words that must be quoted to be used as names ({@link #toDdl}). */
    private static final Set<String> RESERVED = Set.of("all", "and", "as", "by", "check", "column", "constraint", "create",
            "default", "distinct", "foreign", "from", "group", "in", "index", "key", "limit", "not", "null", "or", "order",
            "primary", "references", "select", "table", "to", "union", "unique", "user", "value", "values", "where", "with",
            "date", "time", "timestamp", "end", "offset", "on", "is", "like", "between", "case", "when", "then", "else");

    private SqlSchema() {}

    /**
     * Parses {@code script} with no tables outside it (see {@link #parse(String, String, Function)}).
     *
     * @throws SchemaParseException for any statement that cannot become a table definition
     */
    public static List<TableDef> parse(String script, String source) throws SchemaParseException {
        return parse(script, source, name -> Optional.empty());
    }

    /**
     * The tables of the {@code CREATE TABLE} statements of {@code script}, in statement order.
     *
     * @param source   the script's name for messages (a file as given)
     * @param existing tables outside the script that a REFERENCES without columns may name
     *                 (their PRIMARY KEY is looked up there)
     * @throws SchemaParseException for a syntax error, another kind of statement, an unknown
     *                              type or column option, a constraint naming an unknown column,
     *                              a table defined twice, or a definition {@link TableDef} refuses
     */
    public static List<TableDef> parse(String script, String source, Function<String, Optional<TableDef>> existing)
            throws SchemaParseException {
        Map<String, TableDef> tables = new LinkedHashMap<>();
        List<int[]> spans = split(script);
        int number = 0;
        for (int[] span : spans) {
            number++;
            Where at = new Where(script, source, number, span[0]);
            String text = script.substring(span[0], span[1]);
            Statement st;
            try {
                st = new CCJSqlParser(text).Statement();
            } catch (ParseException e) {
                Token t = e.currentToken != null && e.currentToken.next != null ? e.currentToken.next : null;
                String found = t == null || t.image == null || t.image.isEmpty() ? "the end of the statement" : "\"" + t.image + "\"";
                throw at.error("syntax error at " + found, t == null ? 1 : t.beginLine, t == null ? 1 : t.beginColumn);
            } catch (RuntimeException | Error e) { // JSqlParser's lexical errors (TokenMgrException)
                throw at.error("syntax error: " + String.valueOf(e.getMessage()).replace('\n', ' '), 1, 1);
            }
            if (!(st instanceof CreateTable)) {
                throw at.error("only CREATE TABLE statements are supported, not " + firstWord(text), 1, 1);
            }
            CreateTable ct = (CreateTable) st;
            at.table = name(ct.getTable().getName());
            if (ct.getColumnDefinitions() == null || ct.getSelect() != null || ct.getLikeTable() != null) {
                throw at.errorAt("CREATE TABLE " + at.table + " needs a list of column definitions", ct.getTable().getName());
            }
            if (tables.containsKey(at.table)) {
                throw at.errorAt("table " + at.table + " is defined twice", ct.getTable().getName());
            }
            TableDef def = table(ct, at, tables, existing);
            tables.put(def.name(), def);
        }
        return List.copyOf(tables.values());
    }

    private static TableDef table(CreateTable ct, Where at, Map<String, TableDef> tables,
                                  Function<String, Optional<TableDef>> existing) throws SchemaParseException {
        String tableName = at.table;
        List<String> names = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        List<Boolean> notNull = new ArrayList<>();
        ConstraintSpec pk = null;
        List<ConstraintSpec> uniques = new ArrayList<>();
        List<String[]> fkRaw = new ArrayList<>(); // name, columns, table, referenced columns (comma-joined, may be empty)
        for (ColumnDefinition cd : ct.getColumnDefinitions()) {
            String col = name(cd.getColumnName());
            if (names.contains(col)) {
                throw at.errorAt("column " + col + " is defined twice", cd.getColumnName());
            }
            names.add(col);
            types.add(type(cd, col, at));
            boolean nn = false;
            List<String> specs = cd.getColumnSpecs() == null ? List.of() : cd.getColumnSpecs();
            String constraintName = null;
            for (int i = 0; i < specs.size(); i++) {
                String w = specs.get(i).toUpperCase(Locale.ROOT);
                String next = i + 1 < specs.size() ? specs.get(i + 1).toUpperCase(Locale.ROOT) : "";
                if (w.equals("CONSTRAINT") && i + 1 < specs.size()) {
                    constraintName = name(specs.get(++i));
                    continue;
                }
                if (w.equals("NOT") && next.equals("NULL")) {
                    nn = true;
                    i++;
                } else if (w.equals("NULL")) {
                    nn = false;
                } else if (w.equals("PRIMARY") && next.equals("KEY")) {
                    if (pk != null) {
                        throw at.errorAt("table " + tableName + " has more than one PRIMARY KEY", cd.getColumnName());
                    }
                    pk = ConstraintSpec.primaryKey(constraintName != null ? constraintName : tableName + "_pkey", col);
                    nn = true;
                    i++;
                } else if (w.equals("UNIQUE")) {
                    uniques.add(ConstraintSpec.unique(constraintName != null ? constraintName : tableName + "_" + col + "_key", col));
                } else if (w.equals("REFERENCES") && i + 1 < specs.size()) {
                    String ref = name(specs.get(++i));
                    String refCols = "";
                    if (i + 1 < specs.size() && specs.get(i + 1).startsWith("(")) {
                        refCols = specs.get(++i);
                    }
                    fkRaw.add(new String[] {constraintName != null ? constraintName : tableName + "_" + col + "_fkey", col, ref,
                            stripParens(refCols), cd.getColumnName()});
                } else {
                    throw at.errorAt("unsupported column option " + specs.get(i) + " for column " + col
                            + " (supported: NOT NULL, NULL, PRIMARY KEY, UNIQUE, REFERENCES, CONSTRAINT name)", cd.getColumnName());
                }
                constraintName = null;
            }
            notNull.add(nn);
        }
        if (ct.getIndexes() != null) {
            for (Index idx : ct.getIndexes()) {
                String kind = idx.getType() == null ? "" : idx.getType().toUpperCase(Locale.ROOT);
                List<String> cols = new ArrayList<>();
                for (String c : idx.getColumnsNames()) {
                    cols.add(name(c));
                }
                String anchor = idx.getColumnsNames().isEmpty() ? kind : idx.getColumnsNames().get(0);
                for (String c : cols) {
                    if (!names.contains(c)) {
                        throw at.errorAt("constraint names unknown column " + tableName + "." + c, anchor);
                    }
                }
                String given = idx.getName() == null ? null : name(idx.getName());
                if (idx instanceof ForeignKeyIndex fk) {
                    fkRaw.add(new String[] {given != null ? given : tableName + "_" + String.join("_", cols) + "_fkey",
                            String.join(",", cols), name(fk.getTable().getName()),
                            fk.getReferencedColumnNames() == null ? "" : String.join(",", fk.getReferencedColumnNames()), anchor});
                } else if (kind.equals("PRIMARY KEY")) {
                    if (pk != null) {
                        throw at.errorAt("table " + tableName + " has more than one PRIMARY KEY", anchor);
                    }
                    pk = ConstraintSpec.primaryKey(given != null ? given : tableName + "_pkey", cols.toArray(new String[0]));
                    for (String c : cols) {
                        notNull.set(names.indexOf(c), true);
                    }
                } else if (kind.equals("UNIQUE")) {
                    uniques.add(ConstraintSpec.unique(given != null ? given : tableName + "_" + String.join("_", cols) + "_key",
                            cols.toArray(new String[0])));
                } else {
                    throw at.errorAt("unsupported table element " + (kind.isEmpty() ? "" : kind + " ") + "(supported: PRIMARY KEY,"
                            + " UNIQUE, FOREIGN KEY)", anchor);
                }
            }
        }
        List<ColumnDef> columns = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            columns.add(new ColumnDef(names.get(i), types.get(i), !notNull.get(i)));
        }
        List<ConstraintSpec> constraints = new ArrayList<>();
        if (pk != null) {
            constraints.add(pk);
        }
        constraints.addAll(uniques);
        for (String[] fk : fkRaw) {
            List<String> cols = List.of(fk[1].split(","));
            for (String c : cols) {
                if (!names.contains(c)) {
                    throw at.errorAt("constraint " + fk[0] + " names unknown column " + tableName + "." + c, fk[4]);
                }
            }
            List<String> refCols = new ArrayList<>();
            if (fk[3].isBlank()) {
                ConstraintSpec refPk;
                if (fk[2].equals(tableName)) {
                    refPk = pk;
                } else {
                    TableDef ref = tables.containsKey(fk[2]) ? tables.get(fk[2]) : existing.apply(fk[2]).orElse(null);
                    if (ref == null) {
                        throw at.errorAt("FOREIGN KEY " + fk[0] + " references table " + fk[2]
                                + ", which is not defined before it; name the referenced columns or define " + fk[2] + " first", fk[4]);
                    }
                    refPk = ref.primaryKey().orElse(null);
                }
                if (refPk == null) {
                    throw at.errorAt("FOREIGN KEY " + fk[0] + " references table " + fk[2] + " without columns, but " + fk[2]
                            + " has no PRIMARY KEY", fk[4]);
                }
                refCols.addAll(refPk.columns());
            } else {
                for (String c : fk[3].split(",")) {
                    refCols.add(name(c.trim()));
                }
            }
            if (refCols.size() != cols.size()) {
                throw at.errorAt("FOREIGN KEY " + fk[0] + " has " + cols.size() + " columns but references " + refCols.size(), fk[4]);
            }
            constraints.add(ConstraintSpec.foreignKey(fk[0], cols, fk[2], refCols));
        }
        try {
            return new TableDef(tableName, columns, constraints);
        } catch (IllegalArgumentException e) {
            throw at.errorAt(e.getMessage(), ct.getTable().getName());
        }
    }

    private static ColumnType type(ColumnDefinition cd, String col, Where at) throws SchemaParseException {
        String written = cd.getColDataType().getDataType();
        List<String> args = cd.getColDataType().getArgumentsStringList();
        if (args != null && !args.isEmpty()) {
            written = written + "(" + String.join(",", args) + ")";
        }
        Matcher m = TYPE.matcher(written.trim());
        if (!m.matches()) {
            throw at.errorAt("unknown column type " + written + " for column " + col, cd.getColumnName());
        }
        String base = m.group(1).trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        Integer p1 = m.group(2) == null ? null : Integer.valueOf(m.group(2));
        Integer p2 = m.group(3) == null ? null : Integer.valueOf(m.group(3));
        try {
            ColumnType t = plain(base);
            if (t != null) {
                if (p1 != null) {
                    throw new IllegalArgumentException(base + " takes no length or precision");
                }
                return t;
            }
            switch (base) {
                case "DECIMAL":
                case "NUMERIC":
                    if (p1 == null) {
                        throw new IllegalArgumentException(base + " needs a precision: DECIMAL(p, s) with 1 <= p <= 38");
                    }
                    return ColumnType.decimal(p1, p2 == null ? 0 : p2);
                case "CHAR":
                case "CHARACTER":
                    noScale(base, p2);
                    return ColumnType.charOf(p1 == null ? 1 : p1);
                case "VARCHAR":
                case "CHARACTER VARYING":
                    noScale(base, p2);
                    return p1 == null ? ColumnType.varchar() : ColumnType.varchar(p1);
                case "VARBINARY":
                case "BINARY VARYING":
                    noScale(base, p2);
                    return p1 == null ? ColumnType.varbinary() : ColumnType.varbinary(p1);
                default:
                    throw new IllegalArgumentException("unknown column type " + written);
            }
        } catch (IllegalArgumentException e) {
            throw at.errorAt(e.getMessage() + " for column " + col, cd.getColumnName());
        }
    }

    private static void noScale(String base, Integer p2) {
        if (p2 != null) {
            throw new IllegalArgumentException(base + " takes one length");
        }
    }

    /** Types without parameters, or null. */
    private static ColumnType plain(String base) {
        switch (base) {
            case "BOOLEAN": case "BOOL": return ColumnType.bool();
            case "TINYINT": return ColumnType.int8();
            case "SMALLINT": case "INT2": return ColumnType.int16();
            case "INTEGER": case "INT": case "INT4": return ColumnType.int32();
            case "BIGINT": case "INT8": return ColumnType.int64();
            case "REAL": case "FLOAT4": return ColumnType.float32();
            case "DOUBLE": case "DOUBLE PRECISION": case "FLOAT": case "FLOAT8": return ColumnType.float64();
            case "DATE": return ColumnType.date();
            case "TIME": return ColumnType.time();
            case "TIMESTAMP": case "TIMESTAMP WITHOUT TIME ZONE": return ColumnType.timestamp();
            case "TIMESTAMP WITH TIME ZONE": case "TIMESTAMPTZ": return ColumnType.timestampTz();
            case "TEXT": case "STRING": return ColumnType.varchar();
            case "BYTEA": case "BLOB": return ColumnType.varbinary();
            case "UUID": return ColumnType.uuid();
            default: return null;
        }
    }

    /** An identifier as written: double-quoted kept (doubled quotes undone), unquoted folded to lower case. */
    static String name(String written) {
        String s = written.trim();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static String stripParens(String s) {
        String t = s.trim();
        return t.startsWith("(") && t.endsWith(")") ? t.substring(1, t.length() - 1) : t;
    }

    private static String firstWord(String text) {
        String t = text.strip();
        int sp = 0;
        while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) {
            sp++;
        }
        return t.substring(0, sp).toUpperCase(Locale.ROOT);
    }

    /**
     * Statement spans {@code [from, to)} of the script: split at semicolons outside single- and
     * double-quoted text and {@code --} / block comments; spans holding only blanks and comments
     * are dropped.
     */
    static List<int[]> split(String s) {
        List<int[]> spans = new ArrayList<>();
        int start = 0;
        boolean content = false;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                continue;
            }
            if (c == '\'' || c == '"') {
                content = true;
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    j++;
                }
                i = j + 1;
                continue;
            }
            if (c == ';') {
                if (content) {
                    spans.add(new int[] {start, i});
                }
                start = i + 1;
                content = false;
            } else if (!Character.isWhitespace(c)) {
                if (!content) {
                    start = i;
                }
                content = true;
            }
            i++;
        }
        if (content) {
            spans.add(new int[] {start, s.length()});
        }
        return spans;
    }

    /** Where a statement is, for messages. */
    private static final class Where {
        final String script;
        final String source;
        final int number;
        final int offset;
        String table;

        Where(String script, String source, int number, int offset) {
            this.script = script;
            this.source = source;
            this.number = number;
            this.offset = offset;
        }

        /** An error at (line, column) of the statement text. */
        SchemaParseException error(String problem, int line, int column) {
            int abs = offset;
            for (int l = 1; l < line && abs < script.length(); abs++) {
                if (script.charAt(abs) == '\n') {
                    l++;
                }
            }
            return errorAtOffset(problem, Math.min(script.length(), abs + column - 1));
        }

        /** An error at the first occurrence of {@code needle} in the statement (else at its start). */
        SchemaParseException errorAt(String problem, String needle) {
            int at = needle == null ? -1 : script.indexOf(needle, offset);
            return errorAtOffset(problem, at < 0 ? offset : at);
        }

        private SchemaParseException errorAtOffset(String problem, int abs) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < abs; i++) {
                if (script.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new SchemaParseException(problem, source, number, table, line, abs - lineStart + 1);
        }
    }

    /**
     * The DDL of {@code tables}: one {@code CREATE TABLE} statement each, columns with their SQL
     * types and NOT NULL, then every constraint as a named table constraint. {@link #parse} of the
     * result gives equal {@link TableDef}s (tables in the order given, which must list referenced
     * tables before the tables referencing them for REFERENCES without columns; this method
     * always names the referenced columns).
     */
    public static String toDdl(List<TableDef> tables) {
        StringBuilder sb = new StringBuilder();
        for (TableDef t : tables) {
            sb.append("CREATE TABLE ").append(quote(t.name())).append(" (\n");
            List<String> lines = new ArrayList<>();
            for (ColumnDef c : t.columns()) {
                lines.add("  " + quote(c.name()) + " " + c.type().sqlName() + (c.nullable() ? "" : " NOT NULL"));
            }
            for (ConstraintSpec k : t.constraints()) {
                String l = "  CONSTRAINT " + quote(k.name()) + " " + k.kind().sql() + " (" + names(k.columns()) + ")";
                if (k.kind() == ConstraintSpec.Kind.FOREIGN_KEY) {
                    l += " REFERENCES " + quote(k.referencedTable()) + " (" + names(k.referencedColumns()) + ")";
                }
                lines.add(l);
            }
            sb.append(String.join(",\n", lines)).append("\n);\n");
        }
        return sb.toString();
    }

    private static String names(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) {
            q.add(quote(n));
        }
        return String.join(", ", q);
    }

    /** {@code name} as an identifier: bare when it is lower case, simple and not reserved; else double-quoted. */
    static String quote(String name) {
        if (name.matches("[a-z_][a-z0-9_]*") && !RESERVED.contains(name)) {
            return name;
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
