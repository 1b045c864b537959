package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** draft-irtf-cfrg-xchacha-03: HChaCha20 (section 2.2.1) and XChaCha20-Poly1305 (A.3.1). */
class XChaCha20Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] range(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void hChaCha20Section221() {
        byte[] out = new byte[32];
        XChaCha20Poly1305.hChaCha20(range(0, 32), HEX.parseHex("000000090000004a0000000031415927"), 0, out);
        assertArrayEquals(HEX.parseHex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"), out);
    }

    private static final byte[] PLAIN = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
            + "for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] SEALED = HEX.parseHex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
            + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
            + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
            + "21f9664c97637da9768812f615c68b13b52e"
            + "c0875924c1c7987947deafd8780acf49");

    @Test
    void aeadAppendixA31Seal() {
        assertArrayEquals(SEALED, XChaCha20Poly1305.seal(range(0x80, 32), range(0x40, 24), PLAIN, AAD));
    }

    @Test
    void aeadAppendixA31Open() {
        assertArrayEquals(PLAIN, XChaCha20Poly1305.open(range(0x80, 32), range(0x40, 24), SEALED, AAD));
    }

    @Test
    void wrongAdNonceOrTagIsRejected() {
        byte[] ad = AAD.clone();
        ad[11] ^= 1;
        assertNull(XChaCha20Poly1305.open(range(0x80, 32), range(0x40, 24), SEALED, ad));
        byte[] nonce = range(0x40, 24);
        nonce[3] ^= 1; // in the HChaCha20 half
        assertNull(XChaCha20Poly1305.open(range(0x80, 32), nonce, SEALED, AAD));
        nonce = range(0x40, 24);
        nonce[20] ^= 1; // in the ChaCha20 half
        assertNull(XChaCha20Poly1305.open(range(0x80, 32), nonce, SEALED, AAD));
        byte[] sealed = SEALED.clone();
        sealed[sealed.length - 1] ^= 1;
        assertNull(XChaCha20Poly1305.open(range(0x80, 32), range(0x40, 24), sealed, AAD));
        assertNull(XChaCha20Poly1305.open(range(0x80, 32), range(0x40, 24), new byte[15], AAD));
    }

    @Test
    void wrongNonceLengthThrows() {
        assertThrows(IllegalArgumentException.class,
                () -> XChaCha20Poly1305.seal(range(0, 32), new byte[12], PLAIN, null));
    }
}
