package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import dev.ingot.pager.format.FormatCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Encodes and decodes the catalog blob (pager root slot 0), and owns its layout. Framed by
 * {@link #CODEC} (magic, version range, CRC32C footer). Little-endian.
 *
 * <pre>
 * offset      size  field                                                  constant
 * 0           4     magic "ICAT" (bytes 'I','C','A','T'; int 0x54414349)   OFF_MAGIC
 * 4           2     format version (2; version 1 is read too)              OFF_VERSION
 * 6           2     reserved, 0
 * 8           4     total bytes of the blob, footer included               OFF_TOTAL_BYTES
 * 12          8     generation (number of table commits that produced      OFF_GENERATION
 *                   this catalog)
 * 20          4     table count                                            OFF_TABLE_COUNT
 * 24          ...   tables, each:                                          HEADER_BYTES
 *                     str   name                 (str = u32 byte length + UTF-8)
 *                     bytes Arrow schema         (u32 length + Schema.serializeAsMessage())
 *                     u32   constraint count, each:
 *                             str name, u8 kind (ConstraintSpec.Kind ordinal),
 *                             u32 n + n str columns,
 *                             str referenced table (length 0xFFFFFFFF = none),
 *                             u32 m + m str referenced columns
 *                     i64   row count
 *                     i32   chunk rows
 *                     i32   column count (= schema fields)
 *                     i32   row group count, each:
 *                             i32 row count, column count x i64 chunk key,
 *                             [v2] i64 deletion vector key (0 = none), i32 deleted rows
 *                     [v2] i32 index count, each:
 *                             str name, u8 stale (0|1), i64 table rows when put,
 *                             i32 n + n x i64 part key
 * total-4     4     CRC32C of bytes [0, total - 4)                         the codec's footer
 * </pre>
 *
 * <p>Decoding verifies magic, length, CRC and version (in that order; a catalog of a newer
 * version raises {@link dev.ingot.pager.FormatTooNewException}) before reading anything else,
 * then checks every count against the bytes left and the row-group row counts against the
 * table's.
 */
final class CatalogCodec {
    /** The catalog's framing: magic "ICAT" (4 bytes), version (2 bytes), versions 1 to 2 (2 added deletion vectors and index blobs). */
    static final FormatCodec CODEC = FormatCodec.of("catalog", "ICAT", 2, 1, 2);
    static final int MAGIC = (int) CODEC.magic();
    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = 4;
    static final int OFF_TOTAL_BYTES = 8;
    static final int OFF_GENERATION = 12;
    static final int OFF_TABLE_COUNT = 20;
    private static final int HEADER_BYTES = 24;
    private static final int NULL_LENGTH = -1;

    private CatalogCodec() {}

    /** A decoded catalog. */
    record Decoded(long generation, List<TableInfo> tables) {}

    static byte[] encode(long generation, Collection<TableInfo> tables) {
        Out out = new Out();
        out.i32(0); // magic and version, written by the codec below
        out.i32(0); // reserved
        out.i32(0); // total, patched below
        out.i64(generation);
        out.i32(tables.size());
        for (TableInfo t : tables) {
            TableDef def = t.def();
            out.str(def.name());
            byte[] schema = def.arrowSchema().serializeAsMessage();
            out.i32(schema.length);
            out.bytes(schema);
            out.i32(def.constraints().size());
            for (ConstraintSpec k : def.constraints()) {
                out.str(k.name());
                out.u8(k.kind().ordinal());
                out.strs(k.columns());
                out.str(k.referencedTable());
                out.strs(k.referencedColumns());
            }
            out.i64(t.rowCount());
            out.i32(t.chunkRows());
            out.i32(def.columns().size());
            out.i32(t.rowGroups().size());
            for (RowGroupInfo g : t.rowGroups()) {
                out.i32(g.rowCount());
                for (int c = 0; c < def.columns().size(); c++) {
                    out.i64(g.chunkKey(c));
                }
                out.i64(g.deletionKey());
                out.i32(g.deletedRows());
            }
            out.i32(t.indexes().size());
            for (IndexInfo i : t.indexes()) {
                out.str(i.name());
                out.u8(i.stale() ? 1 : 0);
                out.i64(i.tableRows());
                out.i32(i.parts());
                for (int p = 0; p < i.parts(); p++) {
                    out.i64(i.partKey(p));
                }
            }
        }
        out.i32(0); // footer placeholder
        byte[] b = out.toByteArray();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        CODEC.writeHeader(bb);
        bb.putInt(OFF_TOTAL_BYTES, b.length);
        CODEC.writeFooter(bb, b.length - FormatCodec.FOOTER_BYTES);
        return b;
    }

    /**
     * Decodes a catalog blob.
     *
     * @param where describes the blob for messages, e.g. {@code catalog (pager key 17)}
     * @throws StoreCorruptedException    naming {@code file} and the byte offset within the blob
     *                                    (a {@link BlobCorruptedException})
     * @throws UnsupportedFormatException at file offset -1 (the caller relocates it) if an intact
     *                                    catalog has a version this build does not read
     */
    static Decoded decode(ByteBuffer blob, Path file, String where) throws IOException {
        ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        FormatCodec.Corruption corruption = (offset, detail) -> corrupt(file, where, offset, detail);
        if (length < HEADER_BYTES + FormatCodec.FOOTER_BYTES) {
            throw corrupt(file, where, 0, "catalog of " + length + " bytes is shorter than its header and footer");
        }
        int version = CODEC.checkHeader(b, file, -1, where, corruption, () -> {
            int total = b.getInt(OFF_TOTAL_BYTES);
            if (total != length) {
                throw corrupt(file, where, OFF_TOTAL_BYTES, "catalog says " + total + " bytes, blob has " + length);
            }
            CODEC.checkFooter(b, length - FormatCodec.FOOTER_BYTES, corruption);
        });
        b.position(OFF_GENERATION);
        b.limit(length - FormatCodec.FOOTER_BYTES);
        try {
            long generation = b.getLong();
            int tableCount = count(b, file, where, 4);
            List<TableInfo> tables = new ArrayList<>(tableCount);
            for (int t = 0; t < tableCount; t++) {
                tables.add(table(b, file, where, version));
            }
            if (b.hasRemaining()) {
                throw corrupt(file, where, b.position(), b.remaining() + " unexpected bytes after the last table");
            }
            return new Decoded(generation, tables);
        } catch (BufferUnderflowException e) {
            throw corrupt(file, where, b.position(), "catalog ends in the middle of an entry");
        }
    }

    private static TableInfo table(ByteBuffer b, Path file, String where, int version) throws StoreCorruptedException {
        int start = b.position();
        String name = str(b, file, where);
        int schemaLength = count(b, file, where, 1);
        ByteBuffer schemaBytes = b.slice();
        schemaBytes.limit(schemaLength);
        b.position(b.position() + schemaLength);
        Schema schema;
        try {
            schema = Schema.deserializeMessage(schemaBytes);
        } catch (RuntimeException e) {
            throw corrupt(file, where, start, "table " + name + ": unreadable Arrow schema (" + e + ")");
        }
        int constraintCount = count(b, file, where, 4);
        List<ConstraintSpec> constraints = new ArrayList<>(constraintCount);
        ConstraintSpec.Kind[] kinds = ConstraintSpec.Kind.values();
        for (int i = 0; i < constraintCount; i++) {
            int at = b.position();
            String cname = str(b, file, where);
            int kind = b.get() & 0xFF;
            List<String> cols = strs(b, file, where);
            String ref = str(b, file, where);
            List<String> refCols = strs(b, file, where);
            if (kind >= kinds.length) {
                throw corrupt(file, where, at, "table " + name + ": constraint kind " + kind);
            }
            try {
                constraints.add(new ConstraintSpec(cname, kinds[kind], cols, ref, refCols));
            } catch (IllegalArgumentException e) {
                throw corrupt(file, where, at, "table " + name + ": bad constraint: " + e.getMessage());
            }
        }
        TableDef def;
        try {
            def = TableDef.fromArrow(name, schema, constraints);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, where, start, "table " + name + ": bad definition: " + e.getMessage());
        }
        int at = b.position();
        long rowCount = b.getLong();
        int chunkRows = b.getInt();
        int columnCount = b.getInt();
        if (rowCount < 0 || chunkRows < 1 || columnCount != def.columns().size()) {
            throw corrupt(file, where, at, "table " + name + ": row count " + rowCount + ", chunk rows " + chunkRows + ", "
                    + columnCount + " columns for " + def.columns().size() + " schema fields");
        }
        int groupCount = count(b, file, where, 4 + 8L * columnCount + (version >= 2 ? 12 : 0));
        List<RowGroupInfo> groups = new ArrayList<>(groupCount);
        long first = 0;
        for (int g = 0; g < groupCount; g++) {
            at = b.position();
            int rows = b.getInt();
            long[] keys = new long[columnCount];
            for (int c = 0; c < columnCount; c++) {
                keys[c] = b.getLong();
                if (keys[c] <= 0) {
                    throw corrupt(file, where, at, "table " + name + " row group " + g + ": bad chunk key " + keys[c]);
                }
            }
            if (rows < 1 || rows > chunkRows) { // row groups sealed early by bytes hold fewer rows
                throw corrupt(file, where, at, "table " + name + " row group " + g + ": " + rows + " rows with chunk rows " + chunkRows);
            }
            long deletionKey = 0;
            int deleted = 0;
            if (version >= 2) {
                deletionKey = b.getLong();
                deleted = b.getInt();
                if (deletionKey < 0 || deleted < 0 || deleted > rows || (deletionKey == 0) != (deleted == 0)) {
                    throw corrupt(file, where, at, "table " + name + " row group " + g + ": deletion vector key " + deletionKey
                            + " with " + deleted + " deleted of " + rows + " rows");
                }
            }
            groups.add(new RowGroupInfo(first, rows, keys, deletionKey, deleted));
            first += rows;
        }
        if (first != rowCount) {
            throw corrupt(file, where, at, "table " + name + ": row groups hold " + first + " rows, table says " + rowCount);
        }
        List<IndexInfo> indexes = new ArrayList<>();
        if (version >= 2) {
            int indexCount = count(b, file, where, 17);
            for (int i = 0; i < indexCount; i++) {
                at = b.position();
                String iname = str(b, file, where);
                int stale = b.get() & 0xFF;
                long tableRows = b.getLong();
                int parts = count(b, file, where, 8);
                long[] keys = new long[parts];
                for (int p = 0; p < parts; p++) {
                    keys[p] = b.getLong();
                }
                try {
                    indexes.add(new IndexInfo(iname, keys, tableRows, stale == 1));
                } catch (IllegalArgumentException e) {
                    throw corrupt(file, where, at, "table " + name + ": bad index entry: " + e.getMessage());
                }
                if (stale > 1) {
                    throw corrupt(file, where, at, "table " + name + " index " + iname + ": stale flag " + stale);
                }
            }
        }
        return new TableInfo(def, rowCount, chunkRows, groups, indexes);
    }

    /** Reads a non-negative count and checks that {@code count * minBytesEach} bytes remain. */
    private static int count(ByteBuffer b, Path file, String where, long minBytesEach) throws StoreCorruptedException {
        int at = b.position();
        int n = b.getInt();
        if (n < 0 || (long) n * minBytesEach > b.remaining()) {
            throw corrupt(file, where, at, "count " + n + " does not fit the " + b.remaining() + " bytes left");
        }
        return n;
    }

    private static String str(ByteBuffer b, Path file, String where) throws StoreCorruptedException {
        int at = b.position();
        int n = b.getInt();
        if (n == NULL_LENGTH) {
            return null;
        }
        if (n < 0 || n > b.remaining()) {
            throw corrupt(file, where, at, "string length " + n + " does not fit the " + b.remaining() + " bytes left");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> strs(ByteBuffer b, Path file, String where) throws StoreCorruptedException {
        int n = count(b, file, where, 4);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int at = b.position();
            String s = str(b, file, where);
            if (s == null) {
                throw corrupt(file, where, at, "missing string");
            }
            out.add(s);
        }
        return out;
    }

    static StoreCorruptedException corrupt(Path file, String where, long blobOffset, String detail) {
        return new BlobCorruptedException(file, blobOffset, where + ", byte " + blobOffset + " of the blob: " + detail);
    }

    /** Little-endian byte sink. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(4096);
        }

        void u8(int v) {
            write(v);
        }

        void i32(int v) {
            for (int i = 0; i < 4; i++) {
                write(v >>> (8 * i));
            }
        }

        void i64(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }

        void str(String s) {
            if (s == null) {
                i32(NULL_LENGTH);
                return;
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            bytes(b);
        }

        void strs(List<String> list) {
            i32(list.size());
            for (String s : list) {
                str(s);
            }
        }
    }
}
