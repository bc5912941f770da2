package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ColumnValueException;
import dev.ingot.columnstore.ColumnWriter;
import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.MemoryView;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;

/**
 * Stages one column's values off-heap, in place in the layout of a sealed chunk
 * ({@link ChunkFormat}), so a full chunk is put straight from its staging block:
 *
 * <pre>
 * staging block offset        size                         content
 * 0                           256                          header (written when sealed)
 * 256                         align64(ceil(chunkRows/8))   validity bitmap (zeroed per chunk)
 * fixed: dataOffset           Kind.dataBytes(chunkRows)    values (DECIMAL64 narrowed to 8 bytes;
 *                                                          BOOLEAN bit-packed, zeroed per chunk)
 * variable: offsetsOffset     align64(4 * (chunkRows+1))   int32 offsets, offsets[0] = 0
 * variable: dataOffset        dataCapacity (grows)         UTF-8 / binary bytes
 * </pre>
 *
 * What differs per column type (vector class, value checks, staging copy, min/max) is the
 * column's {@link ColumnCodec}; this class owns the staging block, the variable-width offset
 * path and sealing.
 *
 * A chunk sealed with fewer than chunkRows rows (the last of a table) is compacted into an
 * exactly sized temporary block first. Every block comes from the table writer's
 * {@link NativeAllocator} and is wrapped as a direct ByteBuffer
 * ({@link MemoryBlock#asByteBuffer}) for the pager.
 *
 * <p>Thread-safety: not thread-safe; confined to the table writer's thread, except that
 * {@link #seal} of a full row group may run on one of the store's {@link SealWorkers} while the
 * table writer's thread waits for it (the hand-over and the wait order every access).
 */
final class ColumnWriterImpl implements ColumnWriter {
    private final TableWriterImpl table;
    private final ColumnDef def;
    private final int index;
    private final ColumnType.Kind kind;
    private final ColumnCodec codec;
    private final StatsBuilder stats = new StatsBuilder();
    private final ChunkEncoder encoder;
    private final boolean variable;
    private final int chunkRows;
    private final NativeAllocator allocator;
    private final long maxBlobBytes;

    private MemoryBlock block;
    private ByteBuffer blockBuffer;
    private final int validityOffset;
    private final int validityCapacity;
    private final int offsetsOffset;
    private final int dataOffset;
    private long dataCapacity;

    private int stagedRows;
    private long textBytes;
    private long rowCount;
    private MemoryBlock sealTemp;
    /** Rebased text offsets of the batch being staged. */
    private int[] offsetScratch = new int[0];
    private long[] chunkKeys = new long[8];
    /** Rows of each put chunk (a row group is sealed early when its text would outgrow a blob). */
    private int[] chunkRowCounts = new int[8];
    private int chunkCount;

    ColumnWriterImpl(TableWriterImpl table, ColumnDef def, int index, int chunkRows, NativeAllocator allocator, long maxBlobBytes) {
        this.table = table;
        this.def = def;
        this.index = index;
        this.kind = def.type().kind();
        this.codec = ColumnCodec.of(def.type());
        this.encoder = new ChunkEncoder(kind);
        this.variable = kind.isVariableWidth();
        this.chunkRows = chunkRows;
        this.allocator = allocator;
        this.maxBlobBytes = maxBlobBytes;
        this.validityOffset = ChunkFormat.HEADER_BYTES;
        this.validityCapacity = (int) ChunkFormat.align(ChunkFormat.validityBytes(chunkRows));
        long blockBytes;
        if (variable) {
            offsetsOffset = validityOffset + validityCapacity;
            dataOffset = (int) (offsetsOffset + ChunkFormat.align(4L * chunkRows + 4));
            int perValue = Math.max(1, Math.min(def.type().maxLength(), 64) / 2);
            dataCapacity = ChunkFormat.align(Math.min(Math.max(4096L, (long) chunkRows * perValue), maxBlobBytes - dataOffset));
            blockBytes = dataOffset + dataCapacity;
        } else {
            offsetsOffset = 0;
            dataOffset = validityOffset + validityCapacity;
            dataCapacity = kind.dataBytes(chunkRows);
            blockBytes = dataOffset + ChunkFormat.align(dataCapacity);
        }
        if (dataOffset + (variable ? 0 : dataCapacity) > maxBlobBytes || blockBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a chunk of " + chunkRows + " rows of column " + def.name() + " (" + def.type()
                    + ") would exceed the pager's largest blob of " + maxBlobBytes + " bytes; use fewer chunkRows");
        }
        block = allocator.allocate(blockBytes, "staging " + table.def().name() + "." + def.name());
        blockBuffer = block.asByteBuffer();
        if (kind == ColumnType.Kind.BOOLEAN) {
            block.fill(dataOffset, ChunkFormat.align(dataCapacity), (byte) 0);
        }
    }

    @Override
    public ColumnDef def() {
        return def;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public long rowCount() {
        return rowCount;
    }

    /** Bytes of the staged values (text bytes, or rows times the value width): the relative cost of {@link #seal}. */
    long stagedBytes() {
        return variable ? textBytes : kind.dataBytes(stagedRows);
    }

    int stagedRows() {
        return stagedRows;
    }

    int chunkCount() {
        return chunkCount;
    }

    long chunkKey(int chunk) {
        return chunkKeys[chunk];
    }

    int chunkRowCount(int chunk) {
        return chunkRowCounts[chunk];
    }

    @Override
    public void appendBatch(FieldVector vector, int offset, int length) throws IOException {
        table.ensureAcceptsRows();
        checkVector(vector);
        checkRange(vector, offset, length);
        validate(vector, offset, length, rowCount);
        int done = 0;
        while (done < length) {
            int k = Math.min(length - done, chunkRows - stagedRows);
            stage(vector, offset + done, k);
            done += k;
            if (stagedRows == chunkRows) {
                table.putChunk(this);
            }
        }
    }

    // ---------------------------------------------------------------- argument checks

    void checkVector(FieldVector vector) {
        if (!codec.accepts(vector)) {
            throw new IllegalArgumentException("column " + def.name() + " (" + def.type() + ") needs a vector of Arrow type "
                    + def.type().arrowType() + ", got " + vector.getClass().getSimpleName() + " of " + vector.getField().getType());
        }
    }

    void checkRange(FieldVector vector, int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > vector.getValueCount()) {
            throw new IllegalArgumentException("rows [" + offset + ", +" + length + ") outside vector " + def.name() + " of "
                    + vector.getValueCount() + " values");
        }
        if (length == 0) {
            return;
        }
        long end = (long) offset + length;
        require(vector.getValidityBuffer(), ChunkFormat.validityBytes(end), "validity");
        if (variable) {
            ArrowBuf offsets = vector.getOffsetBuffer();
            require(offsets, 4 * (end + 1), "offsets");
            int start = offsets.getInt(4L * offset);
            int stop = offsets.getInt(4 * end);
            if (start < 0 || stop < start || stop > vector.getDataBuffer().capacity()) {
                throw new IllegalArgumentException("text offsets of " + def.name() + " [" + start + ", " + stop
                        + ") are outside its data buffer of " + vector.getDataBuffer().capacity() + " bytes");
            }
        } else {
            require(vector.getDataBuffer(), codec.sourceBytes(end), "data");
        }
    }

    private void require(ArrowBuf buf, long bytes, String what) {
        if (buf == null || buf.capacity() < bytes) {
            throw new IllegalArgumentException(what + " buffer of vector " + def.name() + " has " + (buf == null ? 0 : buf.capacity())
                    + " bytes, needs " + bytes);
        }
    }

    // ---------------------------------------------------------------- value checks

    /**
     * Checks NOT NULL and the column codec's value checks (text length, decimal range, binary
     * length) for {@code [offset, offset+length)}; throws before anything is staged.
     * {@code firstRowId} is the table row id of {@code offset}.
     */
    void validate(FieldVector vector, int offset, int length, long firstRowId) {
        if (length == 0) {
            return;
        }
        MemoryView validity = ArrowMemory.view(vector.getValidityBuffer());
        if (!def.nullable() && vector.getNullCount() > 0) {
            long z = Bits.firstZero(validity, offset, length);
            if (z >= 0) {
                long row = firstRowId + z;
                throw new ColumnValueException(ColumnValueException.Reason.NOT_NULL, table.def().name(), def.name(), row, null,
                        "null value in column " + def.name() + " violates not-null constraint; row " + row);
            }
        }
        codec.validate(table.def().name(), def, vector, validity, offset, length, firstRowId);
    }

    // ---------------------------------------------------------------- staging

    /**
     * How many of the {@code k} values from {@code offset} fit into the current chunk without
     * making it larger than the pager's largest blob: {@code k} for fixed-width columns; for
     * text, the most values whose UTF-8 bytes, added to the staged ones, keep
     * {@code dataOffset + textBytes <= maxBlobBytes} (binary search over the offsets). 0 means
     * the next value does not fit (seal first, or, on an empty chunk, the value is too large).
     */
    int rowsThatFit(FieldVector vector, int offset, int k) {
        if (!kind.isText() || k == 0) {
            return k;
        }
        long room = maxBlobBytes - dataOffset - textBytes;
        MemoryView offsets = ArrowMemory.view(vector.getOffsetBuffer());
        int start = offsets.getInt(4L * offset);
        if (offsets.getInt(4L * (offset + k)) - (long) start <= room) {
            return k;
        }
        int lo = 0;
        int hi = k; // invariant: lo values fit, hi values do not
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (offsets.getInt(4L * (offset + mid)) - (long) start <= room) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The UTF-8 bytes of value {@code row} of a text vector. */
    static long valueBytes(FieldVector vector, int row) {
        MemoryView offsets = ArrowMemory.view(vector.getOffsetBuffer());
        return offsets.getInt(4L * (row + 1)) - (long) offsets.getInt(4L * row);
    }

    /** The most UTF-8 bytes one chunk of this text column can hold. */
    long maxTextBytes() {
        return maxBlobBytes - dataOffset;
    }

    /** Copies {@code k} validated values (fitting in the current chunk) into the staging block. */
    void stage(FieldVector vector, int offset, int k) {
        if (k == 0) {
            return;
        }
        if (stagedRows + k > chunkRows) {
            throw new IllegalStateException("internal: staging " + k + " rows onto " + stagedRows + " of " + chunkRows);
        }
        Bits.copyBits(ArrowMemory.view(vector.getValidityBuffer()), offset, validityView(), stagedRows, k);
        if (!variable) {
            codec.stage(vector, offset, dataView(), stagedRows, k);
        } else {
            MemoryView srcOffsets = ArrowMemory.view(vector.getOffsetBuffer());
            int start = srcOffsets.getInt(4L * offset);
            int end = srcOffsets.getInt(4L * (offset + k));
            int bytes = end - start;
            ensureTextCapacity(textBytes + bytes);
            ArrowMemory.view(vector.getDataBuffer()).copyTo(start, block, dataOffset + textBytes, bytes);
            // rebase offsets: dst[staged + i] = textBytes + (src[offset + i] - start), i = 1..k, in one copy each way
            int delta = (int) (textBytes - start);
            int[] o = offsetScratch = ChunkEncoder.grow(offsetScratch, k);
            srcOffsets.getInts(4L * (offset + 1), o, 0, k);
            for (int i = 0; i < k; i++) {
                o[i] += delta;
            }
            block.putInts(offsetsOffset + 4L * (stagedRows + 1), o, 0, k);
            textBytes += bytes;
        }
        stagedRows += k;
        rowCount += k;
    }

    /** The staging block's validity bitmap (valid until the block grows). */
    private MemoryView validityView() {
        return block.slice(validityOffset, validityCapacity);
    }

    /** The staging block's data area (valid until the block grows). */
    private MemoryView dataView() {
        return block.slice(dataOffset, block.capacity() - dataOffset);
    }

    private void ensureTextCapacity(long bytes) {
        if (bytes <= dataCapacity) {
            return;
        }
        if (dataOffset + bytes > maxBlobBytes) {
            throw new IllegalStateException("text of chunk " + chunkCount + " of column " + table.def().name() + "." + def.name()
                    + " would exceed the pager's largest blob of " + maxBlobBytes + " bytes; use fewer chunkRows");
        }
        long newCapacity = ChunkFormat.align(Math.min(Math.max(bytes, dataCapacity + dataCapacity / 2), maxBlobBytes - dataOffset));
        MemoryBlock grown = allocator.allocate(dataOffset + newCapacity, block.purpose());
        block.copyTo(0, grown, 0, dataOffset + textBytes);
        block.close();
        block = grown;
        blockBuffer = block.asByteBuffer();
        dataCapacity = newCapacity;
    }

    // ---------------------------------------------------------------- sealing

    /**
     * Writes the header of the staged chunk (stats, encoding, layout, CRC32C) and returns the
     * blob: a view of the staging block for a full plain chunk, of a temporary block holding the
     * compacted or encoded chunk otherwise ({@link ChunkEncoder} chooses the encoding from the
     * stats and the staged values). Valid until {@link #chunkPut} or {@link #releaseSealTemp}.
     */
    ByteBuffer seal() {
        int rows = stagedRows;
        MemoryView validity = validityView();
        int nulls = (int) (rows - Bits.countOnes(validity, rows));
        long dataLength = variable ? textBytes : kind.dataBytes(rows);
        stats.reset();
        MemoryView offsets = variable ? block.slice(offsetsOffset, dataOffset - offsetsOffset) : null;
        ByteBuffer staged = blockBuffer.duplicate().position(dataOffset);
        boolean encoded;
        if (variable) { // text: the encoder's offsets and dictionary give the min/max
            encoded = encoder.choose(validity, offsets, dataView(), staged, rows, nulls, textBytes, stats);
            if (nulls < rows) {
                encoder.textStats(validity, dataView(), rows, nulls, stats);
            }
        } else { // integers: the min/max choose the frame of reference
            if (nulls < rows && !encoder.integralStats(validity, dataView(), rows, nulls, stats)) {
                codec.stats(validity, offsets, dataView(), rows, nulls > 0, stats);
            }
            encoded = encoder.choose(validity, offsets, dataView(), staged, rows, nulls, textBytes, stats);
        }
        int flags = (nulls > 0 ? ChunkFormat.FLAG_HAS_NULLS : 0) | stats.flags();
        int vOff = validityOffset;
        int vLen = (int) ChunkFormat.validityBytes(rows);
        if (encoded) {
            sealTemp = allocator.allocate(encoder.blobBytesBound(), "seal " + table.def().name() + "." + def.name());
            block.copyTo(validityOffset, sealTemp, vOff, vLen);
            writeHeader(sealTemp, rows, nulls, flags, vOff, vLen);
            int blobBytes = encoder.write(sealTemp, dataView(), staged);
            return crc(sealTemp, sealTemp.asByteBuffer(), blobBytes);
        }
        MemoryBlock target;
        ByteBuffer buffer;
        int oOff = variable ? offsetsOffset : 0;
        int oLen = variable ? 4 * rows + 4 : 0;
        int dOff = dataOffset;
        if (rows == chunkRows) {
            target = block;
            buffer = blockBuffer;
        } else {
            // compact the partial chunk: validity, offsets and data right after each other (64-aligned)
            oOff = variable ? (int) ChunkFormat.align(vOff + vLen) : 0;
            dOff = (int) ChunkFormat.align(variable ? oOff + oLen : vOff + vLen);
            long bytes = dOff + dataLength;
            sealTemp = allocator.allocate(Math.max(bytes, ChunkFormat.HEADER_BYTES), "seal " + table.def().name() + "." + def.name());
            block.copyTo(validityOffset, sealTemp, vOff, vLen);
            if (variable) {
                block.copyTo(offsetsOffset, sealTemp, oOff, oLen);
            }
            block.copyTo(dataOffset, sealTemp, dOff, dataLength);
            target = sealTemp;
            buffer = sealTemp.asByteBuffer();
        }
        long blobBytes = dOff + dataLength;
        writeHeader(target, rows, nulls, flags, vOff, vLen);
        target.putLong(ChunkFormat.OFF_TEXT_BYTES, variable ? textBytes : 0);
        target.putInt(ChunkFormat.OFF_OFFSETS_OFFSET, oOff);
        target.putInt(ChunkFormat.OFF_OFFSETS_LENGTH, oLen);
        target.putInt(ChunkFormat.OFF_DATA_OFFSET, dOff);
        target.putInt(ChunkFormat.OFF_DATA_LENGTH, (int) dataLength);
        target.putInt(ChunkFormat.OFF_BLOB_BYTES, (int) blobBytes);
        return crc(target, buffer, blobBytes);
    }

    /** Zeroes the header of {@code target} and writes the fields every chunk has (encoding PLAIN = 0 until the encoder sets it). */
    private void writeHeader(MemoryBlock target, int rows, int nulls, int flags, int vOff, int vLen) {
        target.fill(0, ChunkFormat.HEADER_BYTES, (byte) 0);
        target.putInt(ChunkFormat.OFF_MAGIC, ChunkFormat.MAGIC);
        target.putByte(ChunkFormat.OFF_VERSION, (byte) ChunkFormat.VERSION);
        target.putByte(ChunkFormat.OFF_VERSION + 1, (byte) (ChunkFormat.VERSION >>> 8));
        target.putByte(ChunkFormat.OFF_KIND, (byte) kind.ordinal());
        target.putByte(ChunkFormat.OFF_FLAGS, (byte) flags);
        target.putInt(ChunkFormat.OFF_HEADER_BYTES, ChunkFormat.HEADER_BYTES);
        target.putInt(ChunkFormat.OFF_ROWS, rows);
        target.putInt(ChunkFormat.OFF_NULLS, nulls);
        stats.writeTo(target);
        target.putInt(ChunkFormat.OFF_VALIDITY_OFFSET, vOff);
        target.putInt(ChunkFormat.OFF_VALIDITY_LENGTH, vLen);
    }

    /** The blob {@code [0, blobBytes)} of {@code buffer} with its CRC32C written into the header of {@code target}. */
    private static ByteBuffer crc(MemoryBlock target, ByteBuffer buffer, long blobBytes) {
        ByteBuffer blob = buffer.duplicate();
        blob.position(0).limit((int) blobBytes);
        target.putInt(ChunkFormat.OFF_CRC, ChunkFormat.crc(blob));
        return blob;
    }

    /** Records the key the sealed chunk was put under and starts a new chunk. */
    void chunkPut(long key) {
        if (chunkCount == chunkKeys.length) {
            chunkKeys = Arrays.copyOf(chunkKeys, chunkCount * 2);
            chunkRowCounts = Arrays.copyOf(chunkRowCounts, chunkCount * 2);
        }
        chunkRowCounts[chunkCount] = stagedRows;
        chunkKeys[chunkCount++] = key;
        releaseSealTemp();
        stagedRows = 0;
        textBytes = 0;
        block.fill(validityOffset, validityCapacity, (byte) 0);
        if (kind == ColumnType.Kind.BOOLEAN) {
            block.fill(dataOffset, ChunkFormat.align(dataCapacity), (byte) 0);
        }
    }

    void releaseSealTemp() {
        if (sealTemp != null) {
            sealTemp.close();
            sealTemp = null;
        }
    }

    /** Frees the staging memory; idempotent. */
    void release() {
        releaseSealTemp();
        if (block != null) {
            block.close();
            block = null;
            blockBuffer = null;
        }
    }
}
