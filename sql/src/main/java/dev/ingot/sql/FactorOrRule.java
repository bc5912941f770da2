package dev.ingot.sql;

import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * A planner rule that pulls the factors common to every branch of an OR out of a filter
 * condition ({@link RexUtil#pullFactors}): {@code (a AND b) OR (a AND c)} becomes
 * {@code a AND (b OR c)}. Calcite's join rules find equi-join conditions only among the
 * top-level conjuncts of a filter; TPC-H Q19 repeats {@code p_partkey = l_partkey} in each of
 * its three OR branches, so without this rule it is planned as a filter over the cross join of
 * lineitem and part (Calcite's own TPC-H test disables Q19 as "too slow"), and with it as a hash
 * join on the part key. The rule leaves conditions without a common factor alone.
 *
 * <p>Stateless and thread-safe.
 */
final class FactorOrRule extends RelRule<FactorOrRule.Config> {
    /** The one instance, registered by {@link IngotTable#toRel}. */
    static final FactorOrRule INSTANCE = Config.DEFAULT.toRule();

    private FactorOrRule(Config config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Filter filter = call.rel(0);
        RexNode condition = filter.getCondition();
        RexNode factored = RexUtil.pullFactors(filter.getCluster().getRexBuilder(), condition);
        if (!factored.equals(condition)) {
            call.transformTo(filter.copy(filter.getTraitSet(), filter.getInput(), factored));
        }
    }

    /**
     * The rule's configuration: any {@link LogicalFilter} whose condition is an OR (a plain record
     * instead of Calcite's Immutables-generated configs).
     */
    record Config(String description, RelBuilderFactory relBuilderFactory, RelRule.OperandTransform operandSupplier)
            implements RelRule.Config {
        static final Config DEFAULT = new Config("IngotFactorOrRule", RelFactories.LOGICAL_BUILDER,
                b -> b.operand(LogicalFilter.class).predicate(f -> f.getCondition().getKind() == SqlKind.OR).anyInputs());

        @Override
        public Config withRelBuilderFactory(RelBuilderFactory factory) {
            return new Config(description, factory, operandSupplier);
        }

        @Override
        public Config withDescription(String text) {
            return new Config(text, relBuilderFactory, operandSupplier);
        }

        @Override
        public Config withOperandSupplier(RelRule.OperandTransform transform) {
            return new Config(description, relBuilderFactory, transform);
        }

        @Override
        public FactorOrRule toRule() {
            return new FactorOrRule(this);
        }
    }
}
