package dev.wgdesk.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Differential fuzzing of wgdesk's own {@link FastChaCha20Poly1305} and {@link Poly1305} against
 * the JDK's {@code ChaCha20-Poly1305} (used through {@link Cipher} directly, not through the
 * project's JCE wrapper): fuzzed keys, nonces (WireGuard counters and arbitrary 12-byte IETF
 * nonces), associated data, lengths and buffer offsets; then a forgery (a flipped bit in the
 * ciphertext, tag or AD, a fuzzed tag, a truncated message) must get the same verdict from both,
 * and a rejected open must leave the buffer as it was. Poly1305 alone is checked twice: as the
 * JDK's AEAD tag recomputed from the JDK's ciphertext and one-time key, and against the
 * definition (BigInteger arithmetic) for arbitrary, also unclamped-looking, keys.
 *
 * <p>Seeds: {@code AeadDifferentialFuzzTestInputs/} next to this class (run in {@code mvn verify}).
 */
class AeadDifferentialFuzzTest {
    private static final BigInteger P = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));

    private final FastChaCha20Poly1305 fast = new FastChaCha20Poly1305();

    @FuzzTest
    void aeadAgreesWithTheJdk(FuzzedDataProvider data) throws GeneralSecurityException {
        byte[] key = exactly(data, 32);
        boolean wireGuardNonce = data.consumeBoolean();
        long counter = data.consumeLong();
        byte[] nonce = new byte[12];
        if (wireGuardNonce) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (counter >>> (8 * i));
            }
        } else {
            System.arraycopy(exactly(data, 12), 0, nonce, 0, 12);
        }
        int adMode = data.consumeInt(0, 2);
        byte[] ad = adMode == 0 ? null : adMode == 1 ? new byte[0] : data.consumeBytes(data.consumeInt(1, 80));
        // Lengths reach past the implementation's multi-block batches; bytes beyond what the
        // input holds come from a generator seeded by the input, so long messages stay cheap.
        int len = data.consumeInt(0, 4200);
        int off = data.consumeInt(0, 40);
        int slack = data.consumeInt(0, 8);
        int forgery = data.consumeInt(0, 6);
        int where = data.consumeInt(0, Integer.MAX_VALUE);
        int bit = data.consumeInt(0, 7);
        byte[] fuzzTag = exactly(data, 16);
        byte[] plain = fill(data.consumeRemainingAsBytes(), len);

        // Seal: JDK.
        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        if (ad != null) {
            jdk.updateAAD(ad);
        }
        byte[] expected = jdk.doFinal(plain);
        assertEquals(len + 16, expected.length);

        // Seal: ours, in place inside a larger buffer whose other bytes must not change.
        byte[] buf = new byte[off + len + 16 + slack];
        Arrays.fill(buf, (byte) 0xA5);
        System.arraycopy(plain, 0, buf, off, len);
        byte[] before = buf.clone();
        if (wireGuardNonce) {
            fast.seal(key, counter, buf, off, len, ad);
        } else {
            fast.sealWithNonce(key, nonce, buf, off, len, ad);
        }
        assertArrayEquals(expected, Arrays.copyOfRange(buf, off, off + len + 16), "ciphertext and tag differ from the JDK's");
        assertArrayEquals(Arrays.copyOf(before, off), Arrays.copyOf(buf, off), "seal wrote before its range");
        assertArrayEquals(Arrays.copyOfRange(before, off + len + 16, buf.length),
                Arrays.copyOfRange(buf, off + len + 16, buf.length), "seal wrote after the tag");

        // Poly1305 alone: the JDK's tag from the JDK's one-time key and ciphertext.
        assertArrayEquals(Arrays.copyOfRange(expected, len, len + 16),
                aeadTagWithOurPoly1305(oneTimeKey(key, nonce), ad, expected, len, where),
                "Poly1305 over the JDK's ciphertext differs from the JDK's tag");

        // Forge (or not), then open with both: same verdict, same plaintext.
        byte[] forgedAd = ad;
        int openLen = len + 16;
        switch (forgery) {
            case 1 -> buf[off + where % (len + 16)] ^= (byte) (1 << bit); // ciphertext or tag
            case 2 -> buf[off + len + where % 16] ^= (byte) (1 << bit); // tag
            case 3 -> System.arraycopy(fuzzTag, 0, buf, off + len, 16); // a whole fuzzed tag
            case 4 -> {
                if (ad != null && ad.length > 0) {
                    forgedAd = ad.clone();
                    forgedAd[where % ad.length] ^= (byte) (1 << bit);
                } else {
                    forgedAd = new byte[] {(byte) where}; // AD where there was none
                }
            }
            case 5 -> openLen = where % (len + 17); // truncated, possibly below the tag length
            default -> { }
        }
        byte[] sent = Arrays.copyOfRange(buf, off, off + openLen);
        boolean jdkVerdict;
        byte[] jdkPlain = null;
        try {
            jdk.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            if (forgedAd != null) {
                jdk.updateAAD(forgedAd);
            }
            jdkPlain = jdk.doFinal(sent);
            jdkVerdict = true;
        } catch (AEADBadTagException e) {
            jdkVerdict = false;
        }
        byte[] beforeOpen = buf.clone();
        boolean ourVerdict = wireGuardNonce
                ? fast.open(key, counter, buf, off, openLen, forgedAd)
                : fast.openWithNonce(key, nonce, buf, off, openLen, forgedAd);
        assertEquals(jdkVerdict, ourVerdict, "verdict differs from the JDK's (forgery " + forgery + ")");
        if (ourVerdict) {
            assertArrayEquals(jdkPlain, Arrays.copyOfRange(buf, off, off + openLen - 16), "plaintext differs from the JDK's");
            if (forgery == 0) {
                assertArrayEquals(plain, jdkPlain);
            }
        } else {
            assertArrayEquals(beforeOpen, buf, "a rejected open changed the buffer");
        }
        boolean genuine = forgery == 0 || (forgery == 3 && Arrays.equals(fuzzTag, Arrays.copyOfRange(expected, len, len + 16)))
                || (forgery == 5 && openLen == len + 16);
        if (genuine) {
            assertTrue(ourVerdict, "the genuine message was rejected");
        }
    }

    /** Poly1305 on arbitrary keys and messages, fed in fuzzed pieces, against the definition. */
    @FuzzTest
    void poly1305MatchesItsDefinition(FuzzedDataProvider data) {
        byte[] key = exactly(data, 32);
        int split = data.consumeInt(0, 64);
        byte[] msg = data.consumeRemainingAsBytes();
        Poly1305 p = new Poly1305();
        p.init(key, 0);
        // updateFinal takes the whole message in one call; whole blocks first through
        // updatePadded (which pads only a partial last block, absent here), then the rest.
        int blocks = Math.min(split, msg.length / 16) * 16;
        if (blocks > 0) {
            p.updatePadded(msg, 0, blocks);
        }
        p.updateFinal(msg, blocks, msg.length - blocks);
        p.finish();
        byte[] tag = new byte[16];
        p.writeTag(tag, 0);
        assertArrayEquals(reference(key, msg), tag, "Poly1305 differs from its definition");
        assertTrue(p.tagEquals(tag, 0));
        tag[split % 16] ^= 1;
        assertFalse(p.tagEquals(tag, 0), "a wrong tag compared equal");
    }

    /** {@code n} bytes from the input, zero-padded when it runs out. */
    private static byte[] exactly(FuzzedDataProvider data, int n) {
        return Arrays.copyOf(data.consumeBytes(n), n);
    }

    /** {@code head}, then bytes from a generator seeded by {@code head}, to {@code len} bytes. */
    private static byte[] fill(byte[] head, int len) {
        byte[] out = Arrays.copyOf(head, len);
        if (head.length < len) {
            SplittableRandom rnd = new SplittableRandom(Arrays.hashCode(head) * 31L + len);
            for (int i = head.length; i < len; i++) {
                out[i] = (byte) rnd.nextInt();
            }
        }
        return out;
    }

    /** The AEAD's one-time Poly1305 key: the first 32 bytes of ChaCha20 block 0, from the JDK. */
    private static byte[] oneTimeKey(byte[] key, byte[] nonce) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("ChaCha20");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new ChaCha20ParameterSpec(nonce, 0));
        return c.doFinal(new byte[32]);
    }

    /** RFC 8439 2.8: Poly1305 over pad16(AD) || pad16(ciphertext) || le64(|AD|) || le64(|ciphertext|). */
    private static byte[] aeadTagWithOurPoly1305(byte[] otk, byte[] ad, byte[] ct, int ctLen, int where) {
        Poly1305 p = new Poly1305();
        p.init(otk, 0);
        if (ad != null && ad.length > 0) {
            p.updatePadded(ad, 0, ad.length);
        }
        // Two pieces split at a block boundary: the padded update must not depend on how it is fed.
        int cut = ctLen == 0 ? 0 : (where % (ctLen / 16 + 1)) * 16;
        if (cut > 0) {
            p.updatePadded(ct, 0, cut);
        }
        if (ctLen - cut > 0) {
            p.updatePadded(ct, cut, ctLen - cut);
        }
        p.update(ad == null ? 0 : ad.length, ctLen);
        p.finish();
        byte[] tag = new byte[16];
        p.writeTag(tag, 0);
        return tag;
    }

    /** Poly1305 straight from RFC 8439 section 2.5, in BigInteger arithmetic. */
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
        BigInteger h = BigInteger.ZERO;
        for (int i = 0; i < msg.length; i += 16) {
            byte[] block = Arrays.copyOfRange(msg, i, Math.min(i + 16, msg.length));
            h = h.add(le(block)).add(BigInteger.ONE.shiftLeft(8 * block.length)).multiply(r).mod(P);
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
}
