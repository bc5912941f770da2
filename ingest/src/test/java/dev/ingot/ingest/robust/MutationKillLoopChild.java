package dev.ingot.ingest.robust;

import dev.ingot.columnstore.ColumnStore;
import java.nio.file.Path;
import org.apache.arrow.memory.RootAllocator;

/**
 * The child JVM of {@link MutationKillLoopTest}: opens (or creates) the store, reads the committed
 * step, replays the model to it and then runs the following steps of {@link MutationScript},
 * compacting after every {@link MutationScript#COMPACT_EVERY}th, until {@code lastStep}, printing
 * {@code step N} after each commit and {@code compacted N} after each compaction, until killed.
 *
 * <p>Arguments: store directory, seed, last step.
 */
public final class MutationKillLoopChild {
    private MutationKillLoopChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int last = Integer.parseInt(args[2]);
        try (RootAllocator allocator = new RootAllocator(); ColumnStore store = ColumnStore.openOrCreate(dir)) {
            int step = MutationScript.committedStep(store);
            MutationScript.Model model = MutationScript.Model.after(seed, step);
            System.out.println("start " + step);
            while (step < last) {
                step++;
                MutationScript.apply(store, allocator, seed, step, model);
                System.out.println("step " + step);
                if (step % MutationScript.COMPACT_EVERY == 0) {
                    store.compact();
                    System.out.println("compacted " + step);
                }
                System.out.flush();
            }
        }
    }
}
