package dev.ingot.spark;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM of {@link ConcurrentJobsTest}: stands for a write job running in another driver. It
 * creates job {@code args[1]}'s directory of table {@code t} in data set {@code args[0]} (locking
 * its marker), puts one shard directory with a store file in it, prints {@code ready} and waits
 * to be killed.
 */
public final class RunningJobChild {
    private RunningJobChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        IngotDataSet.JobLock lock = IngotDataSet.createJobDirectory(root, "t", args[1]);
        Path shard = Files.createDirectories(IngotDataSet.shardDirectory(root, "t", args[1], 0, 1));
        Files.writeString(shard.resolve(dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME), "a shard being written");
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
        lock.close();
    }
}
