package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;

/** {@link LongKeySet}: the {@link KeySetContractTest contract}, plus integer-like key types compared by value. */
class LongKeySetTest extends KeySetContractTest {
    @Override
    List<ColumnType> keyTypes() {
        return List.of(ColumnType.int64());
    }

    @Override
    Class<? extends KeySet> kind() {
        return LongKeySet.class;
    }

    @Override
    List<Object> randomKey(Random rnd) {
        long v = switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextInt(64) - 32; // incl. 0, the hash set's empty-slot value
            case 1 -> Long.MIN_VALUE + rnd.nextInt(3);
            case 2 -> Long.MAX_VALUE - rnd.nextInt(3);
            case 3 -> rnd.nextInt(20_000);
            default -> rnd.nextLong();
        };
        return List.of(v);
    }

    @Override
    List<Object> key(long i) {
        return List.of(i * 3 - 5000); // negative, zero and positive
    }

    @Test
    void integerLikeTypesCompareByValue() {
        try (KeySet set = newSet(0)) {
            set.addBatch(new FieldVector[] {longs(-7L, 0L, 19000L, 1234L)}, 0, 4);
            IntVector ints = vec(new IntVector("i", arrow), -7, 0, 19000, 1234, 5);
            assertEquals(4, set.firstMissing(new FieldVector[] {ints}, 0, 5));
            DateDayVector dates = vec(new DateDayVector("d", arrow),
                    LocalDate.ofEpochDay(19000), LocalDate.ofEpochDay(-7), LocalDate.ofEpochDay(1));
            assertEquals(2, set.firstMissing(new FieldVector[] {dates}, 0, 3));
            DecimalVector decimals = vec(new DecimalVector("m", arrow, 15, 2),
                    new BigDecimal("12.34"), new BigDecimal("-0.07"), new BigDecimal("0.01"));
            assertEquals(2, set.firstMissing(new FieldVector[] {decimals}, 0, 3), "unscaled 1234 and -7 present, 1 absent");
            assertThrows(IllegalArgumentException.class, () -> set.addBatch(new FieldVector[] {texts("x")}, 0, 1));
            DecimalVector wide = vec(new DecimalVector("w", arrow, 38, 0), new BigDecimal("1e30").setScale(0));
            assertThrows(IllegalArgumentException.class, () -> set.firstMissing(new FieldVector[] {wide}, 0, 1));
        }
    }
}
