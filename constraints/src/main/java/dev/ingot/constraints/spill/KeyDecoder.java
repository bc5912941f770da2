package dev.ingot.constraints.spill;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyVectors;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Turns a key in the {@link dev.ingot.constraints.internal.KeyRowEncoder} encoding back into the
 * column values that {@link KeyVectors#value} gives for the row it came from, so a violation found
 * in spilled keys names the same key as the in-memory check. Stateless; thread-safe.
 */
final class KeyDecoder {
    private KeyDecoder() {}

    /** The values of {@code key[0, length)}, in key column order, for columns of {@code types}. */
    static List<Object> decode(List<ColumnType> types, byte[] key, int length) {
        ByteBuffer b = ByteBuffer.wrap(key, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        List<Object> out = new ArrayList<>(types.size());
        boolean singleVariable = types.size() == 1 && types.get(0).kind().isVariableWidth();
        for (ColumnType t : types) {
            switch (KeyVectors.keyClass(t.kind())) {
                case LONG:
                    out.add(fromLong(t, b.getLong()));
                    break;
                case FIXED16: {
                    byte[] v = new byte[16];
                    b.get(v);
                    out.add(fromFixed16(t, v));
                    break;
                }
                default: {
                    int n = singleVariable ? length : b.getInt();
                    byte[] v = new byte[n];
                    b.get(v);
                    out.add(t.kind() == ColumnType.Kind.VARBINARY ? "\\x" + HexFormat.of().formatHex(v) : new String(v, StandardCharsets.UTF_8));
                    break;
                }
            }
        }
        return out;
    }

    private static Object fromLong(ColumnType t, long v) {
        switch (t.kind()) {
            case BOOLEAN:
                return v != 0;
            case DATE32:
                return LocalDate.ofEpochDay(v);
            case TIME64:
                return LocalTime.ofNanoOfDay(v * 1000);
            case TIMESTAMP_TZ:
                return Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1000);
            case TIMESTAMP:
                return LocalDateTime.ofEpochSecond(Math.floorDiv(v, 1_000_000L), (int) Math.floorMod(v, 1_000_000L) * 1000, ZoneOffset.UTC);
            case DECIMAL64:
                return BigDecimal.valueOf(v, t.scale());
            default:
                return v;
        }
    }

    private static Object fromFixed16(ColumnType t, byte[] v) {
        if (t.kind() == ColumnType.Kind.UUID) {
            ByteBuffer u = ByteBuffer.wrap(v);
            return new UUID(u.getLong(), u.getLong());
        }
        byte[] be = new byte[16]; // Arrow stores DECIMAL128 little-endian two's complement
        for (int i = 0; i < 16; i++) {
            be[i] = v[15 - i];
        }
        return new BigDecimal(new BigInteger(be), t.scale());
    }
}
