package dev.ingot.ingest.verify;

import java.math.BigInteger;

/**
 * Profile of one stored column, computed by scanning every value. Immutable.
 *
 * <p>For integer, decimal and date columns {@code min}, {@code max} and {@code sum} are in the
 * stored unit (decimal: the unscaled value, i.e. cents for DECIMAL(15,2); date: days since
 * 1970-01-01) over non-null values, null when there are none, and {@code textBytes} is null.
 * For text columns min/max/sum are null and {@code textBytes} is the total UTF-8 byte length.
 */
public record ColumnProfile(String name, String type, long nulls, Long min, Long max, BigInteger sum, Long textBytes) {
    public boolean isText() {
        return textBytes != null;
    }
}
