package dev.wgdesk.app.ui.tray;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;

/**
 * The tray icon's four looks, drawn with Java2D (no AWT toolkit needed, so it also serves the
 * D-Bus tray): a shield in grey (inactive), amber with an arc (activating), green with a tick
 * (active), or pale with a cross (no helper). For the macOS menu bar, {@link #template} draws
 * the same four as template images: black and transparent only, told apart by shape and
 * opacity, because macOS recolours a template to suit the menu bar (light, dark, highlighted).
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

    /** The shield in the 24 x 24 grid the icons are drawn on. */
    private static Path2D shield() {
        Path2D shield = new Path2D.Double();
        shield.moveTo(12, 2);
        shield.lineTo(20, 5);
        shield.lineTo(20, 11);
        shield.curveTo(20, 16.25, 16.6, 20.74, 12, 22);
        shield.curveTo(7.4, 20.74, 4, 16.25, 4, 11);
        shield.lineTo(4, 5);
        shield.closePath();
        return shield;
    }

    /**
     * The menu-bar (template) look of {@code state}, {@code size} pixels square: only black with
     * varying alpha on transparent. Active: a solid shield with the tick cut out; activating: a
     * half-opaque shield with an arc cut out; inactive: the shield's outline; no helper: a faint
     * outline with a cross.
     */
    public static BufferedImage template(TrayMenuModel.IconState state, int size) {
        BasicStroke mark = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        BasicStroke outline = new BasicStroke(1.75f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        Area shape;
        float alpha;
        switch (state) {
            case ACTIVE -> {
                shape = new Area(shield());
                Path2D tick = new Path2D.Double();
                tick.moveTo(8, 12);
                tick.lineTo(11, 15);
                tick.lineTo(16, 9);
                shape.subtract(new Area(mark.createStrokedShape(tick)));
                alpha = 1f;
            }
            case ACTIVATING -> {
                shape = new Area(shield());
                shape.subtract(new Area(mark.createStrokedShape(new Arc2D.Double(8, 8, 8, 8, 90, 270, Arc2D.OPEN))));
                alpha = 0.6f;
            }
            case INACTIVE -> {
                shape = new Area(outline.createStrokedShape(shield()));
                alpha = 1f;
            }
            case DISCONNECTED -> {
                shape = new Area(outline.createStrokedShape(shield()));
                shape.add(new Area(mark.createStrokedShape(new Line2D.Double(9, 9, 15, 15))));
                shape.add(new Area(mark.createStrokedShape(new Line2D.Double(15, 9, 9, 15))));
                alpha = 0.45f;
            }
            default -> throw new IllegalArgumentException(String.valueOf(state));
        }
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        var g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(new Color(0f, 0f, 0f, alpha));
            Shape scaled = AffineTransform.getScaleInstance(size / 24.0, size / 24.0).createTransformedShape(shape);
            g.fill(scaled);
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
