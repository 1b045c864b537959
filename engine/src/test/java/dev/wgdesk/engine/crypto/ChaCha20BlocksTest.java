package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** ChaCha20 alone: RFC 8439 sections 2.3.2 and 2.4.2, and the JCE's ChaCha20 over many lengths. */
class ChaCha20BlocksTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void init(ChaCha20Blocks c, byte[] key, byte[] nonce12) {
        c.init(key, le32(nonce12, 0), le32(nonce12, 4), le32(nonce12, 8));
    }

    @Test
    void rfc8439Section232BlockFunction() {
        ChaCha20Blocks c = new ChaCha20Blocks();
        init(c, KEY, HEX.parseHex("000000090000004a00000000"));
        c.generate(1, 1);
        byte[] block = new byte[64];
        c.xor(0, block, 0, 64); // XOR onto zeros = the serialized block
        assertArrayEquals(HEX.parseHex(
                "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e"), block);
        assertEquals(0xe4e7f110, c.keystreamWord(0, 0));
        assertEquals(0x4e3c50a2, c.keystreamWord(0, 15));
    }

    @Test
    void rfc8439Section242EncryptionAtAnOffset() {
        byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
                + "future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] expected = HEX.parseHex(
                "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                + "5af90bbf74a35be6b40b8eedf2785e42874d");
        ChaCha20Blocks c = new ChaCha20Blocks();
        init(c, KEY, HEX.parseHex("000000000000004a00000000"));
        c.generate(1, 2);
        byte[] buf = new byte[3 + plain.length + 5];
        System.arraycopy(plain, 0, buf, 3, plain.length);
        c.xor(0, buf, 3, plain.length);
        assertArrayEquals(expected, Arrays.copyOfRange(buf, 3, 3 + plain.length));
        assertEquals(0, buf[0] | buf[2] | buf[buf.length - 5] | buf[buf.length - 1], "bytes around the range are untouched");
    }

    @Test
    void everyBatchSizeOffsetAndTailMatchesTheJce() throws Exception {
        everyBatchSizeOffsetAndTailMatchesTheJce(new ChaCha20Blocks(true));
    }

    /** The one-lane-at-a-time path a native image takes for every batch size. */
    @Test
    void oneLaneAtATimeMatchesTheJceForEveryBatchSize() throws Exception {
        everyBatchSizeOffsetAndTailMatchesTheJce(new ChaCha20Blocks(false));
    }

    private static void everyBatchSizeOffsetAndTailMatchesTheJce(ChaCha20Blocks c) throws Exception {
        Random rnd = new Random(8439);
        Cipher jce = Cipher.getInstance("ChaCha20");
        for (int t = 0; t < 600; t++) {
            byte[] key = new byte[32];
            byte[] nonce = new byte[12];
            rnd.nextBytes(key);
            rnd.nextBytes(nonce);
            int blocks = 1 + t % ChaCha20Blocks.MAX_BLOCKS;
            int first = rnd.nextInt(blocks);
            int len = rnd.nextInt((blocks - first) * 64 + 1);
            // counters near 2^32 exercise the unsigned 32-bit word (the JCE refuses to wrap)
            int counter = t % 3 == 0 ? -blocks - 1 : rnd.nextInt(1 << 20);
            byte[] plain = new byte[len];
            rnd.nextBytes(plain);
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"),
                    new ChaCha20ParameterSpec(nonce, counter + first));
            byte[] expected = jce.doFinal(plain);

            init(c, key, nonce);
            c.generate(counter, blocks);
            int off = rnd.nextInt(9);
            byte[] buf = new byte[off + len + 7];
            System.arraycopy(plain, 0, buf, off, len);
            c.xor(first, buf, off, len);
            assertArrayEquals(expected, Arrays.copyOfRange(buf, off, off + len),
                    "blocks=" + blocks + " first=" + first + " len=" + len);
        }
    }

    @Test
    void refusesRangesBeyondTheGeneratedKeystream() {
        ChaCha20Blocks c = new ChaCha20Blocks();
        init(c, KEY, new byte[12]);
        c.generate(0, 2);
        assertThrows(IllegalArgumentException.class, () -> c.xor(0, new byte[200], 0, 129));
        assertThrows(IllegalArgumentException.class, () -> c.xor(1, new byte[200], 0, 65));
        assertThrows(IllegalArgumentException.class, () -> c.generate(0, 0));
        assertThrows(IllegalArgumentException.class, () -> c.generate(0, ChaCha20Blocks.MAX_BLOCKS + 1));
        assertThrows(IndexOutOfBoundsException.class, () -> c.keystreamWord(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> c.xor(0, new byte[10], 5, 6));
    }

    @Test
    void wipeZeroesKeyNonceAndKeystream() {
        ChaCha20Blocks c = new ChaCha20Blocks();
        init(c, KEY, HEX.parseHex("000000090000004a00000000"));
        c.generate(1, ChaCha20Blocks.MAX_BLOCKS);
        assertTrue(!c.isWiped());
        c.wipe();
        assertTrue(c.isWiped());
    }
}
