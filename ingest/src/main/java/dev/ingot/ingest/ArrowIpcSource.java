package dev.ingot.ingest;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.internal.Errors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Batches of a table read from an Arrow IPC file (the random-access "file" format, as written by
 * {@link ArrowFileWriter} or pyarrow's {@code pa.ipc.new_file}): each record batch of the file
 * becomes one {@link InsertSource.ArrowBatch}, its buffers handed over without copying
 * (transferred out of the reader's root). The file's schema must have the table's column names,
 * order and Arrow types (field metadata may differ). Every block the footer lists is checked to
 * lie within the file before any is read, so a damaged or hostile footer (a body length claiming
 * petabytes) is an {@link IOException} naming the file, not an allocation of that size.
 *
 * <p>Read-ahead: none. Each record batch is read on the consumer's thread when {@link #next()}
 * is called, so at most one batch beyond those the caller holds is in memory (its size is the
 * file's record batch size).
 *
 * <p>Thread-safety: one consumer thread. Ownership: the caller closes the source and every batch
 * it returns; batches stay valid after the source is closed. Format reference: the Arrow IPC
 * specification ("IPC File Format") and Arrow Java's {@link ArrowFileReader}.
 */
public final class ArrowIpcSource implements BatchSource {
    private final Path file;
    private final BufferAllocator allocator;
    private final FileChannel channel;
    private final ArrowFileReader reader;
    private final VectorSchemaRoot readerRoot;
    /** Bytes of the file up to the end of the last record batch loaded; the file size at its end. */
    private long bytesRead;
    private int batchesLoaded;

    private ArrowIpcSource(Path file, BufferAllocator allocator, FileChannel channel, ArrowFileReader reader,
                           VectorSchemaRoot readerRoot) {
        this.file = file;
        this.allocator = allocator;
        this.channel = channel;
        this.reader = reader;
        this.readerRoot = readerRoot;
    }

    /**
     * Opens {@code file} for {@code table}.
     *
     * @throws NoSuchFileException if the file does not exist ({@code <file>: no such Arrow IPC file})
     * @throws IOException         if it is not an Arrow IPC file, or its schema does not match the
     *                             table (the message names the file and the first differing column)
     */
    public static ArrowIpcSource open(BufferAllocator allocator, TableDef table, Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            NoSuchFileException named = new NoSuchFileException(file.toString(), null, "no such Arrow IPC file");
            named.initCause(e);
            throw named;
        }
        ArrowFileReader reader = null;
        try {
            reader = new ArrowFileReader(channel, allocator);
            VectorSchemaRoot root;
            try {
                root = reader.getVectorSchemaRoot();
            } catch (IOException | RuntimeException e) {
                throw new IOException("file " + file + " is not a readable Arrow IPC file: " + Errors.describe(e), e);
            }
            checkSchema(file, table, root.getSchema());
            checkBlocks(file, channel.size(), reader.getDictionaryBlocks(), "dictionary batch");
            checkBlocks(file, channel.size(), reader.getRecordBlocks(), "record batch");
            return new ArrowIpcSource(file, allocator, channel, reader, root);
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (reader != null) {
                    reader.close(); // closes the channel too
                } else {
                    channel.close();
                }
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Checks that every block the footer lists lies within the file, before the reader allocates
     * the block's body (Arrow's reader trusts the lengths: a body length claiming petabytes would
     * be allocated as such).
     */
    private static void checkBlocks(Path file, long size, List<ArrowBlock> blocks, String kind) throws IOException {
        for (int i = 0; i < blocks.size(); i++) {
            ArrowBlock b = blocks.get(i);
            long offset = b.getOffset();
            long meta = b.getMetadataLength();
            long body = b.getBodyLength();
            if (offset < 8 || meta < 1 || body < 0 || offset > size || meta > size - offset || body > size - offset - meta) {
                throw new IOException("Arrow IPC file " + file + " " + kind + " " + i + " at offset " + offset + " of "
                        + meta + " + " + body + " bytes lies outside the file's " + size + " bytes");
            }
        }
    }

    private static void checkSchema(Path file, TableDef table, Schema actual) throws IOException {
        List<Field> got = actual.getFields();
        if (table.columns().size() != got.size()) {
            throw new IOException("Arrow IPC file " + file + " has " + got.size() + " columns, table " + table.name()
                    + " has " + table.columns().size());
        }
        int bad = table.firstMismatchedColumn(got);
        if (bad >= 0) {
            Field w = table.columns().get(bad).arrowField();
            Field g = got.get(bad);
            throw new IOException("Arrow IPC file " + file + " column " + bad + " is " + g.getName() + " " + g.getType()
                    + ", table " + table.name() + " expects " + w.getName() + " " + w.getType());
        }
    }

    @Override
    public InsertSource.ArrowBatch next() throws IOException {
        boolean loaded;
        try {
            loaded = reader.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            throw new IOException("reading Arrow IPC file " + file + ": " + Errors.describe(e), e);
        }
        if (!loaded) {
            bytesRead = channel.size();
            return null;
        }
        ArrowBlock block = reader.getRecordBlocks().get(batchesLoaded++);
        bytesRead = Math.max(bytesRead, block.getOffset() + block.getMetadataLength() + block.getBodyLength());
        List<FieldVector> owned = new ArrayList<>(readerRoot.getFieldVectors().size());
        for (FieldVector v : readerRoot.getFieldVectors()) {
            TransferPair pair = v.getTransferPair(allocator);
            pair.transfer();
            owned.add((FieldVector) pair.getTo());
        }
        int rows = readerRoot.getRowCount();
        VectorSchemaRoot batch = new VectorSchemaRoot(owned);
        batch.setRowCount(rows);
        return new InsertSource.ArrowBatch(batch, new RowOrigin(file.toString(), -1));
    }

    @Override
    public long inputBytesRead() {
        return bytesRead;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("closing Arrow IPC file " + file, e);
        }
    }

    /**
     * Writes every batch of {@code source} to an Arrow IPC file (one record batch per source
     * batch), closing the batches; returns the number of rows written.
     */
    public static long write(BatchSource source, Schema schema, Path file, BufferAllocator allocator) throws IOException,
            InterruptedException {
        long rows = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
             VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
             ArrowFileWriter writer = new ArrowFileWriter(root, null, out)) {
            writer.start();
            InsertSource.ArrowBatch batch;
            while ((batch = source.next()) != null) {
                try (InsertSource.ArrowBatch b = batch) {
                    List<FieldVector> src = b.root().getFieldVectors();
                    for (int i = 0; i < src.size(); i++) {
                        src.get(i).makeTransferPair(root.getVector(i)).transfer();
                    }
                    root.setRowCount(b.rowCount());
                    writer.writeBatch();
                    rows += b.rowCount();
                }
            }
            writer.end();
        }
        return rows;
    }
}
