package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.memory.MemoryView;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A column's {@link ChunkEncoder} tries no dictionary on the {@value ChunkEncoder#DICTIONARY_RETRY_CHUNKS}
 * - 1 text chunks after one whose dictionary it gave up (too many distinct values), and tries again
 * on the next; a dictionary built and lost on size (a chunk of NULLs and empty values) makes none
 * skip: seeded chunks of distinct values, of three repeated values and of NULLs and empty values
 * in a known order, each chunk's encoding against the schedule, and against a fresh encoder (no
 * history), which takes the dictionary for every repetitive chunk.
 */
class DictionaryRetryTest {
    private static final int ROWS = 4096;

    @Test
    void aChunkWithoutADictionaryMakesTheNextSevenSkipIt() {
        long seed = TestSeed.seed("DictionaryRetryTest");
        Random rnd = new Random(seed);
        // D = distinct values, R = three repeated ones, E = NULLs and empty values (the dictionary is built and loses)
        String plan = "RRDRRRRRRRRRRDDRRRRRRRRRRERER";
        List<ChunkEncoding> expected = new ArrayList<>();
        int skips = 0;
        for (char c : plan.toCharArray()) {
            if (skips > 0) {
                skips--;
                expected.add(ChunkEncoding.PACKED_TEXT);
            } else if (c == 'R') {
                expected.add(ChunkEncoding.DICTIONARY);
            } else if (c == 'E') {
                expected.add(ChunkEncoding.PACKED_TEXT);
            } else {
                expected.add(ChunkEncoding.PACKED_TEXT);
                skips = ChunkEncoder.DICTIONARY_RETRY_CHUNKS - 1;
            }
        }
        ChunkEncoder encoder = new ChunkEncoder(ColumnType.Kind.VARCHAR);
        List<ChunkEncoding> got = new ArrayList<>();
        for (int k = 0; k < plan.length(); k++) {
            Chunk chunk = new Chunk(rnd, plan.charAt(k));
            got.add(chunk.encode(encoder));
            ChunkEncoding fresh = chunk.encode(new ChunkEncoder(ColumnType.Kind.VARCHAR));
            if (plan.charAt(k) == 'R') {
                assertEquals(ChunkEncoding.DICTIONARY, fresh, "chunk " + k + " alone takes a dictionary " + TestSeed.describe(seed));
            } else {
                assertNotEquals(ChunkEncoding.DICTIONARY, fresh, "chunk " + k + " alone " + TestSeed.describe(seed));
            }
            if (plan.charAt(k) == 'E') {
                assertEquals(true, chunk.dictionaryBuilt(), "chunk " + k + ": its dictionary is built and loses " + TestSeed.describe(seed));
            }
        }
        assertEquals(expected, got, "plan " + plan + " " + TestSeed.describe(seed));
    }

    /** One staged chunk of {@link #ROWS} non-null values, laid out as {@link ColumnWriterImpl} stages them. */
    private static final class Chunk {
        final ByteBuffer validity = ByteBuffer.allocateDirect(ROWS / 8);
        final ByteBuffer offsets = ByteBuffer.allocateDirect(4 * ROWS + 4).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer data;
        final int bytes;
        final int nulls;
        private ChunkEncoder last;

        Chunk(Random rnd, char kind) {
            String[] three = {"DELIVER IN PERSON", "COLLECT COD", "NONE"};
            ByteBuffer d = ByteBuffer.allocateDirect(ROWS * 40);
            int n = 0;
            for (int i = 0; i < ROWS; i++) {
                boolean isNull = kind == 'E' && rnd.nextBoolean();
                n += isNull ? 1 : 0;
                validity.put(i >> 3, (byte) (validity.get(i >> 3) | (isNull ? 0 : 1 << (i & 7))));
            }
            nulls = n;
            int pos = 0;
            offsets.putInt(0, 0);
            for (int i = 0; i < ROWS; i++) {
                String v = kind == 'R' ? three[rnd.nextInt(3)] : kind == 'E' ? ""
                        : Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36) + " furiously " + i;
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                d.put(pos, b);
                pos += b.length;
                offsets.putInt(4 * (i + 1), pos);
            }
            data = d;
            bytes = pos;
        }

        ChunkEncoding encode(ChunkEncoder encoder) {
            encoder.choose(MemoryView.of(validity), MemoryView.of(offsets), MemoryView.of(data), data.duplicate(), ROWS, nulls, bytes,
                    new StatsBuilder());
            last = encoder;
            return encoder.encoding();
        }

        /** Whether the last encoder given built this chunk's dictionary. */
        boolean dictionaryBuilt() {
            return last.dictionaryBuilt();
        }
    }
}
