package dev.wgdesk.engine.crypto;

/** Comparisons whose running time does not depend on the contents compared. */
public final class ConstantTime {
    private ConstantTime() {}

    /** True when every byte of {@code b} is zero; constant-time in the contents. */
    public static boolean isZero(byte[] b) {
        return isZero(b, 0, b.length);
    }

    /** True when {@code b[off, off+len)} is all zero; constant-time in the contents. */
    public static boolean isZero(byte[] b, int off, int len) {
        int acc = 0;
        for (int i = 0; i < len; i++) {
            acc |= b[off + i];
        }
        return acc == 0;
    }

    /** Constant-time equality of two ranges of equal length. */
    public static boolean equals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int acc = 0;
        for (int i = 0; i < len; i++) {
            acc |= a[aOff + i] ^ b[bOff + i];
        }
        return acc == 0;
    }
}
