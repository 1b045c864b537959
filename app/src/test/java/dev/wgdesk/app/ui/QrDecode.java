package dev.wgdesk.app.ui;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.Result;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.Map;

/** Reads a QR code back from pixels with ZXing's decoder, as a phone's scanner would. */
public final class QrDecode {
    private QrDecode() {}

    /**
     * The text in the QR code in {@code argb} ({@code width} x {@code height} pixels, row by row).
     *
     * @throws AssertionError if no code can be read
     */
    public static String decode(int[] argb, int width, int height) {
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, argb)));
        try {
            Result r = new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE));
            return r.getText();
        } catch (com.google.zxing.ChecksumException | com.google.zxing.FormatException | NotFoundException e) {
            throw new AssertionError("no QR code could be read: " + e, e);
        }
    }
}
