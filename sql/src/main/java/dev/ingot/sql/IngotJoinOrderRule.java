package dev.ingot.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * A planner rule that orders the inputs of an inner {@link MultiJoin} (the joins of a query
 * gathered by Calcite's {@code JoinToMultiJoinRule}) by estimated cost, never joining two inputs
 * without a join condition while an order with conditions exists.
 *
 * <p>Algorithm: dynamic programming over subsets of the inputs (Selinger et al., "Access Path
 * Selection in a Relational Database Management System", SIGMOD 1979, restricted to plans where
 * each join adds one input, either side of the hash join). The size of a set of inputs is the
 * product of their row counts times the selectivity of every condition among them; an equi-join
 * between two inputs on column sets {@code A} and {@code B} has selectivity
 * {@code 1 / max(ndv(A), ndv(B))}, where distinct counts come from {@link IngotStatistics} for
 * columns of Ingot tables (keys, foreign keys, zone-map ranges, counted values; through
 * {@link IngotRelMetadata}), capped by the input's row count; so a join from a foreign key to its referenced primary key yields at most the
 * child's rows. Other conditions take Calcite's guess ({@link RelMdUtil#guessSelectivity}). The cost of
 * adding an input to a set is the rows of the result plus twice the rows of the smaller side (the
 * hash table Calcite's {@code EnumerableHashJoin} builds from its right input, which is where the
 * smaller side goes) plus the rows of the larger side (probed). The cheapest plan over connected
 * steps wins; only inputs with no condition linking them to the rest are joined by a cross product.
 *
 * <p>Leaves a MultiJoin with outer joins or more than {@value #MAX_INPUTS} inputs alone (Calcite's
 * {@code LoptOptimizeJoinRule}, registered after this rule, orders those).
 *
 * <p>Stateless and thread-safe.
 */
final class IngotJoinOrderRule extends RelRule<RuleConfig> {
    /** The rule instance, registered by {@link IngotProgram}. */
    static final IngotJoinOrderRule INSTANCE = new IngotJoinOrderRule(new RuleConfig("IngotJoinOrderRule", RelFactories.LOGICAL_BUILDER,
            b -> b.operand(MultiJoin.class).anyInputs(), IngotJoinOrderRule::new));
    /** Most inputs ordered by dynamic programming (2^n subsets). */
    static final int MAX_INPUTS = 14;
    /** Cost of one row put into a hash table, relative to one row probing it or produced. */
    private static final double BUILD_COST = 2;

    private IngotJoinOrderRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        MultiJoin join = call.rel(0);
        int n = join.getInputs().size();
        if (n < 2 || n > MAX_INPUTS || join.isFullOuterJoin() || join.getJoinTypes().stream().anyMatch(t -> t != JoinRelType.INNER)
                || join.getOuterJoinConditions().stream().anyMatch(c -> c != null && !c.isAlwaysTrue())) {
            return;
        }
        RexBuilder rex = join.getCluster().getRexBuilder();
        Graph g = new Graph(join, rex, call.getMetadataQuery());
        int[] order = g.estimate.order();
        call.transformTo(g.build(call.builder(), order));
    }

    /** The inputs, their conditions and sizes of one MultiJoin. */
    private static final class Graph {
        final MultiJoin join;
        final int n;
        /** First field of each input in the MultiJoin's row. */
        final int[] start;
        /** Conditions (conjuncts) over the MultiJoin's row, each with the inputs it reads. */
        final List<RexNode> conditions = new ArrayList<>();
        final List<Integer> conditionInputs = new ArrayList<>();
        final double[] rows;
        final Estimate estimate;

        Graph(MultiJoin join, RexBuilder rex, RelMetadataQuery mq) {
            this.join = join;
            List<RelNode> inputs = join.getInputs();
            n = inputs.size();
            start = new int[n + 1];
            rows = new double[n];
            for (int i = 0; i < n; i++) {
                start[i + 1] = start[i] + inputs.get(i).getRowType().getFieldCount();
                Double r = mq.getRowCount(inputs.get(i));
                rows[i] = r == null ? 1 : Math.max(1, r);
            }
            for (RexNode c : RelOptUtil.conjunctions(join.getJoinFilter())) {
                for (RexNode factored : RelOptUtil.conjunctions(RexUtil.pullFactors(rex, c))) {
                    if (!factored.isAlwaysTrue()) {
                        conditions.add(factored);
                        conditionInputs.add(inputsOf(factored));
                    }
                }
            }
            // equi-join column pairs between two inputs, gathered per pair of inputs
            Map<Integer, ImmutableBitSet[]> pairColumns = new HashMap<>();
            List<Selectivity> selectivities = new ArrayList<>();
            for (int k = 0; k < conditions.size(); k++) {
                int[] refs = equiJoin(conditions.get(k));
                if (refs == null) {
                    selectivities.add(new Selectivity(conditionInputs.get(k), RelMdUtil.guessSelectivity(conditions.get(k))));
                    continue;
                }
                int a = inputOf(refs[0]);
                int b = inputOf(refs[1]);
                int lo = Math.min(a, b);
                int hi = Math.max(a, b);
                int loField = a == lo ? refs[0] : refs[1];
                int hiField = a == lo ? refs[1] : refs[0];
                ImmutableBitSet[] cols = pairColumns.computeIfAbsent((1 << lo) | (1 << hi), key -> new ImmutableBitSet[] {ImmutableBitSet.of(), ImmutableBitSet.of()});
                cols[0] = cols[0].set(loField - start[lo]);
                cols[1] = cols[1].set(hiField - start[hi]);
            }
            for (Map.Entry<Integer, ImmutableBitSet[]> e : pairColumns.entrySet()) {
                int lo = Integer.numberOfTrailingZeros(e.getKey());
                int hi = 31 - Integer.numberOfLeadingZeros(e.getKey());
                double ndv = Math.max(distinct(mq, lo, e.getValue()[0]), distinct(mq, hi, e.getValue()[1]));
                selectivities.add(new Selectivity(e.getKey(), 1 / Math.max(1, ndv)));
            }
            estimate = new Estimate(rows, selectivities);
        }

        /** Bits of the inputs whose fields {@code condition} reads. */
        int inputsOf(RexNode condition) {
            int bits = 0;
            for (int field : RelOptUtil.InputFinder.bits(condition)) {
                bits |= 1 << inputOf(field);
            }
            return bits;
        }

        int inputOf(int field) {
            int i = Arrays.binarySearch(start, field);
            if (i >= 0) {
                while (i + 1 < start.length && start[i + 1] == field) {
                    i++; // an input without fields starts where the next one does
                }
                return i;
            }
            return -i - 2;
        }

        /** The two fields of {@code a = b} between two different inputs (casts looked through), or null. */
        int[] equiJoin(RexNode condition) {
            if (condition.getKind() != SqlKind.EQUALS && condition.getKind() != SqlKind.IS_NOT_DISTINCT_FROM) {
                return null;
            }
            List<RexNode> operands = ((RexCall) condition).getOperands();
            RexNode a = RexUtil.removeCast(operands.get(0));
            RexNode b = RexUtil.removeCast(operands.get(1));
            if (a instanceof RexInputRef ra && b instanceof RexInputRef rb && inputOf(ra.getIndex()) != inputOf(rb.getIndex())) {
                return new int[] {ra.getIndex(), rb.getIndex()};
            }
            return null;
        }

        /**
         * Distinct values of {@code columns} (fields of input {@code i}) in that input: Calcite's
         * estimate, which for columns of Ingot tables comes from {@link IngotStatistics}
         * ({@link IngotRelMetadata}); the input's rows when there is none; never more than those.
         */
        double distinct(RelMetadataQuery mq, int i, ImmutableBitSet columns) {
            Double d = mq.getDistinctRowCount(join.getInputs().get(i), columns, null);
            return Math.min(rows[i], d == null ? rows[i] : d);
        }

        /**
         * Joins the inputs in {@code order}: each join puts the smaller side (by estimate) on the
         * right and carries every condition whose inputs are all joined by then; a project
         * restores the MultiJoin's field order and the post-join filter goes on top.
         */
        RelNode build(RelBuilder b, int[] order) {
            boolean[] applied = new boolean[conditions.size()];
            List<Integer> layout = new ArrayList<>(List.of(order[0]));
            int set = 1 << order[0];
            b.push(join.getInputs().get(order[0]));
            List<RexNode> first = take(applied, set, layout);
            if (!first.isEmpty()) {
                b.filter(first);
            }
            for (int k = 1; k < order.length; k++) {
                int f = order[k];
                boolean treeLeft = estimate.size(set) >= estimate.size(1 << f);
                set |= 1 << f;
                if (treeLeft) {
                    layout.add(f);
                    b.push(join.getInputs().get(f));
                } else {
                    layout.add(0, f);
                    RelNode tree = b.build();
                    b.push(join.getInputs().get(f)).push(tree);
                }
                b.join(JoinRelType.INNER, RexUtil.composeConjunction(b.getRexBuilder(), take(applied, set, layout)));
            }
            List<RexNode> fields = new ArrayList<>();
            int[] offset = offsets(layout);
            for (int i = 0; i < n; i++) {
                for (int c = start[i]; c < start[i + 1]; c++) {
                    fields.add(b.field(offset[i] + c - start[i]));
                }
            }
            b.project(fields, join.getRowType().getFieldNames(), true);
            List<RexNode> rest = new ArrayList<>();
            for (int k = 0; k < conditions.size(); k++) {
                if (!applied[k]) {
                    rest.add(conditions.get(k)); // reads no input (a constant)
                }
            }
            if (join.getPostJoinFilter() != null) {
                rest.add(join.getPostJoinFilter());
            }
            if (!rest.isEmpty()) {
                b.filter(rest);
            }
            return b.build();
        }

        /** The conditions not yet applied whose inputs are all in {@code set}, rewritten to the fields of {@code layout}. */
        private List<RexNode> take(boolean[] applied, int set, List<Integer> layout) {
            int[] offset = offsets(layout);
            RexShuttle remap = new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    int i = inputOf(ref.getIndex());
                    return new RexInputRef(offset[i] + ref.getIndex() - start[i], ref.getType());
                }
            };
            List<RexNode> out = new ArrayList<>();
            for (int k = 0; k < conditions.size(); k++) {
                int bits = conditionInputs.get(k);
                if (!applied[k] && bits != 0 && (bits & ~set) == 0) {
                    applied[k] = true;
                    out.add(conditions.get(k).accept(remap));
                }
            }
            return out;
        }

        /** First field of each input in a row made of the inputs of {@code layout}, in that order. */
        private int[] offsets(List<Integer> layout) {
            int[] offset = new int[n];
            int at = 0;
            for (int i : layout) {
                offset[i] = at;
                at += start[i + 1] - start[i];
            }
            return offset;
        }
    }

    /**
     * What a condition keeps of the rows of the inputs it reads.
     *
     * @param inputs      bits of the inputs the condition reads (bit i: input i)
     * @param selectivity the fraction of their combined rows it keeps, in (0, 1]
     */
    record Selectivity(int inputs, double selectivity) {}

    /**
     * The estimated sizes of every set of inputs of a join, and the cheapest order to join them
     * in (the dynamic programming of the class comment). Immutable.
     */
    static final class Estimate {
        private final int n;
        private final List<Selectivity> selectivities;
        /** Estimated rows of each set of inputs (index: its bits). */
        private final double[] size;

        /**
         * @param rows          estimated rows of each input (at least 1 each)
         * @param selectivities every condition among the inputs
         * @throws IllegalArgumentException for fewer than 1 or more than {@value #MAX_INPUTS} inputs
         */
        Estimate(double[] rows, List<Selectivity> selectivities) {
            n = rows.length;
            if (n < 1 || n > MAX_INPUTS) {
                throw new IllegalArgumentException("join of " + n + " inputs (1.." + MAX_INPUTS + ")");
            }
            this.selectivities = List.copyOf(selectivities);
            size = new double[1 << n];
            for (int set = 1; set < size.length; set++) {
                double s = 1;
                for (int i = 0; i < n; i++) {
                    if ((set & (1 << i)) != 0) {
                        s *= rows[i];
                    }
                }
                for (Selectivity c : selectivities) {
                    if ((set & c.inputs()) == c.inputs()) {
                        s *= c.selectivity();
                    }
                }
                size[set] = Math.max(1, s);
            }
        }

        /** Estimated rows of the join of the inputs of {@code set} (bit i: input i). */
        double size(int set) {
            return size[set];
        }

        /** Whether a condition links input {@code f} to the inputs of {@code set} (reading no input outside both). */
        boolean linked(int set, int f) {
            int with = set | (1 << f);
            for (Selectivity c : selectivities) {
                int bits = c.inputs();
                if ((bits & (1 << f)) != 0 && (bits & set) != 0 && (bits & ~with) == 0) {
                    return true;
                }
            }
            return false;
        }

        /** The cheapest order of the inputs (first input first), preferring orders without cross products. */
        int[] order() {
            int full = (1 << n) - 1;
            boolean crossAllowed = false;
            double[] cost = dp(false);
            if (Double.isInfinite(cost[full])) {
                crossAllowed = true; // some input has no condition linking it to the others
                cost = dp(true);
            }
            int[] order = new int[n];
            int set = full;
            for (int k = n - 1; k >= 0; k--) {
                int f = lastOf(set, cost, crossAllowed);
                order[k] = f;
                set &= ~(1 << f);
            }
            return order;
        }

        double[] dp(boolean crossAllowed) {
            double[] cost = new double[1 << n];
            Arrays.fill(cost, Double.POSITIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                cost[1 << i] = 0;
            }
            for (int set = 1; set < cost.length; set++) {
                if (Integer.bitCount(set) < 2) {
                    continue;
                }
                for (int f = 0; f < n; f++) {
                    int rest = set & ~(1 << f);
                    if (rest != set && !Double.isInfinite(cost[rest]) && (crossAllowed || linked(rest, f))) {
                        cost[set] = Math.min(cost[set], cost[rest] + step(rest, f));
                    }
                }
            }
            return cost;
        }

        /** Cost of joining input {@code f} to the inputs of {@code rest}. */
        double step(int rest, int f) {
            double a = size[rest];
            double b = size[1 << f];
            return size[rest | (1 << f)] + BUILD_COST * Math.min(a, b) + Math.max(a, b);
        }

        /** The input whose join last made {@code set} in its cheapest plan. */
        int lastOf(int set, double[] cost, boolean crossAllowed) {
            if (Integer.bitCount(set) == 1) {
                return Integer.numberOfTrailingZeros(set);
            }
            int best = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int f = 0; f < n; f++) {
                int rest = set & ~(1 << f);
                if (rest != set && !Double.isInfinite(cost[rest]) && (crossAllowed || linked(rest, f))) {
                    double c = cost[rest] + step(rest, f);
                    if (c < bestCost) {
                        bestCost = c;
                        best = f;
                    }
                }
            }
            return best;
        }

    }
}
