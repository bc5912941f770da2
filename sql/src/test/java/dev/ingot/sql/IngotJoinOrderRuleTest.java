package dev.ingot.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.sql.IngotJoinOrderRule.Estimate;
import dev.ingot.sql.IngotJoinOrderRule.Selectivity;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The join order's size estimates and choices ({@link IngotJoinOrderRule.Estimate}) on join graphs with known sizes. */
class IngotJoinOrderRuleTest {
    private static Selectivity join(int a, int b, double distinct) {
        return new Selectivity((1 << a) | (1 << b), 1 / distinct);
    }

    /** Bits of the first {@code k} inputs of {@code order}. */
    private static int prefix(int[] order, int k) {
        int bits = 0;
        for (int i = 0; i < k; i++) {
            bits |= 1 << order[i];
        }
        return bits;
    }

    /**
     * TPC-H Q5 at SF1 (customer, orders of one year, lineitem, supplier, nation, region ASIA),
     * with the distinct counts Ingot's statistics give (keys, foreign keys, c_nationkey and
     * s_nationkey 25 values): customer and supplier share only their nation, so joining them
     * before lineitem makes 150,000 x 2,000 / 25 = 12M rows; every prefix of the chosen order
     * that holds both must hold lineitem.
     */
    @Test
    void q5AtSf1JoinsCustomerAndSupplierOnlyThroughLineitem() {
        int customer = 0, orders = 1, lineitem = 2, supplier = 3, nation = 4, region = 5;
        Estimate e = new Estimate(new double[] {150_000, 227_597, 6_001_215, 10_000, 25, 1}, List.of(
                join(customer, orders, 150_000), join(orders, lineitem, 1_500_000), join(lineitem, supplier, 10_000),
                join(customer, supplier, 25), join(supplier, nation, 25), join(nation, region, 5)));
        assertEquals(150_000.0 * 10_000 * 25 / 25 / 25 / 5, e.size((1 << customer) | (1 << supplier) | (1 << nation) | (1 << region)), 1e-6);
        // a foreign key join yields the child's rows times the fraction of parents kept
        assertEquals(6_001_215.0 * 227_597 / 1_500_000, e.size((1 << orders) | (1 << lineitem)), 1e-6);
        int[] order = e.order();
        assertEquals(6, Arrays.stream(order).distinct().count(), Arrays.toString(order));
        for (int k = 2; k <= order.length; k++) {
            int bits = prefix(order, k);
            if ((bits & (1 << customer)) != 0 && (bits & (1 << supplier)) != 0) {
                assertTrue((bits & (1 << lineitem)) != 0, "customer and supplier joined without lineitem: " + Arrays.toString(order));
            }
        }
    }

    /**
     * A star: a 1M-row fact table with foreign keys to two 10-row dimensions, each filtered to 2
     * rows. By the cost estimate, the cross product of the two dimensions (4 rows) then the fact
     * table is the cheapest plan (about 1.04M against 1.44M); the rule still never joins two inputs
     * without a condition while a condition links them, so the fact table is among the first two.
     */
    @Test
    void noCrossProductWhileAConditionLinksTheInputs() {
        Estimate e = new Estimate(new double[] {2, 2, 1_000_000}, List.of(join(0, 2, 10), join(1, 2, 10)));
        assertEquals(4, e.size(3), 1e-9);
        assertEquals(40_000, e.size(7), 1e-6);
        int[] order = e.order();
        assertTrue(order[0] == 2 || order[1] == 2, Arrays.toString(order));
    }

    /** Inputs with no condition between them are still joined (by a cross product), smaller ones first. */
    @Test
    void disconnectedInputsAreCrossJoined() {
        Estimate e = new Estimate(new double[] {1_000, 5, 7}, List.of());
        assertEquals(35_000, e.size(7), 1e-9);
        int[] order = e.order();
        assertEquals(3, order.length);
        assertEquals(0, order[2], "the 1000-row input joins last: " + Arrays.toString(order));
    }
}
