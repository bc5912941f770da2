package dev.ingot.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The leak check can fail: deliberately leaking test classes (static nested classes, which the
 * build's test scan skips; they also run only inside this test) are run through the JUnit
 * launcher, with the extension autodetected as in every module, and their failures are asserted
 * here, exactly, without failing the suite. The leaked memory is freed afterwards.
 */
class LeakCheckExtensionTest {
    /** Set while this test runs the demo classes; they skip themselves otherwise. */
    static volatile boolean demo;
    /** What the demo classes leak, freed by this test once the failures are asserted. */
    static final List<AutoCloseable> leaked = new ArrayList<>();

    /** Outcome of each test and container of one launcher run: "display name: message" or "display name: ok". */
    private static List<String> run(Class<?> demoClass) {
        Launcher launcher = LauncherFactory.create();
        List<String> outcomes = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.getSource().isEmpty() || id.getDisplayName().equals("JUnit Jupiter")) {
                    return;
                }
                outcomes.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::getMessage)
                        .orElse(result.getStatus().toString()));
            }
        };
        demo = true;
        try {
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(demoClass)).build(), listener);
        } finally {
            demo = false;
        }
        return outcomes;
    }

    @AfterEach
    void freeWhatTheDemosLeaked() throws Exception {
        for (AutoCloseable c : leaked) {
            c.close();
        }
        leaked.clear();
    }

    @Test
    void aNativeBlockLeftOpenFailsTheTestNamingItsAllocatorAndBytes() {
        assertEquals(List.of(
                        "freesItsBlock(): SUCCESSFUL",
                        "leaksOneBlock(): off-heap memory left outstanding by LeakingNative.leaksOneBlock(): "
                                + "native allocator 'demo-native' holds 4096 bytes",
                        "LeakCheckExtensionTest$LeakingNative: SUCCESSFUL"),
                run(LeakingNative.class));
    }

    @Test
    void anArrowBufferLeftOpenFailsTheTestNamingItsAllocatorAndBytes() {
        List<String> outcomes = run(LeakingArrow.class);
        assertEquals(List.of(
                        "leaksOneBuffer(): off-heap memory left outstanding by LeakingArrow.leaksOneBuffer(): "
                                + "native allocator 'demo-child-holder' holds 64 bytes; "
                                + "Arrow root from LeakCheckExtensionTest$LeakingArrow.open(LeakCheckExtensionTest.java:" + LeakingArrow.openLine
                                + ") holds 1024 bytes",
                        "LeakCheckExtensionTest$LeakingArrow: SUCCESSFUL"),
                outcomes);
    }

    @Test
    void memoryHeldAcrossAClassIsCheckedWhenTheClassEnds() {
        assertEquals(List.of(
                        "firstWritesTheSharedBlock(): SUCCESSFUL",
                        "thenReadsIt(): SUCCESSFUL",
                        "LeakCheckExtensionTest$HoldingAcrossTests: off-heap memory left outstanding by HoldingAcrossTests (outside its tests): "
                                + "native allocator 'demo-class' holds 100 bytes"),
                run(HoldingAcrossTests.class));
    }

    @Test
    void aTestThatFreesEverythingPasses() {
        assertEquals(List.of("allocatesAndFrees(): SUCCESSFUL", "LeakCheckExtensionTest$Clean: SUCCESSFUL"), run(Clean.class));
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class LeakingNative {
        @Test
        void leaksOneBlock() {
            assumeTrue(demo);
            NativeAllocator root = NativeAllocator.root("demo-native", 1 << 20);
            leaked.add(root.allocate(4096, "leaked on purpose"));
            leaked.add(root);
        }

        @Test
        void freesItsBlock() {
            assumeTrue(demo);
            try (NativeAllocator root = NativeAllocator.root("demo-native-ok", 1 << 20);
                 MemoryBlock block = root.allocate(4096, "freed")) {
                block.putLong(0, 1);
            }
        }
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class LeakingArrow {
        static int openLine;
        BufferAllocator arrow;

        @BeforeEach
        void open() {
            assumeTrue(demo);
            arrow = TestAllocators.arrow(); openLine = new Throwable().getStackTrace()[0].getLineNumber();
        }

        @Test
        void leaksOneBuffer() {
            ArrowBuf buf = arrow.buffer(1024);
            // a child of a native root counts against it: the check reads the root's total
            NativeAllocator root = NativeAllocator.root("demo-child-holder", 1 << 20);
            MemoryBlock block = root.newChild("child", 1 << 10).allocate(64, "leaked in a child");
            leaked.add(buf);
            leaked.add(arrow);
            leaked.add(block);
            leaked.add(root);
        }
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class HoldingAcrossTests {
        static NativeAllocator shared;
        static MemoryBlock block;
        static MemoryBlock forgotten;

        @BeforeAll
        static void openShared() {
            assumeTrue(demo);
            shared = NativeAllocator.root("demo-class", 1 << 20);
            block = shared.allocate(8, "held by the class");
            forgotten = shared.allocate(100, "never freed by the class");
        }

        @AfterAll
        static void closeShared() {
            if (shared == null) {
                return; // not a demo run
            }
            block.close(); // the 8 bytes held across the tests are freed; the 100 are not
            leaked.add(forgotten);
            leaked.add(shared);
        }

        @Test
        void firstWritesTheSharedBlock() {
            block.putLong(0, 7);
        }

        @Test
        void thenReadsIt() {
            assertEquals(7, block.getLong(0));
        }
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Clean {
        @Test
        void allocatesAndFrees() {
            assumeTrue(demo);
            try (BufferAllocator arrow = TestAllocators.arrow(); ArrowBuf buf = arrow.buffer(64)) {
                buf.setLong(0, 1);
            }
        }
    }
}
