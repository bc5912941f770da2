package dev.ingot.sql;

import dev.ingot.columnstore.ColumnType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's type system for Ingot stores: Calcite's defaults, but DECIMAL precision and scale up
 * to 38 ({@link ColumnType#MAX_DECIMAL_PRECISION}), so a DECIMAL(38, s) column keeps its type and
 * products such as {@code l_extendedprice * (1 - l_discount) * (1 + l_tax)} of TPC-H Q1 keep every
 * digit. Name it in a connection with {@code typeSystem=dev.ingot.sql.IngotTypeSystem#INSTANCE}
 * ({@link IngotDriver} does). Stateless and thread-safe.
 */
public final class IngotTypeSystem extends RelDataTypeSystemImpl {
    /** The one instance (the form Calcite's {@code typeSystem} connection property reads). */
    public static final RelDataTypeSystem INSTANCE = new IngotTypeSystem();

    /** The least scale of an AVG over DECIMAL values. */
    static final int AVG_MIN_SCALE = 6;

    private IngotTypeSystem() {}

    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? ColumnType.MAX_DECIMAL_PRECISION : super.getMaxPrecision(typeName);
    }

    /**
     * AVG of a DECIMAL(p, s) is DECIMAL(38, max(s, 6)): Calcite's default keeps the argument's
     * type, so {@code avg(l_discount)} of DECIMAL(15,2) values averaging 0.04999 would print
     * 0.04 (truncated), outside the 1% the TPC-H answer rules allow.
     */
    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        if (argumentType.getSqlTypeName() == SqlTypeName.DECIMAL) {
            RelDataType avg = typeFactory.createSqlType(SqlTypeName.DECIMAL, ColumnType.MAX_DECIMAL_PRECISION,
                    Math.max(argumentType.getScale(), AVG_MIN_SCALE));
            return typeFactory.createTypeWithNullability(avg, argumentType.isNullable());
        }
        return super.deriveAvgAggType(typeFactory, argumentType);
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? ColumnType.MAX_DECIMAL_PRECISION : super.getMaxScale(typeName);
    }
}
