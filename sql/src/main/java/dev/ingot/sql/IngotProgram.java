package dev.ingot.sql;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;

/**
 * The optimizer program for queries over Ingot tables: Calcite's standard sequence (sub-queries,
 * decorrelation, field trimming, the cost-based planner, Calc rules) with the cost-based step
 * replaced by {@link Programs#heuristicJoinOrder} for two or more joins: joins are gathered into a
 * MultiJoin and ordered by {@code LoptOptimizeJoinRule} (Calcite's heuristic join ordering), and
 * the exhaustive join commute/associate rules are left out of the cost-based search. Measured on
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
        Program p = readsIngot(rel)
                ? Programs.sequence(Programs.subQuery(DefaultRelMetadataProvider.INSTANCE), Programs.decorrelate(), Programs.trim(),
                        Programs.heuristicJoinOrder(planner.getRules(), false, 2), Programs.calc(DefaultRelMetadataProvider.INSTANCE))
                : Programs.standard();
        return p.run(planner, rel, requiredOutputTraits, materializations, lattices);
    }

    private static boolean readsIngot(RelNode rel) {
        for (RelOptTable t : RelOptUtil.findAllTables(rel)) {
            if (t.unwrap(IngotTable.class) != null) {
                return true;
            }
        }
        return false;
    }
}
