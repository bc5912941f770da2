package dev.ingot.ingest.robust;

import dev.ingot.columnstore.ColumnStore;
import java.nio.file.Path;

/**
 * A second JVM that holds a store open as its writer ({@link ColumnStore#open}) until its standard
 * input closes; prints {@code open <tables>} once the store is open. Used by {@link StoreSafetyTest}.
 */
public final class HoldStore {
    private HoldStore() {}

    public static void main(String[] args) throws Exception {
        try (ColumnStore cs = ColumnStore.open(Path.of(args[0]))) {
            System.out.println("open " + cs.tables().size());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our standard input
            }
        }
    }
}
