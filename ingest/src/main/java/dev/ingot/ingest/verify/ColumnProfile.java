package dev.ingot.ingest.verify;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Profile of one stored column, computed by scanning every value. Immutable. Min and max are
 * over non-null values and null when there are none.
 *
 * <table>
 *   <caption>profile by type</caption>
 *   <tr><th>type</th><th>min / max</th><th>sum</th><th>other</th></tr>
 *   <tr><td>TINYINT..BIGINT, DECIMAL(p &lt;= 18), DATE, TIME, TIMESTAMP [WITH TIME ZONE]</td>
 *       <td>{@link Long} in the stored unit (decimal: the unscaled value, i.e. cents for
 *       DECIMAL(15,2); DATE: days since 1970-01-01; TIME: microseconds since midnight;
 *       timestamps: microseconds since 1970-01-01T00:00[Z])</td><td>exact {@link BigInteger}</td><td></td></tr>
 *   <tr><td>DECIMAL(p &gt; 18)</td><td>{@link BigInteger} unscaled</td><td>exact {@link BigInteger}</td><td></td></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean} (false &lt; true)</td><td>{@link BigInteger}: the number of TRUE values</td><td></td></tr>
 *   <tr><td>REAL, DOUBLE</td><td>{@link Double} (REAL widened exactly), ordered by {@link Double#compare}
 *       (-0.0 &lt; 0.0, NaN above +Infinity)</td><td>exact {@link BigDecimal} sum of the finite
 *       values (every double is a finite binary fraction, so the sum is exact and does not
 *       depend on the order of rows)</td><td>{@code nonFinite}: count of NaN and infinite values</td></tr>
 *   <tr><td>UUID</td><td>{@link java.util.UUID}, ordered as unsigned bytes</td><td>null</td><td></td></tr>
 *   <tr><td>CHAR, VARCHAR, VARBINARY</td><td>null</td><td>null</td><td>{@code textBytes}: total bytes</td></tr>
 * </table>
 *
 * @param name      column name
 * @param type      SQL type, e.g. {@code DECIMAL(15,2)}
 * @param nulls     NULL values
 * @param min       see the table
 * @param max       see the table
 * @param sum       see the table
 * @param textBytes total bytes of a CHAR/VARCHAR/VARBINARY column, else null
 * @param nonFinite NaN and infinite values of a REAL/DOUBLE column, else null
 */
public record ColumnProfile(String name, String type, long nulls, Object min, Object max, Number sum, Long textBytes, Long nonFinite) {
    /** Whether the column is CHAR, VARCHAR or VARBINARY (profiled by its byte total). */
    public boolean isText() {
        return textBytes != null;
    }
}
