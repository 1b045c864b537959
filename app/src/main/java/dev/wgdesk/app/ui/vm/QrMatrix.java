package dev.wgdesk.app.ui.vm;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.wgdesk.app.ui.i18n.Messages;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;

/**
 * The modules of a QR code, without the quiet zone: {@code size} x {@code size} dark or light
 * squares. Immutable. Encoding is the expensive step (Reed-Solomon and the choice of mask), so
 * {@link #encode} is meant for a background thread; drawing it is a single pass over the bits.
 */
public final class QrMatrix {
    /** Light modules the view draws around the code, as the QR specification asks. */
    public static final int QUIET_ZONE = 4;

    private final int size;
    private final BitSet dark;

    private QrMatrix(int size, BitSet dark) {
        this.size = size;
        this.dark = dark;
    }

    /**
     * Encodes {@code text} (error correction M, or L when M does not fit), as the WireGuard mobile
     * apps expect: the wg-quick text in byte mode, UTF-8 (announced by an ECI) only when it is not
     * ASCII.
     *
     * @throws IllegalArgumentException with a message for the user when the text is too long for
     *                                  a QR code
     */
    public static QrMatrix encode(String text) {
        ErrorCorrectionLevel level = ErrorCorrectionLevel.M;
        QrMatrix first;
        try {
            first = encode(text, level, -1);
        } catch (WriterException tooBigForM) {
            level = ErrorCorrectionLevel.L;
            try {
                first = encode(text, level, -1);
            } catch (WriterException e) {
                throw new IllegalArgumentException(Messages.get("qr.tooLarge"), e);
            }
        }
        if (first.readsBackAs(text)) {
            return first;
        }
        // ZXing's general detector (the one the WireGuard Android app scans with) misreads about 1
        // in 100 perfect renderings of some codes: take the first mask it reads back.
        for (int mask = 0; mask < 8; mask++) {
            try {
                QrMatrix m = encode(text, level, mask);
                if (m.readsBackAs(text)) {
                    return m;
                }
            } catch (WriterException e) {
                break;
            }
        }
        return first;
    }

    /** Whether ZXing's general detector reads this code, drawn at 4 pixels a module with its quiet zone, as {@code text}. */
    boolean readsBackAs(String text) {
        int scale = 4;
        int px = (size + 2 * QUIET_ZONE) * scale;
        int[] argb = new int[px * px];
        for (int y = 0; y < px; y++) {
            for (int x = 0; x < px; x++) {
                int mx = x / scale - QUIET_ZONE;
                int my = y / scale - QUIET_ZONE;
                boolean d = mx >= 0 && my >= 0 && mx < size && my < size && dark.get(my * size + mx);
                argb[y * px + x] = d ? 0xFF000000 : 0xFFFFFFFF;
            }
        }
        try {
            com.google.zxing.BinaryBitmap bitmap = new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(
                    new com.google.zxing.RGBLuminanceSource(px, px, argb)));
            String read = new com.google.zxing.qrcode.QRCodeReader().decode(bitmap,
                    Map.of(com.google.zxing.DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
            return text.equals(read);
        } catch (com.google.zxing.ReaderException e) {
            return false;
        } finally {
            java.util.Arrays.fill(argb, 0);
        }
    }

    private static QrMatrix encode(String text, ErrorCorrectionLevel level, int mask) throws WriterException {
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        hints.put(EncodeHintType.ERROR_CORRECTION, level);
        hints.put(EncodeHintType.MARGIN, 0);
        if (mask >= 0) {
            hints.put(EncodeHintType.QR_MASK_PATTERN, mask);
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        // Width and height 0: one pixel per module, so the matrix is exactly the modules.
        BitMatrix m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        int n = m.getWidth();
        BitSet bits = new BitSet(n * n);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                if (m.get(x, y)) {
                    bits.set(y * n + x);
                }
            }
        }
        return new QrMatrix(n, bits);
    }

    /** Modules per side (21 for version 1, up to 177 for version 40). */
    public int size() {
        return size;
    }

    /** True when the module at column {@code x}, row {@code y} is dark. */
    public boolean isDark(int x, int y) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ") is outside " + size + "x" + size);
        }
        return dark.get(y * size + x);
    }

    /** Only the size: the modules encode the private key. */
    @Override
    public String toString() {
        return "QrMatrix[" + size + "x" + size + "]";
    }
}
