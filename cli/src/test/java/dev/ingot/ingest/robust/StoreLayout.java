package dev.ingot.ingest.robust;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Test-side reader of a store file's layout, from the formats drawn in the class comments of
 * {@code Superblock}, {@code KeyDirectory}, {@code CatalogCodec} and {@code ChunkFormat}: where
 * each structure lies, so tests can damage exactly one of them. It trusts nothing it cannot
 * bounds-check and never throws on garbage (fields of a damaged file simply come out odd). It
 * deliberately shares no code with those classes (an independent reader is the test's oracle);
 * the summary below is only what it reads.
 *
 * <pre>
 * superblock (slots at 0 and 4096): 0 magic "INGOTSB1" | 8 version | 12 segmentBytes | 16 epoch
 *   | 24 nextKey | 32 appendOffset | 40 directoryOffset | 48 directoryLength | 56 directoryCrc
 *   | 60 rootKeys[4] | 92 dataStartOffset | 100 CRC32C of [0, 100)
 * directory: 0 magic "INGOTDIR" | 8 version | 12 n | 16 + 24i: key, fileOffset (8), length (4),
 *   crc (4) | 16 + 24n: CRC32C of [0, 16 + 24n)
 * catalog blob: 0 "ICAT" ... | total - 4: CRC32C of [0, total - 4)
 * chunk blob: 0 "ICHK" ... | 12 CRC32C of the blob with this field zeroed
 * </pre>
 */
final class StoreLayout {
    static final int SUPERBLOCK_BYTES = 4096;
    static final int SB_CRC_OFFSET = 100;
    static final int CHUNK_MAGIC = 0x4B484349; // "ICHK"
    static final int CATALOG_MAGIC = 0x54414349; // "ICAT"

    /** One directory entry: a blob of {@code length} bytes at {@code fileOffset}. */
    record Blob(long key, long fileOffset, int length, int crc, int entryOffset) {
        boolean isChunk(ByteBuffer file) {
            return magicAt(file, fileOffset) == CHUNK_MAGIC;
        }

        boolean isCatalog(ByteBuffer file) {
            return magicAt(file, fileOffset) == CATALOG_MAGIC;
        }
    }

    final int newestSlot;
    final long epoch;
    final long appendOffset;
    final long directoryOffset;
    final long directoryLength;
    final long catalogKey;
    final List<Blob> blobs;

    private StoreLayout(int newestSlot, long epoch, long appendOffset, long directoryOffset, long directoryLength,
                        long catalogKey, List<Blob> blobs) {
        this.newestSlot = newestSlot;
        this.epoch = epoch;
        this.appendOffset = appendOffset;
        this.directoryOffset = directoryOffset;
        this.directoryLength = directoryLength;
        this.catalogKey = catalogKey;
        this.blobs = blobs;
    }

    /** Reads the layout of the newest superblock (highest epoch of the two slots with a valid CRC). */
    static StoreLayout read(ByteBuffer file) {
        ByteBuffer f = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int slot = -1;
        long bestEpoch = -1;
        for (int s = 0; s < 2; s++) {
            int base = s * SUPERBLOCK_BYTES;
            if (f.capacity() < base + SUPERBLOCK_BYTES || crc(f, base, SB_CRC_OFFSET) != f.getInt(base + SB_CRC_OFFSET)) {
                continue;
            }
            long e = f.getLong(base + 16);
            if (e > bestEpoch) {
                bestEpoch = e;
                slot = s;
            }
        }
        if (slot < 0) {
            return new StoreLayout(-1, -1, 0, 0, 0, 0, List.of());
        }
        int base = slot * SUPERBLOCK_BYTES;
        long append = f.getLong(base + 32);
        long dirOff = f.getLong(base + 40);
        long dirLen = f.getLong(base + 48);
        long catalogKey = f.getLong(base + 60);
        return new StoreLayout(slot, bestEpoch, append, dirOff, dirLen, catalogKey, readDirectory(f, dirOff, dirLen));
    }

    /** The directory's entries, skipping any that point outside the file. */
    static List<Blob> readDirectory(ByteBuffer f, long dirOff, long dirLen) {
        List<Blob> out = new ArrayList<>();
        if (dirOff <= 0 || dirLen < 20 || dirOff + dirLen > f.capacity()) {
            return out;
        }
        int d = (int) dirOff;
        long n = f.getInt(d + 12) & 0xffffffffL;
        if (16 + 24 * n + 4 > dirLen) {
            return out;
        }
        for (int i = 0; i < n; i++) {
            int e = d + 16 + 24 * i;
            long off = f.getLong(e + 8);
            int len = f.getInt(e + 16);
            if (off >= 2 * SUPERBLOCK_BYTES && len >= 0 && off + len <= f.capacity()) {
                out.add(new Blob(f.getLong(e), off, len, f.getInt(e + 20), e));
            }
        }
        return out;
    }

    Blob catalog() {
        return blobs.stream().filter(b -> b.key() == catalogKey).findFirst().orElseThrow();
    }

    List<Blob> chunks(ByteBuffer file) {
        return blobs.stream().filter(b -> b.key() != catalogKey && b.isChunk(file)).toList();
    }

    /** Offsets of every occurrence of an 8-byte ASCII magic (e.g. "INGOTDIR") in the file. */
    static List<Long> find(ByteBuffer file, String magic) {
        byte[] m = magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i + m.length <= file.capacity(); i++) {
            boolean hit = true;
            for (int k = 0; k < m.length && hit; k++) {
                hit = file.get(i + k) == m[k];
            }
            if (hit) {
                out.add((long) i);
            }
        }
        return out;
    }

    static int magicAt(ByteBuffer file, long offset) {
        return offset >= 0 && offset + 4 <= file.capacity() ? file.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt((int) offset) : 0;
    }

    /** CRC32C of {@code f[from, from + length)}. */
    static int crc(ByteBuffer f, long from, long length) {
        CRC32C c = new CRC32C();
        ByteBuffer slice = f.duplicate();
        slice.limit((int) (from + length)).position((int) from);
        c.update(slice);
        return (int) c.getValue();
    }

    // ------------------------------------------------------------ re-sealing (fuzz test)

    /**
     * Recomputes every checksum of the newest state so that structurally damaged but correctly
     * checksummed data reaches the decoders: each chunk's own CRC, the catalog's footer, the
     * directory entries' blob CRCs, the directory footer and both superblocks' directory CRC and
     * CRC. Works on whatever the (possibly damaged) fields say, skipping anything out of bounds.
     */
    static void reseal(ByteBuffer file) {
        ByteBuffer f = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int cap = f.capacity();
        for (int s = 0; s < 2; s++) {
            int base = s * SUPERBLOCK_BYTES;
            if (cap < base + SUPERBLOCK_BYTES) {
                continue;
            }
            long dirOff = f.getLong(base + 40);
            long dirLen = f.getLong(base + 48);
            if (dirOff >= 2 * SUPERBLOCK_BYTES && dirLen >= 20 && dirOff + dirLen <= cap) {
                for (Blob b : readDirectory(f, dirOff, dirLen)) {
                    int magic = magicAt(f, b.fileOffset());
                    int at = (int) b.fileOffset();
                    if (magic == CHUNK_MAGIC && b.length() >= 16) {
                        f.putInt(at + 12, 0);
                        f.putInt(at + 12, crc(f, at, b.length()));
                    } else if (magic == CATALOG_MAGIC && b.length() >= 8) {
                        f.putInt(at + b.length() - 4, crc(f, at, b.length() - 4));
                    }
                    f.putInt(b.entryOffset() + 20, crc(f, b.fileOffset(), b.length()));
                }
                int d = (int) dirOff;
                long n = f.getInt(d + 12) & 0xffffffffL;
                long body = 16 + 24 * n;
                if (body + 4 <= dirLen) {
                    int c = crc(f, d, body);
                    f.putInt((int) (d + body), c);
                    f.putInt(base + 56, c);
                }
            }
            f.putInt(base + SB_CRC_OFFSET, crc(f, base, SB_CRC_OFFSET));
        }
    }
}
