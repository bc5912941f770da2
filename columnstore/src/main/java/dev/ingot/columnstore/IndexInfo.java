package dev.ingot.columnstore;

import java.util.Arrays;

/**
 * Catalog entry of one opaque per-table index blob set, attached with
 * {@link StoreTransaction#putIndex}: its name, the pager keys of its parts, and the table version
 * it describes. The column store never interprets the bytes; the owner (for example the persisted
 * key index of the ingest layer) reads them back with {@link StoreSnapshot#indexPart}.
 *
 * <p><b>Lifetime.</b> An index is carried unchanged across commits that do not replace it (appends
 * and deletes by other writers included: compare {@link #tableRows()} with
 * {@link TableInfo#rowCount()} to see whether rows were appended since), dropped with its table,
 * and after a compaction of its table, whose rewrite renumbers the row ids, kept by name but
 * marked {@linkplain #stale() stale} with no parts: the owner must rebuild it (this flag is the
 * compaction hook).
 *
 * @param name      the index name, unique per table
 * @param partKeys  the pager key of each part, in order (empty when stale)
 * @param tableRows {@link TableInfo#rowCount()} of the table when the index was put
 * @param stale     whether a compaction rewrote the table after the index was put
 */
public record IndexInfo(String name, long[] partKeys, long tableRows, boolean stale) {
    public IndexInfo {
        if (name == null || name.isEmpty() || partKeys == null || tableRows < 0 || (stale && partKeys.length > 0)) {
            throw new IllegalArgumentException("bad index info: name=" + name + " tableRows=" + tableRows + " stale=" + stale);
        }
        partKeys = partKeys.clone();
    }

    /** Number of parts. */
    public int parts() {
        return partKeys.length;
    }

    /** The pager key of part {@code part}. */
    public long partKey(int part) {
        return partKeys[part];
    }

    @Override
    public long[] partKeys() {
        return partKeys.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexInfo i && i.name.equals(name) && Arrays.equals(i.partKeys, partKeys)
                && i.tableRows == tableRows && i.stale == stale;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(partKeys);
    }

    @Override
    public String toString() {
        return "IndexInfo[" + name + ", parts=" + Arrays.toString(partKeys) + ", tableRows=" + tableRows + (stale ? ", stale]" : "]");
    }
}
