package dev.ingot.ingest.tpchgen;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.ingest.internal.BatchBuilder;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.ingest.tpch.TpchSchema;
import io.trino.tpch.Customer;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.LineItem;
import io.trino.tpch.Nation;
import io.trino.tpch.Order;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.Part;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.PartSupplier;
import io.trino.tpch.Region;
import io.trino.tpch.Supplier;
import io.trino.tpch.SupplierGenerator;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Arrow batches of one TPC-H table straight from the dbgen-identical io.trino.tpch generator,
 * without a text round trip, in exactly the row order of dbgen's single-part output.
 *
 * <p>Values: keys BIGINT, integers INTEGER, money and quantities as unscaled DECIMAL(15,2)
 * (cents; {@code l_quantity} = whole units * 100, {@code l_discount}/{@code l_tax} = percent),
 * dates as the generator's ints, which already are days since 1970-01-01 (verified against
 * {@code toLine()}), text as UTF-8 (the generator produces ASCII). Every batch has
 * {@link RowOrigin#NONE}. Text lengths are not checked (the generator honours the spec).
 *
 * <p>Parallelism: the table is split into generator parts ({@code createGenerator(scale, part,
 * partCount)}) of about {@code 2 * batchRows} rows each; {@code threads} workers generate parts
 * concurrently and the batches are handed out in part order, so the concatenation equals the
 * single-part output (dbgen's parts are designed to concatenate to the whole table). The part
 * split does not depend on {@code threads}, so batch boundaries are the same for every thread
 * count. At most {@code threads + 1} parts are buffered (one being consumed while every worker
 * generates the next), which bounds memory at roughly {@code 2 * (threads + 1)} batches; batches queued
 * ahead of the consumer are bounded in number and bytes as well
 * ({@link OrderedParts.ReadAhead#forThreads}). A batch may hold fewer than {@code batchRows}
 * rows (the last batch of each part).
 *
 * <p>Thread-safety: one consumer thread calls {@link #next()} and {@link #close()}.
 * Ownership: the caller closes the source and every batch it returns; batches stay valid after
 * {@link #close()}. Generator failures are rethrown by {@code next()}.
 */
public final class TpchGeneratorSource implements BatchSource {
    /** Target rows of one generator part, in batches. */
    static final int BATCHES_PER_PART = 2;

    private final String table;
    private final OrderedParts<VectorSchemaRoot> parts;

    private TpchGeneratorSource(String table, OrderedParts<VectorSchemaRoot> parts) {
        this.table = table;
        this.parts = parts;
    }

    /**
     * Starts generating {@code table}.
     *
     * @param allocator   allocator of the batches' buffers (thread-safe, as Arrow allocators are)
     * @param table       TPC-H table name, lower case (e.g. {@code lineitem})
     * @param scaleFactor TPC-H scale factor, &gt; 0
     * @param batchRows   maximum rows per batch, &gt;= 1
     * @param threads     generator threads, &gt;= 1
     * @throws IllegalArgumentException for an unknown table or a bad argument
     */
    public static TpchGeneratorSource open(BufferAllocator allocator, String table, double scaleFactor, int batchRows,
                                           int threads) {
        TableDef def = TpchSchema.table(table);
        TpchSchema.checkScale(scaleFactor);
        if (batchRows < 1 || threads < 1) {
            throw new IllegalArgumentException("batchRows and threads must be >= 1: " + batchRows + ", " + threads);
        }
        int partCount = partCount(table, scaleFactor, (long) batchRows * BATCHES_PER_PART);
        TpchTable<?> tpch = TpchTable.getTable(table);
        RowFiller<TpchEntity> filler = filler(table);
        OrderedParts.Producer<VectorSchemaRoot> producer = (part, sink) -> {
            BatchBuilder b = null;
            try {
                for (TpchEntity e : tpch.createGenerator(scaleFactor, part + 1, partCount)) {
                    if (b == null) {
                        b = new BatchBuilder(allocator, def, batchRows);
                    }
                    int row = b.rowCount();
                    filler.fill(e, b, row);
                    b.endRow();
                    if (b.isFull()) {
                        VectorSchemaRoot root = b.finish();
                        b = null;
                        sink.put(root);
                    }
                }
                if (b != null) {
                    VectorSchemaRoot root = b.finish();
                    b = null;
                    sink.put(root);
                }
            } finally {
                if (b != null) {
                    b.close();
                }
            }
        };
        return new TpchGeneratorSource(table, new OrderedParts<>("ingot-tpch-" + table, partCount, threads,
                threads + 1, producer, VectorSchemaRoot::close, OrderedParts.ReadAhead.forThreads(threads),
                BatchBuilder::bufferBytes));
    }

    /**
     * Generator parts for {@code table}: about {@code targetRowsPerPart} rows each, at least 1,
     * at most the number of rows the generator partitions by (orders for lineitem, parts for
     * partsupp). Region and nation are always one part.
     */
    static int partCount(String table, double scaleFactor, long targetRowsPerPart) {
        long baseRows;
        int rowsPerBase = 1;
        switch (table) {
            case "region":
            case "nation":
                return 1;
            case "supplier": baseRows = TpchSchema.baseRows(SupplierGenerator.SCALE_BASE, scaleFactor); break;
            case "customer": baseRows = TpchSchema.baseRows(CustomerGenerator.SCALE_BASE, scaleFactor); break;
            case "part": baseRows = TpchSchema.baseRows(PartGenerator.SCALE_BASE, scaleFactor); break;
            case "partsupp": baseRows = TpchSchema.baseRows(PartGenerator.SCALE_BASE, scaleFactor); rowsPerBase = 4; break;
            case "orders": baseRows = TpchSchema.baseRows(OrderGenerator.SCALE_BASE, scaleFactor); break;
            case "lineitem": baseRows = TpchSchema.baseRows(OrderGenerator.SCALE_BASE, scaleFactor); rowsPerBase = 4; break;
            default: throw new IllegalArgumentException("not a TPC-H table: " + table);
        }
        long target = Math.max(1, targetRowsPerPart);
        long parts = (baseRows * rowsPerBase + target - 1) / target;
        return (int) Math.max(1, Math.min(Math.min(parts, baseRows), Integer.MAX_VALUE));
    }

    /** The table this source generates. */
    public String table() {
        return table;
    }

    /**
     * The next batch, or null after the last one. The caller closes it.
     *
     * @throws IOException          if generation failed (other failures are rethrown as is)
     * @throws InterruptedException if interrupted while waiting for a worker
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public InsertSource.ArrowBatch next() throws IOException, InterruptedException {
        VectorSchemaRoot root = parts.next();
        return root == null ? null : new InsertSource.ArrowBatch(root, RowOrigin.NONE);
    }

    /** Stops the workers and frees batches not handed out. Idempotent. */
    @Override
    public void close() {
        parts.close();
    }

    /** Writes one generated row into a batch. */
    @FunctionalInterface
    interface RowFiller<E> {
        void fill(E entity, BatchBuilder b, int row);
    }

    @SuppressWarnings("unchecked")
    static RowFiller<TpchEntity> filler(String table) {
        RowFiller<?> f;
        switch (table) {
            case "region": f = (RowFiller<Region>) TpchGeneratorSource::fillRegion; break;
            case "nation": f = (RowFiller<Nation>) TpchGeneratorSource::fillNation; break;
            case "supplier": f = (RowFiller<Supplier>) TpchGeneratorSource::fillSupplier; break;
            case "customer": f = (RowFiller<Customer>) TpchGeneratorSource::fillCustomer; break;
            case "part": f = (RowFiller<Part>) TpchGeneratorSource::fillPart; break;
            case "partsupp": f = (RowFiller<PartSupplier>) TpchGeneratorSource::fillPartSupp; break;
            case "orders": f = (RowFiller<Order>) TpchGeneratorSource::fillOrder; break;
            case "lineitem": f = (RowFiller<LineItem>) TpchGeneratorSource::fillLineItem; break;
            default: throw new IllegalArgumentException("not a TPC-H table: " + table);
        }
        return (RowFiller<TpchEntity>) f;
    }

    private static void fillRegion(Region r, BatchBuilder b, int row) {
        b.setLong(0, row, r.getRegionKey());
        b.setText(1, row, r.getName());
        b.setText(2, row, r.getComment());
    }

    private static void fillNation(Nation n, BatchBuilder b, int row) {
        b.setLong(0, row, n.getNationKey());
        b.setText(1, row, n.getName());
        b.setLong(2, row, n.getRegionKey());
        b.setText(3, row, n.getComment());
    }

    private static void fillSupplier(Supplier s, BatchBuilder b, int row) {
        b.setLong(0, row, s.getSupplierKey());
        b.setText(1, row, s.getName());
        b.setText(2, row, s.getAddress());
        b.setLong(3, row, s.getNationKey());
        b.setText(4, row, s.getPhone());
        b.setDecimal(5, row, s.getAccountBalanceInCents());
        b.setText(6, row, s.getComment());
    }

    private static void fillCustomer(Customer c, BatchBuilder b, int row) {
        b.setLong(0, row, c.getCustomerKey());
        b.setText(1, row, c.getName());
        b.setText(2, row, c.getAddress());
        b.setLong(3, row, c.getNationKey());
        b.setText(4, row, c.getPhone());
        b.setDecimal(5, row, c.getAccountBalanceInCents());
        b.setText(6, row, c.getMarketSegment());
        b.setText(7, row, c.getComment());
    }

    private static void fillPart(Part p, BatchBuilder b, int row) {
        b.setLong(0, row, p.getPartKey());
        b.setText(1, row, p.getName());
        b.setText(2, row, p.getManufacturer());
        b.setText(3, row, p.getBrand());
        b.setText(4, row, p.getType());
        b.setInt(5, row, p.getSize());
        b.setText(6, row, p.getContainer());
        b.setDecimal(7, row, p.getRetailPriceInCents());
        b.setText(8, row, p.getComment());
    }

    private static void fillPartSupp(PartSupplier ps, BatchBuilder b, int row) {
        b.setLong(0, row, ps.getPartKey());
        b.setLong(1, row, ps.getSupplierKey());
        b.setInt(2, row, ps.getAvailableQuantity());
        b.setDecimal(3, row, ps.getSupplyCostInCents());
        b.setText(4, row, ps.getComment());
    }

    private static void fillOrder(Order o, BatchBuilder b, int row) {
        b.setLong(0, row, o.getOrderKey());
        b.setLong(1, row, o.getCustomerKey());
        b.setTextChar(2, row, o.getOrderStatus());
        b.setDecimal(3, row, o.getTotalPriceInCents());
        b.setInt(4, row, o.getOrderDate());
        b.setText(5, row, o.getOrderPriority());
        b.setText(6, row, o.getClerk());
        b.setInt(7, row, o.getShipPriority());
        b.setText(8, row, o.getComment());
    }

    private static void fillLineItem(LineItem l, BatchBuilder b, int row) {
        b.setLong(0, row, l.getOrderKey());
        b.setLong(1, row, l.getPartKey());
        b.setLong(2, row, l.getSupplierKey());
        b.setInt(3, row, l.getLineNumber());
        b.setDecimal(4, row, l.getQuantity() * 100);
        b.setDecimal(5, row, l.getExtendedPriceInCents());
        b.setDecimal(6, row, l.getDiscountPercent());
        b.setDecimal(7, row, l.getTaxPercent());
        b.setText(8, row, l.getReturnFlag());
        b.setText(9, row, l.getStatus());
        b.setInt(10, row, l.getShipDate());
        b.setInt(11, row, l.getCommitDate());
        b.setInt(12, row, l.getReceiptDate());
        b.setText(13, row, l.getShipInstructions());
        b.setText(14, row, l.getShipMode());
        b.setText(15, row, l.getComment());
    }

    @Override
    public long producerWaitNanos() {
        return parts.blockedNanos();
    }
}
