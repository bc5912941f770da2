package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI commands that change tables, with exact outputs: {@code load} into a table that holds rows
 * appends (keys checked against the stored rows: a duplicate and an orphan fail with the load's
 * messages and leave the table as it was), {@code get} by a simple and a composite key (exit 1 when
 * absent, a bad value names the argument), {@code delete --keys} with and without a header, refused
 * by FOREIGN KEY RESTRICT, {@code drop} refused while referenced, and {@code compact}.
 */
class ChangeCliTest {
    @TempDir
    Path tmp;

    private static final Path SCHEMA = Path.of("..", "docs", "example", "schema.sql");
    private static final Path EXAMPLE = Path.of("..", "docs", "example");

    private Fixtures.CliRun ok(String... args) {
        Fixtures.CliRun r = Fixtures.cli(args);
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    @Test
    void appendGetDeleteDropCompact() throws Exception {
        String store = tmp.resolve("shop").toString();
        ok("create", "--store", store, SCHEMA.toString());
        ok("load", "--store", store, "--table", "customers", "--header", "--no-progress", EXAMPLE.resolve("customers.csv").toString());
        ok("load", "--store", store, "--table", "orders", "--header", "--no-progress", EXAMPLE.resolve("orders.csv").toString());
        ok("load", "--store", store, "--table", "order_lines", "--header", "--no-progress", EXAMPLE.resolve("order_lines.csv").toString());

        // append: two new customers
        Path more = tmp.resolve("more.csv");
        Files.writeString(more, "id,email,name,joined,vip\n4,kate@example.org,Kate,2024-04-01,true\n5,lin@example.org,Lin,2024-04-02,\n");
        ok("load", "--store", store, "--table", "customers", "--header", "--no-progress", more.toString());
        assertEquals("{\"id\":4,\"email\":\"kate@example.org\",\"name\":\"Kate\",\"joined\":\"2024-04-01\",\"vip\":true}\n",
                ok("get", "--store", store, "--table", "customers", "4").out());
        assertEquals("{\"id\":1,\"email\":\"ada@example.org\",\"name\":\"Ada Lovelace\",\"joined\":\"2024-01-15\",\"vip\":true}\n",
                ok("get", "--store", store, "--table", "customers", "1").out());

        // a duplicate of a stored key and a duplicate email: the append fails, the table is unchanged
        Path dup = tmp.resolve("dup.csv");
        Files.writeString(dup, "id,email,name,joined,vip\n6,x@example.org,X,2024-04-03,\n2,y@example.org,Y,2024-04-04,\n");
        Fixtures.CliRun r = Fixtures.cli("load", "--store", store, "--table", "customers", "--header", "--no-progress", dup.toString());
        assertEquals(1, r.exit());
        assertEquals("ingot: error: duplicate key value violates PRIMARY KEY constraint \"customers_pkey\" on table customers: "
                + "key (id)=(2) already exists; row 1 (" + dup + " line 3)\n", lastLine(r.err()));
        Path email = tmp.resolve("email.csv");
        Files.writeString(email, "id,email,name,joined,vip\n7,grace@example.org,G,2024-04-03,\n");
        r = Fixtures.cli("load", "--store", store, "--table", "customers", "--header", "--no-progress", email.toString());
        assertEquals("ingot: error: duplicate key value violates UNIQUE constraint \"customers_email_key\" on table customers: "
                + "key (email)=('grace@example.org') already exists; row 0 (" + email + " line 2)\n", lastLine(r.err()));
        assertEquals(1, Fixtures.cli("get", "--store", store, "--table", "customers", "6").exit(), "the failed append left nothing");

        // an order of a customer that does not exist
        Path orphan = tmp.resolve("orphan.csv");
        Files.writeString(orphan, "id,customer_id,placed_at,total,weight_kg,note\n11111111-2222-3333-4444-555555555555,9,2024-06-01 00:00:00Z,1.00,,\n");
        r = Fixtures.cli("load", "--store", store, "--table", "orders", "--header", "--no-progress", orphan.toString());
        assertEquals("ingot: error: insert into table orders violates FOREIGN KEY constraint \"orders_customer_id_fkey\": "
                + "key (customer_id)=(9) is not present in table customers; row 0 (" + orphan + " line 2)\n", lastLine(r.err()));

        // get: composite key, absent key, bad value
        assertEquals("{\"order_id\":\"6f1c0e6e-2a4b-4c2e-9a55-0d1f6c7b8e01\",\"line_no\":2,\"sku\":\"PN-00042\",\"quantity\":3}\n",
                ok("get", "--store", store, "--table", "order_lines", "6f1c0e6e-2a4b-4c2e-9a55-0d1f6c7b8e01", "2").out());
        r = Fixtures.cli("get", "--store", store, "--table", "customers", "99");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("ingot: no row of table customers has the key (id)=(99)\n", r.err());
        r = Fixtures.cli("get", "--store", store, "--table", "customers", "x1");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ingot: error: ") && r.err().contains("x1") && r.err().contains("file arguments, line 1"), r.err());

        // delete: RESTRICT (customer 2 has an order), then a customer without orders, header optional
        Path keys = tmp.resolve("keys.csv");
        Files.writeString(keys, "id\n2\n5\n");
        r = Fixtures.cli("delete", "--store", store, "--table", "customers", "--keys", keys.toString());
        assertEquals(1, r.exit());
        assertEquals("ingot: error: delete from table customers violates FOREIGN KEY constraint \"orders_customer_id_fkey\" on table orders: "
                + "key (id)=(2) is still referenced from table orders\n", r.err());
        assertEquals(0, Fixtures.cli("get", "--store", store, "--table", "customers", "5").exit(), "nothing was deleted");
        Files.writeString(keys, "5\n4\n77\n");
        assertEquals("deleted 2 rows from customers\n", ok("delete", "--store", store, "--table", "customers", "--keys", keys.toString()).out());
        assertEquals(1, Fixtures.cli("get", "--store", store, "--table", "customers", "4").exit());
        // a deleted key may come back
        ok("load", "--store", store, "--table", "customers", "--header", "--no-progress", more.toString());
        assertEquals(0, Fixtures.cli("get", "--store", store, "--table", "customers", "4").exit());

        // drop: refused while referenced
        r = Fixtures.cli("drop", "--store", store, "--table", "orders");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("ingot: error: ") && r.err().contains("order_lines"), r.err());
        assertEquals("dropped table order_lines\n", ok("drop", "--store", store, "--table", "order_lines").out());
        assertEquals("dropped table orders\n", ok("drop", "--store", store, "--table", "orders").out());

        String compacted = ok("compact", "--store", store).out();
        assertTrue(compacted.startsWith("compacted " + store + ": removed 2 deleted rows from customers; file "), compacted);
        assertEquals("id,email,name,joined,vip\n1,ada@example.org,Ada Lovelace,2024-01-15,true\n"
                        + "2,alan@example.org,\"Turing, Alan\",2024-02-01,false\n3,grace@example.org,,2024-03-09,\n"
                        + "4,kate@example.org,Kate,2024-04-01,true\n5,lin@example.org,Lin,2024-04-02,\n",
                ok("scan", "--store", store, "--table", "customers").out());
        assertEquals("{\"id\":5,\"email\":\"lin@example.org\",\"name\":\"Lin\",\"joined\":\"2024-04-02\",\"vip\":null}\n",
                ok("get", "--store", store, "--table", "customers", "5").out());
        assertEquals(0, ok("verify", "--store", store).exit());
    }

    private static String lastLine(String err) {
        String[] lines = err.split("\n");
        return lines[lines.length - 1] + "\n";
    }
}
