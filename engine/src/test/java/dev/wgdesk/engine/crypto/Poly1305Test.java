package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Poly1305 alone: RFC 8439 section 2.5.2, the appendix A.3 vectors (several exist only to catch
 * carry and final-reduction bugs), and a BigInteger reference over random and extreme inputs.
 */
class Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final String IETF_TEXT = "Any submission to the IETF intended by the Contributor for publication as all or "
            + "part of an IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is "
            + "considered an \"IETF Contribution\". Such statements include oral statements in IETF sessions, as well "
            + "as written and electronic communications made at any time or place, which are addressed to";

    private static byte[] mac(byte[] key, byte[] msg) {
        Poly1305 p = new Poly1305();
        p.init(key, 0);
        p.updateFinal(msg, 0, msg.length);
        p.finish();
        byte[] tag = new byte[16];
        p.writeTag(tag, 0);
        return tag;
    }

    /** Poly1305 straight from the definition. */
    private static byte[] reference(byte[] key, byte[] msg) {
        byte[] rb = Arrays.copyOf(key, 16);
        for (int i : new int[] {3, 7, 11, 15}) {
            rb[i] &= 15;
        }
        for (int i : new int[] {4, 8, 12}) {
            rb[i] &= (byte) 0xfc;
        }
        BigInteger r = le(rb);
        BigInteger s = le(Arrays.copyOfRange(key, 16, 32));
        BigInteger p = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
        BigInteger h = BigInteger.ZERO;
        for (int i = 0; i < msg.length; i += 16) {
            byte[] block = Arrays.copyOfRange(msg, i, Math.min(i + 16, msg.length));
            h = h.add(le(block)).add(BigInteger.ONE.shiftLeft(8 * block.length)).multiply(r).mod(p);
        }
        BigInteger tag = h.add(s).mod(BigInteger.ONE.shiftLeft(128));
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            out[i] = tag.shiftRight(8 * i).byteValue();
        }
        return out;
    }

    private static BigInteger le(byte[] b) {
        byte[] be = new byte[b.length + 1];
        for (int i = 0; i < b.length; i++) {
            be[b.length - i] = b[i];
        }
        return new BigInteger(be);
    }

    @Test
    void rfc8439Section252() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(HEX.parseHex("a8061dc1305136c6c22b8baf0c0127a9"), mac(key, msg));
    }

    @ParameterizedTest(name = "A.3 #{0}")
    @CsvSource({
        // #, key, message (hex, or "ietf" for the long text), tag
        "1, 0000000000000000000000000000000000000000000000000000000000000000, "
            + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000, 00000000000000000000000000000000",
        "2, 0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e, ietf, 36e5f6b5c5e06070f0efca96227a863e",
        "3, 36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000, ietf, f3477e7cd95417af89a6b8794c310cf0",
        "4, 1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0, "
            + "2754776173206272696c6c69672c20616e642074686520736c6974687920746f7665730a446964206779726520616e6420"
            + "67696d626c6520696e2074686520776162653a0a416c6c206d696d737920776572652074686520626f726f676f7665732c0a"
            + "416e6420746865206d6f6d65207261746873206f757467726162652e, 4541669a7eaaee61e708dc7cbcc5eb62",
        "5, 0200000000000000000000000000000000000000000000000000000000000000, ffffffffffffffffffffffffffffffff, "
            + "03000000000000000000000000000000",
        "6, 02000000000000000000000000000000ffffffffffffffffffffffffffffffff, 02000000000000000000000000000000, "
            + "03000000000000000000000000000000",
        "7, 0100000000000000000000000000000000000000000000000000000000000000, "
            + "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000, "
            + "05000000000000000000000000000000",
        "8, 0100000000000000000000000000000000000000000000000000000000000000, "
            + "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101, "
            + "00000000000000000000000000000000",
        "9, 0200000000000000000000000000000000000000000000000000000000000000, fdffffffffffffffffffffffffffffff, "
            + "faffffffffffffffffffffffffffffff",
        "10, 0100000000000000040000000000000000000000000000000000000000000000, "
            + "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000"
            + "01000000000000000000000000000000, 14000000000000005500000000000000",
        "11, 0100000000000000040000000000000000000000000000000000000000000000, "
            + "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000, "
            + "13000000000000000000000000000000",
    })
    void rfc8439AppendixA3(int number, String key, String message, String tag) {
        byte[] msg = message.equals("ietf") ? IETF_TEXT.getBytes(StandardCharsets.US_ASCII) : HEX.parseHex(message);
        byte[] k = HEX.parseHex(key);
        assertArrayEquals(HEX.parseHex(tag), mac(k, msg), "A.3 #" + number);
        assertArrayEquals(reference(k, msg), mac(k, msg), "the reference agrees with A.3 #" + number);
    }

    @Test
    void matchesTheDefinitionOnRandomAndExtremeInputs() {
        Random rnd = new Random(1305);
        for (int t = 0; t < 4000; t++) {
            byte[] key = new byte[32];
            rnd.nextBytes(key);
            byte[] msg = new byte[rnd.nextInt(300)];
            rnd.nextBytes(msg);
            switch (t % 6) {
                case 1 -> Arrays.fill(msg, (byte) 0xff); // maximal limbs: every carry fires
                case 2 -> Arrays.fill(key, 0, 16, (byte) 0xff); // maximal r after clamping
                case 3 -> {
                    Arrays.fill(msg, (byte) 0xff);
                    Arrays.fill(key, (byte) 0xff); // and maximal s: the final addition wraps
                }
                case 4 -> Arrays.fill(key, 16, 32, (byte) 0xff);
                default -> { }
            }
            assertArrayEquals(reference(key, msg), mac(key, msg), "case " + t + " length " + msg.length);
        }
    }

    @Test
    void tagComparisonSeesEveryBit() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        byte[] tag = mac(key, msg);
        for (int bit = 0; bit < 128; bit++) {
            Poly1305 p = new Poly1305();
            p.init(key, 0);
            p.updateFinal(msg, 0, msg.length);
            p.finish();
            byte[] other = tag.clone();
            assertTrue(p.tagEquals(other, 0));
            other[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(p.tagEquals(other, 0), "bit " + bit);
        }
    }

    @Test
    void finishZeroesTheKeyAndWipeTheRest() {
        Poly1305 p = new Poly1305();
        p.init(HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"), 0);
        p.updatePadded(new byte[] {1, 2, 3}, 0, 3);
        p.finish();
        assertFalse(p.isWiped(), "the tag is still held");
        p.wipe();
        assertTrue(p.isWiped());
    }
}
