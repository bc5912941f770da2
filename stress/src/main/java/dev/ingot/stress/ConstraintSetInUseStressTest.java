package dev.ingot.stress;

import static dev.ingot.stress.ConstraintStressFixtures.CHILD1;
import static dev.ingot.stress.ConstraintStressFixtures.CHILD1_BATCH;
import static dev.ingot.stress.ConstraintStressFixtures.CHILD1_KEYS;
import static dev.ingot.stress.ConstraintStressFixtures.CHILD2;
import static dev.ingot.stress.ConstraintStressFixtures.PARENT;
import static dev.ingot.stress.ConstraintStressFixtures.PARENT_BATCH;
import static dev.ingot.stress.ConstraintStressFixtures.PARENT_KEYS;

import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.constraints.TableChecker;
import dev.ingot.memory.NativeAllocator;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A constraint key set is never freed while a holder may still probe it ({@code ConstraintService}
 * release rule: memory is freed only when the hold count reaches zero).
 *
 * <p>Setup (per state, no files): a service plans parent {@code p} (PRIMARY KEY) and children
 * {@code c1}, {@code c2} (FOREIGN KEY to {@code p}); {@code p} loads four keys and finishes, so its
 * set is published and held only by the two children (hold count 2). Both children have begun.
 * Actor 1 is {@code c1}: its last probe of the parent set (a batch whose six keys are all in it)
 * followed by its release ({@code finish}). Actor 2 is {@code c2} giving up ({@code abort}), which
 * drops the other hold. Whatever the interleaving, {@code c1}'s probe must see the whole, live set.
 *
 * <p>Result: r1 = {@code c1}'s probe: 0 no orphan found (correct), 1 a violation (a present key
 * reported missing: the set was read after it was freed or reused), 2 {@link IllegalStateException}
 * (the set was released or its memory closed under the prober), 3 another exception (for
 * example a NullPointerException when the set was freed before the probe resolved it);
 * r2 = 1 if {@code c1.finish()} threw; r3 = 1 if {@code c2.abort()} threw.
 */
@JCStressTest
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "c1's probe saw the whole published set, both releases succeeded")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "c1's probe reported a present key missing: its set was freed or corrupted while c1 held it")
@Outcome(id = "2, .*", expect = Expect.FORBIDDEN, desc = "c1's probe threw IllegalStateException: the set was released or freed while c1 still held it")
@Outcome(expect = Expect.FORBIDDEN, desc = "another exception in the probe (e.g. NullPointerException: the set was already freed when c1 probed) or a release threw")
@State
public class ConstraintSetInUseStressTest {
    private final ConstraintService service;
    private final TableChecker child1;
    private final TableChecker child2;

    public ConstraintSetInUseStressTest() {
        service = new ConstraintService(NativeAllocator.root("stress", 1 << 20));
        service.planLoad(List.of(PARENT, CHILD1, CHILD2));
        TableChecker parent = service.beginTable(PARENT, PARENT_KEYS.length, null);
        parent.checkBatch(PARENT_BATCH, 0, PARENT_KEYS.length, 0);
        parent.finish();
        child1 = service.beginTable(CHILD1, CHILD1_KEYS.length, null);
        child2 = service.beginTable(CHILD2, 0, null);
    }

    @Actor
    public void child1ProbesThenFinishes(III_Result r) {
        try {
            child1.checkBatch(CHILD1_BATCH, 0, CHILD1_KEYS.length, 0);
            r.r1 = 0;
        } catch (ConstraintViolationException e) {
            r.r1 = 1;
        } catch (IllegalStateException e) {
            r.r1 = 2;
        } catch (RuntimeException e) {
            r.r1 = 3;
        }
        try {
            child1.finish();
        } catch (RuntimeException e) {
            r.r2 = 1;
        }
    }

    @Actor
    public void child2Aborts(III_Result r) {
        try {
            child2.abort();
        } catch (RuntimeException e) {
            r.r3 = 1;
        }
    }
}
