package dev.ingot.stress;

import dev.ingot.pager.internal.KeyAllocator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * Two threads call {@code allocMany} on one pager's key allocator at once ({@link KeyAllocator},
 * the counter behind {@code Pager.allocMany}): the ranges must not overlap and must be
 * contiguous from key 1, in one of the two serial orders.
 *
 * <p>Result: the first key of actor 1's range (2 keys) and of actor 2's range (3 keys).
 */
@JCStressTest
@Outcome(id = "1, 3", expect = Expect.ACCEPTABLE, desc = "actor 1 took keys [1, 3), then actor 2 took [3, 6)")
@Outcome(id = "4, 1", expect = Expect.ACCEPTABLE, desc = "actor 2 took keys [1, 4), then actor 1 took [4, 6)")
@Outcome(expect = Expect.FORBIDDEN, desc = "overlapping or non-contiguous ranges: a key handed out twice or skipped")
@State
public class KeyAllocationStressTest {
    private final KeyAllocator keys = new KeyAllocator(1, 1 << 20);

    @Actor
    public void actor1(JJ_Result r) {
        r.r1 = keys.allocMany(2, "stress").first();
    }

    @Actor
    public void actor2(JJ_Result r) {
        r.r2 = keys.allocMany(3, "stress").first();
    }
}
