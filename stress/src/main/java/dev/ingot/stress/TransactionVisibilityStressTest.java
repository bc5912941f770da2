package dev.ingot.stress;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Snapshot isolation of {@link ColumnStore} transactions: a committer changes two tables in one
 * {@link StoreTransaction} (the index blob "v" of table a and of table b both set to the next
 * value n) while a reader takes a {@link StoreSnapshot} and reads both blobs; the reader must see
 * both changes of a commit or neither, never a's from one commit and b's from another, and must be
 * able to read both blobs although the committer retires them meanwhile (deferred frees).
 *
 * <p>One store per JVM (in a temporary directory deleted at exit), shared by every state: each
 * state's committer commits the next value.
 *
 * <p>Result: r1 = 1 if a's and b's values are equal (else 0); r2 = 1 if the reader saw a value at
 * least the one committed when its state was made (else 0: it saw an older commit, impossible
 * since commits only go forward).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "both tables of one commit")
@Outcome(expect = Expect.FORBIDDEN, desc = "half a commit, or a version older than one already committed")
@State
public class TransactionVisibilityStressTest {
    private static final ColumnStore STORE = openStore();
    private static final AtomicLong NEXT = new AtomicLong(1);

    private final long before = NEXT.get() - 1;

    private static ColumnStore openStore() {
        try {
            Path dir = Files.createTempDirectory("ingot-jcstress-tx");
            dir.toFile().deleteOnExit();
            ColumnStore store = ColumnStore.openOrCreate(dir, ColumnStoreOptions.defaults()
                    .withPagerOptions(PagerOptions.defaults().withSegmentBytes(1 << 20).withSyncOnCommit(false)));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    store.close();
                    for (Path p : List.of(dir.resolve(ColumnStore.STORE_FILE_NAME), dir)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            try (StoreTransaction tx = store.begin()) {
                for (String name : List.of("a", "b")) {
                    TableDef def = new TableDef(name, List.of(ColumnDef.notNull("id", ColumnType.int64())), List.of());
                    try (TableWriter w = tx.createTable(def, ColumnStoreWriteHints.estimate(def).withChunkRows(1024))) {
                        w.commit();
                    }
                    tx.putIndex(name, "v", List.of(value(0)));
                }
                tx.commit();
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer value(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    }

    @Actor
    public void committer() {
        try (StoreTransaction tx = STORE.begin()) {
            long n = NEXT.getAndIncrement();
            tx.putIndex("a", "v", List.of(value(n)));
            tx.putIndex("b", "v", List.of(value(n)));
            tx.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Actor
    public void reader(II_Result r) {
        try (StoreSnapshot s = STORE.snapshot()) {
            long a = s.indexPart("a", "v", 0).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            long b = s.indexPart("b", "v", 0).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            r.r1 = a == b ? 1 : 0;
            r.r2 = a >= before ? 1 : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
