package dev.ingot.stress;

import static dev.ingot.stress.ConstraintStressFixtures.CHILD1;
import static dev.ingot.stress.ConstraintStressFixtures.PARENT;
import static dev.ingot.stress.ConstraintStressFixtures.PARENT_BATCH;
import static dev.ingot.stress.ConstraintStressFixtures.PARENT_KEYS;

import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.TableChecker;
import dev.ingot.memory.NativeAllocator;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two concurrent releases of the last two holds of a constraint key set free it exactly once:
 * never twice, never zero times (a leak).
 *
 * <p>Setup (per state, no files): a service plans parent {@code p} (PRIMARY KEY) and child
 * {@code c1} (FOREIGN KEY to {@code p}); {@code p} has begun and checked its four keys but not
 * finished, {@code c1} has begun. The set's holders are {@code p} itself and {@code c1} (hold
 * count 2) and it is the only off-heap memory of the service. Actor 1 is the parent finishing
 * (publish, then drop its own hold); actor 2 is the child finishing without probing (an empty
 * child table), dropping its hold.
 *
 * <p>Frees are counted from the service's allocator, which every key-set byte goes through:
 * {@code (bytes of the set before - bytes outstanding after) / bytes of the set}, so 1 is one
 * free, 0 a leak, and 2 (a negative balance) a double free crediting the allocator twice.
 *
 * <p>Result: r1 = frees of the set, r2 = the set's hold count afterwards, r3 = 1 if either
 * {@code finish()} threw.
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "the set was freed exactly once, when its last hold was dropped")
@Outcome(id = "0, .*", expect = Expect.FORBIDDEN, desc = "never freed: both holds dropped but the memory leaked (lost update of the hold count?)")
@Outcome(id = "2, .*", expect = Expect.FORBIDDEN, desc = "freed twice: the allocator was credited twice for one set")
@Outcome(expect = Expect.FORBIDDEN, desc = "wrong hold count after both releases, or a release threw")
@State
public class ConstraintSetFreedOnceStressTest {
    private final NativeAllocator memory = NativeAllocator.root("stress", 1 << 20);
    private final ConstraintService service = new ConstraintService(memory);
    private final TableChecker parent;
    private final TableChecker child;
    private final long setBytes;
    private volatile int errors;

    public ConstraintSetFreedOnceStressTest() {
        service.planLoad(List.of(PARENT, CHILD1));
        parent = service.beginTable(PARENT, PARENT_KEYS.length, null);
        parent.checkBatch(PARENT_BATCH, 0, PARENT_KEYS.length, 0);
        child = service.beginTable(CHILD1, 0, null);
        setBytes = memory.allocatedBytes();
    }

    @Actor
    public void parentFinishes() {
        try {
            parent.finish();
        } catch (RuntimeException e) {
            errors = 1;
        }
    }

    @Actor
    public void childFinishes() {
        try {
            child.finish();
        } catch (RuntimeException e) {
            errors = 1;
        }
    }

    @Arbiter
    public void frees(III_Result r) {
        long freed = setBytes - memory.allocatedBytes();
        r.r1 = setBytes <= 0 || freed % setBytes != 0 ? -1 : (int) (freed / setBytes);
        r.r2 = service.holdCount(PARENT.name(), "p_pk");
        r.r3 = errors;
    }
}
