package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Key types and their base64/hex codec: round trips, errors, equality, destroy, toString. */
class KeyTypesTest {
    // RFC 7748 section 6.1 Alice
    private static final String ALICE_PRIV_HEX = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private static final String ALICE_PUB_HEX = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

    @Test
    void base64AndHexRoundTripAgainstTheJdkCodecs() {
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[32];
            rnd.nextBytes(b);
            if (i == 0) {
                java.util.Arrays.fill(b, (byte) 0xff); // '/' and '+' heavy
            }
            String b64 = Base64.getEncoder().encodeToString(b);
            String hex = HexFormat.of().formatHex(b);
            PublicKey k = PublicKey.fromBase64(b64);
            assertEquals(b64, k.toBase64());
            assertEquals(hex, k.toHex());
            assertArrayEquals(b, k.toBytes());
            assertEquals(k, PublicKey.fromHex(hex));
            assertEquals(k, PublicKey.fromHex(hex.toUpperCase()));
            assertArrayEquals(b, PrivateKey.fromBase64(b64).toBytes());
            assertArrayEquals(b, PresharedKey.fromHex(hex).toBytes());
        }
    }

    @Test
    void branchFreeCharDecodersAgreeWithNaiveOnesForEveryChar() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int c = 0; c <= 0xffff; c++) {
            assertEquals(alphabet.indexOf(c), KeyCodec.decodeBase64Char((char) c), "base64 char " + c);
            assertEquals(Character.digit(c, 16) >= 0 && c < 0x80 ? Character.digit(c, 16) : -1,
                    KeyCodec.decodeHexChar((char) c), "hex char " + c);
        }
    }

    @Test
    void wrongLengthsGiveLengthErrors() {
        String good = Base64.getEncoder().encodeToString(new byte[32]);
        for (String s : new String[] {"", good.substring(1), good + "A", good.substring(0, 43)}) {
            KeyFormatException e = assertThrows(KeyFormatException.class, () -> PublicKey.fromBase64(s));
            assertEquals(KeyFormatException.Reason.LENGTH, e.reason());
        }
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PrivateKey.fromHex("00"));
        assertEquals(KeyFormatException.Reason.LENGTH, e.reason());
        assertEquals(KeyFormatException.Reason.LENGTH,
                assertThrows(KeyFormatException.class, () -> PublicKey.fromBytes(new byte[31])).reason());
        assertEquals(KeyFormatException.Reason.LENGTH,
                assertThrows(KeyFormatException.class, () -> PresharedKey.fromBytes(new byte[33])).reason());
    }

    @Test
    void badCharactersGiveCharacterErrorsWithoutEchoingTheText() {
        String good = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
        PrivateKey.fromBase64(good); // sanity
        String[] bad = {
            good.replace('+', '-'),                  // base64url is not accepted
            good.substring(0, 43) + "A",            // no '='
            good.substring(0, 42) + "l=",           // non-zero spare bits (l = 37 = 0b100101)
            good.substring(0, 10) + "\u0141" + good.substring(11), // non-ASCII
            good.substring(0, 10) + " " + good.substring(11),
        };
        for (String s : bad) {
            KeyFormatException e = assertThrows(KeyFormatException.class, () -> PrivateKey.fromBase64(s), s);
            assertEquals(KeyFormatException.Reason.CHARACTERS, e.reason());
            assertFalse(e.getMessage().contains(s.substring(0, 10)), "message must not echo key text");
        }
        String hex = "g".repeat(64);
        assertEquals(KeyFormatException.Reason.CHARACTERS,
                assertThrows(KeyFormatException.class, () -> PresharedKey.fromHex(hex)).reason());
    }

    @Test
    void privateKeyDerivesItsPublicKeyAndHidesItself() {
        PrivateKey priv = PrivateKey.fromHex(ALICE_PRIV_HEX);
        assertEquals(PublicKey.fromHex(ALICE_PUB_HEX), priv.publicKey());
        String s = priv.toString();
        assertFalse(s.contains(priv.toBase64()) || s.toLowerCase().contains(ALICE_PRIV_HEX), s);
        assertTrue(s.contains(PublicKey.fromHex(ALICE_PUB_HEX).toBase64()), "shows the public key");
    }

    @Test
    void presharedKeyToStringHidesIt() {
        PresharedKey psk = PresharedKey.generate();
        assertFalse(psk.toString().contains(psk.toBase64()));
        assertFalse(psk.toString().toLowerCase().contains(psk.toHex()));
        assertTrue(PresharedKey.none().isZero());
        assertFalse(psk.isZero());
    }

    @Test
    void equalityIsByValueAndHashCodesDoNotDependOnSecrets() {
        PrivateKey a = PrivateKey.fromHex(ALICE_PRIV_HEX);
        PrivateKey b = PrivateKey.fromHex(ALICE_PRIV_HEX);
        PrivateKey c = PrivateKey.generate();
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(a.hashCode(), c.hashCode(), "secret keys share one hash code");
        assertEquals(PresharedKey.generate().hashCode(), PresharedKey.none().hashCode());
        assertEquals(PublicKey.fromHex(ALICE_PUB_HEX).hashCode(), PublicKey.fromHex(ALICE_PUB_HEX).hashCode());
    }

    @Test
    void destroyZeroesAndLaterUseThrows() {
        byte[] raw = HexFormat.of().parseHex(ALICE_PRIV_HEX);
        PrivateKey k = PrivateKey.fromBytes(raw);
        byte[] shared = k.rawBytes();
        PrivateKey twin = PrivateKey.fromBytes(raw);
        k.destroy();
        assertTrue(k.isDestroyed());
        assertTrue(ConstantTime.isZero(shared), "the key's own array is zeroed");
        assertFalse(ConstantTime.isZero(raw), "the caller's array was copied, not wrapped");
        assertThrows(IllegalStateException.class, k::toBytes);
        assertThrows(IllegalStateException.class, k::publicKey);
        assertThrows(IllegalStateException.class, k::toBase64);
        assertEquals("PrivateKey(destroyed)", k.toString());
        assertNotEquals(k, twin);
        assertNotEquals(twin, k);
        assertEquals(k, k);

        PresharedKey p = PresharedKey.generate();
        byte[] praw = p.rawBytes();
        p.destroy();
        assertTrue(ConstantTime.isZero(praw));
        assertThrows(IllegalStateException.class, p::toHex);
    }

    @Test
    void generatedPrivateKeysAreClampedAndDistinct() {
        PrivateKey a = PrivateKey.generate();
        byte[] b = a.toBytes();
        assertEquals(0, b[0] & 7);
        assertEquals(0x40, b[31] & 0xc0);
        assertNotEquals(a, PrivateKey.generate());
        assertThrows(IllegalArgumentException.class, () -> PrivateKey.clamp(new byte[31]));
    }

    @Test
    void constantTimeHelpers() {
        byte[] a = {1, 2, 3, 4};
        byte[] b = {9, 1, 2, 3, 4};
        assertTrue(ConstantTime.equals(a, 0, b, 1, 4));
        assertFalse(ConstantTime.equals(a, 0, b, 0, 4));
        assertTrue(ConstantTime.isZero(new byte[5]));
        assertFalse(ConstantTime.isZero(new byte[] {0, 0, (byte) 0x80}));
        assertTrue(ConstantTime.isZero(new byte[] {7, 0, 0}, 1, 2));
    }
}
