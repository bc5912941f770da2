package dev.ingot.sql;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * A Calcite schema over one Ingot store directory: one {@link IngotTable} per table of the
 * store's catalog, read once (read-only open) when the schema is made. Tables added to the store
 * later appear in a new schema; each scan reads its table as last committed.
 *
 * <p>Planning: making a schema installs {@link IngotProgram} (heuristic join ordering for
 * queries over Ingot tables) once per JVM.
 *
 * <p>Immutable and thread-safe; holds no open store (each scan opens and closes its own), so
 * nothing needs closing.
 */
public final class IngotSchema extends AbstractSchema {
    private final Path directory;
    private final Map<String, Table> tables;

    /**
     * Reads the catalog of the store at {@code directory}.
     *
     * @param schemaPath the schema's qualified name in the root schema (e.g. {@code [ingot]}),
     *                   used to name the referenced tables of foreign keys
     * @throws IOException if the store cannot be opened read-only (missing, damaged, not a store)
     */
    public IngotSchema(Path directory, List<String> schemaPath) throws IOException {
        IngotProgram.install();
        this.directory = directory;
        Map<String, TableDef> catalog = new LinkedHashMap<>();
        Map<String, Long> liveRows = new LinkedHashMap<>();
        List<TableInfo> infos;
        try (ColumnStore cs = ColumnStore.openReadOnly(directory)) {
            infos = cs.tables();
        }
        for (TableInfo t : infos) {
            catalog.put(t.name(), t.def());
            liveRows.put(t.name(), t.liveRowCount());
        }
        Map<String, Table> map = new LinkedHashMap<>();
        for (TableInfo t : infos) {
            map.put(t.name(), new IngotTable(directory, schemaPath, t, Map.copyOf(catalog), liveRows));
        }
        this.tables = Map.copyOf(map);
    }

    /** The store directory. */
    public Path directory() {
        return directory;
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return tables;
    }
}
