package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.pager.StoreCorruptedException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Encodes and decodes the catalog blob (pager root slot 0). Little-endian.
 *
 * <pre>
 * offset      size  field
 * 0           4     magic "ICAT" (bytes 'I','C','A','T'; int 0x54414349)
 * 4           2     format version (1)
 * 6           2     reserved, 0
 * 8           4     total bytes of the blob, footer included
 * 12          8     generation (number of table commits that produced this catalog)
 * 20          4     table count
 * 24          ...   tables, each:
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
 *                             i32 row count, column count x i64 chunk key
 * total-4     4     CRC32C of bytes [0, total - 4)
 * </pre>
 *
 * <p>Decoding verifies magic, version, length and CRC before reading anything else, then checks
 * every count against the bytes left and the row-group row counts against the table's.
 */
final class CatalogCodec {
    static final int MAGIC = 0x54414349;
    static final short VERSION = 1;
    private static final int HEADER_BYTES = 24;
    private static final int NULL_LENGTH = -1;

    private CatalogCodec() {}

    /** A decoded catalog. */
    record Decoded(long generation, List<TableInfo> tables) {}

    static byte[] encode(long generation, Collection<TableInfo> tables) {
        Out out = new Out();
        out.i32(MAGIC);
        out.i16(VERSION);
        out.i16((short) 0);
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
            }
        }
        out.i32(0); // footer placeholder
        byte[] b = out.toByteArray();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(8, b.length);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        bb.putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    /**
     * Decodes a catalog blob.
     *
     * @param where describes the blob for messages, e.g. {@code catalog (pager key 17)}
     * @throws StoreCorruptedException naming {@code file} and the byte offset within the blob
     */
    static Decoded decode(ByteBuffer blob, Path file, String where) throws StoreCorruptedException {
        ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        if (length < HEADER_BYTES + 4) {
            throw corrupt(file, where, 0, "catalog of " + length + " bytes is shorter than its header and footer");
        }
        int magic = b.getInt(0);
        if (magic != MAGIC) {
            throw corrupt(file, where, 0, String.format("bad catalog magic 0x%08x, expected 0x%08x (\"ICAT\")", magic, MAGIC));
        }
        short version = b.getShort(4);
        if (version != VERSION) {
            throw corrupt(file, where, 4, "unsupported catalog format version " + version + ", expected " + VERSION);
        }
        int total = b.getInt(8);
        if (total != length) {
            throw corrupt(file, where, 8, "catalog says " + total + " bytes, blob has " + length);
        }
        CRC32C crc = new CRC32C();
        ByteBuffer body = b.duplicate();
        body.position(0).limit(length - 4);
        crc.update(body);
        int stored = b.getInt(length - 4);
        if (stored != (int) crc.getValue()) {
            throw corrupt(file, where, length - 4, String.format("catalog CRC32C mismatch: stored 0x%08x, computed 0x%08x", stored, (int) crc.getValue()));
        }
        b.position(12);
        b.limit(length - 4);
        try {
            long generation = b.getLong();
            int tableCount = count(b, file, where, 4);
            List<TableInfo> tables = new ArrayList<>(tableCount);
            for (int t = 0; t < tableCount; t++) {
                tables.add(table(b, file, where));
            }
            if (b.hasRemaining()) {
                throw corrupt(file, where, b.position(), b.remaining() + " unexpected bytes after the last table");
            }
            return new Decoded(generation, tables);
        } catch (BufferUnderflowException e) {
            throw corrupt(file, where, b.position(), "catalog ends in the middle of an entry");
        }
    }

    private static TableInfo table(ByteBuffer b, Path file, String where) throws StoreCorruptedException {
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
        int groupCount = count(b, file, where, 4 + 8L * columnCount);
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
            groups.add(new RowGroupInfo(first, rows, keys));
            first += rows;
        }
        if (first != rowCount) {
            throw corrupt(file, where, at, "table " + name + ": row groups hold " + first + " rows, table says " + rowCount);
        }
        return new TableInfo(def, rowCount, chunkRows, groups);
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

        void i16(short v) {
            write(v);
            write(v >>> 8);
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
