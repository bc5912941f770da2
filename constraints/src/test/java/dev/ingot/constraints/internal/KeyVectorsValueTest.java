package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyVectors#value} of DECIMAL cells against Arrow's own {@link DecimalVector#getObject}:
 * unscaled values that fit a long (read from the two words without a BigInteger) and those just
 * outside it either way, at two scales, and NULL.
 */
class KeyVectorsValueTest {
    @Test
    void decimalsInsideAndOutsideALongReadAsArrowReadsThem() {
        BigInteger two63 = BigInteger.ONE.shiftLeft(63);
        List<BigInteger> unscaled = List.of(BigInteger.ZERO, BigInteger.valueOf(1234), BigInteger.valueOf(-1), BigInteger.valueOf(-1234),
                BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MIN_VALUE), two63, two63.negate().subtract(BigInteger.ONE),
                two63.shiftLeft(1), new BigInteger("-12345678901234567890123456789012345678"));
        for (int scale : new int[] {2, 0}) {
            try (BufferAllocator a = new RootAllocator(); DecimalVector v = new DecimalVector("d", a, 38, scale)) {
                v.allocateNew(unscaled.size() + 1);
                for (int i = 0; i < unscaled.size(); i++) {
                    v.setSafe(i, new BigDecimal(unscaled.get(i), scale));
                }
                v.setNull(unscaled.size());
                v.setValueCount(unscaled.size() + 1);
                for (int i = 0; i < unscaled.size(); i++) {
                    BigDecimal expected = new BigDecimal(unscaled.get(i), scale);
                    Object got = KeyVectors.value(v, i);
                    assertEquals(expected, got, "unscaled " + unscaled.get(i) + " scale " + scale);
                    assertEquals(v.getObject(i), got, "as Arrow reads it, unscaled " + unscaled.get(i));
                    assertEquals(expected.toPlainString(), ((BigDecimal) got).toPlainString());
                }
                assertNull(KeyVectors.value(v, unscaled.size()));
            }
        }
    }
}
