package dev.wgdesk.app.ui.tray;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;

/**
 * The tray icon's four looks, drawn with Java2D (no AWT toolkit needed, so it also serves the
 * D-Bus tray): a shield in grey (inactive), amber with an arc (activating), green with a tick
 * (active), or pale with a cross (no helper).
 */
public final class TrayIcons {
    private TrayIcons() {}

    /** The icon for {@code state}, {@code size} pixels square. */
    public static BufferedImage draw(TrayMenuModel.IconState state, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        var g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            double s = size / 24.0;
            Path2D shield = new Path2D.Double();
            shield.moveTo(12 * s, 2 * s);
            shield.lineTo(20 * s, 5 * s);
            shield.lineTo(20 * s, 11 * s);
            shield.curveTo(20 * s, 16.25 * s, 16.6 * s, 20.74 * s, 12 * s, 22 * s);
            shield.curveTo(7.4 * s, 20.74 * s, 4 * s, 16.25 * s, 4 * s, 11 * s);
            shield.lineTo(4 * s, 5 * s);
            shield.closePath();
            Color fill = switch (state) {
                case ACTIVE -> new Color(0x1f9d55);
                case ACTIVATING -> new Color(0xd99a00);
                case INACTIVE -> new Color(0x7a8694);
                case DISCONNECTED -> new Color(0xb0b8c1);
            };
            g.setColor(fill);
            g.fill(shield);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke((float) (2 * s), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            if (state == TrayMenuModel.IconState.ACTIVE) {
                g.drawPolyline(new int[] {(int) (8 * s), (int) (11 * s), (int) (16 * s)},
                        new int[] {(int) (12 * s), (int) (15 * s), (int) (9 * s)}, 3);
            } else if (state == TrayMenuModel.IconState.ACTIVATING) {
                g.drawArc((int) (8 * s), (int) (8 * s), (int) (8 * s), (int) (8 * s), 90, 270);
            } else if (state == TrayMenuModel.IconState.DISCONNECTED) {
                g.drawLine((int) (9 * s), (int) (9 * s), (int) (15 * s), (int) (15 * s));
                g.drawLine((int) (15 * s), (int) (9 * s), (int) (9 * s), (int) (15 * s));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * The pixels of {@code img} as ARGB32 in network byte order (A, R, G, B per pixel, row by
     * row), the StatusNotifierItem IconPixmap format.
     */
    public static byte[] argb32(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 4];
        int i = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                out[i++] = (byte) (p >>> 24);
                out[i++] = (byte) (p >>> 16);
                out[i++] = (byte) (p >>> 8);
                out[i++] = (byte) p;
            }
        }
        return out;
    }
}
