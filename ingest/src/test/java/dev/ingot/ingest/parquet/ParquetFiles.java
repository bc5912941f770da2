package dev.ingot.ingest.parquet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

/** Test helper: writes Parquet files through parquet-java's example (Group) writer. */
final class ParquetFiles {
    private ParquetFiles() {
    }

    /**
     * Writes {@code rows} to {@code file} with {@code schema}, row groups of about
     * {@code rowGroupBytes} bytes and pages of about {@code pageBytes} bytes.
     */
    static void write(Path file, MessageType schema, List<Group> rows, CompressionCodecName codec, int rowGroupBytes,
                      int pageBytes) throws IOException {
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCompressionCodec(codec)
                .withRowGroupSize(rowGroupBytes)
                .withPageSize(pageBytes)
                .withDictionaryEncoding(true)
                .build()) {
            for (Group g : rows) {
                w.write(g);
            }
        }
    }
}
