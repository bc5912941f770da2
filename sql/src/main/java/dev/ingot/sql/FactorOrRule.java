package dev.ingot.sql;

import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * A planner rule that pulls the factors common to every branch of an OR out of a filter or join
 * condition ({@link RexUtil#pullFactors}): {@code (a AND b) OR (a AND c)} becomes
 * {@code a AND (b OR c)}. Calcite's join rules find equi-join conditions only among the
 * top-level conjuncts of a filter; TPC-H Q19 repeats {@code p_partkey = l_partkey} in each of
 * its three OR branches, so without this rule it is planned as a filter over the cross join of
 * lineitem and part (Calcite's own TPC-H test disables Q19 as "too slow"), and with it as a hash
 * join on the part key. The rule leaves conditions without a common factor alone.
 *
 * <p>Stateless and thread-safe.
 */
final class FactorOrRule extends RelRule<RuleConfig> {
    /** The instance for filters, registered by {@link IngotTable#toRel}. */
    static final FactorOrRule FILTER = new FactorOrRule(new RuleConfig("IngotFactorOrRule", RelFactories.LOGICAL_BUILDER,
            b -> b.operand(LogicalFilter.class).predicate(f -> f.getCondition().getKind() == SqlKind.OR).anyInputs(), FactorOrRule::new));
    /** The instance for join conditions (where heuristic join ordering moved the OR), registered by {@link IngotTable#toRel}. */
    static final FactorOrRule JOIN = new FactorOrRule(new RuleConfig("IngotFactorOrJoinRule", RelFactories.LOGICAL_BUILDER,
            b -> b.operand(LogicalJoin.class).predicate(j -> j.getCondition().getKind() == SqlKind.OR).anyInputs(), FactorOrRule::new));

    private FactorOrRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        RelNode rel = call.rel(0);
        RexNode condition = rel instanceof Filter f ? f.getCondition() : ((Join) rel).getCondition();
        RexNode factored = RexUtil.pullFactors(rel.getCluster().getRexBuilder(), condition);
        if (factored.equals(condition)) {
            return;
        }
        if (rel instanceof Filter f) {
            call.transformTo(f.copy(f.getTraitSet(), f.getInput(), factored));
        } else {
            Join j = (Join) rel;
            call.transformTo(j.copy(j.getTraitSet(), factored, j.getLeft(), j.getRight(), j.getJoinType(), j.isSemiJoinDone()));
        }
    }
}
