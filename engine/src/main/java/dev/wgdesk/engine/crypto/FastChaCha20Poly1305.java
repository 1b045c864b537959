package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;
import java.util.Objects;

/**
 * ChaCha20-Poly1305 AEAD (RFC 8439) in pure Java with WireGuard's nonce,
 * {@code 0x00000000 || le64(counter)}, allocating nothing per call. Same in-place API as
 * {@link ChaCha20Poly1305} (the JCE one): {@link #seal} encrypts {@code buf[off, off+len)} and
 * writes the 16-byte tag at {@code off+len}; {@link #open} verifies the tag <em>before</em>
 * decrypting and leaves the buffer untouched when it does not verify.
 *
 * <p>Why it exists: the JCE cipher needs a {@code Cipher.init} per packet (a new nonce), and
 * the JDK allocates about 4.4 KB per seal+open doing so, while the data path must not allocate
 * per packet. Here all state sits in preallocated fields: ChaCha20 runs up to
 * {@value ChaCha20Blocks#MAX_BLOCKS} blocks at once in a layout the JIT vectorizes
 * ({@link ChaCha20Blocks}), Poly1305 works in radix 2^64 ({@link Poly1305}).
 *
 * <p><b>Constant time:</b> no branch or index depends on the key, the plaintext or the tag; the
 * tag check is a single comparison of the OR of the XORed tag words.
 *
 * <p><b>Not thread-safe:</b> one instance per worker thread. Between calls the instance holds
 * the last key and keystream (the one-time Poly1305 key, accumulator and tag are zeroed at the
 * end of each call); {@link #destroy()} zeroes everything when the worker ends, and the instance
 * stays usable.
 *
 * <p>Nonce uniqueness is the caller's job: WireGuard never reuses a (key, counter) pair.
 */
public final class FastChaCha20Poly1305 implements Aead {
    /** Key length in bytes. */
    public static final int KEY_LENGTH = Protocol.KEY_LENGTH;
    /** Poly1305 tag length in bytes. */
    public static final int TAG_LENGTH = Protocol.AEAD_TAG_LENGTH;
    /** IETF nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;

    private static final int MAX_BLOCKS = ChaCha20Blocks.MAX_BLOCKS;
    private static final int BLOCK_BYTES = 64;

    private final ChaCha20Blocks chacha = new ChaCha20Blocks();
    private final Poly1305 poly = new Poly1305();
    private boolean holdsKey;

    /** Creates an instance; it holds no key until the first call. */
    public FastChaCha20Poly1305() {}

    /**
     * Encrypts {@code buf[off, off+len)} in place and writes the 16-byte tag at
     * {@code buf[off+len, off+len+16)}.
     *
     * @param key32 the 32-byte key
     * @param counter the 64-bit nonce counter (treated as unsigned)
     * @param buf the packet buffer, with room for the tag after the plaintext
     * @param off where the plaintext starts
     * @param len plaintext length in bytes
     * @param ad associated data, or {@code null} for none
     * @throws IllegalArgumentException if the key is not 32 bytes
     * @throws IndexOutOfBoundsException if the range plus the tag does not fit in {@code buf}
     */
    public void seal(byte[] key32, long counter, byte[] buf, int off, int len, byte[] ad) {
        seal(key32, 0, (int) counter, (int) (counter >>> 32), buf, off, len, ad);
    }

    /**
     * Authenticates and decrypts {@code buf[off, off+lenWithTag)} in place: on success the
     * plaintext is {@code buf[off, off+lenWithTag-16)}.
     *
     * @param key32 the 32-byte key
     * @param counter the 64-bit nonce counter (treated as unsigned)
     * @param buf the packet buffer
     * @param off where the ciphertext starts
     * @param lenWithTag ciphertext plus tag length in bytes
     * @param ad associated data, or {@code null} for none
     * @return false if the tag does not verify or {@code lenWithTag < 16}, and then the buffer
     *     is unchanged (the tag is checked before anything is decrypted); never throws for bad
     *     ciphertext
     * @throws IllegalArgumentException if the key is not 32 bytes
     * @throws IndexOutOfBoundsException if the range does not fit in {@code buf}
     */
    public boolean open(byte[] key32, long counter, byte[] buf, int off, int lenWithTag, byte[] ad) {
        return open(key32, 0, (int) counter, (int) (counter >>> 32), buf, off, lenWithTag, ad);
    }

    /**
     * Test hook: seals with an arbitrary 12-byte IETF nonce (RFC 8439 vectors use nonces whose
     * first four bytes are not zero, which WireGuard's nonce format cannot express).
     */
    void sealWithNonce(byte[] key32, byte[] nonce12, byte[] buf, int off, int len, byte[] ad) {
        checkNonce(nonce12);
        seal(key32, le32(nonce12, 0), le32(nonce12, 4), le32(nonce12, 8), buf, off, len, ad);
    }

    /** Test hook: {@link #open} with an arbitrary 12-byte IETF nonce. */
    boolean openWithNonce(byte[] key32, byte[] nonce12, byte[] buf, int off, int lenWithTag, byte[] ad) {
        checkNonce(nonce12);
        return open(key32, le32(nonce12, 0), le32(nonce12, 4), le32(nonce12, 8), buf, off, lenWithTag, ad);
    }

    private void seal(byte[] key32, int n0, int n1, int n2, byte[] buf, int off, int len, byte[] ad) {
        checkKey(key32);
        if (len < 0) {
            throw new IndexOutOfBoundsException("negative length " + len);
        }
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.checkFromIndexSize(off + len, TAG_LENGTH, buf.length);
        holdsKey = true;
        chacha.init(key32, n0, n1, n2);
        // Batch 1: block 0 (the Poly1305 key) and up to MAX_BLOCKS - 1 blocks of data.
        int first = Math.min(len, (MAX_BLOCKS - 1) * BLOCK_BYTES);
        chacha.generate(0, 1 + blocks(first));
        startMac();
        chacha.xor(1, buf, off, first);
        encryptRest(buf, off + first, len - first, MAX_BLOCKS);
        mac(ad, buf, off, len);
        poly.writeTag(buf, off + len);
        poly.wipe();
    }

    private boolean open(byte[] key32, int n0, int n1, int n2, byte[] buf, int off, int lenWithTag, byte[] ad) {
        checkKey(key32);
        Objects.checkFromIndexSize(off, lenWithTag, buf.length);
        if (lenWithTag < TAG_LENGTH) {
            return false;
        }
        int len = lenWithTag - TAG_LENGTH;
        holdsKey = true;
        chacha.init(key32, n0, n1, n2);
        int first = Math.min(len, (MAX_BLOCKS - 1) * BLOCK_BYTES);
        chacha.generate(0, 1 + blocks(first));
        startMac();
        mac(ad, buf, off, len);
        boolean genuine = poly.tagEquals(buf, off + len);
        poly.wipe(); // the expected tag would let its holder forge this one packet
        if (!genuine) {
            return false;
        }
        chacha.xor(1, buf, off, first);
        encryptRest(buf, off + first, len - first, MAX_BLOCKS);
        return true;
    }

    /** Keys Poly1305 with the first 32 bytes of keystream block 0 (RFC 8439 section 2.6). */
    private void startMac() {
        poly.init(word64(0), word64(2), word64(4), word64(6));
    }

    private long word64(int w) {
        return (chacha.keystreamWord(0, w) & 0xffffffffL) | ((long) chacha.keystreamWord(0, w + 1) << 32);
    }

    /** XORs the keystream from block {@code counter} on, a batch at a time. */
    private void encryptRest(byte[] buf, int off, int len, int counter) {
        while (len > 0) {
            int n = Math.min(len, MAX_BLOCKS * BLOCK_BYTES);
            chacha.generate(counter, blocks(n));
            chacha.xor(0, buf, off, n);
            counter += MAX_BLOCKS;
            off += n;
            len -= n;
        }
    }

    /** MACs {@code ad || pad || ciphertext || pad || le64(|ad|) || le64(|ciphertext|)}. */
    private void mac(byte[] ad, byte[] buf, int off, int len) {
        int adLen = 0;
        if (ad != null) {
            adLen = ad.length;
            poly.updatePadded(ad, 0, adLen);
        }
        poly.updatePadded(buf, off, len);
        poly.update(adLen, len);
        poly.finish();
    }

    private static int blocks(int bytes) {
        return (bytes + BLOCK_BYTES - 1) / BLOCK_BYTES;
    }

    private static void checkKey(byte[] key32) {
        if (key32.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes, not " + key32.length);
        }
    }

    private static void checkNonce(byte[] nonce12) {
        if (nonce12.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("an IETF nonce is 12 bytes");
        }
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** Zeroes the key, keystream and MAC state held by this instance; it stays usable. */
    @Override
    public void destroy() {
        chacha.wipe();
        poly.wipe();
        holdsKey = false;
    }

    /** Test hook: true when every key-derived word in the helpers is zero. */
    boolean isWiped() {
        return chacha.isWiped() && poly.isWiped();
    }

    /** True when the instance holds no key material (new, or destroyed and not used since). */
    @Override
    public boolean isDestroyed() {
        return !holdsKey;
    }

    @Override
    public String toString() {
        return "FastChaCha20Poly1305";
    }
}
