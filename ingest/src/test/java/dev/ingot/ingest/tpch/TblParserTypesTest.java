package dev.ingot.ingest.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The .tbl parser reads only the TPC-H types and names a column of any other type instead of mis-parsing it. */
class TblParserTypesTest {
    @Test
    void columnsOfTypesTheTblParserCannotReadAreNamed() {
        TableDef t = new TableDef("events", List.of(ColumnDef.notNull("id", ColumnType.int64()),
                ColumnDef.nullable("at", ColumnType.timestampTz())), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TblLineParser(t, "events.tbl"));
        assertEquals("the .tbl parser reads INTEGER, BIGINT, DECIMAL(p <= 18), DATE, CHAR and VARCHAR columns; column events.at is"
                + " TIMESTAMP WITH TIME ZONE", e.getMessage());
    }
}
