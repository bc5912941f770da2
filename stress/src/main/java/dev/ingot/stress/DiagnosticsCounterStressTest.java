package dev.ingot.stress;

import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJJ_Result;

/**
 * {@link PagerDiagnostics} never loses an update: two threads add to the same counter of one
 * writer span (which also adds to the parent), and increment another counter, one through the
 * span and one directly on the parent. The arbiter reads exact totals in span and parent.
 *
 * <p>Result: span BYTES_WRITTEN, parent BYTES_WRITTEN, span BLOBS_PUT, parent BLOBS_PUT.
 */
@JCStressTest
@Outcome(id = "8, 8, 1, 2", expect = Expect.ACCEPTABLE, desc = "every add counted once in the span and once in the parent")
@Outcome(expect = Expect.FORBIDDEN, desc = "a lost or duplicated update in the span or its parent")
@State
public class DiagnosticsCounterStressTest {
    private final PagerDiagnostics parent = new PagerDiagnostics("pager");
    private final PagerDiagnostics span = parent.newSpan("table");

    @Actor
    public void writer1() {
        span.add(Counter.BYTES_WRITTEN, 3);
        span.increment(Counter.BLOBS_PUT);
    }

    @Actor
    public void writer2() {
        span.add(Counter.BYTES_WRITTEN, 5);
        parent.increment(Counter.BLOBS_PUT);
    }

    @Arbiter
    public void totals(JJJJ_Result r) {
        r.r1 = span.get(Counter.BYTES_WRITTEN);
        r.r2 = parent.get(Counter.BYTES_WRITTEN);
        r.r3 = span.get(Counter.BLOBS_PUT);
        r.r4 = parent.get(Counter.BLOBS_PUT);
    }
}
