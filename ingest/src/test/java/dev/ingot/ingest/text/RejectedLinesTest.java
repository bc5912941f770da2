package dev.ingot.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.internal.OrderedParts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skipped lines ({@link RejectedLines}): a rejected record leaves nothing in its batch (text set
 * before the failing column included), the rows after it keep their exact lines, the rejects file
 * lists each skipped line in file order across parallel ranges, and one more than the limit fails.
 */
class RejectedLinesTest {
    static final TableDef T = new TableDef("t", List.of(
            ColumnDef.nullable("name", ColumnType.varchar(10)),
            ColumnDef.notNull("n", ColumnType.int32())), List.of());

    @TempDir
    Path dir;

    @Test
    void skippedRecordsLeaveNoTraceAndAreListedInFileOrder() throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "abc,1\nlong text,x\n\"multi\nline\",2\nzz\nq,3\n", StandardCharsets.UTF_8);
        for (int[] cfg : new int[][] {{1, 1 << 20}, {2, 7}, {3, 3}}) {
            Path rejects = dir.resolve("r" + cfg[1] + ".csv");
            List<String> rows = new ArrayList<>();
            try (BufferAllocator a = new RootAllocator();
                 RejectedLines r = new RejectedLines(rejects, 2);
                 DelimitedTextSource src = DelimitedTextSource.open(a, T, TextDialect.csv(), List.of(f), 2, cfg[0], cfg[1],
                         Math.max(2, cfg[1]), OrderedParts.ReadAhead.forThreads(cfg[0]), r)) {
                InsertSource.ArrowBatch b;
                while ((b = src.next()) != null) {
                    try (VectorSchemaRoot root = b.root()) {
                        for (int i = 0; i < root.getRowCount(); i++) {
                            rows.add(TextForm.of(ColumnType.varchar(10), root.getVector(0), i) + "/" + root.getVector(1).getObject(i)
                                    + "@" + b.origin().line(i));
                        }
                    }
                }
                assertEquals(2, r.count());
            }
            assertEquals(List.of("abc/1@1", "multi\nline/2@3", "q/3@6"), rows, "threads " + cfg[0] + ", range " + cfg[1]);
            assertEquals("file,line,column,reason\n" + f + ",2,n,\"invalid input for column n (INTEGER): \"\"x\"\"\"\n"
                    + f + ",5,,expected 2 fields but found 1\n", Files.readString(rejects));
        }
    }

    @Test
    void oneMoreThanTheLimitFails() throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "a,x\nb,y\nc,1\n", StandardCharsets.UTF_8);
        try (BufferAllocator a = new RootAllocator();
             RejectedLines r = new RejectedLines(dir.resolve("r.csv"), 1);
             DelimitedTextSource src = DelimitedTextSource.open(a, T, TextDialect.csv(), List.of(f), 10, 1, r)) {
            TextParseException e = assertThrows(TextParseException.class, src::next);
            assertEquals("more than 1 rejected lines (--max-errors 1), the next one: invalid input for column n (INTEGER): \"y\"; file "
                    + f + ", line 2", e.getMessage());
        }
    }
}
