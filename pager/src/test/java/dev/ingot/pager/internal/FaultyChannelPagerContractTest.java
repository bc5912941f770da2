package dev.ingot.pager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerContractTest;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link PagerContractTest Pager contract} on the store over {@link FaultyStoreChannel} with
 * no fault armed: the channel the fault-injection and direct-I/O tests use must itself behave as
 * a file (and its checks of the direct-write alignment contract hold throughout).
 */
class FaultyChannelPagerContractTest extends PagerContractTest {
    private final List<FaultyStoreChannel> channels = new ArrayList<>();

    @Override
    protected Pager open(Path file, PagerOptions options) throws IOException {
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        Pager p = MappedPager.open(file, options, FaultyStoreChannel.opener(new Random(1), channel));
        channels.add(channel[0]);
        return p;
    }

    @AfterEach
    void noFaultFired() {
        for (FaultyStoreChannel c : channels) {
            assertEquals(0, c.faultsFired(), c.toString());
            assertFalse(c.crashed(), c.toString());
        }
    }
}
