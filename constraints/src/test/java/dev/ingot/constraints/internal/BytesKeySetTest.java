package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.ColumnType;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * {@link BytesKeySet}: the {@link KeySetContractTest contract} on a composite (text, integer) key,
 * plus a single text key and the length prefix that keeps ("ab","c") and ("a","bc") apart.
 */
class BytesKeySetTest extends KeySetContractTest {
    @Override
    List<ColumnType> keyTypes() {
        return List.of(ColumnType.varchar(12), ColumnType.int32());
    }

    @Override
    Class<? extends KeySet> kind() {
        return BytesKeySet.class;
    }

    @Override
    List<Object> randomKey(Random rnd) {
        int len = rnd.nextInt(8) == 0 ? rnd.nextInt(13) : rnd.nextInt(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < len; i++) {
            text.append("ab\u00e9,".charAt(rnd.nextInt(4)));
        }
        return List.of(text.toString(), rnd.nextInt(10) == 0 ? rnd.nextInt() : rnd.nextInt(3) - 1);
    }

    @Override
    List<Object> key(long i) {
        return List.of("k" + (i >> 4), (int) (i & 15) - 8);
    }

    @Test
    void textAndCompositeBytesKeys() {
        try (KeySet one = KeySet.create(List.of(ColumnType.varchar(10)), allocator, 0, 0.75f)) {
            VarCharVector v = texts("FRANCE", "", "GERMANY", null, "", "x");
            assertEquals(4, one.addBatch(new FieldVector[] {v}, 0, 6), "empty string duplicates; NULL exempt");
            assertEquals(3, one.size());
            assertEquals(-1, one.firstMissing(new FieldVector[] {v}, 0, 5));
            assertEquals(5, one.firstMissing(new FieldVector[] {v}, 0, 6));
        }
        List<ColumnType> three = List.of(ColumnType.varchar(5), ColumnType.varchar(5), ColumnType.int32());
        try (KeySet set = KeySet.create(three, allocator, 0, 0.75f)) {
            FieldVector[] cols = {texts("ab", "a", "ab", "a"),
                                  texts("c", "bc", "c", "bc"),
                                  vec(new IntVector("i", arrow), 1, 1, 2, 1)};
            assertEquals(3, set.addBatch(cols, 0, 4), "('ab','c') and ('a','bc') differ");
            assertEquals(3, set.size());
            FieldVector[] probe = {texts("ab"), texts("c"), longs(2L)};
            assertEquals(-1, set.firstMissing(probe, 0, 1), "INT64 child matches INT32 parent");
        }
    }
}
