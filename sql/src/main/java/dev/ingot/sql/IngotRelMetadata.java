package dev.ingot.sql;

import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.adapter.enumerable.EnumerableInterpreter;
import org.apache.calcite.interpreter.Bindables;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableIntList;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Planner statistics for plans over Ingot tables, ahead of Calcite's defaults
 * ({@link #PROVIDER}, installed by {@link IngotProgram}):
 * <ul>
 *   <li><b>distinct values</b> of columns of a scan of an Ingot table ({@link ScanDistinct}, which
 *       Calcite's default handler finds by unwrapping the table): {@link IngotStatistics}
 *       (keys, foreign keys, zone-map ranges, counted values), never more than the scan's
 *       estimated rows; Calcite carries them up through projects, filters, aggregates and joins
 *       (so an aggregate's estimated groups come from them too);</li>
 *   <li><b>selectivity of a filter on a scan of an Ingot table</b>: {@code 1 / ndv(c)} for
 *       {@code c = literal}, {@code k / ndv(c)} for {@code c IN (k literals)}, Calcite's guess for
 *       other conjuncts (Calcite guesses 0.15 per equality; TPC-H Q21's {@code n_name = 'SAUDI
 *       ARABIA'} keeps 1 of 25 nations); a {@code BindableTableScan}'s rows are its table's times
 *       the selectivity of its pushed filters (Calcite's default halves them);</li>
 *   <li><b>rows of an inner or outer equi-join</b>: {@code left * right / max(ndv(left keys),
 *       ndv(right keys))} times Calcite's guess for the rest of the condition (the textbook
 *       estimate, e.g. Garcia-Molina, Ullman and Widom, "Database Systems: The Complete Book",
 *       16.4.4); an outer join keeps at least the rows of its preserved side. Calcite's default
 *       multiplies both sides by 0.15 per equality, which made TPC-H Q21's estimates reach 10^55
 *       rows and put 6M-row lineitem on the build side of hash joins.</li>
 * </ul>
 * Other joins (semi, anti) and everything else keep Calcite's estimates. Stateless and thread-safe.
 */
final class IngotRelMetadata {
    private IngotRelMetadata() {}

    /** Ingot's handlers chained ahead of {@link DefaultRelMetadataProvider#INSTANCE}. */
    static final RelMetadataProvider PROVIDER = ChainedRelMetadataProvider.of(List.of(
            ReflectiveRelMetadataProvider.reflectiveSource(new JoinRows(), BuiltInMetadata.RowCount.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(new InterpreterDistinct(), BuiltInMetadata.DistinctRowCount.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(new ScanSelectivity(), BuiltInMetadata.Selectivity.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(new FilteredScanRows(), BuiltInMetadata.RowCount.Handler.class),
            DefaultRelMetadataProvider.INSTANCE));

    /** Row counts of equi-joins by distinct key values. */
    public static final class JoinRows implements MetadataHandler<BuiltInMetadata.RowCount> {
        @Override
        public MetadataDef<BuiltInMetadata.RowCount> getDef() {
            return BuiltInMetadata.RowCount.DEF;
        }

        /** The estimated rows of {@code join} (see the class comment). */
        public Double getRowCount(Join join, RelMetadataQuery mq) {
            JoinInfo info = join.analyzeCondition();
            boolean innerOrOuter = switch (join.getJoinType()) {
                case INNER, LEFT, RIGHT, FULL -> true;
                default -> false;
            };
            Double left = mq.getRowCount(join.getLeft());
            Double right = mq.getRowCount(join.getRight());
            if (!innerOrOuter || info.leftKeys.isEmpty() || left == null || right == null) {
                return RelMdUtil.getJoinRowCount(mq, join, join.getCondition());
            }
            Double leftDistinct = mq.getDistinctRowCount(join.getLeft(), ImmutableBitSet.of(info.leftKeys), null);
            Double rightDistinct = mq.getDistinctRowCount(join.getRight(), ImmutableBitSet.of(info.rightKeys), null);
            double ndv = Math.max(leftDistinct == null ? left : Math.min(left, leftDistinct), rightDistinct == null ? right : Math.min(right, rightDistinct));
            RexNode rest = info.getRemaining(join.getCluster().getRexBuilder());
            double rows = left * right / Math.max(1, ndv) * RelMdUtil.guessSelectivity(rest);
            return switch (join.getJoinType()) {
                case LEFT -> Math.max(rows, left);
                case RIGHT -> Math.max(rows, right);
                case FULL -> Math.max(rows, Math.max(left, right));
                default -> rows;
            };
        }
    }

    /**
     * Distinct values through an {@link EnumerableInterpreter} (how Calcite runs a filtered,
     * projected scan of an Ingot table): those of its input. Calcite's default knows nothing of
     * the interpreter and answers "unknown" above every scan of the physical plan.
     */
    public static final class InterpreterDistinct implements MetadataHandler<BuiltInMetadata.DistinctRowCount> {
        @Override
        public MetadataDef<BuiltInMetadata.DistinctRowCount> getDef() {
            return BuiltInMetadata.DistinctRowCount.DEF;
        }

        /** The distinct values of {@code columns} of the interpreter's input. */
        public Double getDistinctRowCount(EnumerableInterpreter rel, RelMetadataQuery mq, ImmutableBitSet columns, RexNode predicate) {
            return mq.getDistinctRowCount(rel.getInput(), columns, predicate);
        }
    }

    /**
     * Distinct values of the columns of a scan of one Ingot table: what {@link IngotTable#unwrap}
     * hands Calcite's default distinct-count handler when it asks the scanned table for one.
     */
    static final class ScanDistinct implements BuiltInMetadata.DistinctRowCount.Handler {
        private final IngotTable table;

        ScanDistinct(IngotTable table) {
            this.table = table;
        }

        /**
         * The distinct values of {@code columns} of {@code scan}, a scan of this handler's table
         * (see the class comment), scaled by Calcite's guess for {@code predicate}.
         */
        @Override
        public Double getDistinctRowCount(RelNode scan, RelMetadataQuery mq, ImmutableBitSet columns, RexNode predicate) {
            Double rows = mq.getRowCount(scan);
            if (columns.isEmpty() || rows == null) {
                return columns.isEmpty() ? 1.0 : null;
            }
            ImmutableBitSet.Builder tableColumns = ImmutableBitSet.builder();
            for (int c : columns) {
                tableColumns.set(scan instanceof Bindables.BindableTableScan b && b.projects != null ? b.projects.get(c) : c);
            }
            double ndv = table.statistics().distinctCount(tableColumns.build());
            if (predicate != null && !predicate.isAlwaysTrue()) {
                ndv *= RelMdUtil.guessSelectivity(predicate);
            }
            return Math.max(1, Math.min(rows, ndv));
        }
    }

    /** Selectivity of predicates over scans of Ingot tables (see the class comment). */
    public static final class ScanSelectivity implements MetadataHandler<BuiltInMetadata.Selectivity> {
        @Override
        public MetadataDef<BuiltInMetadata.Selectivity> getDef() {
            return BuiltInMetadata.Selectivity.DEF;
        }

        /** The fraction of the rows of {@code scan} that satisfy {@code predicate} (over the scan's output columns). */
        public Double getSelectivity(TableScan scan, RelMetadataQuery mq, RexNode predicate) {
            IngotTable table = scan.getTable().unwrap(IngotTable.class);
            if (table == null || predicate == null) {
                return RelMdUtil.guessSelectivity(predicate);
            }
            ImmutableIntList projects = scan instanceof Bindables.BindableTableScan b ? b.projects : null;
            return selectivity(table, predicate, c -> projects == null ? c : projects.get(c));
        }
    }

    /** Rows of a {@code BindableTableScan} of an Ingot table: its table's rows times the selectivity of its pushed filters. */
    public static final class FilteredScanRows implements MetadataHandler<BuiltInMetadata.RowCount> {
        @Override
        public MetadataDef<BuiltInMetadata.RowCount> getDef() {
            return BuiltInMetadata.RowCount.DEF;
        }

        /** The estimated rows of {@code scan}. */
        public Double getRowCount(Bindables.BindableTableScan scan, RelMetadataQuery mq) {
            IngotTable table = scan.getTable().unwrap(IngotTable.class);
            if (table == null) {
                return scan.estimateRowCount(mq);
            }
            double rows = table.statistics().rowCount();
            for (RexNode filter : scan.filters) {
                rows *= selectivity(table, filter, c -> c); // pushed filters read the table's columns
            }
            return Math.max(1, rows);
        }
    }

    /**
     * The selectivity of {@code predicate} over {@code table}, whose input {@code i} is table
     * column {@code column.applyAsInt(i)}: the product over its conjuncts (see the class comment).
     */
    static double selectivity(IngotTable table, RexNode predicate, IntUnaryOperator column) {
        double selectivity = 1;
        for (RexNode c : RelOptUtil.conjunctions(predicate)) {
            double points = 0;
            RexInputRef ref = null;
            if (c.getKind() == SqlKind.EQUALS) {
                RexNode a = RexUtil.removeCast(((RexCall) c).getOperands().get(0));
                RexNode b = RexUtil.removeCast(((RexCall) c).getOperands().get(1));
                ref = a instanceof RexInputRef r && b instanceof RexLiteral ? r : b instanceof RexInputRef r && a instanceof RexLiteral ? r : null;
                points = 1;
            } else if (c.getKind() == SqlKind.SEARCH && RexUtil.removeCast(((RexCall) c).getOperands().get(0)) instanceof RexInputRef r
                    && ((RexCall) c).getOperands().get(1) instanceof RexLiteral literal) {
                Sarg<?> sarg = literal.getValueAs(Sarg.class);
                if (sarg != null && sarg.isPoints()) {
                    ref = r;
                    points = sarg.pointCount;
                }
            }
            selectivity *= ref == null ? RelMdUtil.guessSelectivity(c)
                    : Math.min(1, points / table.statistics().distinctCount(ImmutableBitSet.of(column.applyAsInt(ref.getIndex()))));
        }
        return selectivity;
    }
}
