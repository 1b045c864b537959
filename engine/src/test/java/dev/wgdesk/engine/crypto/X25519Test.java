package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** RFC 7748 sections 5.2 and 6.1, and the low-order points WireGuard must reject. */
class X25519Test {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] x25519(byte[] k, byte[] u) {
        byte[] out = new byte[32];
        X25519.sharedSecret(k, u, out);
        return out;
    }

    @Test
    void rfc7748Section52FirstVector() {
        byte[] k = HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertArrayEquals(HEX.parseHex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"), x25519(k, u));
    }

    @Test
    void rfc7748Section52SecondVectorIgnoresTheTopBitOfU() {
        byte[] k = HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
        byte[] u = HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
        assertArrayEquals(HEX.parseHex("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"), x25519(k, u));
    }

    @Test
    void rfc7748Section52IteratedOneAndOneThousandTimes() {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] r = x25519(k, u);
            u = k;
            k = r;
            if (i == 1) {
                assertArrayEquals(HEX.parseHex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"), k);
            }
        }
        assertArrayEquals(HEX.parseHex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"), k);
    }

    @Test
    void rfc7748Section61DiffieHellman() {
        byte[] alicePriv = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPriv = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePub = new byte[32];
        byte[] bobPub = new byte[32];
        X25519.publicKey(alicePriv, alicePub);
        X25519.publicKey(bobPriv, bobPub);
        assertArrayEquals(HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), alicePub);
        assertArrayEquals(HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), bobPub);
        byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        byte[] s1 = new byte[32];
        byte[] s2 = new byte[32];
        assertTrue(X25519.sharedSecret(alicePriv, bobPub, s1));
        assertTrue(X25519.sharedSecret(bobPriv, alicePub, s2));
        assertArrayEquals(shared, s1);
        assertArrayEquals(shared, s2);
        // PrivateKey.publicKey goes through the same base-point multiplication
        assertArrayEquals(alicePub, PrivateKey.fromBytes(alicePriv).publicKey().toBytes());
    }

    /** The seven low-order u-coordinates (libsodium's blocklist; netns.sh's low-order peers). */
    @ParameterizedTest
    @ValueSource(strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void lowOrderPublicKeysAreRejectedAndOutputZeroed(String pubHex) {
        byte[] priv = new byte[32];
        X25519.generatePrivateKey(new SecureRandom(), priv);
        byte[] out = new byte[32];
        java.util.Arrays.fill(out, (byte) 0x55);
        assertFalse(X25519.sharedSecret(priv, HEX.parseHex(pubHex), out));
        assertTrue(ConstantTime.isZero(out));
    }

    @Test
    void generatedKeysAreClampedAndAgree() {
        SecureRandom rnd = new SecureRandom();
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        for (int i = 0; i < 20; i++) {
            X25519.generatePrivateKey(rnd, a);
            X25519.generatePrivateKey(rnd, b);
            assertTrue((a[0] & 7) == 0 && (a[31] & 0x80) == 0 && (a[31] & 0x40) != 0, "clamped");
            byte[] pa = new byte[32];
            byte[] pb = new byte[32];
            X25519.publicKey(a, pa);
            X25519.publicKey(b, pb);
            byte[] s1 = new byte[32];
            byte[] s2 = new byte[32];
            assertTrue(X25519.sharedSecret(a, pb, s1));
            assertTrue(X25519.sharedSecret(b, pa, s2));
            assertArrayEquals(s1, s2);
        }
    }

    @Test
    void wrongLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> X25519.sharedSecret(new byte[31], new byte[32], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> X25519.sharedSecret(new byte[32], new byte[33], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> X25519.publicKey(new byte[32], new byte[16]));
    }
}
