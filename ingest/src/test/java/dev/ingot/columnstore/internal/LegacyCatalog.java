package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Test helper: rewrites the committed catalog of a closed store with changed table definitions,
 * as a version of Ingot that did not validate constraint definitions could have written it
 * (same format, valid checksum). Lives in the codec's package to reach {@link CatalogCodec}.
 */
public final class LegacyCatalog {
    private LegacyCatalog() {}

    /** Replaces every table's definition by {@code change.apply(def)} (same columns) and commits. */
    public static void rewrite(Path storeDir, UnaryOperator<TableDef> change) throws IOException {
        try (Pager pager = Pager.open(storeDir.resolve(ColumnStore.STORE_FILE_NAME), PagerOptions.defaults().withSyncOnCommit(false))) {
            long oldKey = pager.rootKey(ColumnStoreImpl.CATALOG_ROOT_SLOT);
            CatalogCodec.Decoded decoded = CatalogCodec.decode(pager.getVerified(oldKey), pager.file(), "catalog");
            List<TableInfo> tables = new ArrayList<>();
            for (TableInfo t : decoded.tables()) {
                tables.add(new TableInfo(change.apply(t.def()), t.rowCount(), t.chunkRows(), t.rowGroups()));
            }
            byte[] bytes = CatalogCodec.encode(decoded.generation() + 1, tables);
            long key = pager.allocMany(1).first();
            ByteBuffer blob = ByteBuffer.allocateDirect(bytes.length);
            blob.put(bytes).flip();
            pager.put(key, blob);
            pager.setRootKey(ColumnStoreImpl.CATALOG_ROOT_SLOT, key);
            pager.free(oldKey);
            pager.commit();
        }
    }
}
