package dev.wgdesk.engine.crypto;

import dev.wgdesk.engine.Protocol;

/**
 * Base64 and hex for 32-byte keys, written to run in time independent of the key's value
 * (no table lookups indexed by secret data, no early exit on content).
 */
final class KeyCodec {
    private KeyCodec() {}

    static final int BASE64_LENGTH = 44;
    static final int HEX_LENGTH = 64;

    static byte[] fromBase64(CharSequence s) {
        if (s.length() != BASE64_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "a key is 44 base64 characters ending in '=' (got " + s.length() + " characters)");
        }
        byte[] out = new byte[Protocol.KEY_LENGTH];
        int bad = 0;
        int acc = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < BASE64_LENGTH - 1; i++) {
            int v = decodeBase64Char(s.charAt(i));
            bad |= v >>> 31; // v == -1 marks a bad character
            acc = (acc << 6) | (v & 0x3f);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                if (o < out.length) {
                    out[o++] = (byte) (acc >>> bits);
                }
            }
        }
        // The last character before '=' carries 2 spare bits that must be zero (canonical form).
        bad |= ((acc & 0x3) + 3) >>> 2;
        bad |= ((s.charAt(BASE64_LENGTH - 1) ^ '=') + 0xffff) >>> 16;
        acc = 0;
        if (bad != 0) {
            java.util.Arrays.fill(out, (byte) 0);
            throw new KeyFormatException(KeyFormatException.Reason.CHARACTERS,
                    "a key is 43 base64 characters (A-Z a-z 0-9 + /) and '=', in canonical form");
        }
        return out;
    }

    /**
     * Branch-free base64 character decode; returns -1 for characters outside the alphabet. The
     * range tests below are only sound for 8-bit values, so anything above 0x7f is folded to a
     * non-alphabet character first (without a branch).
     */
    static int decodeBase64Char(char c) {
        int ch = asciiOrBad(c);
        int ret = -1;
        ret += (((0x40 - ch) & (ch - 0x5b)) >> 8) & (ch - 64);      // A-Z -> 0..25 (+1)
        ret += (((0x60 - ch) & (ch - 0x7b)) >> 8) & (ch - 70);      // a-z -> 26..51 (+1)
        ret += (((0x2f - ch) & (ch - 0x3a)) >> 8) & (ch + 5);       // 0-9 -> 52..61 (+1)
        ret += (((0x2a - ch) & (ch - 0x2c)) >> 8) & 63;             // +   -> 62 (+1)
        ret += (((0x2e - ch) & (ch - 0x30)) >> 8) & 64;             // /   -> 63 (+1)
        return ret;
    }

    /** {@code c} if it is below 0x80, else 0 (not in any alphabet), without a branch. */
    private static int asciiOrBad(char c) {
        int nonAscii = (0x7f - c) >> 31; // -1 if c > 0x7f, else 0
        return c & ~nonAscii;
    }

    static String toBase64(byte[] key) {
        char[] out = new char[BASE64_LENGTH];
        int o = 0;
        int i = 0;
        for (; i + 2 < key.length; i += 3) {
            int v = ((key[i] & 0xff) << 16) | ((key[i + 1] & 0xff) << 8) | (key[i + 2] & 0xff);
            out[o++] = encodeBase64Char((v >>> 18) & 0x3f);
            out[o++] = encodeBase64Char((v >>> 12) & 0x3f);
            out[o++] = encodeBase64Char((v >>> 6) & 0x3f);
            out[o++] = encodeBase64Char(v & 0x3f);
        }
        // 32 = 30 + 2: two bytes remain.
        int v = ((key[i] & 0xff) << 16) | ((key[i + 1] & 0xff) << 8);
        out[o++] = encodeBase64Char((v >>> 18) & 0x3f);
        out[o++] = encodeBase64Char((v >>> 12) & 0x3f);
        out[o++] = encodeBase64Char((v >>> 6) & 0x3f);
        out[o] = '=';
        return new String(out);
    }

    private static char encodeBase64Char(int v) {
        int c = v + 'A';
        c += ((25 - v) >> 8) & 6;
        c -= ((51 - v) >> 8) & 75;
        c -= ((61 - v) >> 8) & 15;
        c += ((62 - v) >> 8) & 3;
        return (char) c;
    }

    static byte[] fromHex(CharSequence s) {
        if (s.length() != HEX_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "a hex key is 64 characters (got " + s.length() + ")");
        }
        byte[] out = new byte[Protocol.KEY_LENGTH];
        int bad = 0;
        for (int i = 0; i < HEX_LENGTH; i += 2) {
            int hi = decodeHexChar(s.charAt(i));
            int lo = decodeHexChar(s.charAt(i + 1));
            bad |= (hi | lo) >>> 31;
            out[i / 2] = (byte) ((hi << 4) | (lo & 0xf));
        }
        if (bad != 0) {
            java.util.Arrays.fill(out, (byte) 0);
            throw new KeyFormatException(KeyFormatException.Reason.CHARACTERS,
                    "a hex key may contain only 0-9 a-f A-F");
        }
        return out;
    }

    /** Branch-free hex digit decode; returns -1 for anything else (see {@link #decodeBase64Char}). */
    static int decodeHexChar(char c) {
        int ch = asciiOrBad(c);
        int ret = -1;
        ret += (((0x2f - ch) & (ch - 0x3a)) >> 8) & (ch - 47);      // 0-9 -> 0..9 (+1)
        ch |= 0x20;                                                 // fold case
        ret += (((0x60 - ch) & (ch - 0x67)) >> 8) & (ch - 86);      // a-f -> 10..15 (+1)
        return ret;
    }

    static String toHex(byte[] key) {
        char[] out = new char[key.length * 2];
        for (int i = 0; i < key.length; i++) {
            int b = key[i] & 0xff;
            out[2 * i] = encodeHexChar(b >>> 4);
            out[2 * i + 1] = encodeHexChar(b & 0xf);
        }
        return new String(out);
    }

    private static char encodeHexChar(int v) {
        return (char) (87 + v + (((v - 10) >> 8) & ~38));
    }
}
