package dev.ingot.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Proof that {@link LeakCheckExtension} is registered in a module: each module's tests hold one
 * empty subclass ({@code LeakCheckRegisteredTest}), which fails if the extension did not run for
 * it, e.g. because the module lost the pager test jar or JUnit's extension autodetection.
 */
public abstract class LeakCheckRegistration {
    @Test
    void theLeakCheckRunsForEveryTestClassOfThisModule() {
        assertTrue(LeakCheckExtension.checks(getClass()), "LeakCheckExtension did not run for " + getClass().getName()
                + ": is the ingot-pager test jar a test dependency, with junit-platform.properties and the service file?");
    }
}
