package dev.ingot.testing;

import dev.ingot.memory.NativeAllocator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * The leak check of the whole test suite: after every test it asserts that every Ingot
 * {@link NativeAllocator} root and every Arrow root allocator ({@link TestAllocators#arrow()})
 * created during the test holds zero bytes, and fails the test otherwise, naming each allocator
 * and its outstanding bytes: {@code off-heap memory left outstanding by LongKeySetTest.createPicksThisKind():
 * native allocator 'test' holds 256 bytes}. It only looks: it neither closes nor frees anything.
 *
 * <p>Registered for every test class of every module that has the pager test jar on its test
 * class path, by JUnit's extension autodetection ({@code junit-platform.properties} and
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} in that jar), so no test
 * class has to remember it. Native roots are seen through {@link NativeAllocator#drainTrackedRoots()},
 * which needs {@code -Dingot.memory.trackRoots=true}: the build's surefire configuration sets it,
 * and this class sets it when it is loaded (before any allocator, in an IDE run) if it is unset.
 *
 * <p>Scope: what a test creates from its instance's construction to its last {@code @AfterEach}
 * is checked after that test; what a class creates outside its tests ({@code @BeforeAll}, a
 * per-class instance, static state) is checked once, after its {@code @AfterAll}, so memory a
 * class holds across its tests on purpose is not a leak.
 *
 * <p>Thread-safety: assumes tests run one at a time (the build does not run them in parallel);
 * its methods are synchronized.
 */
public final class LeakCheckExtension
        implements BeforeAllCallback, TestInstancePreConstructCallback, AfterEachCallback, AfterAllCallback {

    static {
        if (System.getProperty(NativeAllocator.TRACK_ROOTS_PROPERTY) == null) {
            System.setProperty(NativeAllocator.TRACK_ROOTS_PROPERTY, "true");
        }
    }

    /** Every test class this extension has started checking in this JVM. */
    private static final Set<Class<?>> CLASSES_CHECKED = ConcurrentHashMap.newKeySet();

    /** One entry per test class in progress (nested classes stack): its roots created outside tests. */
    private final Deque<ClassRoots> classes = new ArrayDeque<>();

    private static final class ClassRoots {
        final List<NativeAllocator> natives = new ArrayList<>();
        final List<TestAllocators.TrackedArrow> arrows = new ArrayList<>();

        void drainInto() {
            natives.addAll(NativeAllocator.drainTrackedRoots());
            arrows.addAll(TestAllocators.drainArrow());
        }
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        CLASSES_CHECKED.add(context.getRequiredTestClass());
        ClassRoots roots = new ClassRoots();
        roots.drainInto(); // created since the previous class ended (a per-class instance, static state)
        classes.push(roots);
    }

    @Override
    public synchronized void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        // whatever @BeforeAll (or an earlier test's stray thread) created belongs to the class, not the next test
        ClassRoots roots = classes.peek();
        if (roots != null) {
            roots.drainInto();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        check(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName() + "()",
                NativeAllocator.drainTrackedRoots(), TestAllocators.drainArrow());
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        ClassRoots roots = classes.pop();
        roots.drainInto();
        check(context.getRequiredTestClass().getSimpleName() + " (outside its tests)", roots.natives, roots.arrows);
    }

    /** Whether this extension runs for {@code testClass} (it has started checking it in this JVM). */
    public static boolean checks(Class<?> testClass) {
        return CLASSES_CHECKED.contains(testClass);
    }

    /**
     * Throws an {@link AssertionError} listing every allocator of {@code natives} and
     * {@code arrows} that holds bytes, if any does.
     */
    static void check(String where, List<NativeAllocator> natives, List<TestAllocators.TrackedArrow> arrows) {
        List<String> leaks = new ArrayList<>();
        for (NativeAllocator a : natives) {
            long bytes = a.allocatedBytes();
            if (bytes != 0) {
                leaks.add("native allocator '" + a.name() + "' holds " + bytes + " bytes");
            }
        }
        for (TestAllocators.TrackedArrow a : arrows) {
            long bytes = a.allocator().getAllocatedMemory();
            if (bytes != 0) {
                leaks.add(a.name() + " holds " + bytes + " bytes");
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("off-heap memory left outstanding by " + where + ": " + String.join("; ", leaks));
        }
    }
}
