package dev.ingot.stress;

import dev.ingot.pager.internal.BlockKeyReservation;
import dev.ingot.pager.internal.KeyAllocator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two writer threads each take three keys from their own {@code KeyReservation} (blocks of 2
 * keys, so each takes two blocks) over one pager's key allocator: no key may be handed to both.
 *
 * <p>Result: number of distinct keys among the six taken, and the number of keys the allocator
 * handed out in total (4 blocks of 2).
 */
@JCStressTest
@Outcome(id = "6, 8", expect = Expect.ACCEPTABLE, desc = "six distinct keys from four disjoint blocks")
@Outcome(expect = Expect.FORBIDDEN, desc = "two reservations returned the same key, or blocks were lost or duplicated")
@State
public class KeyReservationStressTest {
    private final KeyAllocator keys = new KeyAllocator(1, 1 << 20);
    private final BlockKeyReservation.BlockSource source = count -> keys.allocMany(count, "stress");
    private final BlockKeyReservation reservation1 = new BlockKeyReservation(source, 2);
    private final BlockKeyReservation reservation2 = new BlockKeyReservation(source, 2);
    private final long[] taken1 = new long[3];
    private final long[] taken2 = new long[3];

    @Actor
    public void writer1() {
        for (int i = 0; i < taken1.length; i++) {
            taken1[i] = reservation1.nextKey();
        }
    }

    @Actor
    public void writer2() {
        for (int i = 0; i < taken2.length; i++) {
            taken2[i] = reservation2.nextKey();
        }
    }

    @Arbiter
    public void check(II_Result r) {
        long[] all = new long[6];
        System.arraycopy(taken1, 0, all, 0, 3);
        System.arraycopy(taken2, 0, all, 3, 3);
        r.r1 = (int) java.util.Arrays.stream(all).distinct().count();
        r.r2 = (int) (keys.nextKey() - 1);
    }
}
