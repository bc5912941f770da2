package dev.ingot.sql;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.scan.Predicate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelReferentialConstraint;
import org.apache.calcite.rel.RelReferentialConstraintImpl;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.IntPair;

/**
 * One Ingot table as a Calcite table: its row type maps every column type ({@link SqlTypes});
 * scans accept projection and filter pushdown ({@link ProjectableFilterableTable}: Calcite plans
 * them as {@code BindableTableScan(table=..., filters=[...], projects=[...])}, which EXPLAIN
 * shows). Every conjunct of a filter that Ingot evaluates ({@link PushedFilter}) skips row groups
 * by their zone maps and filters rows inside the scan; a filter all of whose conjuncts Ingot
 * evaluates is taken out of Calcite's plan, others stay in it (Calcite evaluates them again).
 *
 * <p>Counters: {@link #rowGroupsRead()} and {@link #rowGroupsSkipped()} add up the row groups
 * of every finished scan (what zone maps saved).
 *
 * <p>Statistics for the planner: the row count of the committed table, its PRIMARY KEY and
 * UNIQUE constraints as keys ({@link Statistic#isKey}), and its FOREIGN KEYs as referential
 * constraints; distinct-value counts of columns and column sets ({@link IngotStatistics}) for join
 * ordering.
 *
 * <p>Planning: {@link #toRel} registers {@link FactorOrRule} with the query's planner (pulls a
 * factor common to every branch of an OR out of it, so TPC-H Q19's repeated
 * {@code p_partkey = l_partkey} becomes a join condition instead of a filter over a cross join)
 * and removes the enumerable merge-join rule (Calcite sorts a merge join's inputs by filing every
 * row into a {@code TreeMap}, which dominated TPC-H Q3 and Q5 at SF1; equi-joins become hash
 * joins), then hands Calcite the plain logical scan it would have built itself.
 *
 * <p>Every scan opens the store read-only and reads the table as last committed at that moment
 * ({@link IngotScan}); the table must keep the definition it had when the schema was read.
 * Immutable and thread-safe.
 */
public final class IngotTable extends AbstractTable implements ProjectableFilterableTable, TranslatableTable {
    private final Path directory;
    private final List<String> schemaPath;
    private final TableInfo info;
    /** Every table definition of the store, by name (for the referenced tables of foreign keys). */
    private final Map<String, TableDef> catalog;

    /** Distinct-value counts for join ordering. */
    private final IngotStatistics statistics;

    IngotTable(Path directory, List<String> schemaPath, TableInfo info, Map<String, TableDef> catalog, Map<String, Long> liveRows) {
        this.directory = directory;
        this.schemaPath = List.copyOf(schemaPath);
        this.info = info;
        this.catalog = catalog;
        this.statistics = new IngotStatistics(directory, info, liveRows);
    }

    /** The table's distinct-value counts (for {@link IngotJoinOrderRule}). */
    IngotStatistics statistics() {
        return statistics;
    }

    /**
     * This table as {@code type}; for Calcite's {@link BuiltInMetadata.DistinctRowCount.Handler},
     * which Calcite asks a scanned table for, the handler that answers from {@link #statistics()}.
     */
    @Override
    public <C> C unwrap(Class<C> type) {
        if (type == BuiltInMetadata.DistinctRowCount.Handler.class) {
            return type.cast(new IngotRelMetadata.ScanDistinct(this));
        }
        return super.unwrap(type);
    }

    private final LongAdder rowGroupsRead = new LongAdder();
    private final LongAdder rowGroupsSkipped = new LongAdder();

    /** Row groups read by this table's finished scans (since the schema was made). */
    public long rowGroupsRead() {
        return rowGroupsRead.sum();
    }

    /** Row groups this table's finished scans skipped by their zone maps (since the schema was made). */
    public long rowGroupsSkipped() {
        return rowGroupsSkipped.sum();
    }

    /** The table's catalog entry when the schema was read. */
    public TableInfo info() {
        return info;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder b = typeFactory.builder();
        for (ColumnDef c : info.def().columns()) {
            b.add(c.name(), SqlTypes.sqlType(typeFactory, c));
        }
        return b.build();
    }

    @Override
    public Statistic getStatistic() {
        TableDef def = info.def();
        List<ImmutableBitSet> keys = new ArrayList<>();
        List<RelReferentialConstraint> references = new ArrayList<>();
        for (ConstraintSpec c : def.constraints()) {
            if (c.isKey()) {
                keys.add(ImmutableBitSet.of(c.columns().stream().mapToInt(def::columnIndex).toArray()));
            } else {
                List<IntPair> pairs = new ArrayList<>();
                for (int i = 0; i < c.columns().size(); i++) {
                    pairs.add(IntPair.of(def.columnIndex(c.columns().get(i)), referencedIndex(c, i)));
                }
                if (pairs.stream().allMatch(p -> p.target >= 0)) {
                    references.add(RelReferentialConstraintImpl.of(qualified(def.name()), qualified(c.referencedTable()), pairs));
                }
            }
        }
        return Statistics.of((double) info.rowCount(), keys, references, List.of());
    }

    /** Position of the {@code i}-th referenced column in the referenced table, or -1 if that table is not in the store. */
    private int referencedIndex(ConstraintSpec c, int i) {
        TableDef parent = catalog.get(c.referencedTable());
        return parent == null ? -1 : parent.columnIndex(c.referencedColumns().get(i));
    }

    private List<String> qualified(String table) {
        List<String> name = new ArrayList<>(schemaPath);
        name.add(table);
        return name;
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
        RelOptPlanner planner = context.getCluster().getPlanner();
        planner.addRule(FactorOrRule.FILTER);
        planner.addRule(FactorOrRule.JOIN);
        // Calcite's enumerable sort (for a merge join's inputs) files every row into a TreeMap: at
        // SF1 the sorts of lineitem dominated TPC-H Q3/Q5 (profiled); equi-joins hash-join instead
        planner.removeRule(EnumerableRules.ENUMERABLE_MERGE_JOIN_RULE);
        return LogicalTableScan.create(context.getCluster(), relOptTable, context.getTableHints());
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
        TableDef def = info.def();
        RexBuilder rexBuilder = new RexBuilder(root.getTypeFactory());
        List<Predicate> pushed = new ArrayList<>();
        for (Iterator<RexNode> it = filters.iterator(); it.hasNext(); ) {
            // each conjunct Ingot evaluates narrows the scan; the filter leaves Calcite's plan only when all of them do
            boolean all = true;
            for (RexNode conjunct : RelOptUtil.conjunctions(it.next())) {
                Predicate f = PushedFilter.of(conjunct, def, rexBuilder);
                if (f != null) {
                    pushed.add(f);
                } else {
                    all = false;
                }
            }
            if (all) {
                it.remove(); // evaluated exactly by the scan: Calcite drops it from its plan
            }
        }
        Predicate filter = pushed.isEmpty() ? null : pushed.size() == 1 ? pushed.get(0) : Predicate.and(pushed);
        int[] columns = projects != null ? projects.clone() : java.util.stream.IntStream.range(0, def.columns().size()).toArray();
        AtomicBoolean cancel = DataContext.Variable.CANCEL_FLAG.get(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return new IngotScan(directory, def, columns, filter, cancel) {
                    @Override
                    public void close() {
                        rowGroupsRead.add(rowGroupsRead());
                        rowGroupsSkipped.add(rowGroupsSkipped());
                        super.close();
                    }
                };
            }
        };
    }
}
