package dev.ingot.stress;

import dev.ingot.pager.CommittedRoot;
import dev.ingot.pager.internal.RootPublisher;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJJ_Result;

/**
 * The publish step of a commit ({@link RootPublisher}, as {@code MappedPager.commit} uses it)
 * against a reader of {@code Pager.committedRoot()}: epoch, next key and root keys are seen
 * whole or not at all. The committer publishes epoch 2 from its working root-key array and then
 * goes on changing that array (as {@code setRootKey} after a commit does); the reader must never
 * see a mix of the two commits, nor a root key set after the publication.
 *
 * <p>Result: epoch, nextKey, root key of slot 0, root key of slot 3 as the reader saw them.
 */
@JCStressTest
@Outcome(id = "1, 10, 1, 1", expect = Expect.ACCEPTABLE, desc = "reader saw the previous commit, whole")
@Outcome(id = "2, 20, 2, 2", expect = Expect.ACCEPTABLE, desc = "reader saw the new commit, whole")
@Outcome(expect = Expect.FORBIDDEN, desc = "torn committed root: fields of two commits, or a root key set after the commit")
@State
public class CommittedRootPublicationStressTest {
    private final RootPublisher publisher = new RootPublisher(new CommittedRoot(1, 10, new long[] {1, 1, 1, 1}));
    /** The committer's working root keys (the pager's rootKeys array). */
    private final long[] workingRoots = {2, 2, 2, 2};

    @Actor
    public void committer() {
        publisher.publish(2, 20, workingRoots);
        workingRoots[0] = 99;
        workingRoots[3] = 99;
    }

    @Actor
    public void reader(JJJJ_Result r) {
        CommittedRoot root = publisher.current();
        r.r1 = root.epoch();
        r.r2 = root.nextKey();
        r.r3 = root.rootKey(0);
        r.r4 = root.rootKey(3);
    }
}
