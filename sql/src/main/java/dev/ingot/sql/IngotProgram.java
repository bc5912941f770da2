package dev.ingot.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.JoinAssociateRule;
import org.apache.calcite.rel.rules.JoinCommuteRule;
import org.apache.calcite.rel.rules.JoinPushThroughJoinRule;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;

/**
 * The optimizer program for queries over Ingot tables: Calcite's standard sequence (sub-queries,
 * decorrelation, field trimming, the cost-based planner, Calc rules) with the cost-based step
 * replaced, for two or more joins, by a join-ordering step shaped like
 * {@link Programs#heuristicJoinOrder}: conditions are pushed down, joins are gathered into
 * MultiJoins and ordered by {@link IngotJoinOrderRule} (outer joins: Calcite's
 * {@code LoptOptimizeJoinRule}), {@link AggregateSemiJoinRule} reduces aggregates that joins
 * filter, and the exhaustive join commute/associate rules are left out of the cost-based search.
 * Planner statistics come from {@link IngotRelMetadata}, set on the query's cluster. Measured on
 * TPC-H at SF0.01: planning Q7 (five joins) took about 30 s of CPU with the standard program
 * (the planner enumerating join orders through JoinCommute/JoinPushThroughJoin), well under a
 * second with this one.
 *
 * <p>Installed once per JVM through Calcite's {@link Hook#PROGRAM} ({@link #install()}, called
 * by {@link IngotSchema}); queries that read no Ingot table keep {@link Programs#standard()}.
 * Stateless and thread-safe.
 */
final class IngotProgram implements Program {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private IngotProgram() {}

    /** Installs the program for every Calcite statement of this JVM (idempotent). */
    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            Program program = new IngotProgram();
            Hook.PROGRAM.add((Holder<Program> holder) -> {
                if (holder.get() == null) {
                    holder.set(program);
                }
            });
        }
    }

    @Override
    public RelNode run(RelOptPlanner planner, RelNode rel, RelTraitSet requiredOutputTraits, List<RelOptMaterialization> materializations,
                       List<RelOptLattice> lattices) {
        if (!readsIngot(rel)) {
            return Programs.standard().run(planner, rel, requiredOutputTraits, materializations, lattices);
        }
        rel.getCluster().setMetadataProvider(IngotRelMetadata.PROVIDER);
        Program p = Programs.sequence(Programs.subQuery(IngotRelMetadata.PROVIDER), Programs.decorrelate(), Programs.trim(),
                joinOrder(planner.getRules()), Programs.calc(IngotRelMetadata.PROVIDER));
        return p.run(planner, rel, requiredOutputTraits, materializations, lattices);
    }

    /**
     * Like {@link Programs#heuristicJoinOrder}: for a plan with two or more joins, a Hep program
     * pushes filters into joins, gathers joins into MultiJoins and orders each one with
     * {@link IngotJoinOrderRule} (or, for those with outer joins, Calcite's
     * {@code LoptOptimizeJoinRule}); then the cost-based planner runs {@code rules} without the
     * rules that reorder joins, so it keeps that order and picks the physical operators.
     */
    private static Program joinOrder(Collection<RelOptRule> rules) {
        return (planner, rel, traits, materializations, lattices) -> {
            List<RelOptRule> physical = new ArrayList<>(rules);
            physical.removeIf(r -> r instanceof JoinCommuteRule || r instanceof JoinAssociateRule || r instanceof JoinPushThroughJoinRule);
            Program order = RelOptUtil.countJoins(rel) < 2 ? Programs.ofRules(rules) : Programs.sequence(
                    Programs.of(new HepProgramBuilder()
                            .addRuleCollection(PUSH_CONDITIONS)
                            // an OR over several tables implies an OR per table (TPC-H Q7's two nations, Q19's
                            // part and lineitem): added as filters, pushed into those tables' scans
                            .addRuleCollection(List.of(CoreRules.EXPAND_FILTER_DISJUNCTION_GLOBAL, CoreRules.EXPAND_JOIN_DISJUNCTION_GLOBAL))
                            .addRuleCollection(PUSH_CONDITIONS)
                            .addMatchOrder(HepMatchOrder.BOTTOM_UP)
                            .addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN)
                            .addRuleInstance(IngotJoinOrderRule.INSTANCE)
                            .addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE)
                            .addRuleInstance(AggregateSemiJoinRule.INSTANCE)
                            .build(), false, IngotRelMetadata.PROVIDER),
                    Programs.ofRules(physical));
            return order.run(planner, rel, traits, materializations, lattices);
        };
    }

    /**
     * Rules that move conditions down: filters into joins, and a join's conditions on one input
     * into that input (for an outer join, those on its null-generating side: TPC-H Q20's date range
     * on lineitem stayed in a left join's condition, and all of lineitem went into its hash table).
     */
    private static final List<RelOptRule> PUSH_CONDITIONS = List.of(CoreRules.FILTER_REDUCE_EXPRESSIONS, CoreRules.JOIN_REDUCE_EXPRESSIONS,
            FactorOrRule.FILTER, CoreRules.FILTER_INTO_JOIN, CoreRules.JOIN_CONDITION_PUSH);

    private static boolean readsIngot(RelNode rel) {
        for (RelOptTable t : RelOptUtil.findAllTables(rel)) {
            if (t.unwrap(IngotTable.class) != null) {
                return true;
            }
        }
        return false;
    }
}
