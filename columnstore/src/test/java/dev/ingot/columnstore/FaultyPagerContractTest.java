package dev.ingot.columnstore;

import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerContractTest;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.file.Path;

/** The {@link PagerContractTest Pager contract} on {@link FaultyPager} with commit failures off: a decorator that keeps it. */
class FaultyPagerContractTest extends PagerContractTest {
    @Override
    protected Pager open(Path file, PagerOptions options) throws IOException {
        return new FaultyPager(Pager.open(file, options));
    }
}
