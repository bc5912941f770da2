package dev.ingot.columnstore.internal;

import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.roaringbitmap.RoaringBitmap;

/**
 * Encodes and decodes the deletion vector blob of one row group: the positions (0-based within
 * the row group) of its deleted rows as a Roaring bitmap in the portable serialization of the
 * RoaringBitmap library (the format specified at github.com/RoaringBitmap/RoaringFormatSpec, which
 * Apache Iceberg's and Delta Lake's deletion vectors also embed), framed by {@link #CODEC}.
 * Little-endian.
 *
 * <pre>
 * offset   size  field                                                  constant
 * 0        4     magic "IDLV" (int 0x564C4449)                           (codec)
 * 4        2     format version (1)                                     (codec)
 * 6        2     reserved, 0
 * 8        4     total bytes of the blob, footer included               OFF_TOTAL_BYTES
 * 12       4     rows of the row group                                  OFF_GROUP_ROWS
 * 16       4     deleted rows (the bitmap's cardinality)                OFF_CARDINALITY
 * 20       ...   Roaring portable serialization                         HEADER_BYTES
 * total-4  4     CRC32C of bytes [0, total - 4)                         the codec's footer
 * </pre>
 *
 * <p>Decoding checks magic, length, CRC, version, then that the bitmap deserializes to exactly the
 * bytes between header and footer, that its cardinality matches the header's and the catalog's,
 * and that every position is below the group's row count. Thread-safety: stateless.
 */
final class DeletionVectorCodec {
    static final FormatCodec CODEC = FormatCodec.of("deletion vector", "IDLV", 2, 1, 1);
    static final int OFF_TOTAL_BYTES = 8;
    static final int OFF_GROUP_ROWS = 12;
    static final int OFF_CARDINALITY = 16;
    static final int HEADER_BYTES = 20;

    private DeletionVectorCodec() {
    }

    /** The blob of {@code deleted} (run-optimized first) for a row group of {@code groupRows} rows, as a direct buffer. */
    static ByteBuffer encode(RoaringBitmap deleted, int groupRows) {
        deleted.runOptimize();
        int bitmapBytes = deleted.serializedSizeInBytes();
        int total = HEADER_BYTES + bitmapBytes + FormatCodec.FOOTER_BYTES;
        ByteBuffer b = ByteBuffer.allocateDirect(total).order(ByteOrder.LITTLE_ENDIAN);
        CODEC.writeHeader(b);
        b.putInt(OFF_TOTAL_BYTES, total);
        b.putInt(OFF_GROUP_ROWS, groupRows);
        b.putInt(OFF_CARDINALITY, deleted.getCardinality());
        ByteBuffer body = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        body.position(HEADER_BYTES).limit(HEADER_BYTES + bitmapBytes);
        deleted.serialize(body.slice().order(ByteOrder.LITTLE_ENDIAN));
        CODEC.writeFooter(b, total - FormatCodec.FOOTER_BYTES);
        b.position(0).limit(total);
        return b;
    }

    /**
     * Decodes a deletion vector blob.
     *
     * @param groupRows        rows of the row group (from the catalog)
     * @param expectedDeleted  deleted rows the catalog records for the group
     * @param where            names the table, row group and pager key for messages
     * @throws StoreCorruptedException naming the file and the byte offset within the blob
     *                                 (a {@link BlobCorruptedException}) on any mismatch
     */
    static RoaringBitmap decode(ByteBuffer blob, int groupRows, int expectedDeleted, Path file, String where) throws IOException {
        ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        FormatCodec.Corruption corruption = (offset, detail) -> CatalogCodec.corrupt(file, where, offset, detail);
        if (length < HEADER_BYTES + FormatCodec.FOOTER_BYTES) {
            throw CatalogCodec.corrupt(file, where, 0, "deletion vector of " + length + " bytes is shorter than its header and footer");
        }
        CODEC.checkHeader(b, file, -1, where, corruption, () -> {
            int total = b.getInt(OFF_TOTAL_BYTES);
            if (total != length) {
                throw CatalogCodec.corrupt(file, where, OFF_TOTAL_BYTES, "deletion vector says " + total + " bytes, blob has " + length);
            }
            CODEC.checkFooter(b, length - FormatCodec.FOOTER_BYTES, corruption);
        });
        int rows = b.getInt(OFF_GROUP_ROWS);
        if (rows != groupRows) {
            throw CatalogCodec.corrupt(file, where, OFF_GROUP_ROWS, "deletion vector is for a row group of " + rows
                    + " rows, the catalog says " + groupRows);
        }
        int cardinality = b.getInt(OFF_CARDINALITY);
        if (cardinality != expectedDeleted) {
            throw CatalogCodec.corrupt(file, where, OFF_CARDINALITY, "deletion vector holds " + cardinality
                    + " deleted rows, the catalog says " + expectedDeleted);
        }
        ByteBuffer body = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        body.position(HEADER_BYTES).limit(length - FormatCodec.FOOTER_BYTES);
        body = body.slice().order(ByteOrder.LITTLE_ENDIAN);
        RoaringBitmap bitmap = new RoaringBitmap();
        try {
            bitmap.deserialize(body);
        } catch (IOException | RuntimeException e) {
            throw CatalogCodec.corrupt(file, where, HEADER_BYTES, "unreadable Roaring bitmap (" + e + ")");
        }
        if (bitmap.serializedSizeInBytes() != length - HEADER_BYTES - FormatCodec.FOOTER_BYTES) {
            throw CatalogCodec.corrupt(file, where, HEADER_BYTES, "Roaring bitmap of " + bitmap.serializedSizeInBytes()
                    + " bytes in " + (length - HEADER_BYTES - FormatCodec.FOOTER_BYTES) + " bytes");
        }
        if (bitmap.getCardinality() != cardinality) {
            throw CatalogCodec.corrupt(file, where, HEADER_BYTES, "Roaring bitmap holds " + bitmap.getCardinality()
                    + " positions, the header says " + cardinality);
        }
        if (cardinality > 0 && Integer.toUnsignedLong(bitmap.last()) >= groupRows) {
            throw CatalogCodec.corrupt(file, where, HEADER_BYTES, "deleted position " + Integer.toUnsignedLong(bitmap.last())
                    + " is outside the row group of " + groupRows + " rows");
        }
        return bitmap;
    }
}
