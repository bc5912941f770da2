package dev.ingot.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaFactory;
import org.apache.calcite.schema.SchemaPlus;

/**
 * Calcite schema factory for Ingot stores, named in a Calcite model:
 * <pre>{@code
 * {"version": "1.0", "defaultSchema": "ingot",
 *  "schemas": [{"name": "ingot", "type": "custom",
 *               "factory": "dev.ingot.sql.IngotSchemaFactory",
 *               "operand": {"directory": "/path/to/store"}}]}
 * }</pre>
 * used as {@code jdbc:calcite:model=inline:{...}} (add
 * {@code typeSystem=dev.ingot.sql.IngotTypeSystem#INSTANCE} for DECIMAL precisions above 19).
 * A relative directory is resolved against the working directory. Stateless and thread-safe.
 */
public final class IngotSchemaFactory implements SchemaFactory {
    /** The operand naming the store directory. */
    public static final String DIRECTORY = "directory";

    /** Public for Calcite's model loader. */
    public IngotSchemaFactory() {}

    /**
     * @throws IllegalArgumentException if the operand {@code directory} is missing
     * @throws UncheckedIOException     if the store cannot be opened read-only
     */
    @Override
    public Schema create(SchemaPlus parentSchema, String name, Map<String, Object> operand) {
        Object dir = operand.get(DIRECTORY);
        if (!(dir instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("Ingot schema " + name + ": operand \"" + DIRECTORY + "\" (the store directory) is missing");
        }
        List<String> path = new ArrayList<>();
        for (SchemaPlus p = parentSchema; p != null && p.getParentSchema() != null; p = p.getParentSchema()) {
            path.add(0, p.getName());
        }
        path.add(name);
        try {
            return new IngotSchema(Path.of(s).toAbsolutePath(), path);
        } catch (IOException e) {
            throw new UncheckedIOException("Ingot schema " + name + ": cannot open store " + s + ": " + e.getMessage(), e);
        }
    }
}
