package dev.ingot.stress;

import static dev.ingot.columnstore.ColumnDef.notNull;
import static dev.ingot.columnstore.ConstraintSpec.foreignKey;
import static dev.ingot.columnstore.ConstraintSpec.primaryKey;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Shared, read-only fixtures of the constraint-set stress tests: a parent table {@code p} with a
 * PRIMARY KEY and two child tables {@code c1}, {@code c2} each with only a FOREIGN KEY to it (so
 * the only off-heap memory in a test is the parent's key set), and tiny Arrow batches.
 *
 * <p>The batches are built once per fork and never written again; probes only read them (raw
 * reads of the data buffer, no stateful Arrow readers), so every state and actor may share them.
 * Their Arrow allocator is never closed: it lives as long as the fork.
 */
final class ConstraintStressFixtures {
    private ConstraintStressFixtures() {}

    static final TableDef PARENT = new TableDef("p",
            List.of(notNull("p_key", ColumnType.int64())),
            List.of(primaryKey("p_pk", "p_key")));
    static final TableDef CHILD1 = new TableDef("c1",
            List.of(notNull("c1_ref", ColumnType.int64())),
            List.of(foreignKey("c1_p_fk", List.of("c1_ref"), "p", List.of("p_key"))));
    static final TableDef CHILD2 = new TableDef("c2",
            List.of(notNull("c2_ref", ColumnType.int64())),
            List.of(foreignKey("c2_p_fk", List.of("c2_ref"), "p", List.of("p_key"))));

    /** The parent's rows: keys 10, 20, 30, 40. */
    static final long[] PARENT_KEYS = {10, 20, 30, 40};
    /** A batch for {@code c1} whose keys are all in the parent's set (a correct probe finds no orphan). */
    static final long[] CHILD1_KEYS = {40, 10, 30, 20, 10, 40};

    private static final BufferAllocator ARROW = new RootAllocator();
    static final VectorSchemaRoot PARENT_BATCH = batch(PARENT, PARENT_KEYS);
    static final VectorSchemaRoot CHILD1_BATCH = batch(CHILD1, CHILD1_KEYS);

    private static VectorSchemaRoot batch(TableDef def, long[] keys) {
        VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), ARROW);
        root.allocateNew();
        BigIntVector v = (BigIntVector) root.getVector(0);
        for (int i = 0; i < keys.length; i++) {
            v.setSafe(i, keys[i]);
        }
        v.setValueCount(keys.length);
        root.setRowCount(keys.length);
        return root;
    }
}
