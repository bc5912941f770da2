package dev.ingot.pager.internal;

import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerContractTest;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The {@link PagerContractTest Pager contract} on the store itself ({@link Pager#open}), with five fixed model seeds and a fresh one. */
class MappedPagerContractTest extends PagerContractTest {
    @Override
    protected Pager open(Path file, PagerOptions options) throws IOException {
        return Pager.open(file, options);
    }

    @Override
    protected Stream<Long> modelSeeds() {
        return fixedAndFreshSeeds(1, 2, 3, 42, 1234567);
    }
}
