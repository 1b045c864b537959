package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BLAKE2s against the BLAKE2 reference KAT (test resource crypto/blake2s-kat.txt), and the
 * KDF1/2/3 vectors of wireguard-go's kdf_test.go (protocol.md section 2.1).
 */
class Blake2sHmacKdfTest {
    private static final HexFormat HEX = HexFormat.of();

    private record Kat(boolean keyed, int length, byte[] expected) {}

    private static List<Kat> kats() throws IOException {
        List<Kat> out = new ArrayList<>();
        try (InputStream in = Blake2sHmacKdfTest.class.getResourceAsStream("/crypto/blake2s-kat.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                out.add(new Kat(f[0].equals("keyed"), Integer.parseInt(f[1]), HEX.parseHex(f[2])));
            }
        }
        return out;
    }

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void referenceKnownAnswersKeyedAndUnkeyed() throws IOException {
        List<Kat> kats = kats();
        assertEquals(512, kats.size(), "256 unkeyed and 256 keyed entries");
        byte[] key = counting(32);
        int keyed = 0;
        for (Kat k : kats) {
            byte[] in = counting(k.length);
            byte[] out = new byte[32];
            if (k.keyed) {
                Blake2s.keyed(key, 32, in, 0, in.length, out, 0);
                keyed++;
            } else {
                Blake2s.hash(in, 0, in.length, out, 0);
                assertArrayEquals(out, Blake2s.hash(in), "varargs form agrees");
            }
            assertArrayEquals(k.expected, out, (k.keyed ? "keyed" : "unkeyed") + " length " + k.length);
        }
        assertEquals(256, keyed);
    }

    @Test
    void hashOfConcatenationEqualsHashOfParts() {
        byte[] all = counting(100);
        byte[] a = java.util.Arrays.copyOfRange(all, 0, 37);
        byte[] b = java.util.Arrays.copyOfRange(all, 37, 100);
        assertArrayEquals(Blake2s.hash(all), Blake2s.hash(a, b));
    }

    @Test
    void macIsKeyedAndSixteenBytesAndDiffersFromTruncatedHash() {
        byte[] key = counting(32);
        byte[] out = new byte[20];
        Blake2s.mac(key, counting(10), 0, 10, out, 2);
        assertEquals(0, out[0] | out[1] | out[18] | out[19], "writes exactly 16 bytes at the offset");
        byte[] full = new byte[32];
        Blake2s.keyed(key, 32, counting(10), 0, 10, full, 0);
        // BLAKE2 binds the output length into its parameter block: a 16-byte MAC is not a prefix.
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(out, 2, 18), java.util.Arrays.copyOf(full, 16)));
        assertThrows(IllegalArgumentException.class, () -> Blake2s.mac(new byte[33], new byte[1], 0, 1, new byte[16], 0));
        assertThrows(IllegalArgumentException.class, () -> Blake2s.mac(new byte[0], new byte[1], 0, 1, new byte[16], 0));
    }

    private static void checkKdf(String key, String input, String t0, String t1, String t2) {
        byte[] k = HEX.parseHex(key);
        byte[] in = HEX.parseHex(input);
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        byte[] c = new byte[32];
        Kdf.kdf1(k, in, a);
        assertArrayEquals(HEX.parseHex(t0), a, "kdf1");
        a = new byte[32];
        Kdf.kdf2(k, in, a, b);
        assertArrayEquals(HEX.parseHex(t0), a, "kdf2 t0");
        assertArrayEquals(HEX.parseHex(t1), b, "kdf2 t1");
        a = new byte[32];
        b = new byte[32];
        Kdf.kdf3(k, in, a, b, c);
        assertArrayEquals(HEX.parseHex(t0), a, "kdf3 t0");
        assertArrayEquals(HEX.parseHex(t1), b, "kdf3 t1");
        assertArrayEquals(HEX.parseHex(t2), c, "kdf3 t2");
    }

    @Test
    void wireguardGoKdfVectors() {
        checkKdf("746573742d6b6579", "746573742d696e707574",
                "6f0e5ad38daba1bea8a0d213688736f19763239305e0f58aba697f9ffc41c633",
                "df1194df20802a4fe594cde27e92991c8cae66c366e8106aaa937a55fa371e8a",
                "fac6e2745a325f5dc5d11a5b165aad08b0ada28e7b4e666b7c077934a4d76c24");
        checkKdf("776972656775617264", "776972656775617264",
                "491d43bbfdaa8750aaf535e334ecbfe5129967cd64635101c566d4caefda96e8",
                "1e71a379baefd8a79aa4662212fcafe19a23e2b609a3db7d6bcba8f560e3d25f",
                "31e1ae48bddfbe5de38f295e5452b1909a1b4e38e183926af3780b0c1e1f0160");
        checkKdf("", "",
                "8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0",
                "58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e",
                "0ce6ea98ec548f8e281e93e32db65621c45eb18dc6f0a7ad94178610a2f7338e");
    }

    @Test
    void kdfOutputMayAliasItsKey() {
        byte[] key = HEX.parseHex("746573742d6b6579746573742d6b6579746573742d6b6579746573742d6b6579");
        byte[] expected0 = new byte[32];
        byte[] expected1 = new byte[32];
        Kdf.kdf2(key, key, expected0, expected1);
        byte[] ck = key.clone();
        byte[] k = new byte[32];
        Kdf.kdf2(ck, ck, ck, k);
        assertArrayEquals(expected0, ck);
        assertArrayEquals(expected1, k);
    }
}
