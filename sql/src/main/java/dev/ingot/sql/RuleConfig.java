package dev.ingot.sql;

import java.util.function.Function;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * The configuration of one of Ingot's planner rules ({@link FactorOrRule},
 * {@link IngotJoinOrderRule}, {@link AggregateSemiJoinRule}): a plain record instead of the
 * Immutables-generated configs of Calcite's own rules.
 *
 * @param description       the rule's name in planner traces
 * @param relBuilderFactory makes the builders the rule's calls hand out
 * @param operandSupplier   the operands the rule matches
 * @param factory           makes the rule from this configuration
 */
record RuleConfig(String description, RelBuilderFactory relBuilderFactory, RelRule.OperandTransform operandSupplier,
                  Function<RuleConfig, RelOptRule> factory) implements RelRule.Config {
    @Override
    public RuleConfig withRelBuilderFactory(RelBuilderFactory f) {
        return new RuleConfig(description, f, operandSupplier, factory);
    }

    @Override
    public RuleConfig withDescription(String text) {
        return new RuleConfig(text, relBuilderFactory, operandSupplier, factory);
    }

    @Override
    public RuleConfig withOperandSupplier(RelRule.OperandTransform transform) {
        return new RuleConfig(description, relBuilderFactory, transform, factory);
    }

    @Override
    public RelOptRule toRule() {
        return factory.apply(this);
    }
}
