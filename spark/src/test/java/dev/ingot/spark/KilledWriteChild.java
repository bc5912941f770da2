package dev.ingot.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Child JVM of {@link KilledJobTest}: writes table {@code t} (10 million rows, PRIMARY KEY id,
 * 2 shards) into the data set {@code args[0]}, long enough to be killed while its tasks write.
 */
public final class KilledWriteChild {
    private KilledWriteChild() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("ingot-killed-write")
                .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        Dataset<Row> rows = spark.range(0, 50_000_000L).selectExpr("id", "cast(id * 3 as bigint) as v", "cast(id as string) as s");
        rows.write().format("ingot").option("table", "t").option("primaryKey", "id").option("shards", "2").mode("append").save(args[0]);
        System.out.println("finished");
    }
}
