package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.vm.QrMatrix;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;

/** Draws a {@link QrMatrix} as an image: black modules on white, whatever the theme, with the quiet zone. */
final class QrImages {
    private static final int BLACK = 0xFF000000;
    private static final int WHITE = 0xFFFFFFFF;

    private QrImages() {}

    /**
     * The code at {@code scale} pixels per module, {@link QrMatrix#QUIET_ZONE} white modules
     * around it. One pass over the pixels (a few hundred thousand at most): cheap enough for the
     * FX thread, unlike the encoding.
     */
    static WritableImage render(QrMatrix m, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale " + scale + " < 1");
        }
        int modules = m.size() + 2 * QrMatrix.QUIET_ZONE;
        int px = modules * scale;
        int[] row = new int[px];
        WritableImage img = new WritableImage(px, px);
        PixelWriter w = img.getPixelWriter();
        for (int my = 0; my < modules; my++) {
            for (int mx = 0; mx < modules; mx++) {
                int x = mx - QrMatrix.QUIET_ZONE;
                int y = my - QrMatrix.QUIET_ZONE;
                boolean dark = x >= 0 && y >= 0 && x < m.size() && y < m.size() && m.isDark(x, y);
                java.util.Arrays.fill(row, mx * scale, (mx + 1) * scale, dark ? BLACK : WHITE);
            }
            for (int r = 0; r < scale; r++) {
                w.setPixels(0, my * scale + r, px, 1, javafx.scene.image.PixelFormat.getIntArgbInstance(), row, 0, px);
            }
        }
        return img;
    }

    /** Pixels per module so that the image is about {@code target} pixels wide (at least 2). */
    static int scaleFor(QrMatrix m, int target) {
        return Math.max(2, target / (m.size() + 2 * QrMatrix.QUIET_ZONE));
    }
}
