package dev.ingot.pager.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.pager.FormatTooNewException;
import dev.ingot.pager.FormatTooOldException;
import dev.ingot.pager.StoreCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class FormatCodecTest {
    private static final Path FILE = Path.of("/x/store.ingot");
    /** Versions 2 to 3; 8-byte magic, 4-byte version: header 12 bytes. */
    private static final FormatCodec WIDE = FormatCodec.of("test blob", "INGOTTST", 4, 2, 3);
    /** Versions 1 to 2; 4-byte magic, 2-byte version: header 6 bytes. */
    private static final FormatCodec NARROW = FormatCodec.of("narrow blob", "ITST", 2, 1, 2);
    private static final FormatCodec.Corruption AT_1000 =
            (offset, detail) -> new StoreCorruptedException(FILE, 1000 + offset, detail);

    /** A 40-byte structure: header, body bytes 20..35, CRC32C footer at 36. */
    private static ByteBuffer framed(FormatCodec codec, int version) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 20; i < 36; i++) {
            b.put(i, (byte) i);
        }
        codec.writeHeader(b, version);
        codec.writeFooter(b, 36);
        return b;
    }

    private static int check(FormatCodec codec, ByteBuffer b) throws IOException {
        return codec.checkHeader(b, FILE, 1000, "test structure", AT_1000, () -> codec.checkFooter(b, 36, AT_1000));
    }

    @Test
    void headerIsMagicThenVersionLittleEndianAndCheckReturnsTheVersion() throws IOException {
        ByteBuffer b = framed(WIDE, 2);
        assertEquals("INGOTTST", new String(b.array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, b.getInt(8));
        assertEquals(2, check(WIDE, b), "an older version still read is returned as it is");
        assertEquals(3, check(WIDE, framed(WIDE, 3)));
        ByteBuffer n = framed(NARROW, 1);
        assertEquals("ITST", new String(n.array(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, n.getShort(4));
        assertEquals(1, check(NARROW, n));
        assertEquals(12, WIDE.headerBytes());
        assertEquals(6, NARROW.headerBytes());
        assertEquals(0x495354544f474e49L, FormatCodec.asciiMagic("INGOTTSI"));
    }

    @Test
    void footerIsTheCrc32cOfEveryByteBeforeIt() {
        ByteBuffer b = framed(WIDE, 3);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 36);
        assertEquals((int) crc.getValue(), b.getInt(36));
        assertEquals((int) crc.getValue(), FormatCodec.crc32c(b, 0, 36));
        assertEquals((int) crc.getValue(), FormatCodec.crc32c(b.array(), 0, 36));
    }

    @Test
    void badMagicIsCorruptionNamingFileAndOffset() {
        ByteBuffer b = framed(WIDE, 3);
        b.put(2, (byte) 'X');
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> check(WIDE, b));
        assertEquals("store /x/store.ingot is corrupted at offset 1000: test blob magic mismatch: expected"
                + " 0x545354544f474e49 (\"INGOTTST\"), actual 0x545354544f584e49", e.getMessage());
        ByteBuffer n = framed(NARROW, 2);
        n.put(0, (byte) 0);
        e = assertThrows(StoreCorruptedException.class, () -> check(NARROW, n));
        assertEquals("store /x/store.ingot is corrupted at offset 1000: narrow blob magic mismatch: expected"
                + " 0x54535449 (\"ITST\"), actual 0x54535400", e.getMessage());
    }

    @Test
    void shorterThanTheHeaderIsCorruption() {
        ByteBuffer b = ByteBuffer.allocate(5);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> NARROW.checkHeader(b, FILE, 1000,
                null, AT_1000, () -> { }));
        assertEquals("narrow blob of 5 bytes is shorter than its 6-byte magic and version", e.detail());
    }

    @Test
    void damagedBodyIsCorruptionAtTheFooter() {
        ByteBuffer b = framed(WIDE, 3);
        int stored = b.getInt(36);
        b.put(25, (byte) (b.get(25) ^ 1));
        int computed = FormatCodec.crc32c(b, 0, 36);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> check(WIDE, b));
        assertEquals(String.format("store /x/store.ingot is corrupted at offset 1036: test blob CRC32C mismatch: stored"
                + " 0x%08x, computed 0x%08x", stored, computed), e.getMessage());
    }

    @Test
    void newerVersionIsFormatTooNewNotCorruption() {
        ByteBuffer b = framed(WIDE, 4);
        FormatTooNewException e = assertThrows(FormatTooNewException.class, () -> check(WIDE, b));
        assertEquals("store /x/store.ingot at offset 1000: test structure: test blob format version 4 is too new: this"
                + " build reads versions 2 to 3 (the store was written by a newer Ingot)", e.getMessage());
        assertEquals(4, e.version());
        assertEquals(2, e.minVersion());
        assertEquals(3, e.maxVersion());
        assertEquals("test blob", e.formatName());
        FormatTooNewException relocated = e.atFileOffset(5000);
        assertEquals(5000, relocated.fileOffset());
        assertEquals(e, relocated.getCause());
        ByteBuffer n = framed(NARROW, 0xFFFF);
        assertEquals(0xFFFF, assertThrows(FormatTooNewException.class, () -> check(NARROW, n)).version(),
                "a 2-byte version is unsigned");
    }

    @Test
    void olderVersionIsFormatTooOld() {
        ByteBuffer b = framed(WIDE, 1);
        FormatTooOldException e = assertThrows(FormatTooOldException.class, () -> check(WIDE, b));
        assertEquals("store /x/store.ingot at offset 1000: test structure: test blob format version 1 is too old: this"
                + " build reads versions 2 to 3 (the store was written by an older Ingot)", e.getMessage());
    }

    @Test
    void theChecksumIsCheckedBeforeTheVersion() {
        // a damaged version field reads as corruption, never as another format
        ByteBuffer b = framed(WIDE, 3);
        b.put(8, (byte) 7);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> check(WIDE, b));
        assertEquals(1036, e.fileOffset());
        // also for a reader that skips the checksum: it verifies it before reporting the version
        StoreCorruptedException late = assertThrows(StoreCorruptedException.class, () -> WIDE.checkHeaderUnverified(b, FILE,
                1000, null, AT_1000, () -> WIDE.checkFooter(b, 36, AT_1000)));
        assertEquals(1036, late.fileOffset());
    }

    @Test
    void anUnverifiedCheckSkipsTheChecksumOfASupportedVersion() throws IOException {
        ByteBuffer b = framed(WIDE, 3);
        b.put(30, (byte) 0);
        assertEquals(3, WIDE.checkHeaderUnverified(b, FILE, 1000, null, AT_1000, () -> WIDE.checkFooter(b, 36, AT_1000)));
        ByteBuffer newer = framed(WIDE, 9);
        assertEquals("store /x/store.ingot at offset 1000: test blob format version 9 is too new: this build reads"
                + " versions 2 to 3 (the store was written by a newer Ingot)", assertThrows(FormatTooNewException.class,
                () -> WIDE.checkHeaderUnverified(newer, FILE, 1000, null, AT_1000,
                        () -> WIDE.checkFooter(newer, 36, AT_1000))).getMessage());
    }

    @Test
    void aChecksumFieldInTheHeaderCoversTheWholeStructureWithItselfAsZero() throws IOException {
        ByteBuffer b = framed(NARROW, 2);
        int crc = FormatCodec.crc32cSkipping(b, 8);
        ByteBuffer zeroed = ByteBuffer.allocate(40);
        zeroed.put(b.duplicate().clear()).clear();
        zeroed.putInt(8, 0);
        assertEquals(FormatCodec.crc32c(zeroed, 0, 40), crc);
        b.putInt(8, crc);
        NARROW.checkChecksumField(b, 8, AT_1000);
        b.put(39, (byte) 1);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> NARROW.checkChecksumField(b, 8, AT_1000));
        assertEquals(1008, e.fileOffset());
    }

    @Test
    void badDefinitionsAreRefused() {
        assertEquals("magic must be 4 or 8 ASCII characters: ABC",
                assertThrows(IllegalArgumentException.class, () -> FormatCodec.of("x", "ABC", 2, 1, 1)).getMessage());
        assertEquals("version field must be 2 or 4 bytes: 1",
                assertThrows(IllegalArgumentException.class, () -> FormatCodec.of("x", "ABCD", 1, 1, 1)).getMessage());
        assertEquals("need 1 <= minVersion <= currentVersion <= 65535: 2, 1",
                assertThrows(IllegalArgumentException.class, () -> FormatCodec.of("x", "ABCD", 2, 2, 1)).getMessage());
    }
}
