package dev.ingot.spark;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Makes the columnar readers of a scan: each reads its {@link ShardRange}'s row groups, one
 * {@link ColumnarBatch} per row group, whose columns are the Arrow vectors Ingot decoded the
 * chunks into (Spark's {@link ArrowColumnVector}, and {@link Decimal64ColumnVector} for DECIMAL
 * of precision at most 18): no value is copied into Spark rows.
 *
 * <p>Thread-safety: immutable and serializable; each reader is used by one task.
 */
final class ShardReaderFactory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;
    private final List<String> columns;

    /** @param columns the columns to read, in the scan's output order (may be empty, e.g. for count(*)) */
    ShardReaderFactory(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    @Override
    public boolean supportColumnarReads(InputPartition partition) {
        return true;
    }

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        throw new UnsupportedOperationException("the Ingot data source reads columnar batches only");
    }

    @Override
    public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
        ShardRange range = (ShardRange) partition;
        try {
            return new Reader(range, columns);
        } catch (IOException e) {
            if (!java.nio.file.Files.exists(Path.of(range.store()))) {
                throw new IllegalStateException("shard store " + range.store() + " of table " + range.table() + " no longer exists: the"
                        + " table was replaced (overwrite) after this scan was planned; run the query again to read the new version", e);
            }
            throw new java.io.UncheckedIOException("cannot open shard store " + range.store() + " of table " + range.table(), e);
        }
    }

    /** Reads one range's row groups; closes each batch's vectors when the next is read and at close. */
    private static final class Reader implements PartitionReader<ColumnarBatch> {
        private final ShardRange range;
        private final List<String> columns;
        private final ColumnStore store;
        private final TableReader table;
        private int next;
        private VectorSchemaRoot current;
        private ColumnarBatch batch;

        Reader(ShardRange range, List<String> columns) throws IOException {
            this.range = range;
            this.columns = columns;
            this.store = ColumnStore.openReadOnly(Path.of(range.store()));
            TableReader t;
            try {
                t = store.openTable(range.table());
            } catch (RuntimeException e) {
                try {
                    store.close();
                } catch (IOException s) {
                    e.addSuppressed(s);
                }
                throw e;
            }
            this.table = t;
        }

        @Override
        public boolean next() throws IOException {
            release();
            if (next >= range.rowGroups().length) {
                return false;
            }
            int g = range.rowGroups()[next++];
            if (columns.isEmpty()) {
                batch = new ColumnarBatch(new ColumnVector[0], table.info().rowGroups().get(g).liveRows());
                return true;
            }
            current = table.readRowGroup(g, columns);
            ColumnVector[] vectors = new ColumnVector[columns.size()];
            for (int c = 0; c < vectors.length; c++) {
                FieldVector v = current.getVector(c);
                vectors[c] = v instanceof DecimalVector d && d.getPrecision() <= Decimal.MAX_LONG_DIGITS()
                        ? new Decimal64ColumnVector(d) : new ArrowColumnVector(v);
            }
            batch = new ColumnarBatch(vectors, current.getRowCount());
            return true;
        }

        @Override
        public ColumnarBatch get() {
            return batch;
        }

        private void release() {
            batch = null;
            if (current != null) {
                current.close();
                current = null;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                release();
                table.close();
            } finally {
                store.close();
            }
        }
    }
}
