package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 AEAD (RFC 8439) with WireGuard's nonce, {@code 0x00000000 || le64(counter)},
 * through the JCE provider ({@code Cipher.getInstance("ChaCha20-Poly1305")}), which has
 * intrinsics on JDK 25.
 *
 * <p>Both operations work in place on a byte array: {@link #seal} encrypts
 * {@code buf[off, off+len)} and appends the 16-byte tag at {@code off+len}; {@link #open}
 * checks and strips it. Associated data is optional ({@code null} means none).
 *
 * <p><b>Not thread-safe:</b> one instance per worker thread. An instance keeps the last key's
 * {@link SecretKeySpec} so that consecutive calls with the same key do not rebuild it. Call
 * {@link #destroy()} to drop the cached key copy when the worker ends (the JCE's internal copies
 * cannot be wiped from outside).
 *
 * <p><b>Allocation.</b> The JCE cannot change the nonce without {@code Cipher.init}, and on
 * JDK 25 every AEAD init allocates: measured about 2.2 KB per 1420-byte seal or open
 * ({@code ChaCha20Poly1305AllocationTest}). Most of it is {@code ChaCha20Cipher.initAuthenticator}:
 * a 1 KiB keystream scratch array to derive the 32-byte Poly1305 key, a new {@code Poly1305}
 * with its limb arrays and a {@code SecretKeySpec} for the one-time key; the rest is the engine
 * object, {@code key.getEncoded()}, the nonce copies and the {@code IvParameterSpec}. A failed
 * open also builds an {@code AEADBadTagException} (about 4.3 KB in total). The stream-only JCE
 * "ChaCha20" cipher allocates about 150 B per init, so a later allocation-free design would pair
 * it with our own Poly1305.
 *
 * <p>Nonce uniqueness is the caller's job: WireGuard never reuses a (key, counter) pair. The
 * JCE refuses to encrypt twice in a row under one key and nonce; this class works around that
 * refusal so that {@code seal} stays a pure function of its inputs.
 */
public final class ChaCha20Poly1305 implements Aead {
    /** Key length in bytes. */
    public static final int KEY_LENGTH = Protocol.KEY_LENGTH;
    /** Poly1305 tag length in bytes. */
    public static final int TAG_LENGTH = Protocol.AEAD_TAG_LENGTH;
    /** IETF nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;

    private static final String ALGORITHM = "ChaCha20-Poly1305";

    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final byte[] cachedKey = new byte[KEY_LENGTH];
    private SecretKeySpec cachedSpec;

    /**
     * Creates an instance.
     *
     * @throws IllegalStateException if the JDK has no ChaCha20-Poly1305 provider (never on a
     *     standard JDK 11 or later)
     */
    public ChaCha20Poly1305() {
        try {
            cipher = Cipher.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("this JDK has no " + ALGORITHM + " cipher", e);
        }
    }

    /**
     * Encrypts {@code buf[off, off+len)} in place and writes the 16-byte tag at
     * {@code buf[off+len, off+len+16)}.
     *
     * @param key32 the 32-byte key
     * @param counter the 64-bit nonce counter (treated as unsigned)
     * @param ad associated data, or {@code null} for none
     * @throws IllegalArgumentException if the key is not 32 bytes
     * @throws IndexOutOfBoundsException if the range plus the tag does not fit in {@code buf}
     */
    public void seal(byte[] key32, long counter, byte[] buf, int off, int len, byte[] ad) {
        writeNonce(counter);
        sealWithNonce(key32, buf, off, len, ad);
    }

    /**
     * Test hook: seals with an arbitrary 12-byte IETF nonce (RFC 8439 vectors use nonces whose
     * first four bytes are not zero, which WireGuard's nonce format cannot express).
     */
    void sealWithNonce(byte[] key32, byte[] nonce12, byte[] buf, int off, int len, byte[] ad) {
        if (nonce12.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("an IETF nonce is 12 bytes");
        }
        System.arraycopy(nonce12, 0, nonce, 0, NONCE_LENGTH);
        sealWithNonce(key32, buf, off, len, ad);
    }

    /** Test hook: {@link #open} with an arbitrary 12-byte IETF nonce. */
    boolean openWithNonce(byte[] key32, byte[] nonce12, byte[] buf, int off, int lenWithTag, byte[] ad) {
        if (nonce12.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("an IETF nonce is 12 bytes");
        }
        System.arraycopy(nonce12, 0, nonce, 0, NONCE_LENGTH);
        return openWithNonce(key32, buf, off, lenWithTag, ad);
    }

    private void sealWithNonce(byte[] key32, byte[] buf, int off, int len, byte[] ad) {
        if (len < 0) {
            throw new IndexOutOfBoundsException("negative length " + len);
        }
        java.util.Objects.checkFromIndexSize(off, len + TAG_LENGTH, buf.length);
        SecretKeySpec spec = spec(key32);
        try {
            initEncrypt(spec);
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            int n = cipher.doFinal(buf, off, len, buf, off);
            if (n != len + TAG_LENGTH) {
                throw new IllegalStateException("JCE wrote " + n + " bytes, expected " + (len + TAG_LENGTH));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
        }
    }

    /**
     * Authenticates and decrypts {@code buf[off, off+lenWithTag)} in place: on success the
     * plaintext is {@code buf[off, off+lenWithTag-16)}.
     *
     * @param key32 the 32-byte key
     * @param counter the 64-bit nonce counter (treated as unsigned)
     * @param ad associated data, or {@code null} for none
     * @return false if the tag does not verify or {@code lenWithTag < 16}; never throws for bad
     *     ciphertext. After a failure the range holds unspecified bytes (the JCE checks the tag
     *     before decrypting, so in practice it is unchanged).
     * @throws IllegalArgumentException if the key is not 32 bytes
     * @throws IndexOutOfBoundsException if the range does not fit in {@code buf}
     */
    public boolean open(byte[] key32, long counter, byte[] buf, int off, int lenWithTag, byte[] ad) {
        writeNonce(counter);
        return openWithNonce(key32, buf, off, lenWithTag, ad);
    }

    private boolean openWithNonce(byte[] key32, byte[] buf, int off, int lenWithTag, byte[] ad) {
        java.util.Objects.checkFromIndexSize(off, lenWithTag, buf.length);
        if (lenWithTag < TAG_LENGTH) {
            return false;
        }
        SecretKeySpec spec = spec(key32);
        try {
            cipher.init(Cipher.DECRYPT_MODE, spec, new IvParameterSpec(nonce));
            if (ad != null) {
                cipher.updateAAD(ad);
            }
            cipher.doFinal(buf, off, lenWithTag, buf, off);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (ShortBufferException | InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 decryption could not run", e);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Initialises for encryption. The JCE rejects an encrypt-mode init with the same key and
     * nonce as the previous init; when that happens, an init under a throwaway nonce resets that
     * memory and the real init is retried.
     */
    private void initEncrypt(SecretKeySpec spec) throws GeneralSecurityException {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(nonce));
        } catch (InvalidKeyException reused) {
            byte[] other = nonce.clone();
            other[0] ^= 1; // any nonce that differs from the real one
            cipher.init(Cipher.DECRYPT_MODE, spec, new IvParameterSpec(other));
            cipher.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(nonce));
        }
    }

    private SecretKeySpec spec(byte[] key32) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes, not " + key32.length);
        }
        SecretKeySpec s = cachedSpec;
        if (s == null || !ConstantTime.equals(key32, 0, cachedKey, 0, KEY_LENGTH)) {
            System.arraycopy(key32, 0, cachedKey, 0, KEY_LENGTH);
            s = new SecretKeySpec(key32, "ChaCha20");
            cachedSpec = s;
        }
        return s;
    }

    private void writeNonce(long counter) {
        // nonce[0..4) stays zero
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
    }

    /** Zeroes the cached key copy held by this instance; the instance stays usable. */
    @Override
    public void destroy() {
        Arrays.fill(cachedKey, (byte) 0);
        cachedSpec = null;
    }

    @Override
    public boolean isDestroyed() {
        return cachedSpec == null;
    }

    @Override
    public String toString() {
        return "ChaCha20Poly1305";
    }
}
