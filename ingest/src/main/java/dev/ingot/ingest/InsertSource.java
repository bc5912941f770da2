package dev.ingot.ingest;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Input accepted by {@link TableInserter}. Arrow batches are the one native form: every
 * source (the TPC-H generator, {@code .tbl} files, Arrow IPC) produces them.
 */
public sealed interface InsertSource permits InsertSource.ArrowBatch {

    /**
     * A batch of rows as Arrow vectors, whose schema must match the target table's
     * {@code TableDef.arrowSchema()} (same column names, order and types).
     *
     * <p>Ownership: the batch owns {@code root}; whoever holds the batch closes it
     * ({@link #close()} closes the root). {@link TableInserter} does not close batches it is
     * given.
     *
     * @param root   the rows; {@code root.getRowCount()} is the number of rows
     * @param origin where the rows came from, for error messages; {@link RowOrigin#NONE} if unknown
     */
    record ArrowBatch(VectorSchemaRoot root, RowOrigin origin) implements InsertSource, AutoCloseable {
        public ArrowBatch {
            if (root == null) {
                throw new IllegalArgumentException("root is null");
            }
            if (origin == null) {
                origin = RowOrigin.NONE;
            }
        }

        public int rowCount() {
            return root.getRowCount();
        }

        @Override
        public void close() {
            root.close();
        }
    }
}
