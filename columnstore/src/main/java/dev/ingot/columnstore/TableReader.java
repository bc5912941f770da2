package dev.ingot.columnstore;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a committed table back as Arrow vectors, one row group (or one chunk) at a time.
 * PLAIN chunks are handed out without a copy, as Arrow buffers over the mapped store file
 * (Arrow's foreign allocations, see "Ownership" below), unless
 * {@link ColumnStoreOptions#zeroCopyReads()} is off or rows of the group are deleted; encoded
 * chunks (and DECIMAL(p &lt;= 18), stored in 8 bytes) are decoded into buffers of
 * {@link ColumnStore#allocator()}; point reads ({@link #readRows}) copy only the rows asked.
 *
 * <p>Every chunk header is validated (magic, version, kind, row count, buffer offsets and
 * lengths inside the blob) before any byte of the chunk is dereferenced on every read; the
 * chunk's CRC32C is checked as {@link ColumnStoreOptions#chunkVerification()} says: by default
 * once per chunk per open store, on its first read ({@link ChunkVerification#FIRST_READ}), so
 * damage that reaches the file after that is found by {@link #verifyChecksums()}, not by reads.
 *
 * <p>Thread-safety: not thread-safe. Ownership: the caller closes the reader; vectors and roots
 * it returns belong to the caller, who closes them. A reader is a snapshot of the table's
 * catalog entry and holds the catalog version it was opened at (see {@link StoreSnapshot}) until
 * closed. <b>Zero-copy vectors</b> are read-only views of the mapped file: each holds a reference
 * on the reader's catalog version, so the blobs it shows are neither freed nor compacted away
 * while it is open, even after the reader and its snapshot are closed (those refuse further
 * reads at once; the version is released when the last such vector is closed, and
 * {@link ColumnStore#compact()} refuses to run until then). Their memory is accounted to the
 * allocator like any Arrow buffer (a leak shows as outstanding bytes), but it is the operating
 * system's read-only mapping: writing into such a vector (setting values, or changing it in
 * place) is not allowed and faults the process; copy it first ({@code TransferPair},
 * {@code copyFromSafe}) or open the store with zero-copy reads off.
 */
public interface TableReader extends AutoCloseable {
    /** The table's catalog entry. */
    TableInfo info();

    /** Number of row groups. */
    int rowGroupCount();

    /**
     * The live rows (those not deleted) of the columns {@code columns} (by name, in the given
     * order; null means every column) of row group {@code rowGroup}, as a new root owned by the
     * caller; {@link #liveRowIds(int)} gives their row ids.
     *
     * @throws IllegalArgumentException for an unknown column or row group out of range
     * @throws dev.ingot.pager.StoreCorruptedException if a chunk is damaged
     * @throws IOException on other read failures
     */
    VectorSchemaRoot readRowGroup(int rowGroup, List<String> columns) throws IOException;

    /**
     * Like {@link #readRowGroup(int, List)}, with {@code includeDeleted} true returning every
     * row of the group, deleted ones included (row {@code i} of the root is row id
     * {@code firstRowId + i}).
     */
    VectorSchemaRoot readRowGroup(int rowGroup, List<String> columns, boolean includeDeleted) throws IOException;

    /** The live rows of column {@code column} (0-based) of row group {@code rowGroup}, as a new vector owned by the caller. */
    FieldVector readChunk(int column, int rowGroup) throws IOException;

    /**
     * Positions (0-based within the row group) of the group's deleted rows, read from its
     * deletion vector (checked against its checksum); an empty bitmap when none is deleted.
     * The bitmap belongs to the caller.
     *
     * @throws dev.ingot.pager.StoreCorruptedException if the deletion vector is damaged
     */
    org.roaringbitmap.RoaringBitmap deletedRows(int rowGroup) throws IOException;

    /**
     * The rows with the given row ids (any order, repeats allowed), as a new root owned by the
     * caller whose row {@code i} is row id {@code rowIds[i]}: for point reads after a key lookup.
     * Only the rows asked are read, by random access into each chunk's encoding (plain: the
     * value's offset; frame of reference: its bit offset; run-length: a binary search of the run
     * ends; dictionary: the row's code, then its entry; packed text: the value offsets summed from
     * the bit-packed lengths and, for an LZ4-compressed chunk, its block decompressed); the
     * reader keeps the chunk headers it fetched and up to 32 MiB of decoded packed-text parts for
     * later calls, so repeated lookups through one reader touch no chunk twice.
     *
     * @param rowIds  at least one row id
     * @param columns column names (null means every column)
     * @throws IllegalArgumentException naming the table and row id if a row id is outside
     *                                  {@code [0, rowCount)} or deleted; if {@code rowIds} is
     *                                  empty; for an unknown column
     * @throws dev.ingot.pager.StoreCorruptedException if a chunk read is damaged
     * @throws IOException              on other read failures
     */
    VectorSchemaRoot readRows(long[] rowIds, List<String> columns) throws IOException;

    /**
     * Like {@link #readRows(long[], List)}, into {@code into} instead of a new root: for callers
     * that read rows one lookup after another and keep one root for it. The root's vectors
     * (one per column asked, in order, of the column's name and type, as a root returned by
     * {@link #readRows(long[], List)} for the same columns has them) are reset, keeping buffers that
     * have room for the rows, grown otherwise, and hold rows {@code rowIds} afterwards; the row
     * count is set. Ownership: {@code into} stays the caller's; what it held before is overwritten.
     *
     * @throws IllegalArgumentException as {@link #readRows(long[], List)} does, and if {@code into}
     *                                  does not have the columns' names and types in order; the
     *                                  root's contents are then undefined
     */
    void readRows(long[] rowIds, List<String> columns, VectorSchemaRoot into) throws IOException;

    /** Row ids of the live rows of row group {@code rowGroup}, in order (the rows {@link #readRowGroup(int, List)} returns). */
    long[] liveRowIds(int rowGroup) throws IOException;

    /**
     * The values of every row (deleted ones included) of column {@code column} (0-based) of row
     * group {@code rowGroup} as signed longs, decoded straight from the chunk's encoding into a
     * Java array without an Arrow vector: for engines that compute over arrays, and for predicates.
     * Values as {@code dev.ingot.columnstore.scan.Vectors#longs} gives them: integers sign-extended,
     * DATE days since the epoch, TIME microseconds of the day, TIMESTAMP[ WITH TIME ZONE]
     * microseconds since the epoch, DECIMAL(p &lt;= 18) the unscaled value; values of NULL rows are
     * unspecified ({@link #readValidity}).
     *
     * @param reuse an array to fill when it holds the group's rows, else a new one is returned (null: new)
     * @return the values in elements {@code [0, rows of the group)}
     * @throws IllegalArgumentException for a column of another kind (BOOLEAN, REAL, DOUBLE, DECIMAL(p &gt; 18),
     *                                  UUID, text), an unknown column or a row group out of range
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    default long[] readLongs(int column, int rowGroup, long[] reuse) throws IOException {
        try (FieldVector v = readChunkInto(column, rowGroup, null)) {
            return dev.ingot.columnstore.scan.Vectors.longs(v, v.getValueCount(), reuse);
        }
    }

    /**
     * The values of rows {@code positions[0, count)} (0-based in the row group, deleted rows
     * included, any order) of column {@code column} of row group {@code rowGroup}, element
     * {@code i} for {@code positions[i]}, as {@link #readLongs(int, int, long[])} gives them; sparse
     * positions are read by random access into the chunk's encoding instead of decoding every row.
     *
     * @throws IllegalArgumentException as {@link #readLongs(int, int, long[])}, and for a position outside the group's rows
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    default long[] readLongs(int column, int rowGroup, int[] positions, int count, long[] reuse) throws IOException {
        long[] all = readLongs(column, rowGroup, null);
        int rows = info().rowGroups().get(rowGroup).rowCount();
        long[] out = reuse != null && reuse.length >= count ? reuse : new long[Math.max(count, 1)];
        for (int i = 0; i < count; i++) {
            if (positions[i] < 0 || positions[i] >= rows) {
                throw new IllegalArgumentException("position " + positions[i] + " outside the " + rows + " rows of row group " + rowGroup);
            }
            out[i] = all[positions[i]];
        }
        return out;
    }

    /**
     * One value of column {@code column} at row {@code row} (0-based in row group {@code rowGroup},
     * deleted rows included) as {@link #readLongs(int, int, long[])} gives it, read by random access
     * into the chunk's encoding (a point read: no row of the chunk is decoded into a vector or array).
     *
     * @throws IllegalArgumentException as {@link #readLongs(int, int, int[], int, long[])}
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    default long readLong(int column, int rowGroup, int row) throws IOException {
        return readLongs(column, rowGroup, new int[] {row}, 1, null)[0];
    }

    /**
     * The rows in {@code [fromRow, toRow)} of row group {@code rowGroup} (0-based in the group,
     * deleted rows included) whose value of column {@code column} is {@code value}, for a column
     * whose values do not decrease over those rows (a sorted run of keys): sets {@code range[0]} to
     * the first such row and {@code range[1]} to the row after the last; both to the row where the
     * value would be when none holds it. Binary searches by random access into the chunk's encoding,
     * without decoding it (an RLE chunk is searched by its runs). Values are compared as signed longs
     * as {@link #readLongs(int, int, long[])} gives them. Over rows that are not sorted, the rows set
     * may miss some that hold the value but never include one that does not.
     *
     * @param range at least 2 elements; receives {@code [first, end)}
     * @throws IllegalArgumentException for a column of a kind {@link #readLongs(int, int, long[])} does
     *                                  not read, an unknown column, a row group out of range, a range
     *                                  outside the group's rows, or a chunk holding NULLs (they
     *                                  have no place in the order)
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    default void equalRange(int column, int rowGroup, int fromRow, int toRow, long value, int[] range) throws IOException {
        int rows = info().rowGroups().get(rowGroup).rowCount();
        if (fromRow < 0 || fromRow > toRow || toRow > rows) {
            throw new IllegalArgumentException("rows [" + fromRow + ", " + toRow + ") outside the " + rows + " rows of row group " + rowGroup
                    + " of table " + info().name());
        }
        long nulls = chunkStats(column, rowGroup).nullCount();
        if (nulls > 0) {
            throw new IllegalArgumentException("column " + info().def().columns().get(column).name() + " of table " + info().name()
                    + " holds " + nulls + " NULLs in row group " + rowGroup + ": no sorted search");
        }
        int[] at = new int[1];
        long[] v = new long[1];
        for (int bound = 0; bound < 2; bound++) { // the first row >= value, then the first row > value
            int lo = bound == 0 ? fromRow : range[0];
            int hi = toRow;
            while (lo < hi) {
                at[0] = (lo + hi) >>> 1;
                long x = readLongs(column, rowGroup, at, 1, v)[0];
                if (x < value || bound == 1 && x == value) {
                    lo = at[0] + 1;
                } else {
                    hi = at[0];
                }
            }
            range[bound] = lo;
        }
    }

    /**
     * The validity of every row (deleted ones included) of column {@code column} of row group
     * {@code rowGroup} as 64-bit words (bit {@code i % 64} of word {@code i / 64} set: row
     * {@code i} is not NULL; bits past the group's rows clear), in {@code reuse} when it is large
     * enough; null when the chunk has no NULL. Any column kind.
     *
     * @throws IllegalArgumentException for an unknown column or a row group out of range
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    default long[] readValidity(int column, int rowGroup, long[] reuse) throws IOException {
        try (FieldVector v = readChunkInto(column, rowGroup, null)) {
            int rows = v.getValueCount();
            if (v.getNullCount() == 0) {
                return null;
            }
            long[] out = dev.ingot.columnstore.scan.Vectors.validity(v, rows, reuse);
            if ((rows & 63) != 0) {
                out[rows >>> 6] &= (1L << rows) - 1;
            }
            return out;
        }
    }

    /**
     * Every row (deleted ones included) of column {@code column} (0-based) of row group
     * {@code rowGroup} as a vector owned by the caller, decoded into {@code reuse} where possible:
     * for scans that read one row group after another without allocating (and zeroing) new
     * buffers for each. A PLAIN chunk is handed out as a zero-copy view (see "Ownership" above).
     *
     * @param reuse a vector of this column that the caller gives up (its contents are overwritten,
     *              or it is closed when a new vector is returned: always when it is a zero-copy view,
     *              which is never written), or null
     * @return the rows, in {@code reuse} or in a new vector
     * @throws IllegalArgumentException for an unknown column, a row group out of range, or a
     *                                  {@code reuse} of another Arrow type than the column's
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    default FieldVector readChunkInto(int column, int rowGroup, FieldVector reuse) throws IOException {
        if (reuse != null) {
            reuse.close();
        }
        VectorSchemaRoot r = readRowGroup(rowGroup, List.of(info().def().columns().get(column).name()), true);
        return r.getVector(0);
    }

    /** The statistics in the header of one chunk (the header is validated; data is not read). */
    ChunkStats chunkStats(int column, int rowGroup) throws IOException;

    /**
     * Streams the row groups in order: each {@code next()} reads the live rows of one row group
     * of the chosen columns (null means all); a group whose rows are all deleted gives a batch of
     * 0 rows. Read failures surface as {@link java.io.UncheckedIOException}.
     *
     * <p>Ownership: the batches belong to the reader, not the caller. A batch is valid until the
     * next call to {@code next()} of the same iterator, a call to its {@code hasNext()} that
     * returns false (the scan is over: its vectors are closed then), or the reader's close,
     * whichever comes first: the scan decodes each row group into the vectors of the previous one
     * (their buffers are reused, grown when a chunk needs more) and swaps zero-copy vectors for
     * the next chunk's. Closing a batch does nothing; a scan given up before its end keeps its
     * vectors until the reader closes. Copy or transfer what must outlive the next call.
     */
    Iterator<VectorSchemaRoot> scan(List<String> columns);

    /**
     * Re-reads every chunk with {@link dev.ingot.pager.Pager#getVerified} and checks its own
     * CRC32C and header, and every deletion vector (pager checksum, own CRC32C, header, that its
     * positions lie inside the row group and its cardinality matches the catalog).
     *
     * @return number of chunks and deletion vectors verified
     * @throws dev.ingot.pager.StoreCorruptedException naming the file, table, column, row group
     *                                                 and offset of the first damaged chunk
     */
    long verifyChecksums() throws IOException;

    /** Idempotent; later reads throw IllegalStateException. */
    @Override
    void close();
}
