package dev.ingot.ingest.parquet;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.ingest.internal.BatchBuilder;
import dev.ingot.ingest.internal.Errors;
import dev.ingot.ingest.internal.OrderedParts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Batches of a table read from one or more Parquet files, in file order and, within a file, in
 * row group order. Each row group is decoded on a worker thread by parquet-java's column readers
 * (no record assembly: Ingot tables are flat) straight into the Arrow vectors of batches of at
 * most {@code batchRows} rows.
 *
 * <p>Schema: every table column must be a top-level, non-repeated Parquet column of the same
 * name (order free; the file may not hold other columns), stored as the column type's standard
 * Parquet logical type: BOOLEAN; INT32 with INT(8)/INT(16)/INT(32) (or no annotation for
 * INTEGER); INT64 (INT(64) or none); FLOAT; DOUBLE; DECIMAL(p', s) with the table's scale and
 * {@code p' <=} its precision on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BINARY; DATE; TIME(MILLIS)
 * on INT32 or TIME(MICROS) on INT64; TIMESTAMP(MILLIS|MICROS) on INT64, adjusted to UTC for
 * TIMESTAMP WITH TIME ZONE and not adjusted for TIMESTAMP; STRING for CHAR/VARCHAR; BINARY
 * without annotation for VARBINARY; UUID on FIXED_LEN_BYTE_ARRAY(16). A REQUIRED or OPTIONAL
 * column may feed a NOT NULL or a nullable column (a NULL in a NOT NULL column is the
 * inserter's value error). A mismatch is an {@link IOException} naming the file, the column,
 * the expected and the found type.
 *
 * <p>Hostile files: the footer and every column chunk's offset and size are checked against the
 * file's size before anything is read or allocated, so a damaged footer, a truncated file or a
 * length claiming petabytes is an {@link IOException} naming the file (and the row group and
 * column); decoding failures inside a row group (a page header lying about its size, values
 * missing) are wrapped the same way. A page that claims more memory than the heap has is
 * reported as such, naming the file.
 *
 * <p>Read-ahead: row groups are decoded by {@code threads} workers through
 * {@link OrderedParts}, bounded in batches and in bytes of Arrow buffers
 * ({@link OrderedParts.ReadAhead#forThreads}); each worker also holds the compressed column
 * chunks of the row group it decodes (the file's row group size).
 *
 * <p>Thread-safety: one consumer thread. Ownership: the caller closes the source and every batch
 * it returns; batches stay valid after the source is closed. Format reference: the Apache
 * Parquet format specification ({@code parquet-format}: File format, LogicalTypes.md) and
 * parquet-java 1.18.
 */
public final class ParquetSource implements BatchSource {
    /** Smallest Parquet file: "PAR1", a 4-byte footer length, "PAR1". */
    private static final int MIN_FILE_BYTES = 12;
    private static final int MAGIC_BYTES = 4;

    private static final class SharedAllocator {
        static final BufferAllocator ROOT = new RootAllocator();
    }

    /** One open file: its path, size and footer. */
    private record FileMeta(Path path, long size, ParquetMetadata footer, int[] columnOrder) {
    }

    /** One row group of one file: a part of the read. */
    private record Group(int file, int rowGroup) {
    }

    /** A decoded batch and the file it came from. */
    private record Rows(VectorSchemaRoot root, String file) {
    }

    private final BufferAllocator allocator;
    private final TableDef table;
    private final int batchRows;
    private final List<FileMeta> files;
    private final List<Group> groups;
    private final OrderedParts<Rows> parts;
    /**
     * Input bytes covered once the parts below i are handed out: the files before the part's
     * file, plus its share of its own file by row groups; the last entry is every file's size.
     */
    private final long[] bytesBeforePart;

    private ParquetSource(BufferAllocator allocator, TableDef table, int batchRows, int threads, List<FileMeta> files,
                          List<Group> groups) {
        this.allocator = allocator;
        this.table = table;
        this.batchRows = batchRows;
        this.files = files;
        this.groups = groups;
        this.parts = new OrderedParts<>("ingot-parquet-" + table.name(), groups.size(), threads, 2 * threads,
                this::decodeGroup, r -> r.root().close(), OrderedParts.ReadAhead.forThreads(threads, allocator.getLimit()),
                r -> BatchBuilder.bufferBytes(r.root()));
        this.bytesBeforePart = new long[groups.size() + 1];
        long filesBefore = 0;
        int file = 0;
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            for (; file < g.file(); file++) {
                filesBefore += files.get(file).size();
            }
            FileMeta m = files.get(g.file());
            bytesBeforePart[i + 1] = filesBefore + m.size() * (g.rowGroup() + 1) / m.footer().getBlocks().size();
        }
        bytesBeforePart[groups.size()] = files.stream().mapToLong(FileMeta::size).sum();
    }

    /**
     * Opens {@code files} for {@code table}, decoding on one worker thread, with batches allocated
     * from a process-wide Arrow root allocator (for callers without an allocator of their own).
     *
     * @see #open(BufferAllocator, TableDef, List, int, int)
     */
    public static ParquetSource open(TableDef table, List<Path> files, int batchRows) throws IOException {
        return open(SharedAllocator.ROOT, table, files, batchRows, 1);
    }

    /**
     * Opens {@code files} for {@code table}: reads and checks every file's footer and schema
     * before any row is decoded, then starts {@code threads} workers decoding row groups.
     *
     * @param allocator allocator of the batches' buffers (thread-safe)
     * @param files     the Parquet files, read in this order
     * @param batchRows rows per batch at most, &gt;= 1 (a batch never spans row groups)
     * @param threads   decoding threads, &gt;= 1
     * @throws IllegalArgumentException if an argument is missing or out of range
     * @throws NoSuchFileException      if a file does not exist ({@code <file>: no such Parquet file})
     * @throws IOException              if a file is not a readable Parquet file (damaged footer,
     *                                  truncated, sizes beyond the file), or its schema does not
     *                                  match the table (the message names the file and the column)
     */
    public static ParquetSource open(BufferAllocator allocator, TableDef table, List<Path> files, int batchRows,
                                     int threads) throws IOException {
        if (allocator == null || table == null || files == null || files.isEmpty()
                || files.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("allocator, table and at least one file are required");
        }
        if (batchRows < 1 || threads < 1) {
            throw new IllegalArgumentException("batchRows and threads must be >= 1: " + batchRows + ", " + threads);
        }
        List<FileMeta> metas = new ArrayList<>(files.size());
        List<Group> groups = new ArrayList<>();
        for (Path f : files) {
            FileMeta m = readFooter(table, f);
            for (int g = 0; g < m.footer().getBlocks().size(); g++) {
                groups.add(new Group(metas.size(), g));
            }
            metas.add(m);
        }
        return new ParquetSource(allocator, table, batchRows, threads, metas, groups);
    }

    private static ParquetReadOptions options() {
        return ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    }

    private static FileMeta readFooter(TableDef table, Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            NoSuchFileException named = new NoSuchFileException(file.toString(), null, "no such Parquet file");
            named.initCause(e);
            throw named;
        }
        if (size < MIN_FILE_BYTES) {
            throw new IOException("file " + file + " is not a readable Parquet file: " + size
                    + " bytes, a Parquet file has at least " + MIN_FILE_BYTES);
        }
        checkFrame(file, size);
        ParquetMetadata footer;
        try (ParquetFileReader reader = ParquetFileReader.open(inputFile(file), options())) {
            footer = reader.getFooter();
        } catch (IOException | RuntimeException e) {
            throw new IOException("file " + file + " is not a readable Parquet file: " + Errors.describe(e), e);
        } catch (OutOfMemoryError e) {
            throw new IOException("file " + file + " is not a readable Parquet file: its footer claims more memory than the heap has", e);
        }
        int[] order = checkSchema(file, table, footer.getFileMetaData().getSchema());
        checkRowGroups(file, size, footer, order);
        return new FileMeta(file, size, footer, order);
    }

    /** A parquet-java input file whose messages name the path. */
    private static InputFile inputFile(Path file) {
        return new LocalInputFile(file) {
            @Override
            public String toString() {
                return file.toString();
            }
        };
    }

    /**
     * Checks the file's frame before parquet-java reads it: "PAR1" at both ends and a footer
     * length that fits between them.
     */
    private static void checkFrame(Path file, long size) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(MAGIC_BYTES);
        ByteBuffer tail = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            readFully(ch, head, 0);
            readFully(ch, tail, size - 8);
        }
        byte[] magic = "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!java.util.Arrays.equals(head.array(), magic)) {
            throw new IOException("file " + file + " is not a readable Parquet file: it does not start with PAR1");
        }
        if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(tail.array(), 4, 8), magic)) {
            throw new IOException("file " + file + " is not a readable Parquet file: it does not end with PAR1 (truncated?)");
        }
        long footerLength = Integer.toUnsignedLong(tail.getInt(0));
        if (footerLength > size - MIN_FILE_BYTES) {
            throw new IOException("file " + file + " is not a readable Parquet file: its footer length " + footerLength
                    + " exceeds the file's " + size + " bytes");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new java.io.EOFException("end of file at offset " + (at + b.position()));
            }
        }
    }

    /** Checks the footer's row groups against the file: every column chunk lies within the data region. */
    private static void checkRowGroups(Path file, long size, ParquetMetadata footer, int[] order) throws IOException {
        long dataEnd = size - 8; // footer length and trailing magic; the footer itself lies below too
        List<BlockMetaData> blocks = footer.getBlocks();
        for (int g = 0; g < blocks.size(); g++) {
            BlockMetaData b = blocks.get(g);
            if (b.getRowCount() < 0) {
                throw new IOException("Parquet file " + file + " row group " + g + " claims " + b.getRowCount() + " rows");
            }
            if (b.getColumns().size() != order.length) {
                throw new IOException("Parquet file " + file + " row group " + g + " has " + b.getColumns().size()
                        + " column chunks, its schema " + order.length + " columns");
            }
            for (ColumnChunkMetaData c : b.getColumns()) {
                long start = c.getStartingPos();
                long length = c.getTotalSize();
                if (start < MAGIC_BYTES || length < 0 || length > dataEnd - start) {
                    throw new IOException("Parquet file " + file + " row group " + g + " column " + c.getPath().toDotString()
                            + ": column chunk at offset " + start + " of " + length + " bytes lies outside the file's "
                            + size + " bytes");
                }
                if (c.getValueCount() < 0) {
                    throw new IOException("Parquet file " + file + " row group " + g + " column " + c.getPath().toDotString()
                            + " claims " + c.getValueCount() + " values");
                }
            }
        }
    }

    /**
     * Checks the file's schema against the table; returns, per table column, the index of its
     * Parquet column.
     */
    private static int[] checkSchema(Path file, TableDef table, MessageType schema) throws IOException {
        List<ColumnDef> cols = table.columns();
        for (Type t : schema.getFields()) {
            if (table.columns().stream().noneMatch(c -> c.name().equals(t.getName()))) {
                throw new IOException("Parquet file " + file + " has column " + t.getName() + ", which table " + table.name()
                        + " does not have");
            }
        }
        int[] order = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            ColumnDef col = cols.get(i);
            if (!schema.containsField(col.name())) {
                throw new IOException("Parquet file " + file + " has no column " + col.name() + " (table " + table.name()
                        + " expects " + col.type().sqlName() + ")");
            }
            Type t = schema.getType(col.name());
            order[i] = schema.getFieldIndex(col.name());
            if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED) || !accepts(col.type(), t.asPrimitiveType())) {
                throw new IOException("Parquet file " + file + " column " + col.name() + ": table " + table.name()
                        + " expects " + col.type().sqlName() + " (Parquet " + expected(col.type()) + "), found "
                        + t.toString().trim());
            }
        }
        return order;
    }

    /** Whether Parquet column {@code p} holds values of {@code type} in its standard form. */
    static boolean accepts(ColumnType type, PrimitiveType p) {
        PrimitiveTypeName phys = p.getPrimitiveTypeName();
        LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        switch (type.kind()) {
            case BOOLEAN: return phys == PrimitiveTypeName.BOOLEAN && a == null;
            case INT8: return phys == PrimitiveTypeName.INT32 && isInt(a, 8);
            case INT16: return phys == PrimitiveTypeName.INT32 && isInt(a, 16);
            case INT32: return phys == PrimitiveTypeName.INT32 && (a == null || isInt(a, 32));
            case INT64: return phys == PrimitiveTypeName.INT64 && (a == null || isInt(a, 64));
            case FLOAT32: return phys == PrimitiveTypeName.FLOAT && a == null;
            case FLOAT64: return phys == PrimitiveTypeName.DOUBLE && a == null;
            case DECIMAL64:
            case DECIMAL128: {
                if (!(a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation)) {
                    return false;
                }
                LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d = (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) a;
                boolean physOk = phys == PrimitiveTypeName.INT32 || phys == PrimitiveTypeName.INT64 || phys == PrimitiveTypeName.BINARY
                        || (phys == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && p.getTypeLength() <= 16);
                return physOk && d.getScale() == type.scale() && d.getPrecision() <= type.precision();
            }
            case DATE32: return phys == PrimitiveTypeName.INT32 && a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
            case TIME64: {
                if (!(a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation)) {
                    return false;
                }
                LogicalTypeAnnotation.TimeUnit u = ((LogicalTypeAnnotation.TimeLogicalTypeAnnotation) a).getUnit();
                return (u == LogicalTypeAnnotation.TimeUnit.MILLIS && phys == PrimitiveTypeName.INT32)
                        || (u == LogicalTypeAnnotation.TimeUnit.MICROS && phys == PrimitiveTypeName.INT64);
            }
            case TIMESTAMP:
            case TIMESTAMP_TZ: {
                if (phys != PrimitiveTypeName.INT64 || !(a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation)) {
                    return false;
                }
                LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts = (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a;
                return ts.getUnit() != LogicalTypeAnnotation.TimeUnit.NANOS
                        && ts.isAdjustedToUTC() == (type.kind() == ColumnType.Kind.TIMESTAMP_TZ);
            }
            case CHAR:
            case VARCHAR: return phys == PrimitiveTypeName.BINARY && a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation;
            case VARBINARY: return phys == PrimitiveTypeName.BINARY && a == null;
            case UUID: return phys == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && p.getTypeLength() == 16
                    && a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
            default: throw new IllegalStateException("unhandled column kind " + type.kind());
        }
    }

    private static boolean isInt(LogicalTypeAnnotation a, int bits) {
        return a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                && ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).getBitWidth() == bits
                && ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) a).isSigned();
    }

    /** The Parquet form {@link #accepts} takes for {@code type}, for error messages. */
    static String expected(ColumnType type) {
        switch (type.kind()) {
            case BOOLEAN: return "boolean";
            case INT8: return "int32 (INTEGER(8,true))";
            case INT16: return "int32 (INTEGER(16,true))";
            case INT32: return "int32";
            case INT64: return "int64";
            case FLOAT32: return "float";
            case FLOAT64: return "double";
            case DECIMAL64:
            case DECIMAL128: return "DECIMAL(<=" + type.precision() + "," + type.scale() + ") on int32, int64, binary or fixed_len_byte_array";
            case DATE32: return "int32 (DATE)";
            case TIME64: return "int32 (TIME(MILLIS,*)) or int64 (TIME(MICROS,*))";
            case TIMESTAMP: return "int64 (TIMESTAMP(MILLIS|MICROS,false))";
            case TIMESTAMP_TZ: return "int64 (TIMESTAMP(MILLIS|MICROS,true))";
            case CHAR:
            case VARCHAR: return "binary (STRING)";
            case VARBINARY: return "binary";
            case UUID: return "fixed_len_byte_array(16) (UUID)";
            default: throw new IllegalStateException("unhandled column kind " + type.kind());
        }
    }

    /** Decodes row group {@code part} into batches (runs on a worker thread). */
    private void decodeGroup(int part, OrderedParts.Sink<Rows> sink) throws IOException {
        Group group = groups.get(part);
        FileMeta meta = files.get(group.file());
        String name = meta.path().toString();
        InputFile in = inputFile(meta.path());
        try (ParquetFileReader reader = ParquetFileReader.open(in, meta.footer(), options(), in.newStream())) {
            PageReadStore pages = reader.readRowGroup(group.rowGroup());
            MessageType schema = meta.footer().getFileMetaData().getSchema();
            ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new DummyRecordConverter(schema).getRootConverter(),
                    schema, meta.footer().getFileMetaData().getCreatedBy());
            List<ColumnDescriptor> descriptors = schema.getColumns();
            int n = table.columns().size();
            ColumnReader[] readers = new ColumnReader[n];
            for (int i = 0; i < n; i++) {
                readers[i] = store.getColumnReader(descriptors.get(meta.columnOrder()[i]));
            }
            long rows = pages.getRowCount();
            for (long done = 0; done < rows; ) {
                int count = (int) Math.min(batchRows, rows - done);
                VectorSchemaRoot root = VectorSchemaRoot.create(table.arrowSchema(), allocator);
                try {
                    for (int i = 0; i < n; i++) {
                        fill(readers[i], descriptors.get(meta.columnOrder()[i]), table.columns().get(i), root.getVector(i), count);
                    }
                    root.setRowCount(count);
                } catch (RuntimeException | Error e) {
                    root.close();
                    throw e;
                }
                done += count;
                sink.put(new Rows(root, name));
            }
        } catch (OrderedParts.Cancelled e) {
            throw e;
        } catch (java.io.EOFException e) {
            throw new IOException("reading Parquet file " + name + ", row group " + group.rowGroup()
                    + ": a page runs past the end of its column chunk (" + Errors.describe(e) + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new IOException("reading Parquet file " + name + ", row group " + group.rowGroup() + ": " + Errors.describe(e), e);
        } catch (OutOfMemoryError e) {
            throw new IOException("reading Parquet file " + name + ", row group " + group.rowGroup()
                    + ": a page or column chunk claims more memory than the heap has (raise -Xmx through INGOT_JAVA_OPTS"
                    + " if the file is sound)", e);
        }
    }

    /** Reads {@code count} values of one column into {@code v}, rows 0..count-1. */
    private static void fill(ColumnReader r, ColumnDescriptor d, ColumnDef col, FieldVector v, int count) {
        int maxDef = d.getMaxDefinitionLevel();
        PrimitiveType p = d.getPrimitiveType();
        ColumnType type = col.type();
        if (type.kind().isVariableWidth()) {
            ((BaseVariableWidthVector) v).allocateNew(Math.max(1, count) * 16L, count);
        } else {
            v.setInitialCapacity(count);
            v.allocateNew();
        }
        LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        boolean millis = (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
                && ((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) a).getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS)
                || (a instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation
                && ((LogicalTypeAnnotation.TimeLogicalTypeAnnotation) a).getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS);
        PrimitiveTypeName phys = p.getPrimitiveTypeName();
        for (int row = 0; row < count; row++) {
            if (r.getCurrentDefinitionLevel() < maxDef) {
                v.setNull(row);
                r.consume();
                continue;
            }
            switch (type.kind()) {
                case BOOLEAN: ((BitVector) v).set(row, r.getBoolean() ? 1 : 0); break;
                case INT8: ((TinyIntVector) v).set(row, narrow(r.getInteger(), Byte.MIN_VALUE, Byte.MAX_VALUE, col)); break;
                case INT16: ((SmallIntVector) v).set(row, narrow(r.getInteger(), Short.MIN_VALUE, Short.MAX_VALUE, col)); break;
                case INT32: ((IntVector) v).set(row, r.getInteger()); break;
                case DATE32: ((DateDayVector) v).set(row, r.getInteger()); break;
                case INT64: ((BigIntVector) v).set(row, r.getLong()); break;
                case FLOAT32: ((Float4Vector) v).set(row, r.getFloat()); break;
                case FLOAT64: ((Float8Vector) v).set(row, r.getDouble()); break;
                case DECIMAL64:
                case DECIMAL128: {
                    DecimalVector dv = (DecimalVector) v;
                    if (phys == PrimitiveTypeName.INT32) {
                        dv.set(row, r.getInteger());
                    } else if (phys == PrimitiveTypeName.INT64) {
                        dv.set(row, r.getLong());
                    } else {
                        byte[] be = r.getBinary().getBytes();
                        if (be.length == 0 || be.length > 16) {
                            throw new IllegalArgumentException("column " + col.name() + ": a DECIMAL value of " + be.length
                                    + " bytes (1 to 16 expected)");
                        }
                        dv.setBigEndian(row, be);
                    }
                    break;
                }
                case TIME64: {
                    long t = millis ? r.getInteger() * 1000L : r.getLong();
                    ((TimeMicroVector) v).set(row, t);
                    break;
                }
                case TIMESTAMP:
                case TIMESTAMP_TZ: {
                    long t = r.getLong();
                    ((TimeStampVector) v).set(row, millis ? Math.multiplyExact(t, 1000L) : t);
                    break;
                }
                case CHAR:
                case VARCHAR:
                case VARBINARY: {
                    Binary b = r.getBinary();
                    ByteBuffer bb = b.toByteBuffer();
                    ((BaseVariableWidthVector) v).setSafe(row, bb, bb.position(), bb.remaining());
                    break;
                }
                case UUID: ((FixedSizeBinaryVector) v).set(row, r.getBinary().getBytes()); break;
                default: throw new IllegalStateException("unhandled column kind " + type.kind());
            }
            r.consume();
        }
        v.setValueCount(count);
    }

    private static int narrow(int value, int min, int max, ColumnDef col) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("value " + value + " out of range for column " + col.name() + " ("
                    + col.type().sqlName() + ")");
        }
        return value;
    }

    @Override
    public InsertSource.ArrowBatch next() throws IOException, InterruptedException {
        Rows rows = parts.next();
        if (rows == null) {
            return null;
        }
        return new InsertSource.ArrowBatch(rows.root(), new RowOrigin(rows.file(), -1));
    }

    @Override
    public long producerWaitNanos() {
        return parts.blockedNanos();
    }

    @Override
    public long inputBytesRead() {
        return bytesBeforePart[parts.currentPart()];
    }

    @Override
    public void close() {
        parts.close();
    }

    /** The files read, in order. */
    public List<Path> files() {
        List<Path> out = new ArrayList<>(files.size());
        for (FileMeta m : files) {
            out.add(m.path());
        }
        return out;
    }
}
