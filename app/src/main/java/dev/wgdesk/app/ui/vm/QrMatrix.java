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
        try {
            return encode(text, ErrorCorrectionLevel.M);
        } catch (WriterException tooBigForM) {
            try {
                return encode(text, ErrorCorrectionLevel.L);
            } catch (WriterException e) {
                throw new IllegalArgumentException(Messages.get("qr.tooLarge"), e);
            }
        }
    }

    private static QrMatrix encode(String text, ErrorCorrectionLevel level) throws WriterException {
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        hints.put(EncodeHintType.ERROR_CORRECTION, level);
        hints.put(EncodeHintType.MARGIN, 0);
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
